/* cite.js: the citation panel of passage pages, and old passage addresses.
 *
 * Data: window.EDITION_CITE, set by the page's data/cite/<text>/<unit>.js
 * (written by edition/cite.py page_cite_data, loaded before this file):
 *   url          published address of the page ("" = none set: use the address it was opened at)
 *   placeholders the strings in the templates to replace: num, heading, scope (list), url, passage
 *   templates    {"paragraph:chapter": {...}, "note:": {...}, ...}: chicago, chicago-bib, mla, apa
 *                {label, text, html, intext?, intext_html?}, bibtex, ris, csl {label, text}
 *   passages     {pid: [template key, number, scope, reading]} (edition/addresses.py)
 *   aliases      {old id: "#new-id" or "other-page.html#new-id"}
 *   landing      on a text's landing page instead: the whole work's forms, filled into
 *                its "Cite this text" list (address and date of the reader)
 * Dates: tokens XXACC-...XX stand for the accessed date (the reader's today), where a style
 * prints one (edition/cite.py fill_accessed is the same in Python).
 *   pdf          the PDF locator of this page's passages without the id ("…/pdf/getty.pdf#ch07-"),
 *                "" when no PDFs are built; the passage id is appended (see edition/addresses.py)
 *
 * Markup it works with (templates/blocks.html.j2): every passage is an element
 * with class "passage" and its permanent id, whose first child is
 * <a class="pnum" href="#p14">.  Clicking the number keeps the link's own
 * behaviour (the address bar shows the passage's address) and opens the
 * panel below the passage; clicking it again, Escape, or the close button
 * closes it.  Buttons with class "cite-copy" and a data-copy attribute (the
 * landing page's "Cite this text") copy their text.
 *
 * No network, no external library; works from file:// (the copy falls back
 * to a hidden textarea where the Clipboard API is not available).
 */
