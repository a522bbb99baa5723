/* Progressive enhancement for the comment section. Without JavaScript everything still
   works: the links reload the page, and a reload shows each comment's current state.
   - "Reply" moves the form under the comment instead of reloading the page.
   - A form sent back with errors: the summary of the errors takes focus.
   - After a post, what became of the comment is announced.
   - The poster's own comment that is being checked, or held for a moderator, turns into its
     verdict in place.
   - What the reader is writing survives their leaving the page another way than by posting
     it (the language switcher, Log in, a link followed). */
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }

  /* After a post the page opens at the new comment with its status line already written
     (after a report, at the comment reported or the top of the section, with a thank-you),
     and a live region's words present at load are not spoken: write them again (the same
     words, in a new text node, never blank meanwhile) once the page has settled, so a screen
     reader announces what became of the comment. */
  var landed = window.location.hash && document.getElementById(window.location.hash.slice(1));
  var said = landed && landed.querySelector(
    ".comment-status[role=status], .section-notice[role=status], .follow-notice[role=status]");
  if (said && said.textContent.trim()) {
    var words = said.textContent;
    window.setTimeout(function () {
      if (said.textContent === words) { said.textContent = words; }
    }, 150);
  }

  /* Back (or Forward) to a page a comment was sent from would show it as it was before
     the post, the text still in the box as if it had not been posted, and a reader may
     post it twice. Once the post has landed (its page was shown), that page is reloaded,
     so it shows what is true now: the comment in the thread, the box empty. A post that
     never landed (the connection dropped) was not posted as far as the reader knows: the
     page stays as it was, text and name in their boxes, and its text is the draft again. */
  var SENT = "parley-sent";
  function sentFrom() {
    return storage(function (store) { return JSON.parse(store.getItem(SENT)) || []; }) || [];
  }
  function cameBack(persisted) {
    var entry = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    if (!persisted && !(entry && entry.type === "back_forward")) { return false; }
    var sent = sentFrom();
    var here = sent.filter(function (one) { return one.url === window.location.href; })[0];
    if (!here) { return false; }
    storage(function (store) {
      store.setItem(SENT, JSON.stringify(sent.filter(function (one) { return one !== here; })));
      if (!here.landed && here.draft && !store.getItem(here.key)) {
        store.setItem(here.key, here.draft);
      }
    });
    if (here.landed) { window.location.reload(); }
    return !!here.landed;
  }
  window.addEventListener("pageshow", function (event) { if (event.persisted) { cameBack(true); } });
  if (cameBack(false)) { return; }
  if (said && landed.classList.contains("comment")) {
    storage(function (store) {
      var sent = sentFrom();
      var last = sent[sent.length - 1];
      if (last) {
        sent[sent.length - 1] = { url: last.url, key: last.key, landed: true };
        store.setItem(SENT, JSON.stringify(sent));
      }
    });
  }

  /* Ask for the verdict of each own comment being checked or held; the server words the
     answer. While the live thread's stream is open (static/js/live.js marks the section),
     asking waits for its word ("parley:verdict"); without it, or while it is down, a comment
     being checked is asked about on its own. A held one waits for a moderator, maybe for
     days: only the stream's word, while it is open, asks about it. */
  var POLL_MS = 400, GIVE_UP_MS = 120000;
  var section = document.getElementById("comments");
  function liveOpen() {
    return !!section && section.getAttribute("data-live-state") === "open";
  }
  function watch(line) {
    var url = line.getAttribute("data-status-url");
    var started = Date.now();
    var timer = null;
    function pending() { return line.getAttribute("data-status") === "pending"; }
    function later(ms) {
      window.clearTimeout(timer);
      if (pending() && Date.now() - started < GIVE_UP_MS && !liveOpen()) {
        timer = window.setTimeout(ask, ms);
      }
    }
    function ask() {
      window.clearTimeout(timer);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) {
          if (answer && answer.status !== line.getAttribute("data-status")) {
            line.setAttribute("data-status", answer.status);
            line.textContent = answer.text;
            line.classList.toggle("comment-awaiting-moderation", answer.status === "held");
            var body = line.closest(".comment-body");
            if (body && answer.status === "published") { body.classList.remove("comment-awaiting"); }
          }
          later(POLL_MS);
        })
        .catch(function () { later(POLL_MS * 5); });
    }
    line.addEventListener("parley:verdict", function () {
      if (pending() || (line.getAttribute("data-status") === "held" && liveOpen())) { ask(); }
    });
    if (pending()) { timer = window.setTimeout(ask, POLL_MS); }
  }
  Array.prototype.forEach.call(document.querySelectorAll(".comment-status[data-status-url]"), watch);

  var respond = document.getElementById("respond");
  var replyTo = document.getElementById("id_reply_to");
  if (!respond || !replyTo) { return; }
  var home = document.createElement("div");
  home.id = "respond-home";
  respond.parentNode.insertBefore(home, respond);
  var banner = document.getElementById("replying-to");
  var bannerName = document.getElementById("replying-to-name");
  var cancel = document.getElementById("cancel-reply");
  // Buttons of the form that post no comment: the form comes back with the text in it.
  var PAGE_BUTTONS = ["cancel-reply", "forget-details"];
  var textarea = document.getElementById("id_comment");

  /* Moves the form under the comment `link` replies to; false if that comment is not here. */
  function replyUnder(link) {
    var item = document.getElementById("c" + link.getAttribute("data-comment-id"));
    var body = item && item.querySelector(".comment-body");
    if (!body) { return false; }
    body.parentNode.insertBefore(respond, body.nextSibling);
    replyTo.value = link.getAttribute("data-comment-id");
    bannerName.textContent = link.getAttribute("data-name");
    banner.hidden = false;
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".comment-reply-link") : null;
    if (!link || !replyUnder(link)) { return; }
    event.preventDefault();
    keepDraft();
    if (textarea) { textarea.focus(); }
  });

  /* The draft: kept for this tab (sessionStorage) per article while it is written, put back
     in an empty comment box when the article comes back (under the comment it replied to,
     if that is on the page), and forgotten once the form is sent; a form sent back with
     errors holds its text, and keeps it again. Where storage is refused, nothing is kept.
     Each draft names who wrote it (an account's id, or nobody for a guest): a page for
     someone else drops every draft written under an account, so whoever takes the tab after
     a sign-out never sees it, even when the sign-out page's sweep (logout.js) did not run. */
  var form = document.getElementById("commentform");
  var target = document.getElementById("id_object_pk");
  var draftKey = target && "parley-draft:" + target.value;
  var owner = form ? form.getAttribute("data-draft-owner") || "" : "";
  function storage(action) {
    try { return action(window.sessionStorage); } catch (refused) { return null; }
  }
  function keepDraft() {
    if (!form || !textarea || !draftKey) { return; }
    storage(function (store) {
      if (textarea.value.trim()) {
        store.setItem(draftKey, JSON.stringify(
          { text: textarea.value, replyTo: replyTo.value, owner: owner }));
      } else {
        store.removeItem(draftKey);
      }
    });
  }
  if (form) {
    // A guest's draft is theirs to carry into an account they sign in to; an account's draft
    // is nobody else's.
    storage(function (store) {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (!key || key.indexOf("parley-draft:") !== 0) { continue; }
        var writer;
        try { writer = (JSON.parse(store.getItem(key)) || {}).owner || ""; } catch (bad) { writer = "?"; }
        if (writer && writer !== owner) { store.removeItem(key); }
      }
    });
  }
  if (form && textarea && draftKey) {
    var kept = storage(function (store) { return JSON.parse(store.getItem(draftKey)); });
    if (kept && kept.text && !textarea.value.trim()) {
      textarea.value = kept.text;
      var keptLink = /^[1-9][0-9]*$/.test(kept.replyTo || "") && replyTo.value === "0" &&
        document.querySelector('.comment-reply-link[data-comment-id="' + kept.replyTo + '"]');
      if (keptLink) { replyUnder(keptLink); }
    }
    // A form sent back with errors holds its text, forgotten here when it was sent: keep it
    // again, so leaving to log in or to change the language does not lose it.
    if (textarea.value.trim()) { keepDraft(); }
    textarea.addEventListener("input", keepDraft);
    form.addEventListener("submit", function (event) {
      if (event.submitter && PAGE_BUTTONS.indexOf(event.submitter.id) !== -1) { return; }
      storage(function (store) {
        var sent = sentFrom().filter(function (one) { return one.url !== window.location.href; });
        sent.push({ url: window.location.href, key: draftKey, draft: store.getItem(draftKey) });
        store.setItem(SENT, JSON.stringify(sent.slice(-5)));
        store.removeItem(draftKey);
      });
    });
  }

  /* While the post is on its way (a slow connection, or csrf.js fetching the token first)
     the button says so, and a screen reader hears it; a second press sends nothing, so the
     reader who sees no change does not post twice (the server also takes a second copy
     from the same browser as the first, comments.services.posting). aria-disabled, not
     disabled: the button keeps the focus. The page coming back from the back-forward cache,
     or a navigation that went nowhere, gives the button back. */
  var submit = document.getElementById("submit");
  var submitStatus = document.getElementById("submit-status");
  var GIVE_BACK_MS = 30000;
  var sending = null;
  function sendingShown(on) {
    if (!submit) { return; }
    window.clearTimeout(sending);
    if (!on) { went = false; }
    sending = on ? window.setTimeout(function () { sendingShown(false); }, GIVE_BACK_MS) : null;
    if (on && !submit.hasAttribute("data-label")) {
      submit.setAttribute("data-label", submit.textContent);
    }
    submit.textContent = on ? submit.getAttribute("data-sending-label")
      : submit.getAttribute("data-label") || submit.textContent;
    if (on) { submit.setAttribute("aria-disabled", "true"); } else { submit.removeAttribute("aria-disabled"); }
    if (submitStatus) { submitStatus.textContent = on ? submit.getAttribute("data-sending-status") : ""; }
  }
  // Whether a submit has gone on its way: csrf.js holds back the first while it fetches the
  // token, then sends it again; any submit after one that went is a second press.
  var went = false;
  if (form && submit) {
    form.addEventListener("submit", function (event) {
      if (event.submitter && PAGE_BUTTONS.indexOf(event.submitter.id) !== -1) { return; }
      if (went) { event.preventDefault(); return; }
      went = !event.defaultPrevented;
      sendingShown(true);
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { sendingShown(false); }
    });
  }

  if (cancel) {
    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      home.parentNode.insertBefore(respond, home.nextSibling);
      replyTo.value = "0";
      banner.hidden = true;
      keepDraft();
      if (textarea) { textarea.focus(); }
    });
  }
})();
