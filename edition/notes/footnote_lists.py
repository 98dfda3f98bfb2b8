"""Footnote lists printed after some essays: link the surviving markers, keep every note.

Style ``footnote-lists`` (Medvedev).  A heading matching ``notes.list_heading``
followed by list blocks is a footnote list (its items numbered ``1.``, ``2.``
..., an item that lost its number takes the next one); paragraphs after the
list up to the next heading continue its last note.  The list is removed from
the running text.

Each list serves the markers printed since the previous list (an installment
of a serial may put its footnotes after its last essay).  Markers are of two
kinds: ``marker_patterns`` (superscript digits: always a marker) and
``candidate_patterns`` (digits glued after a period or quote, which could be
a year or a page number).  Within a list's stretch of text the candidates are
aligned with the note sequence (the longest increasing run, sure markers
weighing more); a candidate off the sequence stays text.

    essay01: ".. having collected all the Austrian and other materials."1"
             -> "... materials."⟨note:n1⟩"        (note 1 of the list after essay 1)
    essay06: "... the neighboring room.³"  -> "... room.⟨note:n3⟩"   (list after essay 6)

A note goes to the page of its first marker.  A note whose marker is lost
goes to the page of the marked notes around it when they agree, otherwise to
the page where the list is printed, and is shown there as unanchored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Block, Edition, Note, Text, Unit, plain
from . import core


@dataclass
class FootList:
    """One printed footnote list: where it stood and its notes (in order)."""

    unit: Unit
    pos: tuple[int, int]
    notes: list[Note] = field(default_factory=list)


@dataclass
class Candidate:
    """A marker or marker candidate in the running text."""

    slot: core.Slot
    start: int
    end: int
    number: int
    sure: bool
    unit: Unit
    pos: tuple[int, int, int]


def link(text: Text, edition: Edition) -> None:
    cfg = text.manifest["notes"]
    units = [u for u in text.units if not u.drop]
    heading = re.compile(cfg["list_heading"])
    entries = [re.compile(p) for p in cfg["entry_patterns"]] or [re.compile(r"(\d+)\.\s+")]
    lists, listed = extract_lists(text, units, heading, entries)
    cands = find_candidates(units, listed, [re.compile(p) for p in cfg["marker_patterns"]],
                            [re.compile(p) for p in cfg["candidate_patterns"]])
    placed: list[tuple[Candidate, Note | None]] = []
    for flist, region in zip(lists + [None], _regions(cands, lists)):
        placed.extend(align(text, flist, region))
    _give_homes(lists, placed)
    for unit in units:
        unit.blocks = [b for b in unit.blocks if id(b) not in listed]
        core.check_unique_keys(text, unit)
    _apply(text, placed)
    core.finish(text, units)


# ---------------------------------------------------------------- the lists
def extract_lists(text: Text, units: list[Unit], heading, entries) -> tuple[list[FootList], set[int]]:
    """Find every footnote list; return them and the ids of the blocks they occupy."""
    lists: list[FootList] = []
    listed: set[int] = set()
    for ui, unit in enumerate(units):
        current: FootList | None = None
        for bi, block in enumerate(unit.blocks):
            if block.kind == "heading" and heading.fullmatch(plain(block.text).strip()):
                current = FootList(unit, (ui, bi))
                lists.append(current)
                text.report.drop("notes-list-heading", block.loc,
                                 f"{plain(block.text)} (the notes are shown in the page's Notes section)")
            elif current is not None and block.kind == "list":
                _items(text, block, current, entries)
            elif current is not None and block.kind == "para" and current.notes:
                current.notes[-1].blocks.append(core.note_block(block.text, block.loc, block.line_end))
                text.report.count("note-continuation-paragraph")
            else:
                current = None
                continue
            listed.add(id(block))
    return lists, listed


def _items(text: Text, block: Block, flist: FootList, entries) -> None:
    for item in block.text.split("\n"):
        if not item.strip():
            continue
        loc = core.source_line(text, block, item.strip()[:40])
        expected = len(flist.notes) + 1
        number, rest = expected, item
        for rx in entries:
            m = rx.match(item)
            if m and core.first_group(m).isdigit():
                number, rest = int(core.first_group(m)), item[m.end():]
                break
        else:
            text.report.count("note-number-inferred")
            text.report.warn("W-NOTE-NUMBER-INFERRED", loc,
                             f"{flist.unit.slug}: footnote list item without a number; numbered {expected} "
                             "from its place in the list")
        if number != expected:
            text.report.warn("W-NOTE-SEQUENCE", loc, f"{flist.unit.slug}: footnote {number} where "
                             f"{expected} was expected (repair by emendation)")
        flist.notes.append(core.make_note(str(number), [core.note_block(rest, loc)], loc))


# ---------------------------------------------------------------- markers
def find_candidates(units: list[Unit], listed: set[int], sure, maybe) -> list[Candidate]:
    """Markers and candidates in reading order, outside the lists (overlaps: earliest, sure first)."""
    found: list[Candidate] = []
    for ui, unit in enumerate(units):
        for bi, block in enumerate(unit.blocks):
            if id(block) in listed:
                continue
            for si, slot in enumerate(core.slots(block)):
                s = slot.get()
                spans = sorted([(m.start(), 0, m) for rx in sure for m in rx.finditer(s)]
                               + [(m.start(), 1, m) for rx in maybe for m in rx.finditer(s)],
                               key=lambda t: (t[0], t[1]))
                end = -1
                for start, kind, m in spans:
                    label = core.first_group(m)
                    if start < end or not label.isdigit():
                        continue
                    found.append(Candidate(slot, m.start(), m.end(), int(label), kind == 0, unit,
                                           (ui, bi, si * 10**6 + start)))
                    end = m.end()
    return found


def _regions(cands: list[Candidate], lists: list[FootList]) -> list[list[Candidate]]:
    """Split the candidates by the list that follows them (the last region has no list)."""
    regions: list[list[Candidate]] = [[] for _ in range(len(lists) + 1)]
    for c in cands:
        i = next((k for k, fl in enumerate(lists) if fl.pos > c.pos[:2]), len(lists))
        regions[i].append(c)
    return regions


def align(text: Text, flist: FootList | None, region: list[Candidate]) -> list[tuple[Candidate, Note | None]]:
    """Pick the markers of one region: the heaviest increasing run of valid numbers.

    Returns (candidate, note) for markers (note None: an orphan marker); a
    candidate off the run is left as text and reported.
    """
    notes = {int(n.label): n for n in flist.notes if n.label.isdigit()} if flist else {}
    valid = [c for c in region if c.number in notes]
    chosen = set(map(id, _heaviest_increasing(valid)))
    out: list[tuple[Candidate, Note | None]] = []
    for c in region:
        if id(c) in chosen:
            out.append((c, notes[c.number]))
        elif c.sure:
            out.append((c, notes.get(c.number)))       # a repeated citation, or an orphan
        else:
            text.report.count("note-candidate-left-as-text")
            text.report.warn("W-NOTE-CANDIDATE", core.source_line(text, c.slot.block, str(c.number)),
                             f"{c.unit.slug}: {c.number!r} after punctuation looks like a note marker but "
                             "does not fit the note sequence; left as text")
    return out


def _heaviest_increasing(cands: list[Candidate]) -> list[Candidate]:
    """The strictly increasing (by number) subsequence with most weight (sure markers weigh 2)."""
    best: list[tuple[int, int]] = []          # (weight, previous index)
    for i, c in enumerate(cands):
        w = 2 if c.sure else 1
        options = [(best[j][0] + w, j) for j in range(i) if cands[j].number < c.number]
        best.append(max(options, default=(w, -1)))
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: best[k][0])
    run = []
    while i >= 0:
        run.append(cands[i])
        i = best[i][1]
    return run[::-1]


# ---------------------------------------------------------------- homes
def _give_homes(lists: list[FootList], placed: list[tuple[Candidate, Note | None]]) -> None:
    """Each note to the page of its first marker, or of its marked neighbours, or of its list."""
    home: dict[int, Unit] = {}
    for cand, note in placed:
        if note is not None:
            home.setdefault(id(note), cand.unit)
    for flist in lists:
        for i, note in enumerate(flist.notes):
            if id(note) in home:
                continue
            before = next((home[id(n)] for n in flist.notes[i::-1] if id(n) in home), None)
            after = next((home[id(n)] for n in flist.notes[i:] if id(n) in home), None)
            home[id(note)] = before if before is not None and before is after else flist.unit
        for note in flist.notes:
            home[id(note)].notes.append(note)
    for i, (cand, note) in enumerate(placed):
        if note is not None and home[id(note)] is not cand.unit:
            placed[i] = (cand, None)               # a citation on another page: flagged, not linked


def _apply(text: Text, placed: list[tuple[Candidate, Note | None]]) -> None:
    by_slot: dict[int, tuple[core.Slot, Unit, list]] = {}
    for cand, note in placed:
        _, unit, spans = by_slot.setdefault(id(cand.slot), (cand.slot, cand.unit, []))
        if note is None:
            raw = cand.slot.get()[cand.start:cand.end].strip()
            unit.orphan_markers.append((str(cand.number), core.source_line(text, cand.slot.block, raw)))
            spans.append((cand.start, cand.end, core.put_orphan("", 0, 0, str(cand.number))))
        else:
            spans.append((cand.start, cand.end, core.put_marker("", 0, 0, note.key)))
    for slot, _, spans in by_slot.values():
        core.replace_in_slot(slot, spans)
