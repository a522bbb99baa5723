/* The live thread. An open article page hears of its comments' changes from the stream the
   comment section advertises (data-live-url: Server-Sent Events, comments/views_live.py).
   Without JavaScript or EventSource nothing changes: a reload shows the same.
   - New comments wait behind a "N new comments — show" button, so the text does not move
     under the reader's eyes; "show" puts each where the page would, as this reader would
     see it (data-live-fragment-url), or links to it when it sits elsewhere; a reply into a
     collapsed thread joins the replies behind its "Show N replies" link, which counts it.
   - An edited comment is fetched again; a removed one becomes the page's placeholder, or
     goes when the page would not show it; a removed reply behind "Show N replies" is no
     longer counted.
   - Vote counts change in place (votes.js words them).
   - A verdict on the reader's own pending or held comment is asked for at once
     (comments.js): a moderator's approval or removal shows without a reload.
   Events carry ids and counts only; what a reader may see comes from the fragment.
   Words come from the page's JavaScript catalogue (gettext, ngettext, interpolate:
   templates/base.html). */
(function () {
  "use strict";

  var section = document.getElementById("comments");
  var streamUrl = section && section.getAttribute("data-live-url");
  if (!streamUrl || !window.EventSource || !window.fetch || !window.Promise) { return; }
  var fragmentUrl = section.getAttribute("data-live-fragment-url");
  var permalinkUrl = section.getAttribute("data-live-permalink-url");
  // Where a new thread goes on this page: "end", "start", or "" (on another page).
  var threadsAt = section.getAttribute("data-live-threads");
  var ID = "987654321";  // the id in the section's URL patterns
  var RETRY_MS = 2000, RETRY_MAX_MS = 60000;

  var waiting = [];  // new comments not shown yet, in the order they were published
  var folded = {};  // live replies counted by a "Show N replies" line: that line, by id
  // Where the feed was when the page was built (data-live-from, read before its comments):
  // the first stream resumes there, so nothing published before it opened is missed. What
  // it hears again the page already shows, once (by id).
  var lastEventId = section.getAttribute("data-live-from") || "";
  // Until the page's first stream tells anything or drops: a "reset" then answers the
  // page's own position, not a reader's absence (below).
  var justLoaded = lastEventId !== "";
  var retryMs = RETRY_MS;

  var region = document.createElement("div");
  region.className = "live-notices";
  region.setAttribute("aria-live", "polite");
  var notice = document.createElement("p");
  notice.className = "live-notice";
  notice.hidden = true;
  var showButton = document.createElement("button");
  showButton.type = "button";
  showButton.className = "link-button live-show";
  notice.appendChild(showButton);
  region.appendChild(notice);
  var heading = document.getElementById("comments-title");
  section.insertBefore(region, heading ? heading.nextSibling : section.firstChild);

  function urlFor(pattern, id) { return pattern.replace(ID, String(id)); }

  function comment(id) { return document.getElementById("c" + id); }

  function updateNotice() {
    var n = waiting.length;
    notice.hidden = n === 0;
    showButton.textContent = interpolate(
      ngettext("%(count)s new comment — show", "%(count)s new comments — show", n),
      { count: n }, true
    );
  }

  /* The comment's <li> as the page would show it to this reader; null if it would not. */
  function fragment(id) {
    return fetch(urlFor(fragmentUrl, id), {
      credentials: "same-origin", headers: { "Accept": "text/html" }
    }).then(function (response) {
      if (response.status === 404) { return null; }
      if (!response.ok) { throw new Error("fragment " + id + ": HTTP " + response.status); }
      return response.text().then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        return holder.content.firstElementChild;
      });
    });
  }

  function childList(item) {
    for (var child = item.firstElementChild; child; child = child.nextElementSibling) {
      if (child.tagName === "OL" && child.classList.contains("children")) { return child; }
    }
    var list = document.createElement("ol");
    list.className = "children";
    item.appendChild(list);
    return list;
  }

  function threadList() {
    var list = section.querySelector("ol.comment-list");
    if (list) { return list; }
    list = document.createElement("ol");
    list.className = "comment-list";
    var empty = section.querySelector(".no-comments");
    if (empty) {
      empty.parentNode.replaceChild(list, empty);
    } else {
      section.insertBefore(list, region.nextSibling);
    }
    return list;
  }

  /* The "Show N replies" line of a thread the page shows collapsed (its first comment
     alone), or null. */
  function moreLine(item) {
    for (var child = item.firstElementChild; child; child = child.nextElementSibling) {
      if (child.matches(".comment-more[data-count]")) { return child; }
    }
    return null;
  }

  function moreCount(line, change) {
    var count = Math.max(parseInt(line.getAttribute("data-count"), 10) + change, 0);
    line.setAttribute("data-count", String(count));
    line.hidden = count === 0;
    var link = line.querySelector("a");
    link.textContent = interpolate(
      ngettext("Show %(count)s reply", "Show %(count)s replies", count), { count: count }, true
    );
    return link;
  }

  /* A reply into a collapsed thread goes where a reload puts it, among the replies behind
     the thread's "Show N replies" link, which counts it (once: a comment heard of again is
     left alone). The link is what the reader is shown. */
  function fold(line, news) {
    folded[news.id] = line;
    highlight(line);
    return moreCount(line, 1);
  }

  /* Put a new comment where the page would and answer what to show the reader (the comment,
     or the link to the collapsed replies it joined); null when that is not on this page. */
  function place(item, news) {
    var isReply = news.parent_id && news.parent_id !== news.id;
    if (isReply) {
      var root = comment(news.thread_id);
      var more = root && section.contains(root) && moreLine(root);
      if (more) { return fold(more, news); }
      var parent = comment(news.parent_id);
      if (!parent || !section.contains(parent)) { return null; }
      childList(parent).appendChild(item);
    } else if (threadsAt === "end") {
      threadList().appendChild(item);
    } else if (threadsAt === "start") {
      var list = threadList();
      list.insertBefore(item, list.firstChild);
    } else {
      return null;
    }
    highlight(item);
    return item;
  }

  /* One sentence with the link inside it, wherever the language puts it: the sentence is
     cut at %(link)s before the commenter's name goes in, so no name can move the cut. */
  function linkElsewhere(item, news) {
    var line = document.createElement("p");
    line.className = "live-elsewhere";
    var author = item.querySelector(".comment-author");
    var sentence = author
      ? gettext("A new comment by %(name)s is elsewhere in the conversation: %(link)s")
      : gettext("A new comment is elsewhere in the conversation: %(link)s");
    var around = sentence.split("%(link)s");
    var name = { name: author ? author.textContent : "" };
    var link = document.createElement("a");
    link.href = urlFor(permalinkUrl, news.id);
    link.textContent = gettext("read it");
    line.appendChild(document.createTextNode(interpolate(around[0], name, true)));
    line.appendChild(link);
    var after = around.slice(1).join("");
    if (after) { line.appendChild(document.createTextNode(interpolate(after, name, true))); }
    region.appendChild(line);
    return link;
  }

  function highlight(item) {
    item.classList.add("live-new");
    item.addEventListener("animationend", function () { item.classList.remove("live-new"); });
  }

  function show() {
    var batch = waiting;
    waiting = [];
    updateNotice();
    var focusTarget = null;
    batch.reduce(function (done, news) {
      return done.then(function () {
        if (comment(news.id) || folded[news.id]) { return; }
        return fragment(news.id).then(function (item) {
          if (!item) { return; }
          var shown = place(item, news) || linkElsewhere(item, news);
          focusTarget = focusTarget || shown;
        });
      });
    }, Promise.resolve()).catch(function () {
      // Those not fetched are shown by a reload, as without JavaScript.
    }).then(function () {
      // The button has gone: focus goes to what it showed, so the reader is not lost.
      var target = focusTarget || section;
      if (!target.hasAttribute("tabindex") && target.tagName !== "A") {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    });
  }
  showButton.addEventListener("click", show);

  /* Take the new <li>'s own parts, keeping the replies and the "Show N replies" link the
     page has under it. */
  function replaceOwn(item, fresh) {
    var kept = [];
    for (var child = item.firstElementChild; child; child = child.nextElementSibling) {
      if (child.matches("ol.children, .comment-more")) { kept.push(child); }
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
      if (folded[news.id]) { return; }
      var item = comment(news.id);
      if (item) {
        // Shown as a placeholder (hidden, with published replies) until now.
        if (item.classList.contains("comment-placeholder")) { refresh(news.id); }
        return;
      }
      for (var i = 0; i < waiting.length; i += 1) {
        if (waiting[i].id === news.id) { return; }
      }
      waiting.push(news);
      updateNotice();
    },
    edit: function (news) { refresh(news.id); },
    remove: function (news) {
      var told = waiting.some(function (other) { return other.id === news.id; });
      waiting = waiting.filter(function (other) { return other.id !== news.id; });
      updateNotice();
      var line = countingLine(news, told);
      if (line) { uncount(line); }
      refresh(news.id);
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
