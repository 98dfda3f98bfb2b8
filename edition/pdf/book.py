"""The model -> the print HTML of one text (a book), through ``templates/print/``.

Everything WeasyPrint needs is in one HTML document per text: the title page,
the contents, every published unit with its notes, and the fonts and print
stylesheet linked from the repository.  The name index is made afterwards
(``edition.pdf.typeset``), once the pages of the passages are known; here it
is only the list of destinations per person.

Source text is escaped token by token, as on the web; a note marker becomes a
call linked to its note, and (in footnote mode) the note itself, floated to
the foot of the page by ``float: footnote``:

    Block(para, "Yezhov⟨note:n3⟩ <b>", pid="p14") in unit ch01
    -> <p class="passage" id="ch01-p14"><span class="pnum">14</span>Yezhov<a class="call"
       id="fnref:ch01-n3" href="#fn:ch01-n3">3</a><span class="fn" id="fn:ch01-n3">…</span> &lt;b&gt;</p>
"""
from __future__ import annotations

import datetime as _dt
import html
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..addresses import live_units, passage_label, pdf_destination, text_url
from ..model import TOKEN_RE, Block, Edition, Note, Text, Unit, plain
from ..notes.core import note_id, ref_id

NOTE_MODES = ("footnotes", "endnotes")
# What a text's PDF is made from; the last commit touching them dates its edition (see edition_facts).
CONTENT_PATHS = ("texts/{slug}", "texts/persons.yml", "templates/print", "edition/pdf", "edition/stages",
                 "edition/notes", "edition/clean", "docs/assets/fonts", "mkdocs.yml")


@dataclass
class IndexEntry:
    """One person of the name index: the destinations of the passages that mention them, and each
    mention as (destination, the words as printed), so the typesetter finds every page they fall on."""

    key: tuple
    name: str
    dates: str
    destinations: list[str] = field(default_factory=list)
    mentions: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Book:
    """The print document of one text and what the typesetter needs besides it."""

    slug: str
    title: str
    lang: str
    html: str
    index: list[IndexEntry]
    dest_units: dict[str, str]          # destination -> unit slug (for tests and the index)


