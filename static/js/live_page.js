/* The live thread's place on the page (static/js/live.js tells the whole): the region
   its notices are spoken in, and what the live scripts share as window.parleyLive: the
   section, its comments as the page would show them now (fragments), and the "Show N
   replies" lines of collapsed threads. It runs first: without a stream to hear, or a
   browser able to, it shares nothing and the others do nothing. */
(function () {
  "use strict";

  var section = document.getElementById("comments");
  var streamUrl = section && section.getAttribute("data-live-url");
  if (!streamUrl || !window.EventSource || !window.fetch || !window.Promise) { return; }
  var fragmentUrl = section.getAttribute("data-live-fragment-url");
  var ID = "987654321";  // the id in the section's URL patterns

  var region = document.createElement("div");
  region.className = "live-notices";
  region.setAttribute("aria-live", "polite");
  var heading = document.getElementById("comments-title");
  section.insertBefore(region, heading ? heading.nextSibling : section.firstChild);

  /* The heading counts the article's published comments. The stream tells of each one
     published or removed (on this page or another), and the heading follows at once, so
     it never counts fewer or more than the article has: a comment published counts once,
     whoever hears of it again. Counted from the page: the comments it shows published
     (not the reader's own awaiting a verdict, nor a removed one's placeholder). */
  var total = heading ? parseInt(heading.getAttribute("data-count"), 10) : NaN;
  var counted = {};
  Array.prototype.forEach.call(section.querySelectorAll("li.comment[id]"), function (item) {
    var body = item.firstElementChild;
    if (body && body.matches(".comment-body:not(.comment-awaiting)")) {
      counted[item.id.slice(1)] = true;
    }
  });

  function recount(change) {
    if (isNaN(total)) { return; }
    total = Math.max(total + change, 0);
    heading.setAttribute("data-count", String(total));
    heading.textContent = interpolate(
      ngettext("%(count)s comment on “%(title)s”", "%(count)s comments on “%(title)s”", total),
      { count: total, title: heading.getAttribute("data-title") }, true
    );
  }

  function published(id) {
    if (counted[id]) { return; }
    counted[id] = true;
    recount(1);
  }

  /* A removal counts one fewer unless the page shows that comment uncounted (the reader's
     own, awaiting): one on another page was counted when the page was built. */
  function unpublished(id) {
    if (!counted[id] && comment(id)) { return; }
    delete counted[id];
    recount(-1);
  }

  function urlFor(pattern, id) { return pattern.replace(ID, String(id)); }

  function comment(id) { return document.getElementById("c" + id); }

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

  function highlight(item) {
    item.classList.add("live-new");
    item.addEventListener("animationend", function () { item.classList.remove("live-new"); });
  }

  window.parleyLive = {
    section: section,
    streamUrl: streamUrl,
    region: region,
    folded: {},  // live replies counted by a "Show N replies" line: that line, by id
    urlFor: urlFor,
    comment: comment,
    fragment: fragment,
    moreLine: moreLine,
    moreCount: moreCount,
    highlight: highlight,
    published: published,
    unpublished: unpublished
  };
})();
