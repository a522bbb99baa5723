/* Moderating comments where they sit, on a moderator's view of an article (?moderate=1).
   Without JavaScript each button posts its comment's form and the page comes back at that
   comment, with a note saying what happened. Here the same form goes with fetch: the
   comment's label and buttons change in place, a note inside it says what happened, and
   the section's status line (#moderation-live) says it to screen readers. */
(function () {
  "use strict";

  var live = document.getElementById("moderation-live");
  /* Said in the page's language: the JavaScript catalogue (base.html) defines gettext. */
  var UNREADABLE = gettext("Nothing changed: the site's answer could not be read. Reload the page and try again.");
  var UNREACHABLE = gettext("Nothing changed: the site could not be reached. Try again in a moment.");

  var READER_CONTROLS = ".comment-reply-link, .comment-report-link, .comment-pick-link, .comment-votes";

  function buttonsOf(form) {
    return Array.prototype.slice.call(document.querySelectorAll('button[form="' + form.id + '"]'));
  }

  function say(body, text) {
    var line = body.querySelector(".comment-moderation-note");
    if (!line) {
      line = document.createElement("p");
      line.className = "comment-moderation-note";
      body.insertBefore(line, body.querySelector(".comment-content"));
    }
    /* The section's status line speaks; a second live region here would say it twice. */
    line.removeAttribute("role");
    line.textContent = text;
    if (live) { live.textContent = text; }
  }

  function showCounts(counts) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-moderation-count]"), function (count) {
      var kind = count.getAttribute("data-moderation-count");
      if (counts && typeof counts[kind] === "number") { count.textContent = String(counts[kind]); }
    });
  }

  function showStatus(form, body, answer) {
    body.setAttribute("data-moderation-status", answer.status);
    /* What the next button press decides on: the status now shown. */
    var seen = form.querySelector('input[name="seen"]');
    if (seen) { seen.value = answer.status; }
    var state = body.querySelector(".comment-state");
    if (state) {
      state.setAttribute("data-state", answer.status);
      state.textContent = answer.label || "";
      state.hidden = !answer.label;
    }
    buttonsOf(form).forEach(function (button) {
      button.hidden = button.getAttribute("data-to") === answer.status;
    });
    /* Reply, Report, Pick and the votes are for a published comment, as the page renders
       them: one just marked spam or removed offers them no more (each answered "not found"
       or a refusal). A held comment approved here has none: a reload brings them. */
    var published = answer.status === "published";
    Array.prototype.forEach.call(body.querySelectorAll(READER_CONTROLS), function (control) {
      control.hidden = !published;
    });
  }

  /* The comment as the moderator's view shows it now, in place of the one the page was
     loaded with: its words were edited since (by its author, or staff). Its whole body goes,
     buttons and form with it, so the form now names these words as the ones seen, and no
     form pairs the old words with the new. */
  function refresh(item, body, url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("comment " + item.id + ": HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var fresh = holder.content.querySelector("li.comment > .comment-body");
        if (!fresh) { throw new Error("comment " + item.id + ": not in the answer"); }
        item.replaceChild(fresh, body);
        return fresh;
      });
  }

  /* After a refresh, the focus goes to the new body's button like the one pressed. */
  function refocus(fresh, pressed) {
    var form = fresh.querySelector("form.comment-moderate-form");
    var shown = (form ? buttonsOf(form) : []).filter(function (button) { return !button.hidden; });
    var same = shown.filter(function (button) { return button.value === pressed; })[0];
    if (same || shown[0]) { (same || shown[0]).focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("comment-moderate-form")) { return; }
    var submitter = event.submitter;
    var item = document.getElementById("c" + form.getAttribute("data-comment-id"));
    var body = item && item.querySelector(".comment-body");
    if (!submitter || submitter.name !== "action" || !body || !window.fetch) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.append("action", submitter.value);
    var buttons = buttonsOf(form);
    buttons.forEach(function (button) { button.disabled = true; });
    function done() {
      buttons.forEach(function (button) { button.disabled = false; });
      /* The pressed button hides once its comment is in the state it leads to. */
      if (submitter.hidden) {
        var next = buttons.filter(function (button) { return !button.hidden; })[0];
        if (next) { next.focus(); }
      }
    }
    /* Not form.action: the buttons are named "action", and the form's property names them. */
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" }
    })
      .then(function (response) {
        return response.json().catch(function () { return { message: UNREADABLE }; });
      })
      .then(function (answer) {
        if (answer.fragment) {
          return refresh(item, body, answer.fragment).then(function (fresh) {
            showCounts(answer.counts);
            say(fresh, answer.message);
            refocus(fresh, submitter.value);
          }, function () {
            /* The old words stay, with the form that names them: deciding on them is
               refused again, and a reload shows the new ones. */
            say(body, UNREADABLE);
            done();
          });
        }
        if (answer.status) { showStatus(form, body, answer); }
        showCounts(answer.counts);
        say(body, answer.message || UNREADABLE);
        done();
      })
      .catch(function () {
        say(body, UNREACHABLE);
        done();
      });
  });
})();