# ---------------------------------------------------------------- inline text
class PrintInline:
    """Inline text of one unit for print: escaped, tokens to markup, notes placed once.

    In footnote mode the first call of a note carries the note (floated to the
    foot of the page); later calls of the same note only link to it.  A marker
    whose note the source lost is followed by a bracketed editorial flag saying so.
    """

    def __init__(self, unit: Unit, mode: str):
        self.unit = unit
        self.mode = mode
        self.notes = {n.key: n for n in unit.notes}
        self.counts: dict[str, int] = {}
        self.lost: list[tuple[str, str]] = []          # (label, id of the marker) in endnote mode

    def __call__(self, text: str) -> Markup:
        out: list[str] = []
        pos = 0
        open_links = 0
        for m in TOKEN_RE.finditer(text):
            out.append(html.escape(text[pos:m.start()], quote=False))
            pos = m.end()
            kind, value = m.group(1), m.group(2)
            if kind == "link":
                if urlsplit(value).scheme in ("http", "https", "ftp"):
                    out.append(f'<a class="external" href="{html.escape(value)}">')
                else:
                    out.append("<a>")
                open_links += 1
            elif kind == "/link" and open_links:
                out.append("</a>")
                open_links -= 1
            elif kind in ("em", "strong"):
                out.append(f"<{kind}>")
            elif kind in ("/em", "/strong"):
                out.append(f"</{kind[1:]}>")
            elif kind == "br":
                out.append("<br>")
            elif kind in SPAN_TOKENS:                  # speaker label, stage direction, attribution
                out.append(f'<span class="{kind}">')
            elif kind[1:] in SPAN_TOKENS and kind[:1] == "/":
                out.append("</span>")
            elif kind == "note":
                out.append(self.call(value))
            elif kind == "orphan":
                out.append(self.lost_marker(value))
        out.append(html.escape(text[pos:], quote=False))
        out.extend("</a>" for _ in range(open_links))
        return Markup("".join(out))

    def call(self, key: str) -> str:
        n = self.counts.get(key, 0) + 1
        self.counts[key] = n
        note = self.notes.get(key)
        label = html.escape(note.label if note else key)
        slug = self.unit.slug
        call = (f'<a class="call" id="{ref_id(slug, key, n)}" href="#{note_id(slug, key)}" '
                f'data-note="{html.escape(key)}">{label}</a>')
        if self.mode == "footnotes" and n == 1 and note is not None:
            return call + self.footnote(note)
        return call

    def footnote(self, note: Note) -> str:
        """The note as a footnote: label linking back to the first call, then its paragraphs."""
        slug = self.unit.slug
        paras = []
        for i, block in enumerate(note.blocks):
            label = (f'<a class="note-label" href="#{ref_id(slug, note.key)}">{html.escape(note.label)}</a> '
                     if i == 0 else "")
            back = self.backlinks(note) if i == len(note.blocks) - 1 else ""
            paras.append(f'<span class="fnp" id="{pdf_destination(slug, block.pid)}">{label}'
                         f'{self(block.text)}{back}</span>')
        return f'<span class="fn" id="{note_id(slug, note.key)}" data-note="{html.escape(note.key)}">{"".join(paras)}</span>'

    def backlinks(self, note: Note) -> str:
        """Links to the second and later calls of a note (the label links to the first)."""
        slug = self.unit.slug
        return "".join(f' <a class="backref" href="#{ref_id(slug, note.key, i)}">↑{i}</a>'
                       for i in range(2, len(note.refs) + 1))

    def lost_marker(self, label: str) -> str:
        """A marker whose note the source does not print: shown as printed, and said to be lost,
        in the line (a footnote saying so would be pushed pages away from a Document head)."""
        label = html.escape(label)
        self.lost.append((label, ""))
        marker_id = f"lost:{self.unit.slug}-{len(self.lost)}"
        return (f'<span class="call lost-call" id="{marker_id}">{label}</span>'
                f'<span class="lost-flag"> [note {label} lost in the source]</span>')


