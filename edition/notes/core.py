"""Shared helpers of the note linkers (``edition.notes.*``): ids, notes, markers, report.

Every linker (endnotes, footnote lists, page footnotes) ends the same way:
notes are ``model.Note`` objects in ``unit.notes`` (keys ``n<label>``, unique
in the unit), each marker in the running text is a ``note`` token (or an
``orphan`` token when no note answers it), and ``finish(text, unit)`` fills
``note.refs`` in reading order and records the unit's counts and diagnostics.

    >>> s = "only available in Russian.[1](#) Next"
    >>> s = put_marker(s, 26, 32, "n1")
    >>> from edition.model import iter_tokens
    >>> list(iter_tokens(s))
    [('note', 'n1')]
    >>> ref_id("intro", "n1", 1), ref_id("intro", "n1", 2), note_id("intro", "n1")
    ('fnref:intro-n1', 'fnref:intro-n1-2', 'fn:intro-n1')

The ids follow Python-Markdown's footnote structure, scoped by unit, so the
same note has the same address in every build and in a PDF of all chapters.
The writer numbers the citations of a note in reading order (blocks in order,
table cells row by row), exactly as ``fill_refs`` does.
"""
from __future__ import annotations

import re
from typing import Iterator

from ..model import TOKEN_RE, Block, Loc, Note, Text, Unit, token

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
                             "0123456789abcdefghijklmnoprstuvwxyz")


# ---------------------------------------------------------------- ids
def note_key(label: str) -> str:
    """The stable key of a note in its unit: ``"12"`` -> ``n12``, ``"ᵃ"`` -> ``na``."""
    return "n" + re.sub(r"[^0-9a-z]", "", normalise_label(label).lower())


def note_id(unit_slug: str, key: str) -> str:
    """HTML id of a note: ``fn:<unit>-<key>``."""
    return f"fn:{unit_slug}-{key}"


def ref_id(unit_slug: str, key: str, n: int = 1) -> str:
    """HTML id of the n-th (1-based) marker citing a note: ``fnref:<unit>-<key>[-n]``."""
    return f"fnref:{unit_slug}-{key}" if n == 1 else f"fnref:{unit_slug}-{key}-{n}"


def normalise_label(label: str) -> str:
    """A printed label in plain characters: ``"¹²"`` -> ``"12"``, ``"ⁱ"`` -> ``"i"``."""
    return label.strip().translate(SUPERSCRIPTS)


def first_group(m: re.Match) -> str:
    """The label a marker/entry pattern captured: its first group that matched."""
    for g in m.groups():
        if g is not None:
            return normalise_label(g)
    return normalise_label(m.group(0))


# ---------------------------------------------------------------- notes
def note_block(text: str, loc: Loc, line_end: int = 0) -> Block:
    """One paragraph of a note."""
    return Block(kind="para", text=text.strip(), loc=loc, line_end=line_end or loc.line)


def make_note(label: str, blocks: list[Block], loc: Loc, key: str | None = None) -> Note:
    """A note labelled as printed (``"12"``, ``"a"``); key ``n<label>`` unless given."""
    label = normalise_label(label)
    return Note(key=key or note_key(label), label=label, blocks=blocks, loc=loc)


# ---------------------------------------------------------------- markers
def put_marker(s: str, start: int, end: int, key: str) -> str:
    """Replace the marker printed at ``s[start:end]`` by a note token."""
    return s[:start] + token("note", key) + s[end:]


def put_orphan(s: str, start: int, end: int, label: str) -> str:
    """Replace a marker that no note answers by a visible, flagged orphan token."""
    return s[:start] + token("orphan", normalise_label(label)) + s[end:]


class Slot:
    """One inline string of a block: its text, or one table cell."""

    def __init__(self, block: Block, row: int | None = None, col: int | None = None):
        self.block, self.row, self.col = block, row, col

    def get(self) -> str:
        return self.block.text if self.row is None else self.block.rows[self.row][self.col]

    def set(self, value: str) -> None:
        if self.row is None:
            self.block.text = value
        else:
            self.block.rows[self.row][self.col] = value


def slots(block: Block) -> Iterator[Slot]:
    """The inline strings of a block in reading order (table cells row by row)."""
    if block.rows is not None:
        for r, row in enumerate(block.rows):
            for c in range(len(row)):
                yield Slot(block, r, c)
    else:
        yield Slot(block)


