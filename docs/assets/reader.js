/* reader.js: the reader's switch for person links (templates/unit.html.j2,
 * button.person-toggle, hidden until this script shows it).
 *
 * Hiding sets html[data-person-links="off"]: edition.css then draws the names as
 * plain text (no underline, no pointer), and here they leave the tab order.  The
 * choice is remembered in localStorage ("edition.personLinks" = "off" | "on"),
 * which Chromium and Firefox also keep for pages opened from disk (file://);
 * where storage is refused the switch still works for the page.
 * No network, no library.
 */
(function () {
  "use strict";

  var KEY = "edition.personLinks";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function store(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* private mode, storage off */ }
  }

  function apply(off) {
    if (off) root.setAttribute("data-person-links", "off");
    else root.removeAttribute("data-person-links");
    Array.prototype.forEach.call(document.querySelectorAll(".md-content a.person"), function (a) {
      if (off) a.setAttribute("tabindex", "-1");
      else a.removeAttribute("tabindex");
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.person-toggle"), function (b) {
      b.textContent = off ? "Show links to persons" : "Hide links to persons";
    });
  }

  apply(stored() === "off");

  function init() {
    var buttons = document.querySelectorAll("button.person-toggle");
    if (!document.querySelector(".md-content a.person")) return;   // nothing to switch
    Array.prototype.forEach.call(buttons, function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        var off = root.getAttribute("data-person-links") !== "off";
        store(off ? "off" : "on");
        apply(off);
      });
    });
    apply(stored() === "off");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