# ---------------------------------------------------------------- the book
class BookWriter:
    """Renders the print HTML of each text from one document tree."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.root = Path(edition.root)
        self.env = Environment(loader=FileSystemLoader(str(self.root / "templates" / "print")),
                               autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                               lstrip_blocks=True)
        self.env.globals.update(passage_label=passage_label, dest=pdf_destination, plain=plain,
                                margin_number=lambda block: self._margin(block))
        self._margin = lambda block: passage_label(block.pid)      # set per text by ``book``

    def book(self, text: Text, only_units: list[str] | None = None) -> Book:
        """The print document of ``text`` (``only_units``: just those units, e.g. for a quick look)."""
        units = [u for u in live_units(text) if not only_units or u.slug in only_units]
        self._margin = margin_numbers(text)          # (the compiled macros keep the global, not its value)
        mode = notes_mode(text)
        rendered = [self.unit_context(text, unit, units, mode) for unit in units]
        index = name_index(self.edition, text)
        body = self.env.get_template("book.html.j2").render(
            text=text, m=text.manifest, bib=text.manifest["bibliography"], units=rendered,
            edition=edition_facts(self.edition, text), address=permanent_address(self.edition, text),
            lang=text.manifest["bibliography"]["language"], fonts=font_dir(self.root),
            stylesheet="templates/print/print.css",
            index=bool(index), notes_mode=mode, keywords=keywords(text),
        )
        dest_units = {}
        for unit in units:
            dest_units[pdf_destination(unit.slug)] = unit.slug
            for block in unit.blocks:
                if block.pid:
                    dest_units[pdf_destination(unit.slug, block.pid)] = unit.slug
            for note in unit.notes:
                for block in note.blocks:
                    if block.pid:
                        dest_units[pdf_destination(unit.slug, block.pid)] = unit.slug
        return Book(text.slug, text.title, text.manifest["bibliography"]["language"], body, index, dest_units)

    def unit_context(self, text: Text, unit: Unit, units: list[Unit], mode: str) -> dict:
        """What the template needs for one unit; blocks rendered here so the notes land in order."""
        inline = PrintInline(unit, mode)
        blocks = [(block, self.block_html(block, unit, inline)) for block in unit.blocks]
        part = next((u for u in reversed(units[:units.index(unit)]) if u.kind == "part"), None) \
            if unit.kind == "chapter" else None
        in_part = part is not None and all(u.kind == "chapter" for u in units[units.index(part) + 1:units.index(unit)])
        level = 2 if in_part else 1
        anchored = [n for n in unit.notes if n.refs]
        return {
            "unit": unit, "blocks": blocks, "level": level,
            "running": unit.title,
            "bookmark": f"{unit.label}: {unit.title}" if unit.label and unit.label != unit.title else unit.title,
            "endnotes": [(n, self.note_html(n, unit, inline)) for n in anchored] if mode == "endnotes" else [],
            "unanchored": [(n, self.note_html(n, unit, inline)) for n in unit.notes if not n.refs],
        }

    def block_html(self, block: Block, unit: Unit, inline: PrintInline) -> Markup:
        macro = getattr(self.env.get_template("blocks.html.j2").module, "passage")
        return Markup(macro(block, unit.slug, inline, bookmark_label(block)))

    def note_html(self, note: Note, unit: Unit, inline: PrintInline) -> Markup:
        macro = getattr(self.env.get_template("blocks.html.j2").module, "note_item")
        return Markup(macro(note, unit.slug, inline, note_id(unit.slug, note.key),
                            [ref_id(unit.slug, note.key, i) for i in range(1, len(note.refs) + 1)]))


def bookmark_label(block: Block) -> str:
    """The outline entry of a heading or Document head (plain text, notes left out)."""
    title = " ".join(plain(block.text).split())
    if block.kind == "document":
        return f"Document {block.number}: {title}" if block.number else title
    if block.number and title == block.number:
        return f"Section {title}"
    return title


SPAN_TOKENS = ("speaker", "stage", "attribution", "unclear")   # set apart by print.css


def notes_mode(text: Text) -> str:
    """``footnotes`` (default) or ``endnotes``, from the manifest's ``pdf.notes``."""
    return (text.manifest["pdf"] or {}).get("notes") or "footnotes"


def margin_numbers(text: Text):
    """``block -> number in the margin``: the numbers of the web pages (``edition.addresses``: Furr's
    paragraphs numbered through the article, headings unnumbered), so ¶ 14 is the same passage in both."""
    from ..addresses import addresses
    shown: dict[int, str] = {}
    numbers = addresses(text)
    for unit in text.units:
        here = numbers.get(unit.slug, {})
        for block in [*unit.blocks, *(b for n in unit.notes for b in n.blocks)]:
            if block.pid in here:
                shown[id(block)] = here[block.pid].shown
    return lambda block: shown.get(id(block), passage_label(block.pid))


def permanent_address(edition: Edition, text: Text) -> str:
    """The text's permanent address on the web (the site's own URL function); "" when the build has
    no published address (the title page then names the page within the edition's site)."""
    from ..cite import site_address
    site = site_address(edition)
    return site + text_url(text) if site else ""


def keywords(text: Text) -> str:
    """The PDF's keywords: the manifest's ``pdf.keywords`` and the authors' family names."""
    words = list((text.manifest["pdf"] or {}).get("keywords") or [])
    words += [a["family"] for a in text.manifest["bibliography"]["authors"]]
    return ", ".join(dict.fromkeys(words))


