"""Getty & Naumov, The Road to Terror, on the real witness: structure, furniture, footnotes.

What a reader sees: the thirteen chapters with their printed titles in order,
both parts, every Document 1-199 once (148 in two versions) inside its
chapter, no running head, page number or "Document N continued" head left in
the text, the page-bottom footnotes out of the running text and linked to
their markers (numbering restarting in every chapter).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edition.model import plain
from tests.golden import assert_golden
from tests.notes_helpers import build_until_notes, live, markers, words_before

ROOT = Path(__file__).resolve().parent.parent

CHAPTERS = [
    "The New Situation, 1930–32",
    "Party Discipline in 1932",
    "Repression and Legality",
    "Growing Tension in 1935",
    "Screening Cadres",
    "The Fork in the Road",
    "The Face of the Enemy, 1936",
    "The Tide Turns",
    "The Sky Darkens",
    "Party Discipline and the Fall of Bukharin",
    "The Storm of 1937: The Party Commits Suicide",
    "Ending the Terror, 1938",
    "Two Bolsheviks",
]


@pytest.fixture(scope="module")
def getty():
    return build_until_notes(ROOT, only=["getty"]).text("getty")


def blocks(text, kinds=("para", "heading", "document", "quote", "verse", "list")):
    for unit in live(text):
        for block in unit.blocks:
            if block.kind in kinds:
                yield unit, block


# ---------------------------------------------------------------- structure
def test_units_in_order_with_their_titles(getty):
    pages = [(u.slug, u.kind, u.label, u.title) for u in live(getty)]
    assert pages[:5] == [
        ("preface", "front", "", "Preface"),
        ("transliteration", "front", "", "Notes on Transliteration and Terminology"),
        ("note-on-documents", "front", "", "A Note on the Documents"),
        ("intro", "front", "Introduction", "Party Documents and Bolshevik Mentality"),
        ("part1", "part", "Part I", "Closing Ranks"),
    ]
    chapters = [(u.label, u.title) for u in live(getty) if u.kind == "chapter"]
    assert chapters == [(f"Chapter {i}", t) for i, t in enumerate(CHAPTERS, start=1)]
    slugs = [u.slug for u in live(getty)]
    assert slugs.index("part2") == slugs.index("ch07") - 1
    assert slugs[-3:] == ["conclusion", "app1", "biographies"]
    dropped = {u.slug for u in getty.units if u.drop}
    assert dropped == {"abbreviations", "list-of-documents", "index"}
    assert getty.manifest["index_note"]


def test_every_document_1_to_199_once_inside_its_chapter(getty):
    numbers = [(u.slug, b.number) for u, b in blocks(getty, ("document",))]
    base = [int(re.match(r"\d+", n).group()) for _, n in numbers]
    assert sorted(set(base)) == list(range(1, 200))
    assert len(base) == 200 and base.count(148) == 2            # 148(a) and 148(b)
    assert {n for _, n in numbers if n.startswith("148")} == {"148(a)", "148(b)"}
    assert all(slug.startswith("ch") for slug, _ in numbers)
    assert base == sorted(base)                                 # in print order
    titles = {b.number: plain(b.text) for _, b in blocks(getty, ("document",))}
    assert titles["3"].startswith("The Riutin Platform")
    assert titles["95"].startswith("Bukharin's speech to the December 1936 CC plenum")


def test_section_headings_inside_chapters(getty):
    heads = [(u.slug, plain(b.text)) for u, b in blocks(getty, ("heading",))]
    assert ("intro", "Questions and Culprits") in heads
    assert ("ch12", "Ending the Terror") in heads
    assert ("ch06", "The Nomenklatura Against Itself in Early 1936: Who Was to Blame?") in heads
    assert ("conclusion", "Stalinist Politics as History") in heads          # set as a paragraph until proofread
    assert len(heads) == 38


# ---------------------------------------------------------------- furniture
FURNITURE_RE = re.compile(
    r"Document \S+ (?:continued|cootinued|\(cont\.\))|Party Discipline in 193 z 95|Repression andLegality 109|"
    r"128 Closing Ranks|The Forkin the Road 243|366 The Terror|416 TheTerror|The Stormof 1937 455|"
    r"EndingtheTerror|590 Appendix One|BiographicalSketches 601")


def test_no_running_heads_page_numbers_or_continued_heads_remain(getty):
    page_numbers = {"149", "271", "474", "so5", "519", "522"}     # the few the OCR kept
    for unit, block in blocks(getty):
        text = plain(block.text)
        assert not FURNITURE_RE.search(text), f"{block.loc}: {text[:80]}"
        assert text.strip() not in page_numbers, f"{block.loc}: page number"
    counts = getty.report.counts
    assert counts["furniture:running-head"] == 10
    assert counts["furniture:page-number"] == 6
    assert counts["furniture:document-continued"] == 49


def test_no_footnote_is_left_in_the_running_text(getty):
    citation = re.compile(r"^\s*[0-9IlrzgjS]{1,3} ?\. (?:RTs|TsKh|GARF|Voprosy|Izvest)")
    for unit, block in blocks(getty, ("para",)):
        text = plain(block.text)
        assert not citation.match(text), f"{block.loc}: {text[:80]}"
        assert not text.startswith(("RTsKhIDNI, f.", "RTsKhlDNI, f.")), f"{block.loc}: {text[:80]}"


def test_paragraphs_cut_by_a_footnote_block_are_joined(getty):
    paras = {b.loc.line: plain(b.text) for _, b in blocks(getty, ("para",))}
    tivel = next(t for line, t in paras.items() if line <= 652 and "Gulag Archipelago" in t)
    assert "Gulag Archipelago, to name a few. Honest, loyal people" in tivel
    assert "Tivel's story is contained" not in tivel


def test_a_documents_addressees_cut_by_a_page_break_are_whole(getty):
    """The editor's joins (manifest paragraph_joins) also reach a document's opening lines: the
    addressees of Documents 20 and 73 end where the print ends them, and the text after them stands
    apart (a break the editor marked under 'procuracy')."""
    openers = {b.loc.line: plain(b.text) for _, b in blocks(getty, ("opener",))}
    assert openers[5333].endswith("the courts, and the procuracy")
    assert openers[11609].endswith("to the Central Committees of national Communist Parties, city committees, "
                                   "and district committees of the VKP(b).")
    paras = {b.loc.line: plain(b.text) for _, b in blocks(getty, ("para",))}
    assert paras[5339].startswith("The desperate resistance of the kulaks")
    assert not any(t.startswith(("procuracy", "national Communist Parties")) for t in paras.values())


# ---------------------------------------------------------------- notes
def test_footnotes_per_unit_match_golden(getty):
    lines = [f"{slug:18} {c['notes']:3} notes, {c['linked']:3} linked, {c['unanchored']:2} unanchored, "
             f"{c['markers']:3} markers, {c['orphans']:2} orphans"
             for slug, c in getty.report.notes.items()]
    assert_golden("getty/notes_per_unit.txt", "\n".join(lines) + "\n")


def test_at_least_95_percent_of_the_notes_are_linked_both_ways(getty):
    total = sum(c["notes"] for c in getty.report.notes.values())
    linked = sum(c["linked"] for c in getty.report.notes.values())
    assert total >= 580
    assert linked / total >= 0.95, f"{linked}/{total}"
    for unit in live(getty):
        keys = {n.key for n in unit.notes}
        cited = [v for u, _, kind, v, _ in markers(getty) if u is unit and kind == "note"]
        assert len(cited) == len(set(cited)), unit.slug            # one marker per footnote
        assert set(cited) <= keys
        for note in unit.notes:
            assert len(note.refs) == (1 if note.key in cited else 0)


def test_numbering_restarts_in_every_unit_and_runs_in_order(getty):
    for unit in live(getty):
        numbers = [int(n.label) for n in unit.notes]
        assert numbers == sorted(numbers) and len(numbers) == len(set(numbers)), unit.slug
        if numbers:
            assert numbers[0] <= 2, unit.slug
        cited = [int(v[1:]) for u, _, kind, v, _ in markers(getty) if u is unit and kind == "note"]
        assert cited == sorted(cited), unit.slug                  # markers in note order


def test_every_unanchored_note_and_orphan_marker_is_reported_with_its_line(getty):
    diags = [str(d) for d in getty.report.diagnostics if d.code in ("W-NOTE-UNANCHORED", "W-NOTE-ORPHAN")]
    unanchored = sum(c["unanchored"] for c in getty.report.notes.values())
    orphans = sum(c["orphans"] for c in getty.report.notes.values())
    assert len(diags) == unanchored + orphans
    assert all(re.match(r"texts/getty/source\.txt:\d+: W-NOTE-", d) for d in diags)


def continuation_gaps(getty) -> set[int]:
    """Body lines inside a note's line range: a note whose end the manifest hands back from a later page
    (``notes.note_continuations``) spans the body printed between its two parts."""
    gaps: set[int] = set()
    for entry in getty.manifest["notes"]["note_continuations"]:
        note = max((raw for raw in getty.raw_notes if raw.loc.line < entry["line"] <= raw.line_end),
                   key=lambda raw: raw.loc.line)
        for unit in live(getty):
            for block in unit.blocks:
                first, last = block.loc.line, max(block.line_end or block.loc.line, block.loc.line)
                if note.loc.line < first and last < entry["line"]:
                    gaps.update(range(first, last + 1))
    return gaps


def test_each_linked_marker_stands_where_the_source_printed_it(getty):
    """The words before the marker in the built text are printed on the marker's source lines."""
    checked = 0
    cut = {n for raw in getty.raw_notes for n in range(raw.loc.line, raw.line_end + 1)}   # the footnotes
    cut -= continuation_gaps(getty)
    for unit, block, kind, value, before in markers(getty):
        if kind != "note" or len(words_before(before, 2)) < 2:
            continue
        words = words_before(before, 2)
        lines = " ".join(ln.text for ln in getty.lines if block.loc.line <= ln.no <= max(block.line_end, block.loc.line)
                         and ln.no not in cut)
        flat = re.sub(r"\W+", "", lines)
        assert re.sub(r"\W+", "", "".join(words)) in flat, f"{block.loc}: {words} {value}"
        checked += 1
    assert checked > 500


def test_the_notes_hold_their_text_and_none_is_empty(getty):
    by_unit = {u.slug: u for u in live(getty)}
    assert sum(len(u.notes) for u in by_unit.values()) == len(getty.raw_notes)
    for unit in by_unit.values():
        for note in unit.notes:
            assert plain(note.blocks[0].text).strip(), f"{note.loc}"
    note1 = by_unit["ch01"].notes[0]
    assert plain(note1.blocks[0].text).startswith("On the civil war see Diane P. Koenker")
    assert note1.refs == ["fnref:ch01-n1"]


def test_cut_footnotes_leave_the_report_once_attached(getty):
    assert getty.report.counts["footnote-cut"] == len(getty.raw_notes)
    assert getty.report.counts["footnotes-attached"] == len(getty.raw_notes)
    assert not [d for d in getty.report.dropped if d.rule == "footnote-cut"]
