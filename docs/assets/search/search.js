/* Search panel additions: "Search in" buttons (a filter by text) and a line on the query syntax.
 *
 * The texts come from assets/search/texts.js (written by the build:
 * edition/site_assets.py).  A button puts "in:<slug>" into the query (or
 * takes it out, for "All texts"); the search worker (edition/search_worker.js)
 * reads it.  Material re-runs the search on "keyup", so a click sends one.
 */
(function () {
  "use strict";
  var FILTER = /(^|\s)in:[a-z0-9-]+(?=\s|$)/gi;

  function chosen(value) {
    var match = /(?:^|\s)in:([a-z0-9-]+)(?=\s|$)/i.exec(value);
    return match ? match[1].toLowerCase() : "";
  }

  function setUp() {
    var input = document.querySelector(".md-search__input");
    var list = document.querySelector(".md-search-result__list");
    var texts = window.__editionTexts || [];
    if (!input || !list || !texts.length || document.querySelector(".edition-search-filter")) return;

    var bar = document.createElement("div");
    bar.className = "edition-search-filter";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Search in");
    var label = document.createElement("span");
    label.className = "edition-search-filter__label";
    label.textContent = "Search in:";
    bar.appendChild(label);

    var buttons = [];
    [{ slug: "", title: "All texts" }].concat(texts).forEach(function (text) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "edition-search-filter__button";
      button.dataset.text = text.slug;
      button.textContent = text.title;
      button.addEventListener("click", function () {
        var rest = input.value.replace(FILTER, " ").replace(/\s+/g, " ").trim();
        input.value = (rest + (text.slug ? " in:" + text.slug : "")).trim();
        input.focus();
        input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
        mark();
      });
      buttons.push(button);
      bar.appendChild(button);
    });

    var help = document.createElement("p");
    help.className = "edition-search-help";
    help.innerHTML = 'Results link to the passage (¶). <kbd>"central committee"</kbd> finds the words ' +
      "side by side; <kbd>in:getty</kbd> searches one text; a name finds the person's entry first.";

    function mark() {
      var current = chosen(input.value);
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.text === current));
      });
    }
    input.addEventListener("keyup", mark);
    input.addEventListener("input", mark);
    mark();
    list.parentNode.insertBefore(bar, list);
    list.parentNode.insertBefore(help, list);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
