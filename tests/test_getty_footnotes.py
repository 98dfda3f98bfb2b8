"""Getty: cutting page-bottom footnotes out of the OCR text (``edition.clean.footnote_blocks``).

Each fixture under ``tests/fixtures/getty/`` is an excerpt of the witness
(real line numbers, first note number of the excerpt in its header); the
golden file lists the notes found (number, label as printed, lines, text) and
the line ranges left to the body.  The traps are named in each fixture.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edition.clean.footnote_blocks import (candidates, continues_note, ends_sentence, extract, page_top,
                                           reaches_page_end)
from edition.clean.ocr_digits import exact, readings
from edition.model import Line
from tests.golden import assert_golden

FIXTURES = Path(__file__).parent / "fixtures" / "getty"
HEADER_RE = re.compile(r"# texts/getty/source\.txt lines (\d+)-(\d+); first note (\d+)")


def load(name: str) -> tuple[list[Line], int]:
    raw = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").split("\n")
    first_line, _, first_note = map(int, HEADER_RE.match(raw[0]).groups())
    body = [s for s in raw if not s.startswith("# ")][:-1]     # drop the header and the final newline
    return [Line(first_line + i, s) for i, s in enumerate(body)], first_note


def ranges(numbers: list[int]) -> str:
    out, start, prev = [], None, None
    for n in numbers:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}")
    return ", ".join(out)


def dump(name: str, **kw) -> str:
    lines, first = load(name)
    cut = extract(lines, first=first, **kw)
    out = [f"# {name}: {len(cut.notes)} notes"]
    for n in cut.notes:
        out.append(f"[{n.number}] printed {n.label!r}, lines {n.first}-{n.last}: {n.text}")
    out.append(f"# body lines kept: {ranges([ln.no for ln in cut.body if ln.text.strip()])}")
    return "\n".join(out) + "\n"


CASES = ["intro_tivel", "ch01_opening", "ch03_clauses", "ch01_dates", "ch03_spaced",
         "app1_second_paragraph", "ch04_list"]


# As the manifest has it (notes.not_footnotes): the list of books in Document 45, around note 53.
LIST_OF_BOOKS = frozenset(range(8496, 8524)) | frozenset(range(8525, 8625))


@pytest.mark.parametrize("name", CASES)
def test_footnotes_cut_from_excerpt_match_golden(name):
    kw = {"exclude": LIST_OF_BOOKS} if name == "ch04_list" else {}
    assert_golden(f"getty/footnotes/{name}.txt", dump(name, **kw))


def notes_of(name: str, **kw):
    lines, first = load(name)
    return {n.number: n for n in extract(lines, first=first, **kw).notes}


def test_damaged_numbers_are_read_from_their_place_in_the_sequence():
    notes = notes_of("intro_tivel")
    assert sorted(notes) == [1, 2, 3]
    assert notes[1].label == "I" and notes[2].label == "I"        # both printed "I"
    assert notes[2].text.startswith("Memo from V .  Abakumov")


def test_a_note_runs_on_after_a_blank_line_and_the_body_resumes_after_it():
    lines, _ = load("intro_tivel")
    notes = notes_of("intro_tivel")
    assert notes[2].last == 575 and "physical pressure" in notes[2].text
    assert (notes[3].first, notes[3].last) == (660, 660)
    kept = {ln.no for ln in extract(lines).body}
    assert 659 in kept and 661 in kept and 660 not in kept       # "...Gulag Archipelago," | "to name a few."


def test_an_initial_at_line_end_does_not_end_the_note():
    notes = notes_of("ch01_opening")
    assert (notes[1].first, notes[1].last) == (1734, 1738)
    assert notes[1].text.endswith("London, 1935.")


def test_numbered_clauses_of_a_document_are_not_footnotes():
    notes = notes_of("ch03_clauses")
    assert sorted(notes) == [18, 19, 20, 21, 22]
    assert notes[21].label == "zr" and notes[22].label == "rr"
    assert all(n.first >= 5262 for n in notes.values())           # the clauses stand at 5184-5228


def test_a_date_at_line_start_is_not_a_footnote():
    notes = notes_of("ch01_dates")
    assert sorted(notes) == [36, 37, 38, 39]
    assert all("September" not in n.text[:20] for n in notes.values())


def test_a_number_with_a_spurious_space_is_read():
    notes = notes_of("ch03_spaced")
    assert notes[45].label == "4 5" and notes[45].text.startswith("XVII")


def test_a_second_paragraph_of_a_note_stays_with_it():
    notes = notes_of("app1_second_paragraph")
    assert list(notes) == [1]
    assert "For low estimates see" in notes[1].text and notes[1].last == 26472


def test_lines_named_in_the_manifest_are_never_taken_for_footnotes():
    excluded = notes_of("ch04_list", exclude=LIST_OF_BOOKS)
    assert [(k, n.first) for k, n in excluded.items()] == [(53, 8524)]
    # without the manifest's word, a numbered list at the foot of pages is indistinguishable
    free = notes_of("ch04_list")
    assert any(n.text.startswith("G. Zinoviev") for n in free.values())


# ---------------------------------------------------------------- the small functions
def test_ocr_digit_readings():
    assert readings("z9") == {29}
    assert readings("lo") == {10}
    assert 21 in readings("rr") and 12 in readings("rr")
    assert exact("4 5") == 45 and exact("rz") is None


def test_candidates_and_their_labels():
    lines = [Line(i, s) for i, s in enumerate([
        "", "I .  Feliks Chuev, Sto sorok besed, Moscow, 1991.", "z9. Trotsky Papers, 8114.",
        "3 September 1933", "L. M. Kaganovich's speech", "8 Gcny, Rittersporn, and Zemskov"], start=1)]
    found = {c.index: (c.label, c.bare) for c in candidates(lines)}
    assert found[1] == ("I", False) and found[2] == ("z9", False)
    assert 3 not in found                        # a date
    assert found[5] == ("8", True)               # the full stop lost
    assert found[4] == ("L", False)              # a candidate; the sequence decides


def test_page_tops_and_sentence_ends():
    lines = [Line(i, s) for i, s in enumerate(["text ending mid", " page top line", "", "", "", "after"])]
    assert page_top(lines, 1) and page_top(lines, 5) and not page_top(lines, 0)
    assert reaches_page_end([Line(1, "1. A note."), Line(2, " next page")], 0)
    assert ends_sentence("Oxford, 1988.") and not ends_sentence("and Ronald G.")
    assert not continues_note("Ruler, Oxford, 1988.", "members publicly to defend", False)
    assert continues_note("Sixteenth and Seuen-", "teenth Centuries", False)


def _witness(first: int, last: int) -> list[Line]:
    source = (Path(__file__).resolve().parent.parent / "texts" / "getty" / "source.txt").read_text(encoding="utf-8")
    return [Line(no, text) for no, text in enumerate(source.split("\n")[first - 1:last], start=first)]


def test_an_editors_continuation_goes_to_the_note_above_it():
    """Ch. 8, note 7: 'From the uncorrected shorthand minutes.' stands under its archival reference; the
    rules take it for body text (it follows a full stop), the manifest's note_continuations give it back."""
    lines = _witness(13673, 13679)
    plain_cut = extract(lines, first=7)
    assert [n.number for n in plain_cut.notes] == [7]
    assert "shorthand" not in plain_cut.notes[0].text
    assert 13677 in [ln.no for ln in plain_cut.body]
    cut = extract(lines, first=7, continuations=frozenset({13677}))
    assert cut.notes[0].text.endswith("66-67. From the uncorrected shorthand minutes.")
    assert 13677 not in [ln.no for ln in cut.body] and cut.continued == {13677}
    assert "headed by Akudzhava" in " ".join(ln.text for ln in cut.body)      # the body around it stays


