"""Stage ``footnotes``: cut page-bottom footnote blocks out of the running text.

For texts whose manifest says ``notes.style: page-footnotes`` (Getty), each
unit listed in ``notes.footnote_units`` has its footnotes found by
``edition.clean.footnote_blocks`` (numbering restarts in every such unit).
Their lines leave ``unit.lines``, so the two halves of a paragraph that a page
break cut become neighbours for the ``rejoin`` stage; their text is kept in
``text.raw_notes`` (label as printed, number as read, unit, lines) for the
``notes`` stage, and listed in the report until that stage attaches it.

    unit ch01, lines:  "... the duty of all party" / "" /
                       "I .  On the civil war see ... 1989." / " members publicly ..."
    -> unit.lines:     "... the duty of all party" / "" / " members publicly ..."
    -> text.raw_notes: [RawNote(label="I", number=1, unit="ch01", text="On the civil war see ... 1989.")]
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..clean.footnote_blocks import Cut, CutNote, extract
from ..memo import Memo, close_memo, content_key, open_memo
from ..model import Edition, Line, RawNote, Text
from ..pipeline import BuildError


def run(edition: Edition) -> None:
    errors: list[str] = []
    for text in edition.texts:
        notes = text.manifest["notes"]
        if notes["style"] != "page-footnotes":
            continue
        errors.extend(_check_units(text))
        given: set[int] = set()
        rules = _Rules.of(text)
        memo = open_memo(edition, "footnotes", text.slug)
        for unit in text.units:
            if unit.slug in notes["footnote_units"] and not unit.drop:
                given |= _cut(text, unit, rules, memo)
        close_memo(edition, memo)
        errors.extend(f"{text.manifest_path}:{e.line}: note continuation at line {e['line']} matches nothing: no "
                      "body line of a footnoted page there follows a footnote; correct or remove the entry"
                      for e in notes["note_continuations"] if e["line"] not in given)
    if errors:
        raise BuildError(errors)


@dataclass(frozen=True)
class _Rules:
    """What every unit's cut reads from the whole text, made once per text (a long text has many units)."""

    removed: list[int]                 # the lines the furniture stage removed, sorted
    exclude: frozenset[int]            # the lines of ``notes.not_footnotes``
    continuations: frozenset[int]      # the lines of ``notes.note_continuations``
    entries_of: dict[int, list[int]]   # a continuation line -> the first lines of the entries naming it

    @classmethod
    def of(cls, text: Text) -> "_Rules":
        notes = text.manifest["notes"]
        entries_of: dict[int, list[int]] = {}
        for e in notes["note_continuations"]:
            for n in _lines_of(e):
                entries_of.setdefault(n, []).append(e["line"])
        return cls(removed=sorted(d.loc.line for d in text.report.dropped if d.rule.startswith("furniture:")),
                   exclude=frozenset(n for e in notes["not_footnotes"] for n in _lines_of(e)),
                   continuations=frozenset(entries_of), entries_of=entries_of)


def _lines_of(entry) -> range:
    """The witness lines of a manifest entry ``{line, last}`` (``last`` empty: the one line)."""
    return range(entry["line"], (entry["last"] or entry["line"]) + 1)


def _page_breaks_of(lines: list[Line], removed: list[int]) -> frozenset[int]:
    """Lines that begin a page: the first text line after a removed running head,
    page number or ``Document N continued`` head (``removed``: those lines, sorted)."""
    breaks, r = set(), 0
    for line in lines:
        if not line.text.strip():
            continue
        if r < len(removed) and removed[r] < line.no:
            breaks.add(line.no)
            r = bisect.bisect_left(removed, line.no, r)
    return frozenset(breaks)


def _check_units(text: Text) -> list[str]:
    notes = text.manifest["notes"]
    known = {u.slug for u in text.units}
    where = f"{text.manifest_path}:{notes.key_lines.get('footnote_units', notes.line)}"
    return [f"{where}: notes.footnote_units names {slug!r}, which is not a unit of this text"
            for slug in notes["footnote_units"] if slug not in known]


def _cut(text: Text, unit, rules: _Rules, memo: Memo) -> set[int]:
    """Cut the unit's footnotes out; return the first lines of the continuation entries it used."""
    cut = _memoised_extract(unit.lines, rules, memo)
    unit.lines = cut.body
    for note in cut.notes:
        raw = RawNote(label=note.label, text=note.text, loc=text.loc(note.first), line_end=note.last,
                           number=note.number, unit=unit.slug)
        text.raw_notes.append(raw)
        text.report.drop("footnote-cut", raw.loc, f"{unit.slug} note {note.number} "
                         f"(printed {note.label!r}): {note.text[:80]}")
    text.report.count(f"footnotes:{unit.slug}", len(cut.notes))
    return {first for n in cut.continued for first in rules.entries_of.get(n, ())}


def _memoised_extract(lines: list[Line], rules: _Rules, memo: Memo) -> Cut:
    """``extract`` on one unit's lines, or its result kept in ``memo`` for the same lines and rules.

    ``extract`` is a pure function of the lines and of the rules that fall among them (the lines an
    editor excludes or marks as continuations, and the page breaks), so the key is exactly those.
    The memo keeps positions in ``lines``, not line objects: a hit rebuilds the cut from the lines
    of this build.
    """
    breaks = _page_breaks_of(lines, rules.removed)
    numbers = {line.no for line in lines}
    exclude, continuations = rules.exclude & numbers, rules.continuations & numbers
    if not memo.active:
        return extract(lines, exclude, breaks, continuations=continuations)
    key = content_key([[[ln.no, ln.text] for ln in lines], sorted(exclude), sorted(breaks), sorted(continuations)])
    kept = memo.made(key, lambda: _positions(extract(lines, exclude, breaks, continuations=continuations), lines))
    return _from_positions(kept, lines)


def _positions(cut: Cut, lines: list[Line]) -> tuple:
    """A cut as positions in ``lines``: (body, [(number, label, first, last, note lines)], continued)."""
    at = {id(line): i for i, line in enumerate(lines)}
    notes = [(n.number, n.label, n.first, n.last, [at[id(ln)] for ln in n.lines]) for n in cut.notes]
    return [at[id(ln)] for ln in cut.body], notes, sorted(cut.continued)


def _from_positions(kept: tuple, lines: list[Line]) -> Cut:
    body, notes, continued = kept
    return Cut([lines[i] for i in body],
               [CutNote(number, label, first, last, [lines[i] for i in at]) for number, label, first, last, at in notes],
               set(continued))
