/* Forms on a page shared by every reader (the cached article page) carry no CSRF token, so
   the same bytes can be served to everyone. The first time such a form is used (focus inside
   it, or sending it), ask the site for this browser's token (the answer also sets the CSRF
   cookie), put it in every form that posts, then let the form go. Without JavaScript the
   post is refused, and the refusal page hands the comment back in a form that has a token. */
(function () {
  "use strict";

  var script = document.currentScript;
  var url = script && script.getAttribute("data-csrf-url");
  var FIELD = "csrfmiddlewaretoken";
  var asking = null;
  if (!url) { return; }

  function posts(form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post";
  }

  function lacksToken(form) {
    var field = form.elements.namedItem(FIELD);
    return posts(form) && (!field || !field.value);
  }

  function fillAll(token) {
    Array.prototype.forEach.call(document.forms, function (form) {
      if (!posts(form)) { return; }
      var field = form.elements.namedItem(FIELD);
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = FIELD;
        form.insertBefore(field, form.firstChild);
      }
      if (!field.value) { field.value = token; }
    });
  }

  /* One request however many forms ask; a failed one may be tried again later. */
  function askForToken() {
    if (!asking) {
      asking = fetch(url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) {
          if (!response.ok) { throw new Error("CSRF token: HTTP " + response.status); }
          return response.json();
        })
        .then(function (answer) { fillAll(answer.token); return answer.token; })
        .catch(function (error) { asking = null; throw error; });
    }
    return asking;
  }
  // Other scripts ask through this request too: each answer to a browser without the
  // cookie makes it a new one, and the last to land replaces the cookie the others' tokens
  // belong to.
  window.parleyCsrfToken = askForToken;

  document.addEventListener("focusin", function (event) {
    var form = event.target.form;
    if (form instanceof HTMLFormElement && lacksToken(form)) { askForToken().catch(function () {}); }
  });

  /* Captured before any other handler sees the submit. Should the token not come, the form
     is sent as it is: the refusal page says why and keeps what was written. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !lacksToken(form)) { return; }
    event.preventDefault();
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    function send() {
      if (form.requestSubmit && !lacksToken(form)) {
        form.requestSubmit(submitter);
      } else {
        HTMLFormElement.prototype.submit.call(form);
      }
    }
    askForToken().then(send, send);
  }, true);
})();
