/* Progressive enhancement for the comment section: "Reply" moves the form under the
   comment instead of reloading the page. Without JavaScript the links still work. */
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var replyTo = document.getElementById("id_reply_to");
  if (!respond || !replyTo) { return; }
  var home = document.createElement("div");
  home.id = "respond-home";
  respond.parentNode.insertBefore(home, respond);
  var banner = document.getElementById("replying-to");
  var bannerName = document.getElementById("replying-to-name");
  var cancel = document.getElementById("cancel-reply");
  var textarea = document.getElementById("id_comment");

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link) { return; }
    var item = document.getElementById("c" + link.getAttribute("data-comment-id"));
    var body = item && item.querySelector(".comment-body");
    if (!body) { return; }
    event.preventDefault();
    body.parentNode.insertBefore(respond, body.nextSibling);
    replyTo.value = link.getAttribute("data-comment-id");
    bannerName.textContent = link.getAttribute("data-name");
    banner.hidden = false;
    if (textarea) { textarea.focus(); }
  });

  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      replyTo.value = "0";
      banner.hidden = true;
      if (textarea) { textarea.focus(); }
    });
  }
})();
