/* The edit page's "(N minutes left)" kept true while the page is open: counted down from
   the seconds the server gave (not the reader's clock, which may be wrong), in the page's
   language through Intl, as the server words it. When the time is up, the sentence gives
   way to one saying so; the text stays in the box, and the server refuses a late save and
   hands the text back. Without Intl's unit names the count is hidden rather than left to
   go stale. */
(function () {
  "use strict";

  var deadline = document.getElementById("edit-deadline");
  var closed = document.getElementById("edit-closed");
  if (!deadline || !closed) { return; }
  var left = deadline.querySelector(".edit-left");
  var count = deadline.querySelector(".edit-left-count");
  var secondsLeft = parseInt(deadline.getAttribute("data-seconds-left"), 10);
  if (isNaN(secondsLeft)) { return; }
  var endsAt = Date.now() + secondsLeft * 1000;
  var language = document.documentElement.lang || undefined;
  var units = {};
  function unit(name) {
    if (!(name in units)) {
      try {
        units[name] = new Intl.NumberFormat(language, { style: "unit", unit: name, unitDisplay: "long" });
      } catch (unsupported) {
        units[name] = null;
      }
    }
    return units[name];
  }
  // As Django's timeuntil words it ("1 hour, 5 minutes"), rounded down: never more time than
  // is left. Under a minute, the seconds.
  function words(seconds) {
    var minutes = Math.floor(seconds / 60);
    if (minutes < 1) { return unit("second") && unit("second").format(seconds); }
    var hours = Math.floor(minutes / 60);
    if (!unit("minute") || !unit("hour")) { return null; }
    if (hours < 1) { return unit("minute").format(minutes); }
    var text = unit("hour").format(hours);
    return minutes % 60 ? text + ", " + unit("minute").format(minutes % 60) : text;
  }
  var timer = null;
  function update() {
    var seconds = Math.ceil((endsAt - Date.now()) / 1000);
    if (seconds <= 0) {
      window.clearInterval(timer);
      deadline.hidden = true;
      closed.hidden = false;
      closed.textContent = closed.getAttribute("data-text");
      return;
    }
    var text = words(seconds);
    if (text === null) {
      if (left) { left.hidden = true; }
    } else if (count) {
      count.textContent = text;
    }
  }
  update();
  timer = window.setInterval(update, 1000);
  // A tab in the background is woken rarely: coming back, it says at once what is true.
  document.addEventListener("visibilitychange", update);
})();
