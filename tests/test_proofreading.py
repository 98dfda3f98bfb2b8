"""The proofreader's table (texts/<slug>/proofreading.tsv): rows become emendations of witness lines."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition.build import load_edition

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
HEADER = "line\toriginal\treplacement\twhy\n"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(MINI, tmp_path / "p")
    return tmp_path / "p"


def table(project: Path, *rows: str) -> Path:
    path = project / "texts" / "mini" / "proofreading.tsv"
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def emended(project: Path):
    edition = load_edition(project, until="emend")
    assert not edition.errors, edition.errors
    return next(t for t in edition.texts if t.slug == "mini")


def check(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_edition.py"), "--root", str(project), "check"],
                          capture_output=True, text=True, timeout=600)


def assert_stops_with(result: subprocess.CompletedProcess, *needles: str) -> None:
    """The command stopped with exit 2, no traceback, and named each of ``needles``."""
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_rows_correct_their_lines_in_order_and_are_listed_as_emendations(project):
    table(project, "11\tment that\tment which\ttest: a word changed",
          "11\twhich recorded\twhich noted\ttest: the row above's result is corrected again",
          "19\tsecond day \t\ttest: deleted")
    text = emended(project)
    lines = {line.no: line.text for line in text.lines}
    assert lines[11] == "ment which noted it was long. The"
    assert lines[19] == "the delegates went home"
    listed = [(e.original, e.replacement, e.why, e.loc.line) for e in text.report.emendations]
    assert ("ment that", "ment which", "test: a word changed", 11) in listed
    assert ("second day ", "", "test: deleted", 19) in listed


def test_the_text_reads_as_corrected_in_the_built_edition(project):
    table(project, "9\tIn the spring\tIn the autumn\ttest")
    edition = load_edition(project, until="ids")
    text = next(t for t in edition.texts if t.slug == "mini")
    body = " ".join(b.plain() for unit in text.units for b in unit.blocks)
    assert "In the autumn the plenum met." in body and "In the spring" not in body


def test_no_table_changes_nothing(project):
    before = {line.no: line.text for line in emended(project).lines}
    table(project)
    assert {line.no: line.text for line in emended(project).lines} == before


@pytest.mark.parametrize("row, message", [
    ("11\tnot on this line\tx\twhy", "texts/mini/proofreading.tsv:2: emendation matches nothing"),
    ("999\tThe\tthe\twhy", "texts/mini/proofreading.tsv:2: emendation names line 999"),
    ("11\tment\tment\twhy", "texts/mini/proofreading.tsv:2: the replacement is the original itself"),
    ("11\tment\tmint", "texts/mini/proofreading.tsv:2: a row needs four cells"),
    ("eleven\tment\tmint\twhy", "texts/mini/proofreading.tsv:2: a row needs four cells"),
])
def test_a_bad_row_is_named_by_file_and_line(project, row, message):
    table(project, row)
    assert_stops_with(check(project), message)


def test_a_wrong_header_is_named(project):
    (project / "texts" / "mini" / "proofreading.tsv").write_text("line\tfrom\tto\n11\tment\tmint\n")
    assert_stops_with(check(project), "texts/mini/proofreading.tsv:1: the first line must be the header")


# ---------------------------------------------------------------- paragraph boundaries decided by the editor
EXTRA = ["", "The plenum closed.", "", "Then the delegates went home.", "1) To relieve him of his post.",
         "2) To appoint him elsewhere."]


def with_extra_paragraphs(project: Path, manifest_lines: str, extra: list[str] = EXTRA) -> dict[str, int]:
    """Append ``extra`` to the mini witness (checksum updated) and ``manifest_lines`` to its manifest;
    return the line number of each appended line."""
    import hashlib
    source = project / "texts" / "mini" / "source.txt"
    lines = source.read_text(encoding="utf-8").rstrip("\n").split("\n") + extra
    content = "\n".join(lines) + "\n"
    source.write_text(content, encoding="utf-8")
    manifest = project / "texts" / "mini" / "edition.yml"
    old = manifest.read_text(encoding="utf-8")
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
    new = "\n".join(f"  sha256: {digest}" if line.startswith("  sha256:") else line for line in old.split("\n"))
    manifest.write_text(new.rstrip("\n") + "\n" + manifest_lines, encoding="utf-8")
    return {text: len(lines) - lines[::-1].index(text) for text in extra if text}


def paragraphs_of_ch02(project: Path) -> list[str]:
    edition = load_edition(project, until="ids")
    assert not edition.errors, edition.errors
    text = next(t for t in edition.texts if t.slug == "mini")
    return [b.plain() for b in next(u for u in text.units if u.slug == "ch02").blocks]


def test_without_entries_the_rules_decide(project):
    with_extra_paragraphs(project, "")
    paragraphs = paragraphs_of_ch02(project)
    assert "The plenum closed." in paragraphs
    assert ("Then the delegates went home. 1) To relieve him of his post. 2) To appoint him elsewhere."
            in paragraphs)


def test_editor_breaks_and_joins_paragraphs(project):
    lines = with_extra_paragraphs(project, "")
    with_extra_paragraphs_manifest = (
        "paragraph_breaks:\n"
        f"  - {{line: {lines['1) To relieve him of his post.']}, why: test}}\n"
        f"  - {{line: {lines['2) To appoint him elsewhere.']}, why: test}}\n"
        "paragraph_joins:\n"
        f"  - {{line: {lines['Then the delegates went home.']}, why: test}}\n")
    manifest = project / "texts" / "mini" / "edition.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + with_extra_paragraphs_manifest, encoding="utf-8")
    paragraphs = paragraphs_of_ch02(project)
    assert "The plenum closed. Then the delegates went home." in paragraphs
    assert "1) To relieve him of his post." in paragraphs and "2) To appoint him elsewhere." in paragraphs


@pytest.mark.parametrize("entry, message", [
    ("paragraph_breaks:\n  - {line: 9, why: test}\n", "paragraph break at line 9 matches nothing"),
    ("paragraph_joins:\n  - {line: 10, why: test}\n", "paragraph join at line 10 matches nothing"),
])
def test_an_entry_that_matches_nothing_is_named(project, entry, message):
    with_extra_paragraphs(project, entry)
    assert_stops_with(check(project), "texts/mini/edition.yml:", message)


def test_an_unreadable_stretch_is_marked_with_the_witness_reading_kept(project):
    from edition.model import TOKEN_RE
    table(project, "9\tthe plenum\t[?]\ttest: not readable")
    edition = load_edition(project, until="ids")
    text = next(t for t in edition.texts if t.slug == "mini")
    block = next(b for u in text.units for b in u.blocks if "[?]" in b.plain())
    assert "In the spring [?] met." in block.plain()
    assert ("unclear", "the plenum") in [m.groups() for m in TOKEN_RE.finditer(block.text)]


def test_an_editors_break_keeps_apart_what_the_rules_would_join(project):
    extra = ["", "The report was signed by the", "", "secretary of the party."]
    lines = with_extra_paragraphs(project, "", extra)
    assert "The report was signed by the secretary of the party." in paragraphs_of_ch02(project)
    manifest = project / "texts" / "mini" / "edition.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8") +
                        f"paragraph_breaks:\n  - {{line: {lines['secretary of the party.']}, why: test}}\n",
                        encoding="utf-8")
    paragraphs = paragraphs_of_ch02(project)
    assert "The report was signed by the" in paragraphs and "secretary of the party." in paragraphs
