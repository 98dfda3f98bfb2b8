"""Bad input: one clear message with file:line, exit 2, no traceback, site/ untouched."""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build_edition.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the mini fixture project that a test may break."""
    shutil.copytree(MINI, tmp_path / "p")
    return tmp_path / "p"


def manifest(project: Path) -> Path:
    return project / "texts" / "mini" / "edition.yml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def assert_clean_failure(result, *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


def test_check_passes_on_the_fixture(project):
    result = run_cli(project, "check")
    assert result.returncode == 0, result.stderr
    assert "check passed" in result.stdout


def test_yaml_syntax_error_names_the_line(project):
    edit(manifest(project), "order: 1", "order: [1")
    assert_clean_failure(run_cli(project, "check"), "texts/mini/edition.yml:", "YAML syntax error")


def test_unknown_key_names_its_line(project):
    edit(manifest(project), "order: 1\n", "order: 1\ncolour: red\n")
    assert_clean_failure(run_cli(project, "check"), "texts/mini/edition.yml:3: unknown key 'colour'")


def test_wrong_type_names_its_line(project):
    edit(manifest(project), "order: 1\n", "order: first\n")
    assert_clean_failure(run_cli(project, "check"), "texts/mini/edition.yml:2: order: expected integer")


def test_all_errors_are_collected_before_stopping(project):
    edit(manifest(project), "order: 1\n", "order: first\ncolour: red\n")
    result = run_cli(project, "check")
    assert_clean_failure(result, "edition.yml:2:", "edition.yml:3:")


def test_missing_witness(project):
    (project / "texts" / "mini" / "source.txt").unlink()
    assert_clean_failure(run_cli(project, "check"), "texts/mini/source.txt is missing")


def test_changed_witness_fails_the_checksum(project):
    source = project / "texts" / "mini" / "source.txt"
    source.write_text(source.read_text().replace("plenum", "Plenum"))
    assert_clean_failure(run_cli(project, "check"), "has sha256", "must stay byte-identical")


def test_rule_that_matches_nothing(project):
    edit(manifest(project), r"pattern: '\d+ Running Head Text'", r"pattern: 'No Such Head'")
    assert_clean_failure(run_cli(project, "check"), "texts/mini/edition.yml:", "furniture rule 'running-head' "
                         "matched 0 line(s)")


def test_unit_line_that_does_not_match(project):
    edit(manifest(project), "line: 3, heading_lines: 2", "line: 5, heading_lines: 2")
    assert_clean_failure(run_cli(project, "check"), "unit 'ch01': line 5 reads")


def test_emendation_that_matches_nothing(project):
    edit(manifest(project), 'original: "C H A P T E R  TWO"', 'original: "CHAPTER 2"')
    assert_clean_failure(run_cli(project, "check"), "emendation matches nothing")


def test_duplicate_unit_slug(project):
    edit(manifest(project), "slug: ch02,", "slug: ch01,")
    assert_clean_failure(run_cli(project, "check"), "duplicate unit slug 'ch01'")


def test_debug_shows_the_traceback(project):
    edit(manifest(project), "order: 1\n", "order: first\n")
    result = run_cli(project, "--debug", "check")
    assert result.returncode != 0 and "Traceback" in result.stderr
