/* Times in the reader's own clock. The server writes each time in the site's time zone
   (TIME_ZONE), so the page is right without JavaScript and one cached page serves every
   reader; a <time data-local> element (or a <time> inside an element with data-local,
   where the attribute would change a translated sentence) is rewritten here in the reader's zone and the page's
   language, its `datetime` (ISO 8601, with its offset) left as it is, and the site's words
   kept in its title. data-local="datetime": day and time; "time": the time and the zone's
   name (a deadline minutes away). Times added later (the live thread) are rewritten too. */
(function () {
  "use strict";

  if (!window.Intl || !Intl.DateTimeFormat) { return; }
  var language = document.documentElement.lang || undefined;
  var formats = {
    datetime: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
    time: { hour: "2-digit", minute: "2-digit", timeZoneName: "short" }
  };
  var LOCAL = "time[data-local], [data-local] time";
  var writers = {};
  function writer(kind) {
    if (!writers[kind]) {
      try {
        writers[kind] = new Intl.DateTimeFormat(language, formats[kind]);
      } catch (unknownLanguage) {
        writers[kind] = new Intl.DateTimeFormat(undefined, formats[kind]);
      }
    }
    return writers[kind];
  }

  function localise(element) {
    var kind = element.closest("[data-local]").getAttribute("data-local");
    var moment = new Date(element.getAttribute("datetime"));
    if (!formats[kind] || element.hasAttribute("data-site-time") || isNaN(moment.getTime())) {
      return;
    }
    var site = element.textContent;
    var local = writer(kind).format(moment);
    element.setAttribute("data-site-time", site);
    if (!element.title) { element.title = site; }
    element.textContent = local;
    speakLocal(element, site, local);
  }

  /* A comment's own links are named after its date ("Edit your comment of …", in the
     site's zone as the server wrote it): said in the reader's zone too, so that a screen
     reader and the screen give the same time. */
  function speakLocal(element, site, local) {
    var comment = element.closest("article, li");
    if (!comment || site === local) { return; }
    Array.prototype.forEach.call(comment.querySelectorAll("[aria-label]"), function (named) {
      var label = named.getAttribute("aria-label");
      if (label.indexOf(site) !== -1) { named.setAttribute("aria-label", label.split(site).join(local)); }
    });
  }

  function localiseWithin(root) {
    if (root.matches && root.matches(LOCAL)) { localise(root); }
    if (root.querySelectorAll) {
      Array.prototype.forEach.call(root.querySelectorAll(LOCAL), localise);
    }
  }

  localiseWithin(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      Array.prototype.forEach.call(change.addedNodes, localiseWithin);
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
