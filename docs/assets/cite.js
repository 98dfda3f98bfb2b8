/* cite.js: the citation panel of passage pages, and old passage addresses.
 *
 * Data: window.EDITION_CITE, set by the page's data/cite/<text>/<unit>.js
 * (written by edition/cite.py, loaded before this file):
 *   url          canonical address of the page ("" = use the address it was opened at)
 *   num, placeholder   the two placeholders in the templates: passage number, passage URL
 *   templates    {paragraph: {...}, note: {...}}: chicago, mla, apa {label, text, html, intext?},
 *                bibtex and csl {label, text}
 *   notes        {pid: printed note number} for the note paragraphs of the page
 *   aliases      {old id: "#new-id" or "other-page.html#new-id"}
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
  var ORDER = ["chicago", "mla", "apa", "bibtex", "csl"];

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
  function passageUrl(pid) {
    var base = data.url || location.href.split("#")[0];
    return base + "#" + pid;
  }

  function numberOf(pid) {
    if (data.notes && data.notes[pid]) return data.notes[pid];
    return /^p\d/.test(pid) ? pid.slice(1) : pid;
  }

  function fill(s, number, url) {
    return String(s).split(data.num).join(number).split(data.placeholder).join(url);
  }

  function citations(pid) {
    var kind = data.notes && data.notes[pid] ? "note" : "paragraph";
    var t = data.templates[kind] || data.templates.paragraph;
    var number = numberOf(pid), url = passageUrl(pid), out = [];
    out.push({key: "link", label: "Link", text: url});
    if (data.pdf) out.push({key: "pdf", label: "In the PDF", text: new URL(data.pdf + pid, location.href).href});
    ORDER.forEach(function (key) {
      var f = t[key];
      if (!f) return;
      out.push({key: key, label: f.label, text: fill(f.text, number, url),
                html: f.html ? fill(f.html, number, url) : null,
                intext: f.intext ? fill(f.intext, number, url) : null,
                pre: key === "bibtex" || key === "csl"});
    });
    return {kind: kind, number: number, url: url, forms: out};
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
    var title = element("p", "cite-title", c.kind === "note" ? "Cite note " + c.number : "Cite passage ¶ " + c.number);
    title.id = headId;
    var close = element("button", "cite-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close the citation panel");
    close.addEventListener("click", function () { closePanel(true); });
    head.appendChild(title);
    head.appendChild(close);
    panel.appendChild(head);
    var list = element("dl", "cite-list");
    c.forms.forEach(function (f) {
      var dt = element("dt", "cite-label", f.label);
      var dd = element("dd", "cite-" + f.key);
      var body;
      if (f.pre) {
        body = element("pre", "cite-pre", f.text);
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
    }
  }

  window.EDITION_CITATIONS = function (pid) { return data ? citations(pid) : null; };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
