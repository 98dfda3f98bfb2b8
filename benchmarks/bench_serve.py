"""Edit-to-preview latency of ``serve``: save an emendation in the Getty manifest, see the page reload.

    .venv/bin/python benchmarks/bench_serve.py [--edits 5]

A copy of the project is made under build/bench-serve (git-ignored; its own
build/cache, warmed by one build first, as an editor's would be).
``build_edition.py serve`` runs on it; Debian's chromium (Playwright) opens
Getty's chapter 1.  Then, ``--edits`` times, the benchmark writes the manifest
with one emendation changed (a word of a paragraph of that chapter, a new
reading each time, so no cache holds the result) and measures the time from the write to the moment the page shown
in the browser contains the new reading (livereload reloads it).  Printed: each
latency, the median, and the serve log's rebuild lines.  Not a test.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
PAGE = "texts/getty/ch01.html"
LINE = None                      # found in the witness: a paragraph line of chapter 1 (see pick_line)
READING = "regime·edit{}"        # edit n puts "regime·editn": new each time, found nowhere else on the page


def make_project(dest: Path) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("mkdocs.yml", "build_edition.py", "requirements.txt", "requirements-dev.txt", "constraints.txt"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest)
    for name in ("docs", "templates", "texts", "edition"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__", "generated"))
    return dest


def pick_line(root: Path) -> tuple[int, str]:
    """A line of chapter 1 (after its head at 1667) holding the word ' regime ' once, not emended yet."""
    lines = (root / "texts" / "getty" / "source.txt").read_text(encoding="utf-8").split("\n")
    manifest = (root / "texts" / "getty" / "edition.yml").read_text(encoding="utf-8")
    for no in range(1700, 3400):
        text = lines[no - 1]
        if text.count(" regime ") == 1 and f"line: {no}," not in manifest:
            return no, text
    raise SystemExit("no suitable line found in chapter 1")


def with_emendation(original: str, line: int, reading: str) -> str:
    rule = (f'  - {{line: {line}, original: " regime ", replacement: " {reading} ", '
            f'why: "benchmark edit"}}\n')
    return original.replace("emendations:\n", "emendations:\n" + rule, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = make_project(ROOT / "build" / "bench-serve" / "project")
    manifest = root / "texts" / "getty" / "edition.yml"
    original = manifest.read_text(encoding="utf-8")
    line, _ = pick_line(root)
    manifest.write_text(with_emendation(original, line, READING.format(0)), encoding="utf-8")
    env = dict(os.environ, SOURCE_DATE_EPOCH=os.environ.get("SOURCE_DATE_EPOCH") or subprocess.run(
        ["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout.strip() or "0")
    warm = subprocess.run([PYTHON, str(root / "build_edition.py"), "build", "--no-pdf"], cwd=root,
                          capture_output=True, text=True, env=env)     # the copy has no git history
    if warm.returncode:
        raise SystemExit(f"warming build failed:\n{warm.stderr[-3000:]}")
    port = free_port()
    log_path = root.parent / "serve.log"
    log = open(log_path, "w")
    server = subprocess.Popen([PYTHON, str(root / "build_edition.py"), "serve", "--port", str(port)], cwd=root,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    latencies = []
    try:
        base = f"http://127.0.0.1:{port}/"
        wait_for(base + PAGE, 300)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            page = browser.new_page()
            page.goto(base + PAGE)
            page.wait_for_load_state("load")
            time.sleep(1.0)                     # let livereload's long poll connect
            for n in range(args.edits):
                reading = READING.format(n + 1)       # never seen before: no cache entry can hold it
                started = time.perf_counter()
                manifest.write_text(with_emendation(original, line, reading), encoding="utf-8")
                needle = reading
                deadline = time.time() + 120
                while True:
                    try:
                        if page.evaluate("needle => document.body.innerText.includes(needle)", needle) \
                                and page.evaluate("document.readyState") == "complete":
                            break
                    except Exception:  # noqa: BLE001 - the page is navigating (reloaded): ask again
                        pass
                    if time.time() > deadline:
                        raise SystemExit(f"edit {n + 1}: the page did not show {reading!r} within 120s")
                    time.sleep(0.05)
                latencies.append(time.perf_counter() - started)
                print(f"edit {n + 1}: {reading!r} shown after {latencies[-1]:.2f}s", flush=True)
                time.sleep(1.0)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    print(f"median edit-to-preview latency: {statistics.median(latencies):.2f}s "
          f"(min {min(latencies):.2f}s, max {max(latencies):.2f}s, {len(latencies)} edits)")
    if len(latencies) > 1:
        print(f"median after the first edit (the serve process warm): {statistics.median(latencies[1:]):.2f}s")
    print("serve log (the first line is the build at start):")
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("built in"):
            print(f"  {line}")


if __name__ == "__main__":
    main()
