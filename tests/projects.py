"""Small, whole, buildable projects for end-to-end tests of the command line.

``project(dest, texts)`` writes a project folder with the real ``mkdocs.yml``,
``templates/``, ``docs/`` and MkDocs hooks, and the given texts (manifest
template + witness; the witness checksum is filled in), so that
``build_edition.py --root dest build`` builds a complete little edition in
about two seconds.  ``mini_project(dest)`` is tests/fixtures/mini made
buildable.  Builds get a fixed ``SOURCE_DATE_EPOCH`` (the folders are not git
checkouts).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
EPOCH = "946684800"          # 2000-01-01


def project(dest: Path, texts: dict[str, tuple[str, str]] | None = None, persons: str | None = None,
            base: Path | None = None) -> Path:
    """A buildable project at ``dest``: the repository's site machinery, plus ``texts``
    (``slug -> (manifest with {sha256}, witness)``) or a copy of ``base/texts``."""
    dest = Path(dest)
    site_machinery(dest)
    if base is not None:
        shutil.copytree(base / "texts", dest / "texts")
    for slug, (manifest, witness) in (texts or {}).items():
        folder = dest / "texts" / slug
        folder.mkdir(parents=True)
        raw = witness.encode("utf-8") if isinstance(witness, str) else witness
        (folder / "source.txt").write_bytes(raw)
        (folder / "edition.yml").write_text(manifest.replace("{sha256}", hashlib.sha256(raw).hexdigest()),
                                            encoding="utf-8")
    if persons is not None:
        (dest / "texts" / "persons.yml").write_text(persons, encoding="utf-8")
    point_method_page_at(dest, sorted(p.parent.name for p in (dest / "texts").glob("*/edition.yml"))[0])
    return dest


def site_machinery(dest: Path) -> None:
    """The repository's mkdocs.yml, templates, docs (without generated pages) and MkDocs hooks, at ``dest``."""
    dest.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", dest)
    shutil.copytree(REPO / "templates", dest / "templates")
    shutil.copytree(REPO / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    (dest / "edition").mkdir()
    shutil.copy(REPO / "edition" / "mkdocs_hooks.py", dest / "edition")


def point_method_page_at(dest: Path, slug: str) -> None:
    """The method page's example link names Getty's data file; a project without Getty names ``slug``'s."""
    method = dest / "docs" / "method.md"
    method.write_text(method.read_text(encoding="utf-8").replace("data/getty.jsonl", f"data/{slug}.jsonl"),
                      encoding="utf-8")


def mini_project(dest: Path) -> Path:
    return project(dest, base=MINI)


def run_cli(root: Path, *args: str, env: dict | None = None, timeout: float = 300,
            **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build_edition.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=timeout, env=cli_env(env), **popen)


def cli_env(extra: dict | None = None) -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "0"}
    env.update(extra or {})
    return {k: v for k, v in env.items() if v is not None}


def tree_digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(directory).rglob("*")) if p.is_file()}
