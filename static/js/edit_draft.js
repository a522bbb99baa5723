/* An edit being typed survives leaving its page another way than saving it (the language
   switcher, Log in, a link followed): kept for this tab (sessionStorage) while it differs
   from the saved text, put back when the page comes back still showing that saved text, and
   forgotten once the form is sent. Under the "parley-draft:" prefix and with its writer, as
   comments.js keeps the comment box, so a sign-out sweeps it (logout.js, comments.js). */
(function () {
  "use strict";

  var form = document.querySelector("form[data-draft-key]");
  var box = form && form.querySelector("textarea[name=comment]");
  if (!box) { return; }
  var key = form.getAttribute("data-draft-key");
  var owner = form.getAttribute("data-draft-owner") || "";
  // The text as the server sent it: on a slow page the reader may have typed before this
  // script ran, and what they typed is not the saved text.
  var saved = box.defaultValue;
  function storage(action) {
    try { return action(window.sessionStorage); } catch (refused) { return null; }
  }
  function keep() {
    storage(function (store) {
      if (box.value === saved) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify({ text: box.value, saved: saved, owner: owner }));
      }
    });
  }
  var kept = storage(function (store) { return JSON.parse(store.getItem(key)); });
  if (box.value !== saved) {
    keep();  // typed before this script ran: that is the newest draft
  } else if (kept && kept.text && kept.owner === owner && kept.saved === saved) {
    // Only over the text it was an edit of: a newer saved text is not overwritten.
    box.value = kept.text;
  }
  box.addEventListener("input", keep);
  form.addEventListener("submit", function () {
    storage(function (store) { store.removeItem(key); });
  });
})();
