"""Persons follow the text (issue 8, item 4), on the real corpus.

- A name inside the title of a cited work (an italic span: *Inoy Stalin*,
  *Lubianka. Stalin i VChK*) is not a mention of the person.
- The Trotskyist "Vinokur-Naumov" is not the historian O. V. Naumov.
- "Kuybyshev" in the abridged printing (the province, after the abridgement
  cut "Postyshev, First Secretary of") is not V. V. Kuibyshev.
- A form the OCR damaged is matched (the passage is linked) but is never
  shown as a spelling of the name on a person's page.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from edition.build import load_edition
from edition.person_pages import _spellings
from edition.model import TOKEN_RE, plain
from edition.persons import fold
from edition.stages.persons import in_title

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def edition():
    return load_edition(ROOT, until="persons")


def mentions_at(edition, slug, line):
    return [m for m in edition.mentions if m.text_slug == slug and m.loc.line == line]


@pytest.mark.parametrize("slug,line", [("furr", 47), ("furr", 446), ("furr", 592), ("furr", 526),
                                       ("khlevniuk", 2508), ("khlevniuk", 3060)])
def test_names_in_titles_of_cited_works_are_not_mentions(edition, slug, line):
    blocks = {id(m.block): m.block for m in edition.mentions if m.text_slug == slug and m.block.loc.line <= line
              <= max(m.block.line_end, m.block.loc.line)}
    for block in blocks.values():           # (a passage whose only name is in a title has no mention at all)
        for m in TOKEN_RE.finditer(block.text):
            if m.group(1) == "person":
                visible_before = len(plain(block.text[:m.start()]))
                assert not titled_at(block.text, visible_before), f"{slug}:{line}: a name in a title is linked"
    assert edition.text(slug).report.counts.get("person-name-in-title", 0) > 0


def titled_at(raw: str, visible: int) -> bool:
    mask = in_title(raw)
    return visible < len(mask) and mask[visible]


def test_a_name_in_the_running_text_of_the_same_passage_is_still_linked(edition):
    # furr:47 "One of Zhukov's books ... is titled *Inoy Stalin*": Zhukov is a mention
    assert any(m.person == "zhukov-yuri" for m in mentions_at(edition, "furr", 47))


def test_vinokur_naumov_is_not_oleg_naumov(edition):
    for line in (12170, 12176, 12185):
        assert not [m for m in mentions_at(edition, "getty", line) if m.person.startswith("naumov")]


def test_kuybyshev_the_province_in_the_abridged_printing(edition):
    assert not [m for m in mentions_at(edition, "furr-abridged", 242) if m.person == "kuibyshev-valerian"]


def test_ocr_forms_are_matched_but_never_shown_as_spellings(edition):
    reg = edition.persons
    by_person = {}
    for m in edition.mentions:
        by_person.setdefault(m.person, []).append(m)
    shown_damaged = []
    matched_damaged = 0
    for p in reg.by_id.values():
        damaged = {fold(o) for o in p.ocr_forms} - {fold(p.family)}
        ms = by_person.get(p.id, [])
        matched_damaged += sum(1 for m in ms if fold(m.surface.split()[-1]) in damaged)
        shown_damaged += [(p.id, w) for w, _ in _spellings(p, ms, edition.texts) if fold(w) in damaged]
    assert not shown_damaged
    assert matched_damaged > 0          # the damaged forms still link their passages
    assert "Yezbov" in reg.by_id["yezhov-nikolai"].ocr_forms and "Yezbov" not in reg.by_id["yezhov-nikolai"].variants
