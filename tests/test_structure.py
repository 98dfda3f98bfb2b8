"""Documents and transcripts as their own blocks; page-break joins before a capital (fixture).

The fixture tests/fixtures/structure holds two Documents (one with an opener
and a closer, one without), a transcript with speaker labels, stage
directions and lines that only look like labels, and paragraphs cut by a page
break before a capital, with the cases that must stay apart (a sign-off, a
table, a list item, a sentence that can end there).  Its tree is the golden
file tests/golden/structure/docs.txt, the HTML of the new kinds
tests/golden/structure/blocks.html (`pytest --regen-golden`).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from edition.build import load_edition
from edition.clean.structure import Rules, peel_closer, peel_opener, split_turns
from edition.model import Block, Line, Loc, plain
from edition.render import InlineContext, environment, render_inline
from edition.stages.rejoin import SentenceEvidence, capital_evidence, continues, interrupted_speech, run as rejoin_run
from tests.golden import assert_golden
from tests.tree_dump import dump

FIXTURE = Path(__file__).parent / "fixtures" / "structure"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def docs():
    return load_edition(FIXTURE, until="rejoin")


def blocks(edition, unit):
    return next(u for u in edition.texts[0].units if u.slug == unit).blocks


def find(edition, unit, start):
    return next(b for b in blocks(edition, unit) if plain(b.text).startswith(start))


def test_tree_matches_golden(docs):
    assert_golden("structure/docs.txt", dump(docs))


# ---------------------------------------------------------------- Documents
def test_opener_lines_of_a_document_are_their_own_block(docs):
    opener = find(docs, "ch01", "31 March 1936")
    assert opener.kind == "opener"
    assert opener.text.split("\n") == ["31 March 1936", "To Comrade I. V. Stalin"]
    assert opener.attrs["roles"] == ["dateline", "addressee"]
    body = find(docs, "ch01", "I consider that")
    assert body.kind == "para" and body.loc.line == 13


def test_closer_holds_office_signature_and_date(docs):
    closer = find(docs, "ch01", "Procurator of the USSR")
    assert closer.kind == "closer"
    assert closer.attrs["roles"] == ["office", "signed", "dateline"]
    assert closer.text.split("\n")[1] == "A. Vyshinsky"


def test_a_document_without_opener_starts_with_prose(docs):
    first = find(docs, "ch01", "The Politburo decided")
    assert first.kind == "para"
    assert not [b for b in blocks(docs, "ch01") if b.kind == "opener" and b.loc.line > 27]


def test_a_name_after_prose_that_goes_on_is_no_signature(docs):
    # "... It ended with a name" / "I. Stalin": the line before does not end a sentence
    assert find(docs, "ch01", "The list went to").plain().endswith("It ended with a name I. Stalin")
    # "... was signed by" / (page break) / "I. Stalin and others": prose, joined
    assert "signed by I. Stalin and others" in find(docs, "ch01", "After this").plain()
    assert [b.kind for b in blocks(docs, "ch01")].count("closer") == 1


# ---------------------------------------------------------------- transcripts
def test_each_speaker_turn_is_its_own_passage(docs):
    turns = [b for b in blocks(docs, "ch02") if b.kind == "turn"]
    assert [t.attrs["speaker"] for t in turns] == ["Bukharin", "Stalin", "A voice", "Molotov", "Stalin", "Molotov", "Bukharin"]
    # the label stays in the text as printed, marked by speaker tokens
    assert turns[2].plain() == "A voice: A traitor!"
    assert turns[1].plain() == ". . . Stalin: Then what are you?"      # a second turn inside a line


def test_stage_directions_are_set_apart_and_kept(docs):
    first = find(docs, "ch02", "Bukharin: I am not")
    assert "\ue000stage:\ue001(Noise in the room.)\ue000/stage:\ue001" in first.text
    molotov = find(docs, "ch02", "Molotov:")
    assert "(Laughter.)" in molotov.plain()          # "(Laugh-" / "ter.)" joined, then marked


def test_lines_that_only_look_like_labels_stay_in_the_turn(docs):
    molotov = find(docs, "ch02", "Molotov:").plain()
    assert "Re: The arrest of the professors" in molotov        # "Re" is no registered person
    assert "To Comrade Ivanov: #8" in molotov                   # a list of items, not Ivanov speaking


def test_a_turn_cut_by_a_page_break_is_joined_to_its_continuation(docs):
    turn = find(docs, "ch02", "Bukharin: You say")
    assert turn.kind == "turn" and turn.plain().endswith("with the Trotskyists. That is not true.")


def test_rules_without_manifest_data_do_nothing():
    rules = Rules(None)
    lines = [Line(1, "Bukharin: I am here.")]
    assert not rules.active
    assert [s.kind for s in split_turns(lines, rules)] == ["para"]
    assert peel_opener(lines, rules) == ([], [], lines)
    assert peel_closer(lines, rules) == (lines, [], [])


def test_epigraph_at_the_head_of_a_chapter_with_its_attribution(docs):
    first = blocks(docs, "ch02")[0]
    assert first.kind == "epigraph"
    assert first.text.endswith("thing.\ue000attribution:\ue001—V. M. Molotov, 1973\ue000/attribution:\ue001")
    # an attribution-like ending further down is no epigraph; a chapter opening with prose has none
    assert find(docs, "ch02", "The session closed").kind == "para"
    assert blocks(docs, "ch01")[0].kind == "para"


# ---------------------------------------------------------------- page-break joins before a capital
@pytest.mark.parametrize("start,expected", [
    ("The decree was signed", "(Comrade Molotov) and sent"),              # bracket closed in the continuation
    ("He began a hunger strike", "on 21 February to protest"),            # day number, month
    ("The last to be mentioned", "secretary Aleksandr Smirnov, who"),     # title before a registered name
    ("Zhdanov had often signed", "signed Politburo decisions. He"),       # a three-word fragment
])
def test_missed_joins_before_a_capital_are_made_on_evidence(docs, start, expected):
    assert expected in find(docs, "ch02", start).plain()


@pytest.mark.parametrize("start", [
    "The minutes were kept by the secretary",     # no evidence: "The session closed at noon." is a sentence
    "Secretary of the CC I. Stalin",              # a sign-off
    "Leningrad was not counted",                  # after a table
    "Ends the list of items",                     # after a list item
])
def test_paragraphs_that_may_end_there_stay_apart(docs, start):
    block = find(docs, "ch02", start)
    assert block.plain().startswith(start) and len(block.plain()) < 60


def test_evidence_functions_with_negative_cases():
    p = lambda s: Block("para", s, Loc("x", 1))      # noqa: E731
    none = SentenceEvidence.from_texts([])
    assert continues(p("Combine-Harvesters to MTS [Machine Tractor"), p("Stations] and State Farms"))
    assert not continues(p("see the list [of names"), p("Later. The list [was] short"))   # opened again first
    assert not continues(p("and then they went home"), p("Later. The list was short"))     # "Later." stands alone
    assert not continues(p("remember kindly your wretched"), p("N. Bukharin 10 December 1937"))
    assert not continues(p("on page 21"), p("Chapter four begins"))
    assert capital_evidence("It was put into production on 23", "November 1937 and sent", none) == "date"
    assert capital_evidence("to teach", "Not only communists suffered.", none) == ""


def test_capital_joins_on_names_persons_patronymics_and_quotes_with_negative_cases():
    texts = ["The Central Committee met. The Central Committee voted. The Party Control Commission sat.",
             "The Party Control Commission ruled. Moscow is large. He went to Moscow. She left Moscow.",
             "Moscow Regional officials came. Moscow Regional staff too."]
    persons = {"Slepkov", "Beria", "Postyshev", "Stalin", "Bukharin"}
    ev = SentenceEvidence.from_texts(texts, person=lambda w: w in persons)
    # a name the text prints whole elsewhere
    assert capital_evidence("in the plenum of the current Central", "Committee members that decided", ev) == "name-phrase"
    assert capital_evidence("the Central Committee and the Party Control", "Commission and thus", ev) == "name-phrase"
    # ... but not when the first word ends sentences as often as it goes on, or the next word opens sentences
    assert capital_evidence("the delegates went to Moscow", "Regional officials came", ev) == ""
    assert capital_evidence("of the Central", "The Committee met", ev) == ""
    assert capital_evidence("of the Central", "Committee members: A. Andreev", ev) == ""   # a label
    # a registered person's name after a word that cannot end the thought
    assert capital_evidence("lying about you. Or why", "Slepkov should be lying about you.", ev) == "person"
    assert capital_evidence("Not to let", "Com. Beria's people into the apparat.\" As", ev) == "person"
    assert capital_evidence("Who is for letting", "Comrade Postyshev speak out of turn?", ev) == "person"
    assert capital_evidence("remember kindly your wretched", "N. Bukharin 10 December 1937", ev) == ""  # signature
    assert capital_evidence("his speech ended", "Bukharin: I object", ev) == ""                      # a turn's label
    # a quotation left open may end there with its mark lost: no join on a name alone
    assert capital_evidence('"Filipp told me he formed then', "Stalin did not behave any better.", ev) == ""
    # first name and patronymic
    assert capital_evidence("You didn't understand me correctly, Nikolai", "Ivanovich [Yezhov].", ev) == "patronymic"
    assert capital_evidence("the case of Nikolai", "Ivanov was heard", ev) == ""
    # a straight quotation mark opened in the tail, closed early in the head
    assert capital_evidence('with the prosaic title "On Certain Methods and Techniques',
                            "Used by Foreign Intelligence,\u201d but also", ev) == "bracket"
    assert capital_evidence('he said "no" to the Methods and Techniques', "Used widely. He", ev) == ""


def test_the_dash_ending_an_interrupted_speech_is_an_em_dash():
    b = lambda kind, s: Block(kind, s, Loc("x", 1))      # noqa: E731
    assert interrupted_speech(b("turn", "Mikoyan: And of Khandzhian-"), b("turn", "Stalin: And ..."))
    assert interrupted_speech(b("para", "I had participated in this affair-"), b("turn", "A voice: I read"))
    assert not interrupted_speech(b("para", "the Azov-"), b("para", "black Sea"))     # a prose paragraph
    assert not interrupted_speech(b("turn", "Bukharin: so-called enemies"), None)   # no dash at the end


def test_interrupted_turn_in_the_fixture_ends_on_an_em_dash(docs):
    ended = [bl.plain() for bl in blocks(docs, "ch02") if bl.kind == "turn" and bl.plain().endswith(("-", "—"))]
    assert ended and all(t.endswith("—") for t in ended), ended


def test_speaker_label_with_a_bracketed_aside(docs):
    turn = find(docs, "ch02", "Molotov [Chair]:")
    assert turn.kind == "turn" and turn.attrs["speaker"] == "Molotov"
    assert "\ue000speaker:\ue001Molotov [Chair]:\ue000/speaker:\ue001" in turn.text


# ---------------------------------------------------------------- rendering
def test_new_kinds_render_as_golden(docs):
    env = environment(ROOT)
    macros = env.get_template("blocks.html.j2").make_module({"margin": {}})
    ctx = InlineContext("texts/docs/ch01.html", "ch01", person_url=lambda pid: f"persons/{pid}.html")
    out = []
    for unit in ("ch01", "ch02"):
        for i, block in enumerate(blocks(docs, unit)):
            if block.kind in ("opener", "closer", "turn", "epigraph"):
                block.pid = f"p{i + 1}"
                out.append(str(macros.passage(block, lambda s: render_inline(s, ctx))).strip())
    html = "\n".join(out) + "\n"
    assert '<span class="speaker">Bukharin:</span>' in html
    assert '<span class="stage-direction">(Noise in the room.)</span>' in html
    assert '<p class="signed">A. Vyshinsky</p>' in html
    assert '<span class="attribution">—V. M. Molotov, 1973</span>' in html
    assert_golden("structure/blocks.html", html)


def test_word_pair_counts_match_their_definition_including_repeats_and_odd_words():
    """``follows_exact`` / ``follows`` count from an index built once; they must give what one
    search over the text gives for every pair (the definition), also for a word followed by itself,
    hyphenated words and words with marks the index does not hold."""
    import re
    texts = ["The Central Committee met. the central committee voted; Central  Committee again.",
             "Party Control Commission: Party-Control Commission, A A A B, a a b. Kirov's Party Control.",
             "Central\nCommittee is here ¶ Central Committee-members and Central Committees."]
    ev = SentenceEvidence.from_texts(texts)
    exact = "\n¶\n".join(texts)
    words = sorted(set(re.findall(r"[\w'’-]+", exact)))
    for a in words:
        for b in words:
            want = len(re.findall(rf"(?<![\w-]){re.escape(a)}\s+{re.escape(b)}(?![\w-])", exact))
            assert ev.follows_exact(a, b) == want, (a, b)
            lowered = len(re.findall(rf"(?<![a-z]){re.escape(a.lower())}\s+{re.escape(b.lower())}(?![a-z])",
                                     exact.lower()))
            assert ev.follows(a, b) == lowered, (a, b)
    assert ev.follows_exact("Central", "Committee") == 3 and ev.follows("central", "committee") == 5
    assert ev.follows_exact("A", "A") == 1 and ev.follows("a", "a") == 2
