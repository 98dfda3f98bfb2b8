"""Endnotes printed in a Notes section: give each note to its page and link it both ways.

Styles ``endnotes-section`` (one numbering for the whole text, Furr) and
``grouped-endnotes`` (the section is grouped under chapter headings and the
numbering restarts in each group, Khlevniuk).  The section unit
(``notes.section_unit``) is taken apart and removed from the edition; the
report counts its notes as distributed.

A section paragraph starts a note when an ``entry_patterns`` regex matches at
its start *and* its number is the next in the sequence; any other paragraph
continues the note before it.  Markers (``marker_patterns``) become note
tokens; a marker whose number has no note becomes a visible orphan.

    notes unit:  "8 This is actually ..." / "*Tragediia ...*" / "[9](#) To build ..."
    -> Note n8 (2 paragraphs), Note n9
    intro:  "... only available in Russian.[1](#)"  ->  "... only available in Russian.⟨note:n1⟩"

Lettered notes under tables (``letter_notes``): the paragraphs right after a
table that start with a letter (``^a``, ``ⁱ``) become the unit's notes
``na``, ``nb`` ..., and the letters in the table's cells link to them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Block, Edition, Note, Text, Unit, plain
from ..pipeline import BuildError
from . import core


@dataclass
class Group:
    """The notes of one group of the section and the unit they belong to (None: by marker)."""

    unit: str | None
    notes: list[Note]


@dataclass
class Marker:
    """A marker candidate: where it is printed and the label it carries."""

    slot: core.Slot
    start: int
    end: int
    label: str


def link(text: Text, edition: Edition) -> None:
    cfg = text.manifest["notes"]
    section = _section_unit(text, cfg)
    groups = parse_section(text, section, cfg)
    text.units.remove(section)
    text.report.count(f"notes-distributed:{section.slug}", sum(len(g.notes) for g in groups))
    units = [u for u in text.units if not u.drop]
    patterns = [re.compile(p) for p in cfg["marker_patterns"]]
    markers = {u.slug: find_markers(u, patterns) for u in units}
    if any(g.unit for g in groups):
        _place_grouped(text, units, groups, markers)
    else:
        _place_by_marker(text, units, [n for g in groups for n in g.notes], markers)
    letters = cfg["letter_notes"]
    for unit in units:
        if unit.slug in (letters["units"] or []):
            link_letter_notes(text, unit, re.compile(letters["marker"]), re.compile(letters["entry"]))
    core.finish(text, units)


def _section_unit(text: Text, cfg) -> Unit:
    for unit in text.units:
        if unit.slug == cfg["section_unit"]:
            return unit
    line = cfg.key_lines.get("section_unit", cfg.line)
    raise BuildError(f"{text.manifest_path}:{line}: notes.section_unit {cfg['section_unit']!r} "
                     "is not a unit of this text")


# ---------------------------------------------------------------- the Notes section
def parse_section(text: Text, section: Unit, cfg) -> list[Group]:
    """Split the section's blocks into groups of numbered notes (with continuations)."""
    heads = [(re.compile(g["heading"]), g["unit"]) for g in cfg["groups"]]
    entries = [re.compile(p) for p in cfg["entry_patterns"]]
    groups = [Group(None, [])]
    for block in section.blocks:
        unit = _group_heading(block, heads)
        if unit:
            groups.append(Group(unit, []))
            text.report.drop("notes-group-heading", block.loc,
                             f"{block.plain()} (its notes are shown on the page {unit})")
            continue
        group = groups[-1]
        expected = len(group.notes) + 1
        number, rest = _entry(block.text, entries)
        if number == expected:
            group.notes.append(core.make_note(str(number), [_body(block, rest)], block.loc))
            continue
        if number is not None and number < 1000:
            text.report.warn("W-NOTE-SEQUENCE", block.loc,
                             f"paragraph starts with note number {number} where {expected} was expected; "
                             "kept as a continuation of the note before (repair by emendation)")
        if group.notes:
            group.notes[-1].blocks.append(_body(block, block.text))
            text.report.count("note-continuation-paragraph")
        else:
            text.report.drop("notes-section-outside-note", block.loc, block.plain()[:200])
    return [g for g in groups if g.notes or g.unit]


def _group_heading(block: Block, heads) -> str | None:
    s = plain(block.text).strip()
    for rx, unit in heads:
        if rx.fullmatch(s):
            return unit
    return None


def _entry(s: str, entries) -> tuple[int | None, str]:
    """The note number a paragraph starts with (or None) and the text after it."""
    for rx in entries:
        m = rx.match(s)
        if m:
            label = core.first_group(m)
            if label.isdigit():
                return int(label), s[m.end():]
    return None, s


def _body(block: Block, s: str) -> Block:
    b = core.note_block(s, block.loc, block.line_end)
    b.attrs = dict(block.attrs)
    return b


