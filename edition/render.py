"""The writer: turn the document tree into site pages (``edition.pages.Site``).

Every page body is rendered by a Jinja2 template from ``templates/`` with
autoescaping on; inline text is escaped here, token by token, so a ``<``,
``{{ }}`` or ``*`` in a source is shown as printed and never becomes markup.

    Block(para, "Yezhov⟨note:n3⟩ <b>", pid="p14")
    -> <p class="passage" id="p14"><a class="pnum" href="#p14">14</a>Yezhov<sup id="fnref:ch01-n3">
       <a class="footnote-ref" href="#fn:ch01-n3" role="doc-noteref">3</a></sup> &lt;b&gt;</p>
"""
from __future__ import annotations

import functools
import html
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .addresses import live_units, passage_label, pdf_destination, report_url, text_url, unit_url
from .model import TOKEN_RE, Block, Edition, Note, Text, Unit, plain
from .notes.core import note_id, ref_id
from .pages import NavItem, Page, Site, TocEntry


# ---------------------------------------------------------------- inline text
@dataclass
class InlineContext:
    """Where inline text is rendered: the page, the unit (for note ids)."""

    page_url: str
    unit_slug: str = ""
    ref_counts: dict[str, int] = field(default_factory=dict)
    person_url: object = None          # function(person_id) -> site-relative url
    note_labels: dict[str, str] = field(default_factory=dict)

    def rel(self, url: str) -> str:
        return _relative(url, posixpath.dirname(self.page_url) or ".")


@functools.lru_cache(maxsize=8192)
def _relative(url: str, base: str) -> str:
    return posixpath.relpath(url, base)


@functools.lru_cache(maxsize=8192)
def _person_href(person_id: str, base: str, person_url) -> str:
    return html.escape(_relative(person_url(person_id), base))


LINK_SCHEMES = ("http", "https", "mailto")     # the only links a source's markup may make


def render_inline(text: str, ctx: InlineContext) -> Markup:
    """Escape source text and turn its tokens into HTML.

    Every token value that lands in an attribute is escaped (quotes included);
    a link is made only for an http, https or mailto URL (else its words stay
    plain text)."""
    out: list[str] = []
    pos = 0
    open_links: list[str] = []
    for m in TOKEN_RE.finditer(text):
        out.append(html.escape(text[pos:m.start()], quote=False))
        pos = m.end()
        out.append(_token_html(m.group(1), m.group(2), ctx, open_links))
    out.append(html.escape(text[pos:], quote=False))
    out.extend("</a>" for kind in open_links if kind)
    return Markup("".join(out))


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _token_html(kind: str, value: str, ctx: InlineContext, open_links: list[str]) -> str:
    if kind == "note":
        n = ctx.ref_counts.get(value, 0) + 1
        ctx.ref_counts[value] = n
        label = _attr(ctx.note_labels.get(value, value))
        return (f'<sup id="{_attr(ref_id(ctx.unit_slug, value, n))}"><a class="footnote-ref" '
                f'href="#{_attr(note_id(ctx.unit_slug, value))}" role="doc-noteref" '
                f'aria-label="Note {label}">{label}</a></sup>')
    if kind == "orphan":
        return _orphan_html(_attr(value))
    if kind == "person":
        open_links.append("person")
        href = _person_href(value, posixpath.dirname(ctx.page_url) or ".", ctx.person_url)
        return f'<a class="person" data-person="{_attr(value)}" href="{href}">'
    if kind == "/person" or kind == "/link":
        return "</a>" if open_links and open_links.pop() else ""
    if kind == "link":
        if urlsplit(value).scheme.lower() in LINK_SCHEMES and not any(c.isspace() for c in value):
            open_links.append("link")
            return f'<a class="external" href="{_attr(value)}" rel="noopener">'
        open_links.append("")                   # not a link we make: its words stay text
        return ""
    if kind == "speaker":
        return '<span class="speaker">'
    if kind == "stage":
        return '<span class="stage-direction">'
    if kind == "attribution":
        return '<span class="attribution">'
    if kind in ("/speaker", "/stage", "/attribution"):
        return "</span>"
    if kind in ("em", "strong"):
        return f"<{kind}>"
    if kind in ("/em", "/strong"):
        return f"</{kind[1:]}>"
    if kind == "br":
        return "<br>"
    if kind == "unclear":
        return f'<span class="unclear" title="Unclear; the witness reads: {html.escape(value)}">'
    if kind == "/unclear":
        return "</span>"
    return ""


