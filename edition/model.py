"""The typed document model every stage reads and writes.

One tree: Edition -> Text -> Unit (a page: chapter, essay, front matter...)
-> Block (a passage: paragraph, heading, verse, table, list...) and Note.

Inline content of a block is a plain ``str`` of *source text* (never markup)
in which stages insert *tokens*: private-use sentinels that stand for things
that are not text (a note marker, the start/end of a person mention, an
emphasis span decoded from a Markdown-like source).  Tokens survive every
later stage untouched and are turned into HTML only by the writer, after the
text itself has been escaped.  So a ``<`` or ``{{`` in a source can never
become markup, and offsets never need to be patched when a stage edits text.

    >>> t = "Yezhov" + token("note", "n3")
    >>> plain(t)
    'Yezhov'
    >>> list(iter_tokens(t))
    [('note', 'n3')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

# ---------------------------------------------------------------- tokens
TOKEN_OPEN = "\ue000"
TOKEN_CLOSE = "\ue001"
TOKEN_RE = re.compile(f"{TOKEN_OPEN}([a-z/]+):?([^{TOKEN_CLOSE}]*){TOKEN_CLOSE}")

# Token kinds (the writer knows how to render each):
#   note:<key>          a note reference (marker) to Note.key of the same unit
#   person:<id>         start of a person mention; closed by "/person:"
#   em: / /em:          emphasis span (from *...* in Markdown-like sources)
#   strong: / /strong:  strong span
#   link:<url> / /link: hyperlink span
#   br:                 hard line break inside a block (verse, address lines)
#   speaker: / /speaker:  the printed speaker label of a turn ("Bukharin:"), kept in the text
#   stage: / /stage:    a stage direction inside a speech ("(Laughter.)"), kept in the text
#   attribution: / /attribution:  the attribution of an epigraph with its dash ("-N. I. Yezhov, 1935")
#   unclear:<reading> / /unclear:  an unrecoverable reading shown as "[?]"; the value is the witness text


def token(kind: str, value: str = "") -> str:
    """Return the sentinel string for one token."""
    return f"{TOKEN_OPEN}{kind}:{value}{TOKEN_CLOSE}"


def iter_tokens(text: str) -> Iterator[tuple[str, str]]:
    for m in TOKEN_RE.finditer(text):
        yield m.group(1), m.group(2)


def plain(text: str) -> str:
    """The reader-visible characters of an inline string (tokens removed)."""
    return TOKEN_RE.sub("", text)


# ---------------------------------------------------------------- locations
@dataclass(frozen=True, order=True)
class Loc:
    """A place in a source file: ``texts/getty/source.txt:1234``."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line > 0 else self.path


@dataclass
class Line:
    """One line of a witness after emendation: its 1-based number and text."""

    no: int
    text: str


# ---------------------------------------------------------------- passages
BLOCK_KINDS = (
    "para",        # prose paragraph
    "heading",     # section heading inside a unit (level 2..4)
    "document",    # Getty: "Document N" heading with its title (level 2)
    "quote",       # block quotation / epigraph
    "verse",       # verse or dialogue: lines kept (joined with "\n")
    "list",        # list: items joined with "\n"; attrs["numbered"] when each item keeps its printed number
                   #   ("16. A. Shliapnikov, On the Eve ...": shown without bullets)
    "table",       # table: see Block.rows
    "provenance",  # editorial/provenance notice kept visible (e.g. [ZNAMYA No 2 ...])
    "turn",        # a speaker's turn in a transcript; attrs["speaker"] = label as printed ("Bukharin",
                   #   "A voice"); the text keeps the label, marked by speaker tokens ("Bukharin: I am ...")
    "opener",      # the head of a Document before its first paragraph: one line per item joined with "\n";
                   #   attrs["roles"][i] names line i: dateline, place, addressee, heading, salutation
    "epigraph",    # an epigraph at the head of a unit; its attribution marked by attribution tokens (the
                   #   speaker tokens of a quoted dialogue kept)
    "closer",      # the foot of a Document: lines joined with "\n"; attrs["roles"][i]: salute (closing
                   #   formula), office, signed (signature), dateline, source  (compare TEI opener/closer)
)


@dataclass
class Block:
    """A passage: one paragraph, heading, quote, verse block, list or table.

    ``text`` holds inline text with tokens; for verse and lists the lines or
    items are joined with ``\\n``; for tables ``rows`` holds the cells (each
    cell an inline string) and ``header_rows`` how many rows are headers.
    ``line_end`` is the last source line that contributed to the block.
    ``pid`` is the permanent passage id assigned by the ids stage.
    """

    kind: str
    text: str
    loc: Loc
    line_end: int = 0
    level: int = 0
    rows: list[list[str]] | None = None
    header_rows: int = 0
    pid: str | None = None
    number: str | None = None          # Document number ("45", "12a") or section number
    attrs: dict = field(default_factory=dict)

    def plain(self) -> str:
        if self.rows is not None:
            return "\n".join(" | ".join(plain(c) for c in row) for row in self.rows)
        return plain(self.text)