def edition_facts(edition: Edition, text: Text) -> dict:
    """The edition's own title, and the version of this text's edition: the date of the last commit
    touching what its PDF is made from (``SOURCE_DATE_EPOCH`` if set), so an unrelated commit does
    not change the PDF and the PDF's dates never come from the clock."""
    import re
    config = (Path(edition.root) / "mkdocs.yml").read_text(encoding="utf-8")
    m = re.search(r"^site_name:\s*['\"]?(.*?)['\"]?\s*$", config, re.M)
    stamp = _last_commit_time(Path(edition.root), [p.format(slug=text.slug) for p in CONTENT_PATHS])
    date = _dt.datetime.fromtimestamp(stamp, _dt.timezone.utc)
    return {"title": m.group(1) if m else "", "version": date.strftime("%Y-%m-%d"),
            "date": date.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _last_commit_time(root: Path, paths: list[str]) -> int:
    import os
    if os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "--", *paths],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        return int(out.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return 0


FONT_CACHE = Path("build") / "pdf-fonts"


def font_dir(root: Path) -> str:
    """The site's own font files (docs/assets/fonts/*.woff2) as TrueType, for WeasyPrint.

    WeasyPrint would decompress every WOFF2 face in pure Python on each render (about a
    second per face); the same fonts, decompressed once, are kept in build/pdf-fonts/
    under a name holding their content hash, so a changed font file is converted again.
    Returns the folder relative to ``root`` (the documents' base URL), ending in "/"; the files
    are ``<woff2 file stem>.ttf``."""
    import hashlib
    source = root / "docs" / "assets" / "fonts"
    fonts = sorted(source.glob("*.woff2"))
    digest = hashlib.sha256(b"".join(f.name.encode() + f.read_bytes() for f in fonts)).hexdigest()[:16]
    target = root / FONT_CACHE / digest
    if not (target / "complete").exists():
        _decompress_fonts(fonts, target)
    return (FONT_CACHE / digest).as_posix() + "/"


def _decompress_fonts(fonts: list[Path], target: Path) -> None:
    import os
    import tempfile
    from fontTools.ttLib import TTFont
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    for font in fonts:
        face = TTFont(str(font))
        face.flavor = None
        face.save(str(work / (font.stem + ".ttf")))
    (work / "complete").write_text("\n".join(f.name for f in fonts) + "\n", encoding="utf-8")
    try:
        os.replace(work, target)
    except OSError:              # made meanwhile by another build: keep that one
        import shutil
        shutil.rmtree(work, ignore_errors=True)


def name_index(edition: Edition, text: Text) -> list[IndexEntry]:
    """Every registered person this text mentions, A-Z, with the passages in reading order."""
    register = edition.persons
    if register is None:
        return []
    from ..person_pages import sort_key
    order = {}
    for u, unit in enumerate(live_units(text)):
        for b, block in enumerate(unit.blocks):
            order[id(block)] = (u, 0, b)
        for n, note in enumerate(unit.notes):
            for b, block in enumerate(note.blocks):
                order[id(block)] = (u, 1, n, b)
    entries: dict[str, IndexEntry] = {}
    seen: dict[str, list] = {}
    for mention in edition.mentions:
        if mention.text_slug != text.slug or not mention.block.pid or id(mention.block) not in order:
            continue
        person = register.by_id[mention.person]
        if person.id not in entries:
            entries[person.id] = IndexEntry(sort_key(person), person.display_name, person.dates)
            seen[person.id] = []
        seen[person.id].append((order[id(mention.block)], pdf_destination(mention.unit_slug, mention.block.pid),
                                mention.surface))
    for pid, places in seen.items():
        places.sort(key=lambda place: place[0])
        entries[pid].destinations = list(dict.fromkeys(d for _, d, _ in places))
        entries[pid].mentions = list(dict.fromkeys((d, surface) for _, d, surface in places))
    return sorted(entries.values(), key=lambda e: e.key)