def unit_slots(unit: Unit) -> Iterator[Slot]:
    for block in unit.blocks:
        yield from slots(block)


def replace_in_slot(slot: Slot, spans: list[tuple[int, int, str]]) -> None:
    """Apply replacements ``(start, end, new)`` to a slot's text (spans don't overlap)."""
    s = slot.get()
    for start, end, new in sorted(spans, reverse=True):
        s = s[:start] + new + s[end:]
    slot.set(s)


def source_line(text: Text, block: Block, needle: str) -> Loc:
    """The witness line of ``block`` on which ``needle`` is printed (else the block's first)."""
    first, last = block.loc.line, max(block.line_end, block.loc.line)
    for line in text.lines:
        if first <= line.no <= last and needle in line.text:
            return text.loc(line.no)
    return block.loc


# ---------------------------------------------------------------- refs and report
def fill_refs(text: Text, unit: Unit) -> None:
    """Fill ``note.refs`` with the ids of the markers citing it, in reading order.

    A ``note`` token whose key has no note in the unit becomes an orphan token
    (it stays visible, flagged) so the writer never links to nothing.
    """
    notes = {n.key: n for n in unit.notes}
    for note in unit.notes:
        note.refs = []
    for slot in unit_slots(unit):
        s = slot.get()
        if "note:" not in s:
            continue

        def repl(m: re.Match) -> str:
            if m.group(1) != "note":
                return m.group(0)
            note = notes.get(m.group(2))
            if note is None:
                label = m.group(2)[1:]
                unit.orphan_markers.append((label, slot.block.loc))
                return token("orphan", label)
            note.refs.append(ref_id(unit.slug, note.key, len(note.refs) + 1))
            return m.group(0)

        slot.set(TOKEN_RE.sub(repl, s))


def count_markers(unit: Unit) -> int:
    """Markers in the running text of a unit: note and orphan tokens."""
    return sum(1 for slot in unit_slots(unit) for kind, _ in _tokens(slot.get())
               if kind in ("note", "orphan"))


def _tokens(s: str):
    return ((m.group(1), m.group(2)) for m in TOKEN_RE.finditer(s))


def record(text: Text, unit: Unit) -> dict:
    """Count the unit's markers and notes into ``text.report.notes[unit.slug]``.

    Every unanchored note (no marker cites it) and every orphan marker (no
    note answers it) gets a diagnostic with its ``file:line``.
    """
    unanchored = [n for n in unit.notes if not n.refs]
    counts = {
        "markers": count_markers(unit),
        "notes": len(unit.notes),
        "linked": len(unit.notes) - len(unanchored),
        "unanchored": len(unanchored),
        "orphans": len(unit.orphan_markers),
    }
    text.report.notes[unit.slug] = counts
    for note in unanchored:
        text.report.warn("W-NOTE-UNANCHORED", note.loc,
                         f"{unit.slug}: note {note.label} has no marker in the text; shown among the "
                         "notes whose place is not marked in the source")
    for label, loc in unit.orphan_markers:
        text.report.warn("W-NOTE-ORPHAN", loc,
                         f"{unit.slug}: marker {label} has no note; shown flagged in the text")
    return counts


def finish(text: Text, units: list[Unit] | None = None) -> None:
    """Fill refs and record counts for every live unit with notes or markers."""
    for unit in units if units is not None else text.units:
        if unit.drop:
            continue
        fill_refs(text, unit)
        if unit.notes or unit.orphan_markers or count_markers(unit):
            record(text, unit)


def check_unique_keys(text: Text, unit: Unit) -> None:
    """Keys must be unique in a unit: a clash gets a suffix (``n3-2``) and a warning.

    Call it before placing markers: markers are placed by key.
    """
    seen: dict[str, int] = {}
    for note in unit.notes:
        n = seen.get(note.key, 0) + 1
        seen[note.key] = n
        if n > 1:
            old = note.key
            note.key = f"{old}-{n}"
            text.report.warn("W-NOTE-DUPLICATE", note.loc,
                             f"{unit.slug}: a second note {note.label} (key {old}); keyed {note.key}")
