/* Vote buttons in place: each comment's vote form (static/js is loaded by the article page)
   is sent with fetch, asking for JSON, and the score, the buttons' pressed state and a
   polite announcement are updated without leaving the page; a vote not counted says why,
   beside the buttons and announced. Without JavaScript the same forms post (or, on the
   page shared by anonymous readers, lead to a page that asks to confirm) and come back to
   the comment. Other readers' votes arrive through the live thread (static/js/live.js),
   which has the same function here show the score ("parley:score"). Words come from the
   page's JavaScript catalogue (gettext, interpolate: templates/base.html). */
(function () {
  "use strict";

  var FIELD = "csrfmiddlewaretoken";
  var live = null;

  function announce(text) {
    if (!live) {
      live = document.createElement("p");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  /* Why a vote was not counted stays in sight beside the comment's buttons, not only in the
     announcement (which a sighted reader never sees), until a vote there counts ("" clears). */
  function refusalShow(form, text) {
    var line = form.nextElementSibling;
    if (!line || !line.classList.contains("comment-vote-refusal")) {
      if (!text) { return; }
      line = document.createElement("p");
      line.className = "comment-vote-refusal";
      form.parentNode.insertBefore(line, form.nextSibling);
    }
    if (text) {
      line.textContent = text;
    } else {
      line.parentNode.removeChild(line);
    }
  }

  function refuse(form, text) {
    refusalShow(form, text);
    announce(text);
  }

  /* The form's own token, else this browser's (the shared page carries none), asked for
     by csrf.js: one request for the page, shared with its other forms. */
  function token(form) {
    var field = form.elements.namedItem(FIELD);
    if (field && field.value) { return Promise.resolve(field.value); }
    if (!window.parleyCsrfToken) { return Promise.reject(new Error("no CSRF script")); }
    return window.parleyCsrfToken();
  }

  /* A comment's score as it now stands, in the page's words: after this reader's vote, and
     after other readers' (the live thread asks with "parley:score"). */
  function scoreShow(item, counts) {
    item.setAttribute("data-score", String(counts.score));
    // The comment's own body comes before its replies'.
    var body = item.querySelector(".comment-body");
    var score = body && body.querySelector(".comment-score");
    if (!score) { return; }
    score.textContent = String(counts.score);
    score.setAttribute("data-up", String(counts.up));
    score.setAttribute("data-down", String(counts.down));
    score.title = interpolate(
      gettext("%(up)s up, %(down)s down"), { up: counts.up, down: counts.down }, true
    );
  }
  document.addEventListener("parley:score", function (event) {
    if (event.target.matches && event.target.matches("li.comment")) {
      scoreShow(event.target, event.detail);
    }
  });

  function show(form, counts) {
    var item = form.closest("li.comment");
    if (item) { scoreShow(item, counts); }
    Array.prototype.forEach.call(form.querySelectorAll("button[data-vote]"), function (button) {
      var way = button.getAttribute("data-vote");
      var pressed = (way === "up" && counts.mine === 1) || (way === "down" && counts.mine === -1);
      button.setAttribute("aria-pressed", pressed ? "true" : "false");
      button.value = pressed ? "none" : way;
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("comment-votes")) { return; }
    var button = event.submitter;
    if (!button || !button.hasAttribute("data-vote")) { return; }
    event.preventDefault();
    var body = new FormData();
    body.append("value", button.value);
    form.setAttribute("aria-busy", "true");
    token(form).then(function (value) {
      body.append(FIELD, value);
      return fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": value }
      });
    }).then(function (response) {
      return response.json().then(function (answer) { return [response.ok, answer]; });
    }).then(function (result) {
      var answer = result[1];
      if (!result[0]) {
        refuse(form, answer.message || gettext("Your vote was not counted."));
        return;
      }
      refusalShow(form, "");
      show(form, answer);
      var said = answer.mine === 1 ? gettext("Voted up. Score %(score)s.")
        : answer.mine === -1 ? gettext("Voted down. Score %(score)s.")
        : gettext("Vote withdrawn. Score %(score)s.");
      announce(interpolate(said, { score: answer.score }, true));
    }).catch(function () {
      refuse(form, gettext("Your vote was not sent. Check your connection and try again."));
    }).then(function () { form.removeAttribute("aria-busy"); });
  });
})();
