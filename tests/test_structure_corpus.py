"""Documents, transcripts and page-break joins on the real corpus (what a reader sees).

- No Getty passage holds two speaker turns: every label the manifest's rules
  accept after the end of a sentence starts a passage of its own (the few
  labels the rules cannot accept, OCR-damaged names, are listed here).
- The Documents whose witness prints a dateline, addressee or protocol head
  before the first paragraph have an opener; the signatures the witness
  prints alone on their lines are closers.
- The joins made before a capital are counted per text, and the hand-checked
  examples of issue 8 are joined, the sign-offs stay apart.
- The hand-checked sample of structure decisions (tests/data/structure_sample.tsv,
  drawn after the rules were written and read against the witness) still holds:
  every decision judged right or partly right is still made, and the rates stay
  as measured: 40/40 turns, 23/25 openers right (1 partly, 1 wrong), 15/15
  closers, 21/21 joins before a capital; 4 of 30 pairs left apart are missed joins.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from edition.build import load_edition
from edition.clean.structure import Rules
from edition.model import plain

ROOT = Path(__file__).resolve().parent.parent

# Labels in the witness that the rules do not accept as speakers, with why (OCR damage, left to the
# OCR correction stage): a passage may hold these after a turn.
UNACCEPTED_LABELS = {
    "ZHUKOY": "OCR for ZHUKOV (Zhukov), not in the register",
    "Kosron": "OCR for Kosior",
    "Vyshinksy": "misprint of Vyshinsky in the witness",
}


@pytest.fixture(scope="module")
def edition():
    return load_edition(ROOT, until="rejoin")


def live_blocks(text):
    for unit in text.units:
        if not unit.drop:
            yield from ((unit, b) for b in unit.blocks)


def test_no_getty_passage_holds_two_speaker_turns(edition):
    from edition.persons import load_register
    getty = edition.text("getty")
    reg = load_register(ROOT)
    rules = Rules(getty.manifest["structure"], lambda w: bool(reg.candidates(w)))
    offenders = []
    for unit, block in live_blocks(getty):
        if block.kind not in ("para", "turn"):
            continue
        s = plain(block.text)
        for m in rules.inline_speaker_re.finditer(s):
            label = m.group("label")
            # a lead-in (". . . Bukharin:") before the passage's own label is no second turn
            if (rules.speaker(s[m.start():]) and re.search(r"[^\W_]", s[:m.start()])
                    and label not in UNACCEPTED_LABELS):
                offenders.append(f"{block.loc}: {label}: {s[max(0, m.start() - 40):m.start() + 30]!r}")
    assert not offenders, "\n".join(offenders[:20])


def test_getty_transcripts_are_split_into_turns(edition):
    getty = edition.text("getty")
    turns = [b for _, b in live_blocks(getty) if b.kind == "turn"]
    speakers = {b.attrs["speaker"] for b in turns}
    assert len(turns) >= 900
    assert {"Bukharin", "Stalin", "A voice", "Voices", "MOLOTOV", "CHUEV"} <= speakers
    # chapter 12's thirteen speakers in one passage are thirteen passages now
    ch12 = [b for u, b in live_blocks(getty) if u.slug == "ch12" and b.kind == "turn"]
    assert len(ch12) >= 50
    assert sum(getty.report.counts.get("stage-directions", 0) for _ in [0]) >= 40


@pytest.mark.parametrize("document,first,roles", [
    ("72", "31 March 1936", ["dateline", "addressee"]),
    ("6", "3 September 1933", ["dateline", "heading", "addressee"]),
    ("17", "From Protocol #93", ["heading"]),
    ("24", "1 April 1934", ["dateline"]),
    ("93", "11 August 1936", ["dateline", "salutation"]),
])
def test_documents_have_their_opener(edition, document, first, roles):
    getty = edition.text("getty")
    for unit in getty.units:
        for i, block in enumerate(unit.blocks):
            if block.kind == "document" and block.number == document:
                opener = unit.blocks[i + 1]
                assert opener.kind == "opener", f"Document {document}: {opener.kind} {opener.plain()[:80]!r}"
                assert opener.plain().startswith(first) and opener.attrs["roles"] == roles
                return
    pytest.fail(f"Document {document} not found")


def test_every_dateline_printed_right_after_a_document_title_is_an_opener(edition):
    """Where the witness prints a date alone on the line after a Document's head, it is the opener's."""
    getty = edition.text("getty")
    date = re.compile(r"\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|"
                      r"November|December) 19\d\d")
    missing = []
    for unit, _ in [(u, None) for u in getty.units if not u.drop]:
        for i, block in enumerate(unit.blocks[:-1]):
            if block.kind != "document":
                continue
            nxt = unit.blocks[i + 1]
            first_line = plain(nxt.text).split("\n")[0]
            if nxt.kind == "para" and date.fullmatch(first_line[:len(first_line.split(" 19")[0]) + 5]):
                missing.append(f"{nxt.loc}: {first_line[:60]!r}")
    assert not missing, missing


def test_signatures_alone_on_their_lines_are_closers(edition):
    getty = edition.text("getty")
    closers = [b for _, b in live_blocks(getty) if b.kind == "closer"]
    signed = [line for b in closers for line, role in zip(b.text.split("\n"), b.attrs["roles"]) if role == "signed"]
    for name in ("A. Vyshinsky", "K. Radek", "A. Yenukidze", "M. Shkiriatov", "G. Yagoda", "V. Ulrikh",
                 "A. Shcherbakov", "M. Tomskaya"):
        assert any(plain(s).startswith(name) for s in signed), name
    assert len(signed) >= 19


# ---------------------------------------------------------------- joins before a capital
EXPECTED_CAPITAL_JOINS = {"getty": 25, "khlevniuk": 10, "medvedev": 6, "furr": 0, "furr-abridged": 0}


def test_joins_before_a_capital_per_text(edition):
    counts = {t.slug: sum(n for k, n in t.report.counts.items() if k.startswith("page-break-rejoined-capital-"))
              for t in edition.texts}
    assert counts == EXPECTED_CAPITAL_JOINS


@pytest.mark.parametrize("slug,joined", [
    ("khlevniuk", "had frequently signed Politburo decisions."),
    ("khlevniuk", "Central Committee secretary Aleksandr Smirnov, who"),
    ("khlevniuk", "to MTS [Machine Tractor Stations] and State Farms"),
    ("getty", "disloyalty to the ruling Stalin group."),
    ("medvedev", "the exiled Kurnatovskiy met Lenin in Minusinsk."),
    ("khlevniuk", 'prosaic title "On Certain Methods and Techniques Used by Foreign Intelligence,'),
    ("khlevniuk", "Not to let Com. Beria's people into the apparat."),
    ("khlevniuk", "the plenum of current Central Committee members"),
    ("khlevniuk", "This practice Stalin called"),
    ("khlevniuk", "the Party Control Commission and thus"),
    ("getty", "Or why Slepkov should be lying about you."),
    ("getty", "Who is for letting Comrade Postyshev speak out of turn?"),
    ("getty", "correctly, Nikolai Ivanovich [Yezhov]."),
    ("getty", "by the RSFSR Supreme Court during its review"),
    ("getty", "the Ivanovo Regional Committee of the VKP(b)."),
    ("medvedev", "supported Stalin, and pushed him into brutal terror."),
])
def test_issue_examples_are_joined(edition, slug, joined):
    text = edition.text(slug)
    assert any(joined in b.plain() for _, b in live_blocks(text)), joined


@pytest.mark.parametrize("slug,ending", [
    ("getty", "remember kindly your wretched"),           # Bukharin's sign-off stays apart
    ("medvedev", "There was no one in them to study and no one to teach."),  # its lost period restored by hand
    ("medvedev", "in which he was a participant."),
    ("medvedev", "never altered his unflattering opinion of Stalin which he formed then."),  # a quotation's end
])
def test_sign_offs_and_lost_periods_stay_apart(edition, slug, ending):
    text = edition.text(slug)
    assert any(b.plain().rstrip().endswith(ending) for _, b in live_blocks(text)), ending


# ---------------------------------------------------------------- epigraphs, lists
def test_every_getty_chapter_opens_with_its_epigraphs(edition):
    getty = edition.text("getty")
    chapters = [u for u in getty.units if u.kind == "chapter"]
    assert len(chapters) == 13
    for unit in chapters:
        epigraphs = [b for b in unit.blocks if b.kind == "epigraph"]
        assert 1 <= len(epigraphs) <= 3, unit.slug
        assert unit.blocks[:len(epigraphs)] == epigraphs, unit.slug          # at the head, nowhere else
        assert "\ue000attribution:" in epigraphs[-1].text, unit.slug
    ch03 = next(u for u in chapters if u.slug == "ch03")
    assert plain(ch03.blocks[0].text).endswith("—Central Committee circular, 1933")


def test_document_45_book_list_is_one_numbered_list(edition):
    getty = edition.text("getty")
    lists = [b for _, b in live_blocks(getty) if b.kind == "list" and b.attrs.get("numbered")
             and b.plain().startswith("1. Trotsky, All books")]
    assert len(lists) == 1
    items = lists[0].plain().split("\n")
    assert [int(i.split(".")[0]) for i in items] == list(range(1, 44))
    assert items[15] == "16. A. Shliapnikov, On the Eve of the Year 1917, part 1, 3d edition, 1924, parts 1 and 2"
    assert items[40] == "41. V. Volosevich, Bolshevism During the Years of the World War [no date]"


# ---------------------------------------------------------------- the hand-checked sample
SAMPLE = ROOT / "tests" / "data" / "structure_sample.tsv"


def rows():
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("kind\t") or not line.strip():
            continue
        kind, text, ln, what, verdict, note = (line.split("\t") + [""] * 6)[:6]
        out.append((kind, text, int(ln), what, verdict, note))
    return out


def test_verdicts_are_as_measured():
    counts = Counter((r[0], r[4]) for r in rows())
    assert counts[("turn", "right")] == 40
    assert (counts[("opener", "right")], counts[("opener", "partly")], counts[("opener", "wrong")]) == (23, 1, 1)
    assert counts[("closer", "right")] == 15
    assert counts[("join", "right")] == 21
    assert (counts[("unjoined", "apart")], counts[("unjoined", "missed")]) == (26, 4)


def test_the_build_still_makes_every_decision_judged_right(edition):
    starts = {}
    for text in edition.texts:
        for unit in text.units:
            for b in unit.blocks:
                starts.setdefault((text.slug, b.loc.line), []).append(b)
    problems = []
    for kind, text, line, what, verdict, _ in rows():
        if verdict not in ("right", "partly"):
            continue
        here = starts.get((text, line), [])
        if kind == "turn":
            ok = any(b.kind == "turn" and b.attrs.get("speaker") == what for b in here)
        elif kind in ("opener", "closer"):
            ok = any(b.kind == kind and ",".join(b.attrs.get("roles", [])) == what for b in here)
        elif kind == "join":
            ok = not any(b.kind == "para" for b in here)         # the continuation starts no passage
        else:
            continue
        if not ok:
            problems.append(f"{kind} {text}:{line} {what}: {[(b.kind, b.attrs) for b in here]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- issue 8: labels, dashes, Document titles
def test_a_lead_in_ellipsis_stays_with_its_turn(edition):
    getty = edition.text("getty")
    turns = [b.plain() for _, b in live_blocks(getty) if b.kind == "turn"]
    assert ". . . Bukharin: There is one other remark, repeated by a host of comrades." in turns
    assert ". . . Postyshev: I ask you to please give me the floor." in turns
    assert not [t for t in turns if t.endswith(". . . . . .")]


@pytest.mark.parametrize("label", ["ZHUKOV:", "KOSIOR:", "Vyshinsky:", "CHUEV:", "Bukharin [ironically]:",
                                   "Molotov [Chair]:", "Postyshev [to Budenny]:", "Andreev (chairman):",
                                   "Gavrilenko:", "A voice from the Presidium:"])
def test_damaged_and_annotated_speaker_labels_start_turns(edition, label):
    getty = edition.text("getty")
    turns = [b for _, b in live_blocks(getty) if b.kind == "turn" and b.plain().startswith(label)]
    assert turns, label
    assert all(f"\ue000speaker:\ue001{label}\ue000/speaker:\ue001" in t.text for t in turns), label


def test_no_getty_turn_holds_a_second_damaged_label(edition):
    getty = edition.text("getty")
    for _, b in live_blocks(getty):
        assert not re.search(r"\b(?:ZHUKOY|Kosron|Vyshinksy|CHUEY):", b.plain()), b.plain()[:80]


def test_interrupted_speeches_end_on_an_em_dash(edition):
    getty = edition.text("getty")
    turns = [b.plain() for _, b in live_blocks(getty) if b.kind == "turn"]
    assert "Mikoyan: And of Khandzhian—" in turns
    assert not [t for t in turns if re.search(r"[a-z,]-$", t)]
    assert sum(n for k, n in getty.report.counts.items() if k == "interrupted-speech-dash") >= 30


@pytest.fixture(scope="module")
def getty_published():
    """Getty after the notes stage: note markers in the titles are linked by then."""
    return load_edition(ROOT, until="ids", only=["getty"])


def test_getty_document_titles_have_no_stray_marks(getty_published):
    getty = getty_published.text("getty")
    titles = [b.plain() for _, b in live_blocks(getty) if b.kind == "document"]
    for title in titles:
        assert not re.search(r"\d['\"]+\w?$", title), title                   # a note marker read as a quote mark
        assert not re.search(r"[a-z)]\. (?:\d{1,2} )?[A-Z][a-z]+ 19\d\d$", title), title   # "plenum. 6 June 1935"
        if title.endswith('"'):
            assert title.count('"') % 2 == 0, title                            # a closing quote closes something
    assert "L. M. Kaganovich's speech to the CC plenum, 6 June 1935" in titles


def test_epigraph_attributions_open_with_an_em_dash(edition):
    getty = edition.text("getty")
    epigraphs = [b for _, b in live_blocks(getty) if b.kind == "epigraph" and "\ue000attribution:" in b.text]
    assert len(epigraphs) >= 20
    for b in epigraphs:
        attribution = b.text.split("\ue000attribution:\ue001", 1)[1]
        assert attribution.startswith("—"), attribution[:40]


@pytest.mark.parametrize("heading,follows", [
    ("I. THE FACTS", "It is necessary, first and foremost"),
    ("II. POLITICAL ASSESSMENT", "How could it have happened"),
    (". . . II. THE MISSION AND THE DIRECTION OF THE PURGE", "The mission of the purge consists"),
    ("SPECIAL RESOLUTION", "In view of the poor work"),
])
def test_section_headings_inside_documents_are_set_apart(edition, heading, follows):
    getty = edition.text("getty")
    blocks = [b for _, b in live_blocks(getty)]
    at = [i for i, b in enumerate(blocks) if b.kind == "opener" and b.plain() == heading]
    assert at, heading
    assert blocks[at[0] + 1].plain().startswith(follows)


def test_a_heading_cut_by_a_page_break_or_an_office_over_a_signature_is_no_section_heading(edition):
    getty = edition.text("getty")
    openers = [b.plain() for _, b in live_blocks(getty) if b.kind == "opener"]
    assert not [o for o in openers if o.startswith("ISTRATION OF STATE SECURITY")]
    assert not [o for o in openers if o.startswith("DEPUTY CHAIRMAN OF THE COMMISSION OF PARTY CONTROL")]
