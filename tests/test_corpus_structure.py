"""Integration tests on the real corpus: units, titles, furniture, page-break splits."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edition.build import load_edition
from edition.model import plain

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus():
    return load_edition(ROOT)


def units(corpus, slug):
    return [u for u in corpus.text(slug).units if not u.drop]


def titles(corpus, slug):
    return [u.title for u in units(corpus, slug)]


def all_blocks(corpus, slug):
    return [b for u in units(corpus, slug) for b in u.blocks]


def test_furr_sections_in_order(corpus):
    assert titles(corpus, "furr") == [
        "Introduction", "A New Constitution", "The Anti-Bureaucracy Struggle", "Stalin's Defeat",
        "Trials, Conspiracies, Repression", "Additional Notes", "Bibliography"]


def test_furr_bibliography_urls_are_links(corpus):
    """Every URL printed in the bibliography (as <url> or [text](url)) is a link in the edition."""
    from edition.model import iter_tokens
    bib = [u for u in units(corpus, "furr") if u.slug == "bibliography"][0]
    links = {v for b in bib.blocks for k, v in iter_tokens(b.text) if k == "link"}
    source = (ROOT / "texts/furr/source.txt").read_text().split("\n")[bib.loc.line - 1:]
    printed = {m.replace("\\_", "_") for line in source
               for m in re.findall(r"<<?(https?://[^<>\s]+?)>>?|\]\((https?://[^()\s]+)\)", line) for m in m if m}
    assert len(printed) >= 35
    assert printed == links
    assert "http://www.kontinent.org/art_view.asp?id=2020" in links


def test_abridged_witness_is_one_page_linked_to_the_full_text(corpus):
    text = corpus.text("furr-abridged")
    assert text.manifest["witness_of"]["text"] == "furr"
    assert len(units(corpus, "furr-abridged")) == 1


def test_medvedev_has_a_foreword_and_ten_essays(corpus):
    us = units(corpus, "medvedev")
    assert [u.slug for u in us] == ["foreword"] + [f"essay{i:02d}" for i in range(1, 11)]
    assert us[1].title == "Stalin at the Head of the VKP(b)"
    assert us[10].title == "Conditions Which Facilitated Stalin's Usurpation of Power"


def test_medvedev_sections_are_numbered_1_to_n_in_every_essay(corpus):
    for unit in units(corpus, "medvedev")[1:]:
        numbers = [b.number for b in unit.blocks if b.kind == "heading" and b.number]
        assert numbers == [str(i) for i in range(1, len(numbers) + 1)], (unit.slug, numbers)


def test_medvedev_installment_markers_stay_visible(corpus):
    prov = [b.plain() for b in all_blocks(corpus, "medvedev") if b.kind == "provenance"]
    assert [re.match(r"\[ZNAMYA No (\d)", p).group(1) for p in prov] == ["1", "2", "3", "4"]


def test_medvedev_verse_keeps_lines(corpus):
    verse = [b for b in all_blocks(corpus, "medvedev") if b.kind == "verse"]
    assert len(verse) == 2 and verse[1].text.count("\n") == 11


def test_khlevniuk_units(corpus):
    us = units(corpus, "khlevniuk")
    assert [u.slug for u in us][:3] == ["acknowledgments", "intro", "abbreviations"]
    chapters = [u for u in us if u.kind == "chapter"]
    assert [c.title for c in chapters] == [
        "The Stalinization of the Politburo", "Power in Crisis", "A Facade of Liberalization",
        "Terror and Conciliation", "Stalin and the Great Terror", "On the Eve of War"]
    assert [u.label for u in us if u.kind == "appendix"] == ["Appendix 1", "Appendix 2"]
    assert any(u.slug == "conclusion" for u in us)
    assert corpus.text("khlevniuk").manifest["index_note"]


def test_khlevniuk_section_heads_are_title_cased(corpus):
    heads = [b.plain() for b in all_blocks(corpus, "khlevniuk") if b.kind == "heading"]
    assert "The Syrtsov-Lominadze Affair" in heads
    assert "The Politburo versus the NKVD" in heads
    assert not [h for h in heads if h.isupper()]


def test_khlevniuk_tables_are_tables(corpus):
    tables = [b for b in all_blocks(corpus, "khlevniuk") if b.kind == "table"]
    assert len(tables) >= 5          # abbreviations + the appendix 2 tables
    assert all(len(set(map(len, t.rows))) == 1 for t in tables)


FURNITURE = [
    re.compile(r"This page intentionally left blank"),
    re.compile(r"^\[Text\]$"),
    re.compile(r"SUBSCRIPTION/PROCUREMENT INFORMATION"),
    re.compile(r"^Document \d+[ab]? (continued|cootinued|\(cont\.\))$"),
    re.compile(r"^\d{1,3}$"),                               # a bare page number
    re.compile(r"Library of Congress Cataloging-in-Publication"),
]


@pytest.mark.parametrize("slug", ["furr", "furr-abridged", "medvedev", "khlevniuk", "getty"])
def test_no_residual_furniture(corpus, slug):
    for block in all_blocks(corpus, slug):
        if block.kind != "para":
            continue
        text = block.plain().strip()
        for pattern in FURNITURE:
            assert not pattern.search(text), f"{block.loc}: {text[:80]!r}"


@pytest.mark.parametrize("slug", ["furr", "furr-abridged", "medvedev", "khlevniuk", "getty"])
def test_no_paragraph_ends_mid_word_and_continues_in_the_next(corpus, slug):
    bad = []
    for unit in units(corpus, slug):
        paras = unit.blocks
        for a, b in zip(paras, paras[1:]):
            if a.kind == b.kind == "para":
                tail, head = plain(a.text).rstrip(), plain(b.text).lstrip()
                if re.search(r"[a-z]-$", tail) and head[:1].islower():
                    bad.append(f"{a.loc}: …{tail[-30:]!r} + {head[:30]!r}")
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("slug", ["furr", "furr-abridged", "medvedev", "khlevniuk", "getty"])
def test_nothing_lost_every_source_line_is_in_the_edition_or_in_the_report(corpus, slug):
    """Every non-blank witness line reaches a passage or a note, or the report lists it with the rule
    that removed it (furniture, a page heading shown as the title, an emendation, a dropped page)."""
    text = corpus.text(slug)
    covered: set[int] = set()

    def cover(first: int, last: int) -> None:
        covered.update(range(first, max(first, last) + 1))
    for unit in text.units:
        for block in unit.blocks:
            cover(block.loc.line, block.line_end)
        for note in unit.notes:
            cover(note.loc.line, note.loc.line)
            for block in note.blocks:
                cover(block.loc.line, block.line_end)
    for dropped in text.report.dropped:
        cover(dropped.loc.line, dropped.loc.line)
    for emendation in text.report.emendations:
        cover(emendation.loc.line, emendation.loc.line)
    for raw in text.raw_notes:
        cover(raw.loc.line, raw.line_end)
    starts = [u.loc.line for u in text.units] + [text.report.lines_in + 1]
    for unit, following in zip(text.units, starts[1:]):
        if unit.drop:
            assert any(d.rule == f"unit-dropped:{unit.slug}" for d in text.report.dropped)
            cover(unit.loc.line, following - 1)
    source = (ROOT / text.source_path).read_text(encoding="utf-8").split("\n")
    lost = [f"{text.source_path}:{i}: {line.strip()[:70]}" for i, line in enumerate(source, start=1)
            if line.strip() and i not in covered]
    assert not lost, "\n".join(lost[:20])
