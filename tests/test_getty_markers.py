"""Getty: finding OCR-damaged note markers and aligning them with the notes
(``edition.notes.page_footnotes``)."""
from __future__ import annotations

import pytest

from edition.model import Block, Loc, iter_tokens, plain
from edition.notes.page_footnotes import align, find_candidates, gives_source, marker_readings, unmatched_quotes


def block(text: str, kind: str = "para") -> Block:
    return Block(kind, text, Loc("texts/getty/source.txt", 100), line_end=100)


def readings_of(text: str, kind: str = "para") -> dict[str, set[int] | str]:
    """Printed marker -> every number it may be read as ('any' for a mark that may be any number)."""
    out = {}
    for c in find_candidates([block(text, kind)]):
        for k, (score, start, end, _) in c.options.items():
            out.setdefault(c.block.text[start:end], set()).add(k)
    return {m: ("any" if len(v) > 100 else v) for m, v in out.items()}


@pytest.mark.parametrize("text, printed, number", [
    ("decree of 10 January 1939.2These procedures", "2", 2),
    ('and contradictory mate-rials."3', "3", 3),
    ('the "algebra" of confession.37According to', "37", 37),
    ("minimal public text: regime.z Whether", "z", 2),
    ('never entirely trusnvorthy."l0The Bolsheviks', "l0", 10),
    ('as they would have themselves seen."\'3 The belief', "'3", 13),
    ("in the case of Zhurbenko,l6 whom I consider", "l6", 16),
    ("execution of the army generals in 1937.21", "21", 21),
    ("Moscow, 1,566,185,6 but it is unlikely", "6", 6),
    ("was blocked by a majority of that body.23 At any rate", "23", 23),
])
def test_glued_and_misread_markers_are_candidates(text, printed, number):
    found = readings_of(text)
    assert printed in found, found
    assert number in found[printed]


@pytest.mark.parametrize("text, printed, number", [
    ("Rykov's speech to the December 1936 CC plenum, 4 December 193611", "11", 11),
    ("The Riutin Platform [Spring-Summer 1932Iz4", "z4", 24),
    ("Politburo order of 23 March 1932 against illegal arrests of specialist^^^", "^^^", "any"),
    ("Letter from I. Kuchkin to N. I. Yezhovz", "z", 2),
])
def test_document_titles_carry_their_source_marker_at_the_end(text, printed, number):
    found = readings_of(text, kind="document")
    assert printed in found, found
    if number == "any":
        assert found[printed] == "any"
    else:                                       # one of the spot's readings
        (c,) = [c for c in find_candidates([block(text, "document")]) if printed in c.text]
        assert c.options[number][0] >= 3.0


@pytest.mark.parametrize("text", [
    "arrests for 9.1 percent of the members",       # a decimal
    "some 400,000 persons were released",           # thousands
    "the Central Committee of the VKP(b1 decided",  # (b) misread
    "a direct attack on the party won't get you anywhere",
    'He said: "I consider it necessary to speak"',  # the pronoun after a quote
    "the 18th of Brumaire",                          # an ordinal
    "both sides in the 1920s were",                  # a decade
    'Bukharin "got along very well" with Yezhov',    # a quotation closed
])
def test_text_that_only_looks_like_a_marker_is_no_candidate(text):
    assert readings_of(text) == {}


def test_a_superscript_read_as_a_quote_mark_may_stand_for_any_number():
    assert readings_of("turned revolutionaries into dictators.' Indeed") == {"'": "any"}
    assert unmatched_quotes('decided beforehand by the Politburo." One hundred') == [36]
    assert unmatched_quotes('an "honest person," and welcomed') == []


def test_marker_readings_of_damaged_labels():
    assert marker_readings("l0") == {10}
    assert marker_readings("S5") == {55, 85}
    assert 57 in marker_readings("s'") and 13 in marker_readings("'3")


def test_alignment_follows_the_note_order_and_the_page():
    b = block("first one.2 then 'another.3 and a later.3 then.4 end")
    cands = find_candidates([b])
    for c, line in zip(cands, (100, 110, 140, 150)):
        c.line = line
    # notes 2, 3, 4 printed at the foot of the pages of their markers
    notes = [(2, 120, True), (3, 125, True), (4, 160, True)]
    pairs = align(cands, notes)
    chosen = {notes[ni][0]: cands[ci].line for ci, ni in pairs}
    assert chosen == {2: 100, 3: 110, 4: 150}        # the second "3" is too far below note 3's page


def test_a_marker_never_links_a_note_printed_above_it_or_a_page_away():
    b = block("a sentence.5 more")
    (c,) = find_candidates([b])
    c.line = 100
    assert align([c], [(5, 90, True)]) == []         # note above the marker
    assert align([c], [(5, 200, True)]) == []        # more than a page below
    assert align([c], [(5, 130, True)]) == [(0, 0)]


def test_a_guess_at_a_title_end_only_takes_a_note_giving_a_source():
    b = block("Politburo decision on district procurators", kind="document")
    (c,) = find_candidates([b])
    assert (c.start, c.end) == (len(b.text), len(b.text))    # after the title, nothing replaced
    c.line = 100
    assert align([c], [(7, 110, False)]) == []
    assert align([c], [(7, 110, True)]) == [(0, 0)]
    assert gives_source("RTsKhIDNI, f. 17, op. 3, d. 996, l. 60.")
    assert not gives_source("Sentence incomplete-Trans.")


def test_the_marker_becomes_a_token_and_its_digits_leave_the_text():
    from edition.notes.page_footnotes import _edit
    b = block('the "algebra" of confession.37According to')
    (c,) = find_candidates([b])
    start, end, new = _edit(c, 37, "\ue000note:n37\ue001")
    b.text = b.text[:start] + new + b.text[end:]
    assert plain(b.text) == 'the "algebra" of confession. According to'
    assert list(iter_tokens(b.text)) == [("note", "n37")]


def test_module_examples():
    import doctest

    from edition.clean import footnote_blocks, ocr_digits
    from edition.notes import page_footnotes
    from edition.stages import footnotes
    for module in (footnote_blocks, ocr_digits, page_footnotes, footnotes):
        assert doctest.testmod(module).failed == 0, module.__name__
