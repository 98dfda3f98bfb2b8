"""Hand-checked random samples of the edition's text (tests/data/text_sample_*.tsv).

The samples were drawn with tools/sample_passages.py *after* the rules were written, with seeds no rule was
tuned on, and every passage was read by hand against its witness lines (verdict columns: ocr_errors,
other_defects, seen; rubric in tests/data/SAMPLE_RUBRIC.md).  tools/sample_stats.py turns them
into the rates given in docs/method.md.  These tests keep the verdicts honest as the rules change:

- a passage judged free of errors and defects is still exactly the text that was checked (any change to it
  must be checked again by hand, and its row updated);
- every sampled passage still exists at its address (a sample cannot silently shrink);
- the rates computed from the files are those the method page states.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tools.sample_stats import passages_summary, read_rows

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "tests" / "data").glob("text_sample_*.tsv"))


@pytest.fixture(scope="module")
def edition():
    from edition.build import load_edition
    return load_edition(ROOT, until="ids", only=sorted({r["text"] for p in SAMPLES for r in read_rows(p)}))


def _published(edition) -> dict[tuple[str, str, str], str]:
    """(text, "unit#pid", kind) -> the passage's text as a reader sees it (no markup)."""
    found = {}
    for text in edition.texts:
        for unit in text.units:
            if unit.drop:
                continue
            for block in unit.blocks:
                found[(text.slug, f"{unit.slug}#{block.pid}", "body")] = block.plain()
            for note in unit.notes:
                for block in note.blocks:
                    found[(text.slug, f"{unit.slug}#{block.pid}", "notes")] = block.plain()
    return found


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def test_there_are_samples():
    kinds = {(r["text"], r["kind"]) for p in SAMPLES for r in read_rows(p)}
    assert {("getty", "body"), ("getty", "notes"), ("medvedev", "body")} <= kinds


def _aliases(slug: str) -> dict[str, str]:
    """``unit#pid`` -> the ``unit#pid`` it now continues in (a passage merged since, its address redirected)."""
    ledger = ROOT / "texts" / slug / "passages.tsv"
    rows = [line.split("\t") for line in ledger.read_text(encoding="utf-8").split("\n")
            if line and not line.startswith("#") and not line.startswith("unit\t")]
    return {f"{r[0]}#{r[1]}": r[3] for r in rows if len(r) > 3 and r[2] == "alias"}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_every_sampled_passage_is_still_published(edition, path):
    """A sampled passage is still published at its address, or (merged since with the passage before it,
    e.g. once a footnote's text cut into it was given back to its note) the ledger redirects it there."""
    published = _published(edition)
    missing = []
    for r in read_rows(path):
        target = _aliases(r["text"]).get(r["pid"], r["pid"]) if r["kind"] == "body" else r["pid"]
        if (r["text"], target, r["kind"]) not in published:
            missing.append(r["pid"])
    assert missing == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_passages_checked_clean_are_unchanged(edition, path):
    published = _published(edition)
    changed = [r["pid"] for r in read_rows(path)
               if int(r["ocr_errors"]) == 0 and int(r["other_defects"]) == 0
               and _digest(published.get((r["text"], r["pid"], r["kind"]), "")) != r["sha1"]]
    assert changed == [], "these passages changed since they were checked clean: check them again by hand"


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_verdicts_are_complete(path):
    for row in read_rows(path):
        errors, defects = int(row["ocr_errors"]), int(row["other_defects"])
        assert errors >= 0 and defects >= 0
        assert row["seen"].strip() or not (errors or defects), row      # every count says what was seen


def test_method_page_states_the_measured_rates():
    method = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    for path in SAMPLES:
        summary = passages_summary(read_rows(path))
        rate = re.search(r"= (\d+\.\d\d) per 1,000 words", summary).group(1)
        assert f"{path.name}" in method and rate in method, (path.name, summary)
