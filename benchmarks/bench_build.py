"""Time the edition's HTML build against a plain MkDocs build of the raw texts.

    .venv/bin/python benchmarks/bench_build.py [--pairs 5] [--page-kb 50]
    (or: make bench)

Edition:  ``build_edition.py build --no-pdf --no-cache --out <tmp>`` (a full
          build: the whole pipeline, the writer, MkDocs with the edition's theme
          and hooks; nothing taken from build/cache).
No-op:    ``build_edition.py build --no-pdf --out <tmp>`` run twice; the second
          run (nothing changed) is timed against the full build of its pair.
Baseline: ``mkdocs build`` of the five ``texts/*/source.txt`` cut into ~50 KB
          Markdown pages (raw text, nothing escaped), with the same theme,
          custom_dir, CSS and Markdown extensions and the search plugin on, but
          without the edition's hooks.

Both run as fresh processes, alternating (baseline, edition, edition,
baseline, ...) so drift in the machine affects both; each time is printed, and
the median of the per-pair ratios edition/baseline (and no-op/edition) at the
end, and the median CPU seconds of each.  Not a test.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def cut_pages(text: str, size: int) -> list[str]:
    """Cut at line ends into pieces of about ``size`` characters."""
    pages, current, length = [], [], 0
    for line in text.splitlines(keepends=True):
        current.append(line)
        length += len(line)
        if length >= size:
            pages.append("".join(current))
            current, length = [], 0
    if current:
        pages.append("".join(current))
    return pages


def make_baseline(work: Path, page_size: int) -> tuple[Path, int]:
    """Write the baseline project into ``work``; return (its mkdocs.yml, page count)."""
    docs = work / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    count = 0
    for source in sorted((ROOT / "texts").glob("*/source.txt")):
        slug = source.parent.name
        for n, page in enumerate(cut_pages(source.read_text(encoding="utf-8"), page_size), 1):
            target = docs / "texts" / slug / f"part{n:03d}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, encoding="utf-8")
            count += 1
    (docs / "index.md").write_text("# Baseline\n\nThe five raw texts.\n", encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    config.pop("nav", None)
    config.update(docs_dir=str(docs), site_dir=str(work / "site"), strict=False)
    config["theme"]["custom_dir"] = str(ROOT / "templates" / "theme")
    config["plugins"] = [{"search": {"lang": "en"}}]
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return config_file, count


CPU: dict[str, list[float]] = {}      # CPU seconds (user + system, all processes) per command name


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], name: str = "") -> float:
    """Wall-clock seconds of one run (its CPU seconds are kept in ``CPU[name]``)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    elapsed = time.perf_counter() - started
    CPU.setdefault(name, []).append(_children_cpu() - cpu)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--page-kb", type=int, default=50)
    args = parser.parse_args()
    (ROOT / "build").mkdir(exist_ok=True)          # git-ignored; same disk as site/
    with tempfile.TemporaryDirectory(prefix="bench-", dir=ROOT / "build") as tmp:
        work = Path(tmp)
        config_file, pages = make_baseline(work / "baseline", args.page_kb * 1000)
        baseline = [PYTHON, "-m", "mkdocs", "build", "--quiet", "-f", str(config_file)]
        edition = [PYTHON, str(ROOT / "build_edition.py"), "build", "--no-pdf", "--no-cache",
                   "--out", str(work / "edition" / "site")]
        cached = [PYTHON, str(ROOT / "build_edition.py"), "build", "--no-pdf",
                  "--out", str(work / "cached" / "site")]
        timed(cached)                                   # fills build/cache and the stamp of cached/site
        print(f"baseline: {pages} raw pages of ~{args.page_kb} KB; {args.pairs} pairs, alternating")
        ratios, noop_ratios, times = [], [], {"baseline": [], "edition": [], "no-op": []}
        for pair in range(args.pairs):
            order = [("baseline", baseline), ("edition", edition), ("no-op", cached)]
            if pair % 2:
                order.reverse()
            this = {name: timed(command, name) for name, command in order}
            for name in this:
                times[name].append(this[name])
            ratios.append(this["edition"] / this["baseline"])
            noop_ratios.append(this["no-op"] / this["edition"])
            print(f"pair {pair + 1}: baseline {this['baseline']:6.2f}s  edition {this['edition']:6.2f}s  "
                  f"ratio {ratios[-1]:.2f}  | no-op {this['no-op']:5.2f}s ratio {noop_ratios[-1]:.2f}",
                  flush=True)
        print(f"median: baseline {statistics.median(times['baseline']):.2f}s, "
              f"edition {statistics.median(times['edition']):.2f}s, "
              f"ratio edition/baseline {statistics.median(ratios):.2f}; "
              f"no-op {statistics.median(times['no-op']):.2f}s, ratio no-op/edition "
              f"{statistics.median(noop_ratios):.2f}")
        print("CPU seconds (user+system, all processes; a busy machine stretches wall time, not these): " +
              ", ".join(f"{name} {statistics.median(CPU[name]):.2f}s" for name in ("baseline", "edition", "no-op")))


if __name__ == "__main__":
    main()
