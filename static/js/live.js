/* The live thread. An open article page hears of its comments' changes from the stream the
   comment section advertises (data-live-url: Server-Sent Events, comments/views_live.py).
   Without JavaScript or EventSource nothing changes: a reload shows the same.
   - New comments wait behind a "N new comments — show" button, so the text does not move
     under the reader's eyes; "show" puts each where the page would, as this reader would
     see it (data-live-fragment-url), or links to it when it sits elsewhere; a reply into a
     collapsed thread joins the replies behind its "Show N replies" link, which counts it.
   - An edited comment is fetched again; a removed one becomes the page's placeholder, or
     goes when the page would not show it (a placeholder with its last reply); a removed
     reply behind "Show N replies" is no longer counted.
   - The heading's count of comments follows each one published or removed at once.
   - Vote counts change in place (votes.js words them).
   - A verdict on the reader's own pending or held comment is asked for at once
     (comments.js): a moderator's approval or removal shows without a reload.
   Events carry ids and counts only; what a reader may see comes from the fragment.
   The scripts, in the order the page loads them: live_page.js (the region, and what they
   share), live_arrivals.js (new comments), live_changes.js (edits and removals), and this one
   (the stream, votes, verdicts and resets).
   Words come from the page's JavaScript catalogue (gettext, ngettext, interpolate:
   templates/base.html). */
(function () {
  "use strict";

  var live = window.parleyLive;
  if (!live) { return; }
  var section = live.section, region = live.region, comment = live.comment;
  var streamUrl = live.streamUrl;
  var RETRY_MS = 2000, RETRY_MAX_MS = 60000;

  // Where the feed was when the page was built (data-live-from, read before its comments):
  // the first stream resumes there, so nothing published before it opened is missed. What
  // it hears again the page already shows, once (by id).
  var lastEventId = section.getAttribute("data-live-from") || "";
  // Until the page's first stream tells anything or drops: a "reset" then answers the
  // page's own position, not a reader's absence (below).
  var justLoaded = lastEventId !== "";
  var retryMs = RETRY_MS;

  /* votes.js shows the score, in the page's words, as it does after the reader's own vote. */
  function setScore(news) {
    var item = comment(news.id);
    if (!item) { return; }
    item.dispatchEvent(new CustomEvent("parley:score", { bubbles: true, detail: news }));
  }

  /* comments.js asks for the verdict of each comment of the reader's awaiting one that
     hears: pending, or held for a moderator. */
  function askVerdicts(id) {
    var selector = '.comment-status[data-status="pending"], .comment-status[data-status="held"]';
    var lines = id ? (comment(id) ? comment(id).querySelectorAll(selector) : [])
      : section.querySelectorAll(selector);
    Array.prototype.forEach.call(lines, function (line) {
      line.dispatchEvent(new CustomEvent("parley:verdict"));
    });
  }

  function resetNotice() {
    if (region.querySelector(".live-reset")) { return; }
    var line = document.createElement("p");
    line.className = "live-reset";
    line.appendChild(document.createTextNode(
      gettext("The conversation changed while you were away.") + " "
    ));
    var reload = document.createElement("button");
    reload.type = "button";
    reload.className = "link-button";
    reload.textContent = gettext("Reload");
    reload.addEventListener("click", function () { window.location.reload(); });
    line.appendChild(reload);
    region.appendChild(line);
  }

  function data(event) {
    justLoaded = false;
    if (event.lastEventId) { lastEventId = event.lastEventId; }
    try { return JSON.parse(event.data); } catch (error) { return null; }
  }

  var handlers = {
    comment: function (news) {
      live.published(news.id);
      if (live.folded[news.id]) { return; }
      var item = comment(news.id);
      if (item) {
        // Shown as a placeholder (hidden, with published replies) until now.
        if (item.classList.contains("comment-placeholder")) { live.refresh(news.id); }
        return;
      }
      live.newHeard(news);
    },
    edit: function (news) { live.refresh(news.id); },
    remove: function (news) {
      live.unpublished(news.id);
      live.removed(news, live.newForgotten(news.id));
    },
    score: setScore,
    status: function (news) { askVerdicts(news.id); }
  };

  function setState(state) {
    section.setAttribute("data-live-state", state);
    // Verdicts given while the stream was not listening are asked for now; while it is
    // down, comments.js goes back to asking on its own.
    askVerdicts(null);
  }

  function connect() {
    var url = streamUrl;
    if (lastEventId) {
      // A stream opened afresh (the page's first, or after the browser gave up; not the
      // browser's own reconnection, which sends Last-Event-ID) says where it was.
      url += (url.indexOf("?") < 0 ? "?" : "&") + "last=" + encodeURIComponent(lastEventId);
    }
    var source = new EventSource(url);
    source.addEventListener("open", function () {
      retryMs = RETRY_MS;
      setState("open");
    });
    source.addEventListener("error", function () {
      justLoaded = false;
      setState("down");
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error answer): try again later, slower each time.
        window.setTimeout(connect, retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      }
    });
    Object.keys(handlers).forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        var news = data(event);
        if (news && news.id) { handlers[kind](news); }
      });
    });
    // Where the stream starts, so a stream this script reopens resumes from there.
    source.addEventListener("position", data);
    source.addEventListener("reset", function (event) {
      var answersPage = justLoaded;
      var news = data(event);
      // The feed cannot reach back to where the page was built (Redis or the server lost it
      // since the page was stored): the page is as new as its loading, so it starts from
      // here, as it did without a position. Told to reload, the reader would be given the
      // same stored page and the same answer. Unless the feed holds what was published
      // since and cannot tell all of it (trimmed past the page): that changed the page,
      // which a reload shows.
      if (answersPage && !(news && news.missed)) { return; }
      resetNotice();
      // A verdict may have been among what was lost.
      askVerdicts(null);
    });
  }

  connect();
})();