def _orphan_html(label: str) -> str:
    """A marker whose note the witness lost: the print had the note, the OCR dropped its
    text.  The explanation is part of the page (read by screen readers, shown on hover,
    focus or touch by edition.css), not a ``title`` a phone never shows.

        _orphan_html("7") -> <sup class="orphan-marker" tabindex="0" ...>7<span
        class="orphan-explain" data-search-exclude>Note 7 is lost: ...</span></sup>
    """
    return (f'<sup class="orphan-marker" tabindex="0">{label}'
            f'<span class="orphan-explain" data-search-exclude> Note {label} is lost: the '
            f'printed book has this note, but its text did not survive in the scanned copy (OCR) '
            f'this edition is made from.</span></sup>')


# ---------------------------------------------------------------- templates
def environment(root: Path) -> Environment:
    from .mkdocs_hooks import template_cache
    env = Environment(loader=FileSystemLoader(str(root / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, bytecode_cache=template_cache(str(root)))
    env.globals["passage_label"] = passage_label
    return env


# ---------------------------------------------------------------- pages
REPORT_SECTIONS = [("witness", "Witness"), ("counts", "Counts"), ("rules", "Corrections by rule"),
                   ("emendations", "Emendations and restorations"), ("notes", "Notes per page"),
                   ("pages", "Pages"), ("lexicon", "Words unknown to the lexicon"),
                   ("corrections", "OCR corrections"), ("warnings", "Warnings"), ("dropped", "Left out")]
READER_SCRIPT = "assets/reader.js"      # the reader's switch for person links (docs/assets/)


class Writer:
    """Renders every page of the edition from one document tree."""

    def __init__(self, edition: Edition, pdfs: dict | None = None):
        self.edition = edition
        self.pdfs = pdfs or {}            # slug -> edition.pdf.produce.PdfFile (url, pages, size, page_of)
        self.root = Path(edition.root)
        self.env = environment(self.root)
        self.person_url = _person_url_function()
        self._addresses: dict[str, dict] = {}

    def site(self) -> Site:
        extra_pages, extra_nav, data_files = self.contributed()
        pages = [self.home_page(persons=any(p.url.startswith("persons/") for p in extra_pages))]
        nav = [NavItem("Home", "index.html"), NavItem("Editorial method", "method.html")]
        for text in self.edition.texts:
            text_pages = self.text_pages(text)
            pages.extend(text_pages)
            nav.append(NavItem(text.manifest["nav_title"] or text.manifest["short_title"],
                               children=self.text_nav(text, text_pages)))
        pages.extend(extra_pages)
        nav.extend(extra_nav)
        return Site(pages=pages, data_files=data_files, nav=nav)

    def contributed(self):
        """Pages and data files of the persons index and the passage data."""
        pages, nav, data = [], [], []
        from .person_pages import person_pages
        person = person_pages(self.edition)
        if person:
            pages.extend(person)
            nav.append(NavItem("Persons", person[0].url))
        from .cite import data_files
        data.extend(data_files(self.edition))
        return pages, nav, data

    # -- one text
    def text_nav(self, text: Text, pages: list[Page]) -> list[NavItem]:
        """The text's navigation; the chapters after a part page are grouped under it,
        and the part page is that section's index (its title opens it; listed once):

            [Preface, Part I (ch01.html, ch02.html), Conclusion]
            -> NavItem("Part I: Closing Ranks", "texts/getty/part1.html", children=[ch01, ch02])
        """
        kinds = {unit_url(text, u): u.kind for u in live_units(text)}
        nav: list[NavItem] = []
        part: NavItem | None = None
        for page in pages:
            item = NavItem(page.nav_title or page.title, page.url)
            kind = kinds.get(page.url)
            if kind == "part":
                part = NavItem(page.nav_title or page.title, page.url, children=[])
                nav.append(part)
            elif kind == "chapter" and part is not None:
                part.children.append(item)
            else:
                part = None
                nav.append(item)
        return nav

    def part_contents(self, text: Text, unit: Unit) -> list[Unit]:
        """The chapters a part page introduces (up to the next part or back matter)."""
        units = live_units(text)
        out: list[Unit] = []
        for u in units[units.index(unit) + 1:]:
            if u.kind != "chapter":
                break
            out.append(u)
        return out

    def text_pages(self, text: Text) -> list[Page]:
        units = live_units(text)
        pages = [self.landing_page(text, units)]
        pages.extend(self.unit_page(text, unit, i, units) for i, unit in enumerate(units))
        pages.append(self.report_page(text))
        return pages

    def unit_page(self, text: Text, unit: Unit, index: int, units: list[Unit]) -> Page:
        url = unit_url(text, unit)
        ctx = InlineContext(url, unit.slug, person_url=self.person_url,
                            note_labels={n.key: n.label for n in unit.notes})
        witness, margin, pdf = self.witness_links(text, unit), self.margin(text, unit), self.pdf_link(text, url, unit)
        contents = self.part_contents(text, unit) if unit.kind == "part" else []
        # what the template reads: the unit itself, and of the text its slug and title (the rest is derived)
        read = (text.slug, text.manifest["bibliography"]["title"], url, unit, witness, margin, pdf,
                [(u.slug, u.label, u.title) for u in contents])
        body = rendered_page(self.edition, self.env, "unit.html.j2", read, dict(
            text=text, unit=unit, blocks=unit.blocks,
            inline=lambda s: render_inline(s, ctx),
            anchored=[n for n in unit.notes if n.refs],
            unanchored=[n for n in unit.notes if not n.refs],
            note_id=lambda n: note_id(unit.slug, n.key),
            ref_ids=lambda n: n.refs,
            witness=witness,
            part_contents=contents,
            unit_href=lambda u: posixpath.basename(unit_url(text, u)),
            margin=margin,
            pdf=pdf,
        ))
        title = unit.title
        nav_title = f"{unit.label}: {unit.title}" if unit.label and unit.label != unit.title else unit.title
        meta, canonical, scripts = self.head(text, unit, url)
        scripts = [*scripts, READER_SCRIPT]
        return Page(url=url, title=title, html=body, toc=self.toc(unit), meta=meta,
                    canonical=canonical, scripts=scripts, nav_title=nav_title,
                    search="passages", search_context=f"{text.manifest['short_title']} · {nav_title}",
                    search_text=text.manifest["nav_title"] or text.manifest["short_title"])

    def margin(self, text: Text, unit: Unit) -> dict[str, str]:
        """``{pid: number shown in the margin}`` of a page (``edition.addresses``, computed once per text)."""
        if text.slug not in self._addresses:
            from .addresses import addresses
            self._addresses[text.slug] = addresses(text)
        return {pid: a.shown for pid, a in self._addresses[text.slug].get(unit.slug, {}).items()}

    def head(self, text: Text, unit: Unit | None, url: str):
        from .cite import page_head
        return page_head(self.edition, text, unit, url)

    def toc(self, unit: Unit) -> list[TocEntry]:
        entries: list[TocEntry] = []
        for block in unit.blocks:
            if block.kind not in ("heading", "document") or not block.pid:
                continue
            title = plain(block.text)
            if block.kind == "document":
                title = f"Document {block.number}: {title}" if block.number else title
            elif block.number and title == block.number:
                title = f"Section {title}"          # a numbered section printed as a bare numeral
            entry = TocEntry(block.pid, _shorten(title, 110), block.level or 2)
            if entries and entry.level > entries[-1].level:
                entries[-1].children.append(entry)
            else:
                entries.append(entry)
        if unit.notes:
            entries.append(TocEntry(f"notes-{unit.slug}", "Notes", 2))
        return entries

    def witness_links(self, text: Text, unit: Unit) -> list[dict]:
        """Links between a text and its second witness (both ways)."""
        links = []
        rel = text.manifest["witness_of"]
        if rel:
            other = self.edition.text(rel["text"]) if rel["text"] in {t.slug for t in self.edition.texts} else None
            if other:
                target = _unit_at_line(other, rel["first_line"]) or live_units(other)[0]
                links.append({"kind": "full", "title": other.title,
                              "url": posixpath.relpath(unit_url(other, target), posixpath.dirname(unit_url(text, unit))),
                              "note": rel["note"]})
        for other in self.edition.texts:
            orel = other.manifest["witness_of"]
            if orel and orel["text"] == text.slug:
                start = _unit_at_line(text, orel["first_line"])
                if start is None or _unit_index(text, unit) >= _unit_index(text, start):
                    links.append({"kind": "abridged", "title": other.title,
                                  "url": posixpath.relpath(unit_url(other, live_units(other)[0]),
                                                           posixpath.dirname(unit_url(text, unit))),
                                  "note": orel["note"]})
        return links

    def landing_page(self, text: Text, units: list[Unit]) -> Page:
        url = text_url(text)
        from .cite import text_citation
        body = self.env.get_template("landing.html.j2").render(
            text=text, m=text.manifest, bib=text.manifest["bibliography"], units=units,
            unit_href=lambda u: posixpath.basename(unit_url(text, u)),
            summary=report_summary(text), done=what_was_done(text),
            citation=text_citation(self.edition, text, url),
            witness=self.witness_links(text, units[0]) if units else [],
            pdf=self.pdf_link(text, url),
        )
        meta, canonical, scripts = self.head(text, None, url)
        return Page(url=url, title=text.title, html=body, meta=meta, canonical=canonical,
                    scripts=scripts, nav_title="About this text")

    def pdf_link(self, text: Text, page_url: str, unit: Unit | None = None) -> dict | None:
        """The text's PDF as linked from ``page_url``: address, size, pages; for a unit, its page in the PDF."""
        pdf = self.pdfs.get(text.slug)
        if pdf is None:
            return None
        href = _relative(pdf.url, posixpath.dirname(page_url) or ".")
        link = {"href": href, "pages": pdf.pages, "size": human_size(pdf.size), "page": None}
        if unit is not None:
            destination = pdf_destination(unit.slug)
            link.update(href=f"{href}#{destination}", page=pdf.page_of(destination))
        return link

    def report_page(self, text: Text) -> Page:
        url = report_url(text)
        body = self.env.get_template("report.html.j2").render(
            text=text, m=text.manifest, report=text.report, summary=report_summary(text),
            details=report_details(text),
            unit_titles={u.slug: u.title for u in text.units},
            unit_why={spec["slug"]: spec["why"] or "" for spec in text.manifest["units"]})
        toc = [TocEntry(anchor, title, 2) for anchor, title in REPORT_SECTIONS]
        return Page(url=url, title=f"Build report: {text.manifest['short_title']}", html=body,
                    toc=toc, nav_title="Build report", search="none")   # for editors: rule names, counts

    def home_page(self, persons: bool) -> Page:
        body = self.env.get_template("home.html.j2").render(
            texts=self.edition.texts, text_url=text_url, persons=persons,
            pdf=lambda t: self.pdf_link(t, "index.html"))
        return Page(url="index.html", title="Home", html=body)


def _shorten(title: str, limit: int) -> str:
    """A long title cut at a word boundary, with an ellipsis (for the table of contents)."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _person_url_function():
    from .persons import person_url
    return person_url


def _unit_at_line(text: Text, line: int | None) -> Unit | None:
    if not line:
        return None
    found = None
    for unit in live_units(text):
        if unit.loc.line <= line:
            found = unit
    return found


def _unit_index(text: Text, unit: Unit) -> int:
    return [u.slug for u in text.units].index(unit.slug)


def report_summary(text: Text) -> dict:
    """The figures shown on a text's landing page and printed after a build."""
    r = text.report
    units = live_units(text)
    notes = r.notes.values()
    return {
        "lines_in": r.lines_in,
        "units": len(units),
        "passages": sum(len(u.blocks) for u in units),
        "paragraphs": sum(1 for u in units for b in u.blocks if b.kind == "para"),
        "notes": sum(len(u.notes) for u in units),
        "notes_linked": sum(v.get("linked", 0) for v in notes),
        "notes_unanchored": sum(v.get("unanchored", 0) for v in notes),
        "markers_orphaned": sum(v.get("orphans", 0) for v in notes),
        "furniture_removed": sum(n for k, n in r.counts.items() if k.startswith("furniture:")),
        "rejoined": r.counts.get("page-break-rejoined", 0),
        "hyphens_joined": r.counts.get("line-end-hyphen-join", 0),
        "hyphens_kept": r.counts.get("line-end-hyphen-keep", 0),
        "emendations": len(r.emendations),
        "emendations_single": r.counts.get("emendation", 0),
        "emendations_proofread": r.counts.get("emendation-proofread", 0),
        "restorations": r.counts.get("restoration", 0),
        "replaced": sum(n for k, n in r.counts.items() if k.startswith("replacement:")),
        "replacement_rules": len(text.manifest["replacements"] or []),
        "person_mentions": r.counts.get("person-mentions", 0),
        "warnings": len(r.diagnostics),
    }


# The report's counters (Report.counts keys, before ":" for families) in plain words, grouped.
COUNT_LABELS = {
    "lines-unwrapped": ("Cleaning", "Source lines joined into running paragraphs"),
    "page-break-rejoined": ("Cleaning", "Paragraphs split by a page break, joined again"),
    "line-end-hyphen-join": ("Cleaning", "Line-end hyphens removed (artefacts of the line break)"),
    "line-end-hyphen-keep": ("Cleaning", "Line-end hyphens kept (genuine compounds)"),
    "ocr-line-end-specks-removed": ("Cleaning", "OCR specks removed at line ends"),
    "furniture:": ("Cleaning", "Print furniture removed, rule “{}”"),
    "emendation": ("Corrections", "Emendations: single readings corrected, each listed below"),
    "restoration": ("Corrections", "Restorations: garbled passages rebuilt, each listed below"),
    "restored-from": ("Corrections", "Witness lines replaced by the restorations"),
    "replacement:": ("Corrections", "Rule: {}"),
    "unit-heading": ("Structure", "Printed headings that open a page of the edition"),
    "unit-dropped:": ("Structure", "Part of the witness left out: {}"),
    "heading:": ("Structure", "Headings recognised, kind “{}”"),
    "verse-block": ("Structure", "Passages kept line by line (verse, lists, addresses)"),
    "footnote-cut": ("Notes", "Footnotes cut from the page bottoms"),
    "footnotes-attached": ("Notes", "Footnotes attached to their page of the edition"),
    "footnotes:": ("Notes", "Footnotes cut from the page bottoms, page “{}”"),
    "notes-distributed:": ("Notes", "Notes given to their page, page “{}”"),
    "note-markers-linked": ("Notes", "Note markers linked to their notes"),
    "note-continuation-paragraph": ("Notes", "Notes of more than one paragraph (continuations)"),
    "note-number-inferred": ("Notes", "Note numbers supplied from their place in the list"),
    "notes-group-heading": ("Notes", "Headings of the printed notes sections (not repeated)"),
    "notes-list-heading": ("Notes", "Headings of the printed notes lists (not repeated)"),
    "person-mentions": ("Persons", "Mentions of persons linked to the index"),
    "person-name-as-place": ("Persons", "Person names used as places or things, left unlinked"),
    "person-review": ("Persons", "Mentions left unlinked for review (ambiguous)"),
}
COUNT_GROUPS = ("Structure", "Cleaning", "Corrections", "Notes", "Persons", "Other")


def count_label(key: str) -> tuple[str, str]:
    """(group, label) of a report counter: ``"furniture:running-head"`` ->
    ``("Cleaning", "Print furniture removed, rule “running-head”")``; unknown keys as they are."""
    if key in COUNT_LABELS:
        return COUNT_LABELS[key]
    family, _, rest = key.partition(":")
    if rest and family + ":" in COUNT_LABELS:
        group, label = COUNT_LABELS[family + ":"]
        return group, label.format(rest)
    return "Other", key


def report_details(text: Text) -> dict:
    """What the editors' report page shows beyond the summary: counters grouped and
    labelled, replacement rules with their counts, drops and warnings grouped."""
    r = text.report
    groups: dict[str, list] = {g: [] for g in COUNT_GROUPS}
    for key, value in sorted(r.counts.items()):
        if key.startswith("replacement:"):
            continue                                    # their own table, with the pattern
        group, label = count_label(key)
        groups[group].append((label, value, key))
    rules = [{"why": rule["why"], "pattern": rule["pattern"], "replacement": rule["replacement"],
              "count": r.counts.get(f"replacement:{rule['why']}", 0)}
             for rule in text.manifest["replacements"] or []]
    why = {f"furniture:{f['rule']}": f["why"] for f in text.manifest["furniture"] or []}
    why.update({f"unit-dropped:{u['slug']}": u["why"] for u in text.manifest["units"] or []})
    dropped: dict[str, list] = {}
    for d in r.dropped:
        dropped.setdefault(d.rule, []).append(d)
    warnings: dict[str, list] = {}
    for d in r.diagnostics:
        warnings.setdefault(d.code, []).append(d)
    return {"groups": [(g, rows) for g, rows in groups.items() if rows], "rules": rules,
            "dropped": [(rule, count_label(rule)[1], why.get(rule) or "", items)
                        for rule, items in dropped.items()],
            "warnings": list(warnings.items())}


def what_was_done(text: Text) -> dict:
    """The plain-words account of a landing page: the furniture removed (by kind) and
    the parts of the witness left out, with the manifest's reasons."""
    r = text.report
    furniture = [(f["rule"].replace("-", " "), r.counts.get(f"furniture:{f['rule']}", 0))
                 for f in text.manifest["furniture"] or []]
    why = {u["slug"]: u["why"] for u in text.manifest["units"] or []}
    left_out = [(u.title, why.get(u.slug) or "") for u in text.units if u.drop]
    return {"furniture": [(name, n) for name, n in furniture if n], "left_out": left_out}


def human_size(size: int) -> str:
    """``1_234_567`` -> ``"1.2 MB"``."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


def rendered_page(edition: Edition, env: Environment, name: str, read: tuple, context: dict) -> str:
    """Template ``name`` rendered with ``context``; ``read`` names every value the template reads from it,
    so that ``serve`` takes an unchanged page from its memo (``edition.rendered``) instead."""
    memo = edition.options.get("rendered")
    template = env.get_template(name)
    if memo is None:
        return template.render(**context)
    return memo.made(name, read, lambda: template.render(**context))


def build_site_model(edition: Edition, pdfs: dict | None = None) -> Site:
    return Writer(edition, pdfs).site()
