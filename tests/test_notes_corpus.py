"""Integration tests of the notes on the real corpus (Furr, Medvedev, Khlevniuk).

Counts per page, links both ways, markers standing where the source printed
them, every note shown, nothing dropped silently.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edition.model import iter_tokens, plain
from edition.notes import core
from tests.notes_helpers import build_until_notes, live, markers, source_has_marker_after, words_before

ROOT = Path(__file__).resolve().parent.parent
TEXTS = ["furr", "medvedev", "khlevniuk"]


@pytest.fixture(scope="module")
def corpus():
    return build_until_notes(ROOT, only=TEXTS)


def units(corpus, slug):
    return {u.slug: u for u in live(corpus.text(slug))}


def labels(unit):
    return [n.label for n in unit.notes]


def linked_labels(unit):
    """Labels of the notes cited in the unit's text, in reading order."""
    by_key = {n.key: n.label for n in unit.notes}
    return [by_key[v] for b in unit.blocks for s in core.slots(b) for k, v in iter_tokens(s.get()) if k == "note"]


# ---------------------------------------------------------------- Furr
FURR = {"intro": range(1, 5), "constitution": range(5, 10), "bureaucracy": range(10, 12),
        "trials": range(12, 27)}


def test_furr_26_notes_linked_both_ways_on_the_pages_that_cite_them(corpus):
    us = units(corpus, "furr")
    assert "notes" not in us
    for slug, numbers in FURR.items():
        expected = [str(n) for n in numbers]
        assert labels(us[slug]) == expected, slug
        assert linked_labels(us[slug]) == expected, slug
        assert all(len(n.refs) == 1 for n in us[slug].notes)
    report = corpus.text("furr").report
    assert sum(c["linked"] for c in report.notes.values()) == 26
    assert sum(c["unanchored"] + c["orphans"] for c in report.notes.values()) == 0
    assert report.counts["notes-distributed:notes"] == 26


def test_furr_notes_keep_their_continuation_paragraphs(corpus):
    us = units(corpus, "furr")
    notes = {n.label: n for u in us.values() for n in u.notes}
    assert len(notes["11"].blocks) == 3
    assert plain(notes["11"].blocks[2].text).startswith("In 1924 Lavrenty Beria")
    assert "Tragediia Sovetskoy Derevni" in plain(notes["8"].blocks[-1].text)
    assert "Eikhe repudiated his confession" in plain(notes["23"].blocks[-1].text)
    assert plain(notes["1"].blocks[0].text).startswith("Leon Trotsky's version")      # no "1 " left
    assert plain(notes["9"].blocks[0].text).startswith("To build up the economy")   # no "[9](#)" left


def test_furr_no_marker_syntax_is_left_in_the_text(corpus):
    for u in live(corpus.text("furr")):
        for b in u.blocks:
            assert not re.search(r"<sup>\d+</sup>|\[\d+\]\(#\)", b.text), (u.slug, b.loc)


# ---------------------------------------------------------------- Khlevniuk
KHLEVNIUK = {"intro": 32, "ch01": 82, "ch02": 141, "ch03": 121, "ch04": 105, "ch05": 103, "ch06": 117,
             "conclusion": 18}


def test_khlevniuk_719_notes_distributed_to_their_chapters_and_linked(corpus):
    us = units(corpus, "khlevniuk")
    assert "notes" not in us
    report = corpus.text("khlevniuk").report
    for slug, count in KHLEVNIUK.items():
        expected = [str(n) for n in range(1, count + 1)]
        assert labels(us[slug]) == expected, slug
        assert linked_labels(us[slug]) == expected, slug
        assert report.notes[slug] == {"markers": count, "notes": count, "linked": count, "unanchored": 0,
                                      "orphans": 0}
    assert sum(KHLEVNIUK[s] for s in KHLEVNIUK if s.startswith("ch")) == 669
    assert report.counts["notes-distributed:notes"] == 719
    assert not [d for d in report.dropped if "note" in d.rule and d.rule != "notes-group-heading"]
    # the group headings of the Notes section are listed as replaced by the pages' own Notes sections
    assert len([d for d in report.dropped if d.rule == "notes-group-heading"]) == 8


def test_khlevniuk_note_text_is_the_printed_entry(corpus):
    ch02 = units(corpus, "khlevniuk")["ch02"]
    n110 = ch02.notes[109]
    assert plain(n110.blocks[0].text).startswith("The following note from Ordzhonikidze")
    assert plain(n110.blocks[1].text).startswith("“Note from Sergo dated 11 October [1931]")
    assert str(n110.loc) == "texts/khlevniuk/source.txt:2621"


def test_khlevniuk_appendix_letter_notes_linked_to_their_table_cells(corpus):
    app2 = units(corpus, "khlevniuk")["app2"]
    assert labels(app2) == list("abcdefghijklmnopqrstuvwx")
    assert linked_labels(app2) == list("abcdefghijklmnopqrstuvwx")
    assert [b.kind for b in app2.blocks].count("table") == 4
    assert not any(re.match(r"\^[a-z]|[ⁱⁿ]", b.text) for b in app2.blocks if b.rows is None)
    cells = {plain(c): c for b in app2.blocks if b.rows for row in b.rows for c in row if "note:" in c}
    assert "Kuibyshev" in cells and "Chubar" in cells and "1933" in cells


