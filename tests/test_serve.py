"""``build_edition.py serve`` as an editor uses it: save an emendation, see the served page change,
stop the preview; the next build finds what the preview made in build/cache (issue 13).

The small project of ``test_incremental`` (Furr, its abridged printing, Medvedev) is served by a
real ``serve`` process; its pages are read over HTTP.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from edition.build import build
from tests.test_incremental import EDIT_LINE, make_project

REPO = Path(__file__).resolve().parent.parent
BEFORE, AFTER = "Gubkom which", "Gubkom, which"       # texts/medvedev/source.txt:500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise AssertionError(f"not within {seconds:.0f}s: {what}")
        time.sleep(0.2)


def test_a_saved_emendation_is_served_and_kept_for_the_next_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(tmp_path)
    build(root, root / "site")                                  # an editor's warm build/cache
    page = next(p for p in sorted((root / "site" / "texts" / "medvedev").glob("*.html"))
                if BEFORE in p.read_text(encoding="utf-8"))
    port = free_port()
    url = f"http://127.0.0.1:{port}/texts/medvedev/{page.name}"
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, str(REPO / "build_edition.py"), "--root", str(root), "serve",
                                   "--port", str(port)], cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    manifest = root / "texts" / "medvedev" / "edition.yml"
    try:
        wait_until(lambda: BEFORE in fetch(url), 240, f"serve shows {url}")
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "emendations:\n", "emendations:\n"
            f'  - {{line: {EDIT_LINE}, original: "{BEFORE}", replacement: "{AFTER}", why: "test"}}\n', 1),
            encoding="utf-8")
        wait_until(lambda: AFTER in fetch(url), 120, "the edit is served")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        returncode = server.wait(timeout=60)
    text = log.read_text(encoding="utf-8")
    assert returncode == 0, text
    assert "Traceback" not in text
    rebuilds = [line for line in text.splitlines() if line.startswith("built in")]
    assert len(rebuilds) == 2 and "generated files unchanged" in rebuilds[1]
    again = build(root, tmp_path / "site-after")
    assert again.options["texts_run"] == []                     # serve left the edited Medvedev in build/cache
    assert AFTER in (tmp_path / "site-after" / "texts" / "medvedev" / page.name).read_text(encoding="utf-8")