def test_a_continuation_with_no_note_above_it_stays_in_the_body():
    lines = _witness(13673, 13679)
    cut = extract(lines, first=7, continuations=frozenset({13673}))       # body text before the note
    assert cut.continued == set() and 13673 in [ln.no for ln in cut.body]


def test_a_continuation_entry_that_matches_nothing_is_named(tmp_path):
    """An entry whose line no footnote can take (here: the label line of a note, already a note's) stops
    the build at its manifest line."""
    import shutil
    from tests.projects import run_cli, site_machinery
    root = Path(__file__).resolve().parent.parent
    tmp_path = tmp_path / "p"
    site_machinery(tmp_path)
    shutil.copytree(root / "texts", tmp_path / "texts")
    manifest = tmp_path / "texts" / "getty" / "edition.yml"
    text = manifest.read_text(encoding="utf-8")
    entry = '    - {line: 13677, why: "Ch. 8 note 7'
    assert entry in text
    manifest.write_text(text.replace(entry, '    - {line: 13676, why: "test: a note\'s own label line"}\n' + entry),
                        encoding="utf-8")
    result = run_cli(tmp_path, "check", timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "note continuation at line 13676 matches nothing" in result.stderr, result.stderr[-2000:]
    assert "texts/getty/edition.yml:" in result.stderr
