"""Stage ``paragraphs``: turn each unit's lines into blocks.

Blank lines separate blocks.  A block of ``|``-lines is a table, a block of
``- ``-lines a list, a block inside a manifest ``verse`` range keeps its line
breaks; every other block is prose: its lines are unwrapped and line-end
hyphens resolved from evidence (see ``edition.clean.hyphenation``).  Sources
with ``markup: markdown`` have their emphasis and links decoded into tokens.

    ["the docu-", "ment was signed", "", "| a | b |", "|---|---|", "| 1 | 2 |"]
    -> [Block(para, "the document was signed"), Block(table, rows=[[a, b], [1, 2]])]
"""
from __future__ import annotations

import re

from ..clean.hyphenation import Vocabulary, join_lines, shared_vocabularies
from ..clean.inline import decode
from ..clean.junk import strip_line_end_junk
from ..model import Block, Edition, Line, Text, Unit

TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def run(edition: Edition) -> None:
    own_vocabularies, corpora = shared_vocabularies(edition, "paragraphs", vocabulary_lines)
    for text in edition.texts:
        own, corpus = own_vocabularies[text.slug], corpora[text.slug]
        for unit in text.units:
            unit.blocks = list(_blocks(text, unit, own, corpus))
            unit.lines = []


def vocabulary_lines(text: Text):
    """The lines a text's hyphenation evidence is counted from (see ``Vocabulary``)."""
    return (line.text for u in text.units for line in u.lines)


def split_blocks(lines: list[Line]) -> list[list[Line]]:
    """Group lines into runs separated by blank lines."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _blocks(text: Text, unit: Unit, own: Vocabulary, corpus: Vocabulary):
    verse = [tuple(v["lines"]) for v in text.manifest["verse"]]
    keep = frozenset(w.lower() for w in text.manifest["hyphen_keep"])
    join = frozenset(w.lower() for w in text.manifest["hyphen_join"])
    markdown = text.manifest["markup"] == "markdown"
    lines = _without_junk(unit.lines, text) if text.manifest["wrap"] == "hard" else unit.lines
    groups = _split_verse(split_blocks(lines), verse)
    if text.manifest["wrap"] == "none":
        groups = _split_unwrapped(groups, verse)
    for group in groups:
        first, last = group[0].no, group[-1].no
        loc = text.loc(first)
        raw = [ln.text for ln in group]
        if all(r.lstrip().startswith("|") for r in raw):
            yield _table(raw, loc, last, markdown)
        elif any(a <= first and last <= b for a, b in verse):
            yield Block("verse", "\n".join(_inline(r.strip(), markdown) for r in raw), loc, last)
            text.report.count("verse-block")
        elif all(r.lstrip().startswith("- ") for r in raw):
            items = [_inline(r.strip()[2:].strip(), markdown) for r in raw]
            yield Block("list", "\n".join(items), loc, last)
        else:
            log: list = []
            joined = join_lines(raw, own, corpus, keep, join, log)
            for first_part, second, decision in log:
                text.report.count(f"line-end-hyphen-{decision}")
            if len(raw) > 1:
                text.report.count("lines-unwrapped", len(raw) - 1)
            yield Block("para", _inline(joined, markdown), loc, last)


def _without_junk(lines: list[Line], text: Text) -> list[Line]:
    """Remove OCR specks at line ends where they stop a word or sentence going on."""
    out: list[Line] = []
    following = ""
    for line in reversed(lines):
        cleaned, changed = strip_line_end_junk(line.text.rstrip(), following)
        if changed:
            text.report.count("ocr-line-end-specks-removed")
            line = Line(line.no, cleaned)
        if line.text.strip():
            following = line.text
        out.append(line)
    return out[::-1]


def _split_verse(groups, verse):
    """Split a run of lines where a verse range starts or ends inside it."""
    for group in groups:
        current: list[Line] = []
        state = None
        for line in group:
            inside = any(a <= line.no <= b for a, b in verse)
            if current and inside != state:
                yield current
                current = []
            current.append(line)
            state = inside
        if current:
            yield current


def _line_type(line: Line) -> str:
    s = line.text.lstrip()
    return "table" if s.startswith("|") else "list" if s.startswith("- ") else "plain"


def _split_unwrapped(groups, verse):
    """In a text with one paragraph per line, every plain line starts a block.

    Runs of list items or table rows stay together; a short line that stops
    mid-sentence and is followed by a lowercase line is a hard-wrapped
    fragment (a quotation set narrow) and is joined.
    """
    for group in groups:
        if any(a <= group[0].no and group[-1].no <= b for a, b in verse):
            yield group
            continue
        current: list[Line] = []
        for line in group:
            if current and not _same_block(current[-1], line):
                yield current
                current = []
            current.append(line)
        if current:
            yield current


def _same_block(prev: Line, line: Line) -> bool:
    kind = _line_type(line)
    if kind != _line_type(prev):
        return False
    if kind != "plain":
        return True
    before = prev.text.rstrip()
    return (len(before) < 100 and not before.endswith(('.', '!', '?', ':', '"', '”'))
            and line.text.lstrip()[:1].islower())


def _inline(s: str, markdown: bool) -> str:
    return decode(s) if markdown else s


def _table(raw: list[str], loc, last: int, markdown: bool) -> Block:
    rows: list[list[str]] = []
    header_rows = 0
    for r in raw:
        s = r.strip()
        if TABLE_SEP_RE.match(s):
            header_rows = len(rows)
            continue
        cells = s.strip("|").split("|")
        rows.append([_inline(c.strip(), markdown) for c in cells])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # a header made only of empty cells carries nothing: drop it, keep the table
    while header_rows and not any(rows[0]):
        rows.pop(0)
        header_rows -= 1
    return Block("table", "", loc, last, rows=rows, header_rows=header_rows)
