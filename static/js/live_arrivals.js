/* New comments on the live thread (static/js/live.js tells the whole): they wait behind a
   "N new comments — show" button, so the text does not move under the reader's eyes;
   "show" puts each where the page would, as this reader would see it, or links to it when
   it sits elsewhere; a reply into a collapsed thread joins the replies behind its "Show N
   replies" link, which counts it. */
(function () {
  "use strict";

  var live = window.parleyLive;
  if (!live) { return; }
  var section = live.section, region = live.region, folded = live.folded;
  var comment = live.comment, moreLine = live.moreLine, moreCount = live.moreCount;
  var fragment = live.fragment, urlFor = live.urlFor, highlight = live.highlight;
  var permalinkUrl = section.getAttribute("data-live-permalink-url");
  // Where a new thread goes on this page: "end", "start", or "" (on another page).
  var threadsAt = section.getAttribute("data-live-threads");

  var waiting = [];  // new comments not shown yet, in the order they were published

  var notice = document.createElement("p");
  notice.className = "live-notice";
  notice.hidden = true;
  var showButton = document.createElement("button");
  showButton.type = "button";
  showButton.className = "link-button live-show";
  notice.appendChild(showButton);
  region.insertBefore(notice, region.firstChild);

  function updateNotice() {
    var n = waiting.length;
    notice.hidden = n === 0;
    showButton.textContent = interpolate(
      ngettext("%(count)s new comment — show", "%(count)s new comments — show", n),
      { count: n }, true
    );
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

  /* A new comment heard of waits behind the button (once). */
  live.newHeard = function (news) {
    for (var i = 0; i < waiting.length; i += 1) {
      if (waiting[i].id === news.id) { return; }
    }
    waiting.push(news);
    updateNotice();
  };

  /* A comment removed waits no more; answers whether the reader was told of it. */
  live.newForgotten = function (id) {
    var told = waiting.some(function (other) { return other.id === id; });
    waiting = waiting.filter(function (other) { return other.id !== id; });
    updateNotice();
    return told;
  };
})();