@dataclass
class Note:
    """An endnote or footnote of a unit.

    ``key`` is stable and scoped to the unit (``n12``, ``n12a``, ``na``); the
    HTML id is ``fn:<unit slug>-<key>`` (``edition.notes.core.note_id``).  ``label`` is what the reader sees.
    ``blocks`` are the note's paragraphs (kind "para").  ``refs`` lists the ids
    of the markers that cite it, filled by the notes stage; an empty list
    after linking means the note is unanchored (its marker was lost).
    """

    key: str
    label: str
    blocks: list[Block]
    loc: Loc
    refs: list[str] = field(default_factory=list)
    pid: str | None = None


@dataclass
class Unit:
    """One page of a text: a chapter, essay, piece of front or back matter.

    ``slug`` is stable and never derived from the title (``intro``, ``ch01``,
    ``app2``); the page is ``texts/<text slug>/<slug>.html``.
    ``kind`` is one of front, part, chapter, back, appendix.
    """

    slug: str
    title: str
    kind: str
    loc: Loc
    blocks: list[Block] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    subtitle: str = ""
    label: str = ""                 # "Chapter 3", "Part I", "Essay 4"
    orphan_markers: list[tuple[str, Loc]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)     # the unit's witness lines until "paragraphs"
    drop: bool = False                                   # left out of the edition (manifest says why)


@dataclass
class Diagnostic:
    """A coded message with its place: ``texts/x/source.txt:12: W-NOTE-ORPHAN ...``."""

    code: str
    loc: Loc | None
    message: str
    severity: str = "warning"      # "error" stops the build

    def __str__(self) -> str:
        where = f"{self.loc}: " if self.loc else ""
        return f"{where}{self.code}: {self.message}"


@dataclass
class Dropped:
    """A piece of the source deliberately left out, with the rule that did it."""

    rule: str
    loc: Loc
    text: str


@dataclass
class Emendation:
    """A correction applied to the witness (manifest data), for the report."""

    original: str
    replacement: str
    why: str
    loc: Loc


@dataclass
class Correction:
    """One automatic OCR correction (stage ``correct``), for the report and corrections.tsv."""

    loc: Loc
    before: str
    after: str
    rule: str


@dataclass
class RawNote:
    """A note's text found by a cleaning stage before the notes stage runs.

    The Getty footnote extractor cuts page-bottom footnote blocks out of the
    running text and keeps them here, so nothing is lost between stages.
    """

    label: str            # the number as printed (maybe OCR-damaged: "I", "z")
    text: str
    loc: Loc
    line_end: int = 0
    number: int = 0       # its place in the unit's note sequence (1, 2, ...), once known
    unit: str = ""        # slug of the unit it was cut from


@dataclass
class Report:
    """Everything the build says about one text: counts, drops, warnings."""

    lines_in: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)
    emendations: list[Emendation] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: dict[str, dict] = field(default_factory=dict)   # per unit slug: counts
    ids: dict[str, int] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    lexicon: dict[str, float] = field(default_factory=dict)   # words, unknown per 1,000 before/after

    def count(self, rule: str, n: int = 1) -> None:
        self.counts[rule] = self.counts.get(rule, 0) + n

    def drop(self, rule: str, loc: Loc, text: str) -> None:
        self.dropped.append(Dropped(rule, loc, text))
        self.count(rule)

    def warn(self, code: str, loc: Loc | None, message: str) -> None:
        self.diagnostics.append(Diagnostic(code, loc, message))


@dataclass
class Text:
    """One witness and everything derived from it."""

    slug: str
    manifest: dict                       # validated manifest (plain data)
    manifest_path: str
    source_path: str                     # "texts/<slug>/source.txt"
    lines: list[Line] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)   # before structure
    units: list[Unit] = field(default_factory=list)
    raw_notes: list[RawNote] = field(default_factory=list)
    breaks_used: set[int] = field(default_factory=set)   # manifest paragraph_breaks that took effect
    report: Report = field(default_factory=Report)

    def loc(self, line: int) -> Loc:
        return Loc(self.source_path, line)

    @property
    def title(self) -> str:
        return self.manifest["bibliography"]["title"]


@dataclass
class Mention:
    """One occurrence of a registered person in a passage.

    ``block`` is the passage (a Block of a unit, or of one of its notes); its
    ``pid`` is known once the ids stage has run, so person pages link to
    ``texts/<text_slug>/<unit_slug>.html#<block.pid>``.
    """

    person: str          # register id
    text_slug: str
    unit_slug: str
    block: "Block"
    surface: str         # the words as printed
    snippet: str         # short plain-text context
    loc: Loc
    in_note: bool = False


@dataclass
class Edition:
    root: str
    texts: list[Text] = field(default_factory=list)
    persons: object | None = None        # edition.persons.Register
    options: dict = field(default_factory=dict)   # build options (e.g. {"pdf": False})
    mentions: list[Mention] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)     # problems found so far (pipeline.run_pipeline)
    hints: list[str] = field(default_factory=list)      # what to do about them
    halted: str | None = None                           # the stage that could not finish
    not_run: list[str] = field(default_factory=list)    # stages skipped because of earlier problems

    def text(self, slug: str) -> Text:
        for t in self.texts:
            if t.slug == slug:
                return t
        raise KeyError(slug)