# ---------------------------------------------------------------- Medvedev
MEDVEDEV = {  # essay: (notes shown, labels of the markers that survive in the text)
    "essay01": (12, ["1", "5", "8", "10", "11", "12"]),
    "essay02": (2, ["2"]),
    "essay03": (3, ["2"]),
    "essay06": (5, ["3", "4"]),
    "essay10": (13, ["2", "5", "6", "8", "9", "10", "12", "13"]),
}


def test_medvedev_all_35_notes_shown_and_every_surviving_marker_linked(corpus):
    us = units(corpus, "medvedev")
    report = corpus.text("medvedev").report
    assert sum(len(u.notes) for u in us.values()) == 35
    for slug, (count, cited) in MEDVEDEV.items():
        assert labels(us[slug]) == [str(n) for n in range(1, count + 1)], slug
        assert linked_labels(us[slug]) == cited, slug
        assert report.notes[slug]["orphans"] == 0
    assert sum(c["linked"] for c in report.notes.values()) == 18
    assert {u.slug for u in us.values() if u.notes} == set(MEDVEDEV)


def test_medvedev_every_superscript_in_the_essays_is_a_linked_marker(corpus):
    text = corpus.text("medvedev")
    for u in live(text):
        for b in u.blocks:
            assert not re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹]", b.text), (u.slug, b.loc)
    # the source's superscripts (outside the front matter): 10 runs, all in the text above
    body = [ln.text for ln in text.lines if ln.no > 46]
    assert sum(len(re.findall("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", s)) for s in body) == 10


def test_medvedev_footnote_lists_left_the_running_text(corpus):
    for u in live(corpus.text("medvedev")):
        assert not any(plain(b.text) == "Footnotes" for b in u.blocks), u.slug
        assert not any(b.kind == "list" and re.match(r"1\. (V\. ?I\. Lenin|I was told)", b.text) for b in u.blocks)
        assert not any(plain(b.text).startswith("This letter, like the letters to Trotsky") for b in u.blocks)
    n12 = units(corpus, "medvedev")["essay01"].notes[11]
    assert plain(n12.blocks[1].text).startswith("This letter, like the letters to Trotsky")


def test_medvedev_years_decimals_and_quoted_numbers_stay_text(corpus):
    us = units(corpus, "medvedev")
    text = " ".join(plain(b.text) for u in us.values() for b in u.blocks)
    for printed in ['the "1 December Law"', "from 312.9 to 244.8 million rubles", "and in '33, a terrible famine",
                    '"2. On the Recruitment']:
        assert printed in text


def test_medvedev_unanchored_notes_reported_with_their_line(corpus):
    report = corpus.text("medvedev").report
    unanchored = [d for d in report.diagnostics if d.code == "W-NOTE-UNANCHORED"]
    assert len(unanchored) == 35 - 18
    assert all(d.loc and d.loc.path == "texts/medvedev/source.txt" for d in unanchored)
    assert "texts/medvedev/source.txt:368" in {str(d.loc) for d in unanchored}


def test_medvedev_numbers_set_off_after_a_quote_at_paragraph_end_are_markers(corpus):
    e10 = units(corpus, "medvedev")["essay10"]
    ends = [plain(b.text)[-60:] for b in e10.blocks for k, v in iter_tokens(b.text)
            if k == "note" and v in ("n10", "n12")]
    assert any(e.endswith("rubbish of a state system.\"") for e in ends)
    assert any(e.endswith("the cause of many tragedies.\"") for e in ends)


# ---------------------------------------------------------------- all three
@pytest.mark.parametrize("slug", TEXTS)
def test_each_linked_marker_stands_where_the_source_printed_it(corpus, slug):
    text = corpus.text(slug)
    notes = {(u.slug, n.key): n for u in live(text) for n in u.notes}
    wrong = []
    count = 0
    for u, block, kind, value, before in markers(text):
        assert kind == "note", (u.slug, value)
        words = words_before(before)
        if not (words and source_has_marker_after(text, block, words, notes[(u.slug, value)].label)):
            wrong.append((u.slug, value, words, str(block.loc)))
        count += 1
    assert not wrong
    assert count == {"furr": 26, "medvedev": 18, "khlevniuk": 719 + 24}[slug]


@pytest.mark.parametrize("slug", TEXTS)
def test_refs_are_the_ids_the_writer_gives_the_markers(corpus, slug):
    from edition.render import InlineContext, render_inline
    for u in live(corpus.text(slug)):
        ctx = InlineContext(f"texts/{slug}/{u.slug}.html", u.slug, note_labels={n.key: n.label for n in u.notes})
        html = "".join(render_inline(s.get(), ctx) for b in u.blocks for s in core.slots(b))
        ids = re.findall(r'<sup id="(fnref:[^"]+)"', html)
        assert sorted(ids) == sorted(r for n in u.notes for r in n.refs), u.slug
        hrefs = set(re.findall(r'href="#(fn:[^"]+)"', html))
        assert hrefs == {core.note_id(u.slug, n.key) for n in u.notes if n.refs}