# ---------------------------------------------------------------- markers
def find_markers(unit: Unit, patterns) -> list[Marker]:
    """Marker candidates of a unit in reading order (overlaps: the earliest, longest wins)."""
    found: list[Marker] = []
    for slot in core.unit_slots(unit):
        s = slot.get()
        spans = sorted(((m.start(), -m.end(), m) for rx in patterns for m in rx.finditer(s)),
                       key=lambda t: (t[0], t[1]))
        end = -1
        for start, _, m in spans:
            if start >= end:
                found.append(Marker(slot, m.start(), m.end(), core.first_group(m)))
                end = m.end()
    return found


def apply_markers(text: Text, unit: Unit, decided: list[tuple[Marker, str | None]]) -> None:
    """Replace each marker by its note token (key) or, for None, by an orphan token."""
    by_slot: dict[int, tuple[core.Slot, list]] = {}
    for marker, key in decided:
        entry = by_slot.setdefault(id(marker.slot), (marker.slot, []))
        if key is None:
            raw = marker.slot.get()[marker.start:marker.end]
            unit.orphan_markers.append((marker.label, core.source_line(text, marker.slot.block, raw.strip())))
            new = core.put_orphan("", 0, 0, marker.label)
        else:
            new = core.put_marker("", 0, 0, key)
        entry[1].append((marker.start, marker.end, new))
    for slot, spans in by_slot.values():
        core.replace_in_slot(slot, spans)


def _place_grouped(text: Text, units: list[Unit], groups: list[Group], markers) -> None:
    by_slug = {u.slug: u for u in units}
    for group in groups:
        if group.unit is None:
            for note in group.notes:
                text.report.warn("W-NOTE-UNGROUPED", note.loc,
                                 f"note {note.label} stands before the first group heading; left out")
                text.report.drop("notes-section-outside-group", note.loc, note.blocks[0].plain()[:200])
            continue
        unit = by_slug.get(group.unit)
        if unit is None:
            raise BuildError(f"{text.manifest_path}: notes.groups names unit {group.unit!r}, "
                             "which is not a live unit of this text")
        unit.notes.extend(group.notes)
    for unit in units:
        if unit.slug in markers:
            core.check_unique_keys(text, unit)
            keys = {n.label: n.key for n in unit.notes}
            apply_markers(text, unit, [(m, keys.get(m.label)) for m in markers[unit.slug]])


def _place_by_marker(text: Text, units: list[Unit], notes: list[Note], markers) -> None:
    """One numbering for the text: a note goes to the page of its first marker."""
    home: dict[str, Unit] = {}
    by_label = {n.label: n for n in notes}
    decisions: dict[str, list] = {u.slug: [] for u in units}
    for unit in units:
        for m in markers[unit.slug]:
            note = by_label.get(m.label)
            if note is not None and home.setdefault(note.label, unit) is not unit:
                text.report.warn("W-NOTE-CROSS-UNIT", core.source_line(text, m.slot.block, m.label),
                                 f"marker {m.label} in {unit.slug} cites a note already placed in "
                                 f"{home[note.label].slug}; flagged as an orphan")
                note = None
            decisions[unit.slug].append((m, note.key if note else None))
    fallback = units[0] if units else None
    for i, note in enumerate(notes):
        if note.label not in home:
            near = [home[n.label] for n in notes[i::-1] + notes[i:] if n.label in home]
            home[note.label] = near[0] if near else fallback
    for note in notes:
        if home.get(note.label):
            home[note.label].notes.append(note)
    for unit in units:
        apply_markers(text, unit, decisions[unit.slug])


# ---------------------------------------------------------------- letter notes under tables
def _right_after(blocks: list[Block], pending) -> bool:
    """The paragraph follows the last table directly or its letter notes only."""
    return bool(blocks) and blocks[-1] is pending[-1][0]


def link_letter_notes(text: Text, unit: Unit, marker_rx, entry_rx) -> None:
    """Make the lettered paragraphs after each table the unit's notes and link the cells."""
    blocks: list[Block] = []
    pending: list[tuple[Block, list[Note]]] = []     # each table and the notes printed under it
    for block in unit.blocks:
        if block.rows is not None:
            pending.append((block, []))
            blocks.append(block)
            continue
        m = entry_rx.match(block.text) if pending and block.kind == "para" else None
        if m and _right_after(blocks, pending):
            note = core.make_note(core.first_group(m), [_body(block, block.text[m.end():])], block.loc)
            pending[-1][1].append(note)
            continue
        blocks.append(block)
    unit.blocks = blocks
    expected = "a"
    for block, notes in pending:
        for note in notes:
            if note.label != expected:
                text.report.warn("W-NOTE-SEQUENCE", note.loc,
                                 f"{unit.slug}: letter note {note.label!r} where {expected!r} was expected")
            expected = chr(ord(note.label) + 1) if len(note.label) == 1 else expected
            unit.notes.append(note)
        core.check_unique_keys(text, unit)
        keys = {n.label: n.key for n in notes}
        decided = []
        for slot in core.slots(block):
            for m in marker_rx.finditer(slot.get()):
                label = core.first_group(m)
                decided.append((Marker(slot, m.start(), m.end(), label), keys.get(label)))
        apply_markers(text, unit, decided)
