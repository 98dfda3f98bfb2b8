"""Golden files: expected outputs kept under ``tests/golden/``.

    assert_golden("site_builder/ch01.html", actual_text)

compares ``actual_text`` with ``tests/golden/site_builder/ch01.html`` and fails
with a unified diff when they differ.  ``pytest --regen-golden`` rewrites the
file instead (review the diff with git before committing).
"""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest

GOLDEN_DIR = Path(__file__).parent / "golden"
REGEN = False  # set from the --regen-golden option by tests/conftest.py


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / name


def assert_golden(name: str, actual: str | bytes) -> None:
    path = golden_path(name)
    data = actual.encode("utf-8") if isinstance(actual, str) else actual
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: run `pytest --regen-golden` and review it")
    expected = path.read_bytes()
    if expected == data:
        return
    if isinstance(actual, bytes):
        pytest.fail(f"{path}: bytes differ ({len(expected)} expected, {len(data)} actual); "
                    "run `pytest --regen-golden` if the change is intended")
    diff = "".join(difflib.unified_diff(
        expected.decode("utf-8").splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"golden/{name}", tofile="actual", n=2))
    pytest.fail(f"output differs from golden/{name} (run `pytest --regen-golden` if intended):\n"
                + diff[:6000])
