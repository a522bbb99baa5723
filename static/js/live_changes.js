/* Changed comments on the live thread (static/js/live.js tells the whole): an edited
   comment is fetched again; a removed one becomes the page's placeholder, or goes when the
   page would not show it (a placeholder goes with its last reply); a removed reply behind
   "Show N replies" is no longer counted. */
(function () {
  "use strict";

  var live = window.parleyLive;
  if (!live) { return; }
  var section = live.section, folded = live.folded;
  var comment = live.comment, fragment = live.fragment;
  var moreLine = live.moreLine, moreCount = live.moreCount;

  /* Take the new <li>'s own parts, keeping the replies and the "Show N replies" link the
     page has under it, and the reply form a reader is writing under it (comments.js moves
     it there): their text must not go with the comment's old parts. */
  function replaceOwn(item, fresh) {
    var focused = document.activeElement;
    var kept = [];
    for (var child = item.firstElementChild; child; child = child.nextElementSibling) {
      if (child.matches("ol.children, .comment-more, #respond")) { kept.push(child); }
    }
    var depth = (item.className.match(/\bdepth-\d+\b/) || [""])[0];
    item.className = depth ? fresh.className.replace(/\bdepth-\d+\b/, depth) : fresh.className;
    if (fresh.hasAttribute("data-score")) {
      item.setAttribute("data-score", fresh.getAttribute("data-score"));
    }
    while (item.firstChild) { item.removeChild(item.firstChild); }
    Array.prototype.slice.call(fresh.childNodes).forEach(function (node) {
      if (!(node.nodeType === 1 && node.matches("ol.children, .comment-more"))) {
        item.appendChild(node);
      }
    });
    kept.forEach(function (node) { item.appendChild(node); });
    // Moved back in, the form has lost the focus the reader was typing with.
    if (focused && focused !== document.activeElement && item.contains(focused)) {
      focused.focus();
    }
  }

  /* Whether a removed comment leaves a placeholder: it has replies on the page, shown or
     counted behind its "Show N replies" line (which the placeholder keeps). */
  function hasReplies(item) {
    var more = moreLine(item);
    if (more && parseInt(more.getAttribute("data-count"), 10) > 0) { return true; }
    for (var child = item.firstElementChild; child; child = child.nextElementSibling) {
      if (child.matches("ol.children") && child.querySelector("li:not([hidden])")) {
        return true;
      }
    }
    return false;
  }

  /* A comment that leaves the page hands back the reply form a reader is writing under it,
     with its text and focus, to the form's place below the thread; posting it then says
     the comment is gone and offers it as a new comment. */
  function formHome(item) {
    var respond = document.getElementById("respond");
    var home = document.getElementById("respond-home");
    if (!respond || !home || !item.contains(respond)) { return; }
    var focused = respond.contains(document.activeElement) ? document.activeElement : null;
    home.parentNode.insertBefore(respond, home.nextSibling);
    if (focused) { focused.focus(); }
  }

  /* Show a comment on the page as it is now: edited, removed, or back. */
  function refresh(id) {
    var item = comment(id);
    if (!item || !section.contains(item)) { return; }
    fragment(id).then(function (fresh) {
      if (fresh) {
        replaceOwn(item, fresh);
      } else if (hasReplies(item)) {
        var placeholder = document.createElement("li");
        placeholder.className = "comment comment-placeholder";
        var text = document.createElement("p");
        text.className = "comment-placeholder-text";
        text.textContent = gettext("[removed]");
        placeholder.appendChild(text);
        replaceOwn(item, placeholder);
      } else {
        var above = item.parentNode.parentNode;  // the comment it replies to, if any
        formHome(item);
        if (!item.contains(document.activeElement)) {
          item.parentNode.removeChild(item);
        } else {
          item.hidden = true;
        }
        leaveIfEmpty(above);
      }
    }).catch(function () {});
  }

  /* A removed comment kept for its replies goes with the last of them, as on a reload. */
  function leaveIfEmpty(item) {
    if (item.classList.contains("comment-placeholder") && !hasReplies(item)) {
      refresh(item.id.slice(1));
    }
  }

  /* The "Show N replies" line that counts a removed reply, or null: the line it joined
     live, or else its collapsed thread's, which counts every published reply the page was
     built with (one the reader was told of but has not shown was never counted). */
  function countingLine(news, told) {
    var line = folded[news.id];
    if (line) {
      delete folded[news.id];
      return line;
    }
    var reply = news.thread_id && news.thread_id !== news.id;
    if (told || !reply || comment(news.id)) { return null; }
    var root = comment(news.thread_id);
    return root && section.contains(root) ? moreLine(root) : null;
  }

  /* One reply fewer behind the line. */
  function uncount(line) {
    moreCount(line, -1);
    leaveIfEmpty(line.parentNode);
  }

  live.refresh = refresh;

  /* A comment removed: the line that counted it counts one fewer, and the page shows it
     as it is now. `told`: the reader was told of it as new, and has not shown it. */
  live.removed = function (news, told) {
    var line = countingLine(news, told);
    if (line) { uncount(line); }
    refresh(news.id);
  };
})();