(function () {
  "use strict";

  var data = window.EDITION_CITE || null;
  var ORDER = ["chicago", "chicago-bib", "mla", "apa", "bibtex", "ris", "csl"];

  /* ---------------------------------------------------------- old addresses */
  function followAlias() {
    if (!data || !data.aliases || location.hash.length < 2) return;
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (document.getElementById(id)) return;
    var to = data.aliases[id];
    if (to) location.replace(to);
  }

  /* ---------------------------------------------------------- citations */
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"];
  var SHORT = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function fillAccessed(s, now) {
    var y = now.getFullYear(), m = now.getMonth(), d = now.getDate();
    var forms = {
      "XXACC-MDYXX": MONTHS[m] + " " + d + ", " + y, "XXACC-mDYXX": SHORT[m] + " " + d + ", " + y,
      "XXACC-DMYXX": d + " " + MONTHS[m] + " " + y, "XXACC-DmYXX": d + " " + SHORT[m] + " " + y,
      "XXACC-ISOXX": y + "-" + pad(m + 1) + "-" + pad(d), "XXACC-RISXX": y + "/" + pad(m + 1) + "/" + pad(d),
      "\"XXACC-PARTSXX\"": y + ", " + (m + 1) + ", " + d
    };
    Object.keys(forms).forEach(function (token) { s = s.split(token).join(forms[token]); });
    return s;
  }

  function escapeHtml(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  function pageUrl() {
    return data.url || location.href.split("#")[0];
  }

  function passageUrl(pid) {
    return pageUrl() + "#" + pid;
  }

  function fill(s, values, asHtml) {
    var p = data.placeholders, out = String(s);
    function put(token, value) { out = out.split(token).join(asHtml ? escapeHtml(value) : value); }
    if (values.number != null) { put(p.num, values.number); put(p.heading, values.number); }
    if (values.scope != null) p.scope.forEach(function (token) { put(token, values.scope); });
    if (values.passage != null) put(p.passage, values.passage);
    out = out.split(p.url).join(asHtml ? escapeHtml(values.url) : values.url);
    return fillAccessed(out, new Date());
  }

  function forms(t, values) {
    var out = [];
    ORDER.forEach(function (key) {
      var f = t[key];
      if (!f) return;
      out.push({key: key, label: f.label, text: fill(f.text, values, false),
                html: f.html ? fill(f.html, values, true) : null,
                intext: f.intext ? fill(f.intext, values, false) : null,
                pre: key === "bibtex" || key === "ris" || key === "csl"});
    });
    return out;
  }

  function citations(pid) {
    var entry = data.passages && data.passages[pid];
    if (!entry) return null;
    var t = data.templates[entry[0]], url = passageUrl(pid);
    var values = {number: entry[1], scope: entry[2], url: url, passage: data.unit + "-" + pid};
    var out = [{key: "link", label: "Link", text: url}];
    if (data.pdf) out.push({key: "pdf", label: "In the PDF", text: new URL(data.pdf + pid, location.href).href});
    out = out.concat(forms(t, values));
    return {kind: entry[0].split(":")[0], number: entry[1], reading: entry[3], url: url, forms: out};
  }

  /* The landing page: the whole work, with the address the reader has open and today's date. */
  function fillLanding() {
    if (!data || !data.landing) return;
    var values = {url: pageUrl()};
    forms(data.landing, values).forEach(function (f) {
      var dd = document.querySelector('.cite-text-block dd[data-cite="' + f.key + '"]');
      if (!dd) return;
      var body = dd.querySelector(".cite-text, .cite-pre");
      if (f.pre) body.textContent = f.text; else body.innerHTML = f.html;   // made by edition/cite.py from escaped data
      var button = dd.querySelector("button.cite-copy");
      if (button) button.setAttribute("data-copy", f.text);
    });
  }

  /* ---------------------------------------------------------- copying */
  function copyText(text, button) {
    window.EDITION_LAST_COPY = text;
    function done(ok) {
      var old = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", old);
      button.textContent = ok ? "Copied" : "Press Ctrl+C";
      button.classList.toggle("cite-copied", ok);
      window.setTimeout(function () {
        button.textContent = old;
        button.classList.remove("cite-copied");
      }, 1600);
    }
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.top = "-1000px";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  /* ---------------------------------------------------------- the panel */
  var current = null;     // {panel, passage, opener}

  function element(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text != null) el.textContent = text;
    return el;
  }

  function copyButton(text, what) {
    var b = element("button", "cite-copy", "Copy");
    b.type = "button";
    b.setAttribute("data-copy", text);
    b.setAttribute("aria-label", "Copy " + what);
    return b;
  }

  function buildPanel(pid) {
    var c = citations(pid);
    var panel = element("aside", "cite-panel");
    var headId = "cite-head-" + pid.replace(/[^A-Za-z0-9_-]/g, "-");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", headId);
    panel.setAttribute("data-pid", pid);
    var head = element("div", "cite-head");
    var what = c.kind === "note" ? "note " + c.number : c.kind === "heading" ? "heading “" + c.number + "”"
      : "passage ¶ " + c.number;
    var title = element("p", "cite-title", "Cite " + what);
    title.id = headId;
    var close = element("button", "cite-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close the citation panel");
    close.addEventListener("click", function () { closePanel(true); });
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);
    panel.appendChild(element("p", "cite-explain", "Cited as “" + c.reading + "”: ¶ numbers are this " +
      "edition’s passage numbers (not pages of the print), counted " +
      (c.reading.indexOf(",") > 0 ? "within the chapter or section." : "through the whole text.")));
    var list = element("dl", "cite-list");
    c.forms.forEach(function (f) {
      var dt = element("dt", "cite-label", f.label);
      var dd = element("dd", "cite-" + f.key);
      var body;
      if (f.pre) {
        body = element("pre", "cite-pre", f.text);
        body.tabIndex = 0;                // it may scroll: reachable by keyboard
      } else if (f.html) {
        body = element("span", "cite-text");
        body.innerHTML = f.html;          // generated by edition/cite.py from escaped data
      } else {
        body = element("span", "cite-text cite-url", f.text);
      }
      dd.appendChild(body);
      dd.appendChild(copyButton(f.text, f.label));
      if (f.intext) {
        var it = element("div", "cite-intext");
        it.appendChild(element("span", "cite-intext-label", "In the text: "));
        it.appendChild(element("span", "cite-text", f.intext));
        it.appendChild(copyButton(f.intext, f.label + " in-text citation"));
        dd.appendChild(it);
      }
      list.appendChild(dt);
      list.appendChild(dd);
    });
    panel.appendChild(list);
    return panel;
  }

  function closePanel(refocus) {
    if (!current) return;
    var opener = current.opener;
    current.panel.parentNode.removeChild(current.panel);
    if (opener) opener.setAttribute("aria-expanded", "false");
    current = null;
    if (refocus && opener) opener.focus();
  }

  function openPanel(passage, opener) {
    closePanel(false);
    if (!citations(passage.id)) return;
    var panel = buildPanel(passage.id);
    passage.insertAdjacentElement("afterend", panel);
    opener.setAttribute("aria-expanded", "true");
    current = {panel: panel, passage: passage, opener: opener};
    var first = panel.querySelector(".cite-copy");
    if (first) first.focus({preventScroll: true});
  }

  /* ---------------------------------------------------------- events */
  function onClick(event) {
    var copy = event.target.closest && event.target.closest("button.cite-copy");
    if (copy) {
      copyText(copy.getAttribute("data-copy") || "", copy);
      return;
    }
    var pnum = event.target.closest && event.target.closest("a.pnum");
    if (!pnum || !data || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var passage = pnum.closest(".passage");
    if (!passage || !passage.id) return;
    if (current && current.passage === passage) {
      closePanel(false);
      return;
    }
    openPanel(passage, pnum);          // the link itself still goes to #pid (the address to copy)
  }

  function onKey(event) {
    if (event.key === "Escape" && current) closePanel(true);
  }

  function start() {
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    if (data) {
      Array.prototype.forEach.call(document.querySelectorAll("a.pnum"), function (a) {
        a.setAttribute("aria-haspopup", "dialog");
        a.setAttribute("aria-expanded", "false");
      });
      window.addEventListener("hashchange", followAlias);
      followAlias();
      fillLanding();
    }
  }

  window.EDITION_CITATIONS = function (pid) { return data ? citations(pid) : null; };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
