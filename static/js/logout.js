/* Signing out leaves the tab to whoever uses the computer next: the comment drafts this tab
   kept (comments.js, in sessionStorage) go with the session, so nobody reads or posts what
   the reader had half written. */
(function () {
  "use strict";
  var form = document.querySelector('form[action$="/accounts/logout/"]');
  if (!form) { return; }
  form.addEventListener("submit", function () {
    try {
      var store = window.sessionStorage;
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf("parley-draft:") === 0) { store.removeItem(key); }
      }
    } catch (refused) { /* storage refused: nothing was kept */ }
  });
})();
