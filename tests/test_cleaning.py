"""Fixture tests of the cleaning and structuring stages (load .. rejoin).

The fixture text tests/fixtures/mini exercises every step; its expected tree
is the golden file tests/golden/cleaning/mini.txt (`pytest --regen-golden`).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from edition.clean.hyphenation import Vocabulary, join_decision, join_lines
from edition.build import load_edition
from edition.model import Block, Loc
from edition.stages.headings import title_case
from edition.stages.rejoin import continues
from tests.golden import assert_golden
from tests.tree_dump import dump

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def mini():
    return load_edition(FIXTURE, until="rejoin")


def test_mini_tree_matches_golden(mini):
    assert_golden("cleaning/mini.txt", dump(mini))


def test_furniture_is_removed_and_reported(mini):
    text = mini.texts[0]
    rules = Counter(d.rule for d in text.report.dropped)
    assert rules["furniture:running-head"] == 1
    assert rules["furniture:blank-page"] == 1
    everything = " ".join(b.plain() for u in text.units for b in u.blocks)
    assert "Running Head" not in everything and "intentionally left blank" not in everything


def test_paragraph_split_by_page_break_is_rejoined_across_a_running_head(mini):
    first = mini.texts[0].units[0].blocks[1]
    assert "On the second day the delegates went home" in first.plain()


def test_genuine_compounds_keep_their_hyphen_and_artefacts_lose_it(mini):
    para = mini.texts[0].units[0].blocks[1].plain()
    for genuine in ("self-criticism", "Trans-Baikal", "Rykov-Bukharin"):
        assert genuine in para
    assert "document" in para and "docu-ment" not in para


def test_paragraph_without_final_punctuation_before_a_table_is_not_joined(mini):
    kinds = [b.kind for b in mini.texts[0].units[0].blocks]
    assert kinds[-3:] == ["para", "table", "verse"]
    assert mini.texts[0].units[0].blocks[-3].plain() == "The figures were these"


def test_verse_keeps_its_line_breaks(mini):
    verse = mini.texts[0].units[0].blocks[-1]
    assert verse.text.split("\n") == ["My teacher, so great and sincere,", "Was shot. The court sentenced him",
                                      "as a spy."]


def test_emendation_restores_a_heading_and_is_reported(mini):
    text = mini.texts[0]
    assert [u.slug for u in text.units] == ["ch01", "ch02"]
    assert text.report.emendations[0].loc.line == 32


def test_source_markup_stays_text(mini):
    para = mini.texts[0].units[0].blocks[1].text
    assert "<script>alert(1)</script>" in para and "{{ config }}" in para and "*stars*" in para


# --- the pure functions, with negative cases
@pytest.mark.parametrize("first,second,expected", [
    ("self", "criticism", "keep"),      # both parts words, the joined form is not
    ("docu", "ment", "join"),           # first part is no word
    ("Trans", "Baikal", "keep"),        # capitalised second part
    ("Rykov", "Bukharin", "keep"),
    ("424", "7", "keep"),               # a page range
    ("counter", "revolutionary", "join"),   # the corpus has the joined form
])
def test_join_decision(first, second, expected):
    corpus = Vocabulary(Counter({"counterrevolutionary": 5}))
    assert join_decision(first, second, Vocabulary(Counter()), corpus) == expected


def test_corpus_evidence_for_the_hyphenated_form_wins():
    own = Vocabulary.from_lines(["the co-optation of members", "more co-optation"])
    assert join_decision("co", "optation", own, own) == "keep"


def test_manifest_list_overrides_evidence():
    v = Vocabulary(Counter({"cooptation": 9}))
    assert join_decision("co", "optation", v, v, keep=frozenset({"co-optation"})) == "keep"


def test_dash_at_line_end_is_not_a_hyphen():
    v = Vocabulary(Counter())
    assert join_lines(["a series of -", "group efforts"], v, v) == "a series of - group efforts"


def test_title_case_keeps_acronyms_and_small_words():
    assert title_case("THE POLITBURO VERSUS THE NKVD", ["NKVD"]) == "The Politburo versus the NKVD"
    assert title_case("STALIN'S OLD AND NEW COMRADES-IN-ARMS") == "Stalin's Old and New Comrades-in-Arms"


def _p(s):
    return Block("para", s, Loc("x", 1))


@pytest.mark.parametrize("a,b,joined", [
    ("to a non-Russian readership the", "results of new research", True),
    ("who have access to unpublished or recently-", "published documents", True),
    ("the exiled Kurnatovskiy met with the", "Lenin in Minusinsk.", True),
    ("It ended here.", "then another", False),
    ("He was dead", "Besides the back entrance", False),
    ("when he was rehabilita-", "The struggle on the front", False),   # text lost, not a split
])
def test_page_break_continuation(a, b, joined):
    assert continues(_p(a), _p(b)) is joined


def test_heading_table_and_verse_never_continue_a_paragraph():
    assert not continues(_p("The figures were these"), Block("table", "", Loc("x", 2), rows=[["a"]]))
    assert not continues(_p("and so the"), Block("heading", "Next", Loc("x", 2)))


@pytest.mark.parametrize("first,second", [("co", "optation"), ("self", "criticism"), ("re", "election"),
                                          ("anti", "imperialist")])
def test_hyphenating_prefixes_keep_their_hyphen_without_other_evidence(first, second):
    empty = Vocabulary(Counter())
    assert join_decision(first, second, empty, empty) == "keep"


def test_ocr_specks_removed_only_where_they_stop_a_word_or_sentence():
    from edition.clean.junk import strip_line_end_junk
    assert strip_line_end_junk("platforms, Sta- . ~.", "lin led")[0] == "platforms, Sta-"
    assert strip_line_end_junk("fanned out .", "across the land")[0] == "fanned out"
    # a damaged note marker after a full stop is left for the notes stage
    assert strip_line_end_junk("spy mania in 1937 . ~ ~", "The next")[1] is False
    assert strip_line_end_junk("and so on . . .", "more")[1] is False


def test_restoration_rebuilds_a_garbled_table_and_reports_the_witness_lines(tmp_path):
    import shutil
    shutil.copytree(FIXTURE, tmp_path / "p")
    manifest = tmp_path / "p" / "texts" / "mini" / "edition.yml"
    manifest.write_text(manifest.read_text() + (
        "restorations:\n"
        "  - lines: [24, 26]\n"
        "    first: '| Year'\n"
        "    text: \"| Year | Count |\\n|---|---|\\n| 1937 | 12 |\\n| 1938 | 7 |\"\n"
        "    why: A row lost by the OCR, read off the facsimile\n"))
    edition = load_edition(tmp_path / "p", until="rejoin")
    text = edition.texts[0]
    table = [b for b in text.units[0].blocks if b.kind == "table"][0]
    assert table.rows == [["Year", "Count"], ["1937", "12"], ["1938", "7"]]
    assert table.loc.line == 24
    assert [d.loc.line for d in text.report.dropped if d.rule == "restored-from"] == [24, 25, 26]
    assert any(e.why.startswith("A row lost") for e in text.report.emendations)


def test_restoration_with_a_wrong_range_fails_clearly(tmp_path):
    import shutil
    from edition.pipeline import BuildError
    shutil.copytree(FIXTURE, tmp_path / "p")
    manifest = tmp_path / "p" / "texts" / "mini" / "edition.yml"
    manifest.write_text(manifest.read_text() + (
        "restorations:\n  - {lines: [22, 26], first: '| Year', text: x, why: y}\n"))
    with pytest.raises(BuildError, match=r"edition.yml:\d+: restoration of lines 22-26: line 22 should start"):
        load_edition(tmp_path / "p", until="rejoin")


@pytest.mark.parametrize("first,second,expected", [
    ("ADMINIS", "TRATIVELY", "join"),      # a capitals heading broken at a line end
    ("LENINIST", "STALINIST", "keep"),     # ... and a real compound in capitals
    ("fearless", "ness", "join"),          # a suffix is no word of a compound
    ("Menshevik", "government", "keep"),   # a proper noun and a word
])
def test_join_decision_capitals_suffixes_and_names(first, second, expected):
    empty = Vocabulary(Counter())
    assert join_decision(first, second, empty, empty) == expected
