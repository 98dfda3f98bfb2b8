"""Getty & Naumov: the OCR repairs of the manifest, as a reader sees them.

The witness misreads the party's acronym (``VKPb)``, ``VKP(b1``, ``VKP[b)l``),
the archive RTsKhIDNI (``RTsKhlDNI``), the folio abbreviation ll. (``11.``),
decades (``rgzos``), names (``Yezbov``, ``Tratsky``, ``Sheholdaev``) and runs
words together (``ofthe``, ``theNKVD``).  After the ``emend`` stage's rules and
emendations none of these forms is left in any passage or note of the edition,
and the correct forms are there.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from edition.build import load_edition
from edition.model import plain

ROOT = Path(__file__).resolve().parent.parent

# Damaged forms repaired by rule or emendation: none may survive in a passage a reader sees.
# Left alone on purpose: "d. 577. 11. 50-33" (conclusion, note 4), whose "11." opens a witness line
# (26187): read as ll. there, the footnote stage takes the line for the start of a note.
DAMAGED = [
    r"\bVKP(?!\(b\))[(\[lI,]?(?:b|h|fi)[)\]1lj]",   # VKPb), VKP(b1, VKP(h), VKP[b), VKPlbl, VKPfi)
    r"\[VKP\(b\)l",                                   # [VKP(b)l
    r"\bVKP[WM@]|\bVKPCo\)",
    r"RT[sr]Kh[Il]DN[I1l](?<!RTsKhIDNI)",             # RTsKhlDNI, RTsKhlDN1, RTrKhIDNI, seeRTsKhlDNI
    r"\bd\. \d+[.,] ?(?:11|Il|II)\. \d(?<!d\. 577\. 11\. 5)",  # d. 575, 11. 69 / d. 179.11. 34
    r"\brgzos\b|\b192os\b|\b19zos\b|\b193os\b|\b19jos\b|\b1g3os\b|\b197os\b",
    r"\b(?:Yezbov|Yezhav|Yerhov|Yeehov|Tratsky|Sheholdaev|Vorosbilov|Gamamik|Gogoheridze|Piamitsky|"
    r"Postysbev|Pastyshev|Stolin|Stnlin|Sralin|Staiin|Geny|Rinersporn|Rirtersporn|ArchGetty)\b",
    r"\bStalin'r\b",
    r"\b(?:of|in|to|on|at|from|during|and)the\b",     # ofthe, inthe, duringthe
    r"\b(?:of|the|and|to|in|from)(?:NKVD|USSR|VKP|CC)\b",
    r"\bandLegality\b|\bpurgingof\b|\bthe present hook\b|\bhats an eye\b|O r ~ h u r o",
    r"\b(?:Cummillee|Trutskyist|Zinovlevisr|counterrevulutinnary|countemevolutionary|Telepam|RBsumB|"
    r"Tanuary|docurnents|Gubelrnan|Kaganavich|FrornN|Innsferring|antidoviet|Bazamy|V~shinsky)\b",
]

# Correct forms that must be there (at least this many passages or notes carry each).
PRESENT = {
    "VKP(b)": 250,
    "RTsKhIDNI": 150,
    "1920s": 20,
    "1930s": 60,
    "Yezhov": 200,
    "Sheboldaev": 30,
    "of the": 1000,
}


@pytest.fixture(scope="module")
def passages():
    ed = load_edition(ROOT, only=["getty"])
    out = []
    for unit in ed.text("getty").units:
        if unit.drop:
            continue
        out.extend((unit.slug, plain(b.text) if b.rows is None else b.plain()) for b in unit.blocks)
        out.extend((unit.slug, plain(b.text)) for note in unit.notes for b in note.blocks)
    return out


@pytest.mark.parametrize("pattern", DAMAGED)
def test_damaged_forms_are_repaired(passages, pattern):
    found = [(slug, m.group(), text[max(0, m.start() - 30):m.end() + 30])
             for slug, text in passages for m in re.finditer(pattern, text)]
    assert found == []


@pytest.mark.parametrize("form,least", PRESENT.items())
def test_correct_forms_are_there(passages, form, least):
    assert sum(form in text for _, text in passages) >= least


def test_document_titles_as_printed(passages):
    texts = [text for _, text in passages]
    for title in ("N. I. Bukharin's speech to a joint plenum of the CC and CCC of the VKP(b), 19 December 1930",
                  "Documents from the Plenum of the CC of the VKP(b) of 3 June 1936",
                  "Secret Central Committee letter \"Concerning the terroristic activity of the "
                  "Trotskyist-Zinovievist counterrevolutionary bloc,\" 29 July 1936",
                  "From Shkiriatov's speech to the February-March 1937 Plenum of the Central Committee, "
                  "24 February 1937",
                  "Central Committee/SNK decree of 8 May 1933 halting mass arrests",
                  "Information on Bazarny Syzgan district (Kuibyshev region) [late 1937]"):
        assert title in texts


def test_the_preface_reads_clean(passages):
    preface = " ".join(text for slug, text in passages if slug == "preface")
    assert "the present book has thus been" in preface
    assert "Nobody bats an eye" in preface
    assert "Origins of the Great Purges" in preface
