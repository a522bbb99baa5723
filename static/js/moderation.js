/* Keyboard shortcuts for the moderation queue (progressive enhancement: every action is a
   plain form button without JavaScript). j/k move, x selects, and each action's key
   (a approve or not spam, s spam, r remove, h hold) presses that item's button. */
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  /* Select-all and the keys' help are hidden in the page: they work only from here. */
  document.querySelectorAll(".needs-script").forEach(function (element) {
    element.hidden = false;
  });
  var selectAll = document.getElementById("select-all");
  if (selectAll) {
    selectAll.addEventListener("change", function () {
      document.querySelectorAll('.queue-item input[name="ids"]').forEach(function (box) {
        box.checked = selectAll.checked;
      });
    });
  }
  if (!items.length) { return; }
  var current = -1;

  /* Keys go to what the reader is typing into; a checkbox or a button takes no text, so
     after clicking one the shortcuts still work. */
  function typesText(element) {
    if (!element) { return false; }
    if (element.isContentEditable || element.tagName === "TEXTAREA" || element.tagName === "SELECT") { return true; }
    if (element.tagName !== "INPUT") { return false; }
    var type = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }

  function markItem(index) {
    if (current >= 0) { items[current].classList.remove("is-current"); }
    current = index;
    items[current].classList.add("is-current");
  }

  function focusItem(index) {
    if (index < 0 || index >= items.length) { return; }
    markItem(index);
    items[current].focus();
  }

  /* The keys act on the item the moderator is in: one clicked into or tabbed to becomes
     the current one, so "s" after clicking the third item never marks the first spam. */
  document.addEventListener("focusin", function (event) {
    var item = event.target.closest && event.target.closest(".queue-item");
    var index = item ? items.indexOf(item) : -1;
    if (index !== -1 && index !== current) { markItem(index); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (typesText(target)) { return; }
    var key = event.key;
    if (key === "j") { focusItem(current + 1); event.preventDefault(); return; }
    if (key === "k") { focusItem(Math.max(current - 1, 0)); event.preventDefault(); return; }
    if (current < 0) { return; }
    var item = items[current];
    if (key === "x") {
      var box = item.querySelector('input[name="ids"]');
      if (box) { box.checked = !box.checked; }
      event.preventDefault();
      return;
    }
    var button = item.querySelector('button[data-key="' + key + '"]');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
