"""How the build scales with the size of a text: the Getty witness at 1x, 5x and 20x.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1 5 20]

For each size a temporary project is made under build/ (git-ignored): the real
mkdocs.yml, docs/, templates/, register and lexicon, and one text ``getty`` whose
witness is texts/getty/source.txt repeated k times.  Its manifest is the real
one with every line-based rule repeated for each copy, shifted by the witness'
length (emendations, restorations, furniture ranges, units, verse, paragraph
breaks and joins, footnote exceptions and continuations, OCR vetoes), and so are
the rows of its proofreading table; each copy's units get their own slugs
(``ch01-c2``); there is no passage ledger (ids are numbered provisionally, as on
a first build).  The other four texts are copied too but not built: the OCR
lexicon is made from their witnesses, as in the real edition.  Getty's OCR
corrections are written to the project's own corrections.tsv, not checked
against the reviewed one.

Each size is built in a fresh process, serially, without the cache
(``EDITION_JOBS=1``), with MkDocs not strict (the hand-written pages link to
the other four texts, which are absent).  Printed per stage: seconds, and the
process' peak resident memory once the stage is done (the high-water mark so
far, from ``getrusage``); then the ratio of each size to 1x.  Times are CPU
seconds of the process (``time.process_time``), so a busy machine does not
distort the ratios; the wall time of each size is printed too.  Linear growth
means 20x costs about 20 times 1x.  Not a test.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
OTHER_TEXTS = ("furr", "furr-abridged", "khlevniuk", "medvedev")


# ---------------------------------------------------------------- the synthetic project
def make_project(dest: Path, k: int) -> Path:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest)
    shutil.copytree(ROOT / "docs", dest / "docs", ignore=shutil.ignore_patterns("generated"))
    shutil.copytree(ROOT / "templates", dest / "templates")
    (dest / "edition").mkdir()
    shutil.copy(ROOT / "edition" / "mkdocs_hooks.py", dest / "edition")
    (dest / "texts" / "getty").mkdir(parents=True)
    for shared in sorted((ROOT / "texts").iterdir()):     # the register, the curated lexicon
        if shared.is_file():
            shutil.copy(shared, dest / "texts")
    for other in OTHER_TEXTS:      # not built (``only``): the OCR lexicon is made from their witnesses
        shutil.copytree(ROOT / "texts" / other, dest / "texts" / other)
    source = (ROOT / "texts" / "getty" / "source.txt").read_text(encoding="utf-8")
    if not source.endswith("\n"):
        source += "\n"
    n = source.count("\n")
    witness = source * k
    (dest / "texts" / "getty" / "source.txt").write_text(witness, encoding="utf-8")
    shutil.copy(ROOT / "texts" / "getty" / "readings.tsv", dest / "texts" / "getty")   # forms, not lines
    (dest / "texts" / "getty" / "proofreading.tsv").write_text(
        scaled_table((ROOT / "texts" / "getty" / "proofreading.tsv").read_text(encoding="utf-8"), k, n),
        encoding="utf-8")
    manifest = yaml.safe_load((ROOT / "texts" / "getty" / "edition.yml").read_text(encoding="utf-8"))
    (dest / "texts" / "getty" / "edition.yml").write_text(
        yaml.safe_dump(scaled_manifest(manifest, k, n, hashlib.sha256(witness.encode("utf-8")).hexdigest()),
                       allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    return dest


def scaled_table(table: str, k: int, n: int) -> str:
    """A table whose rows begin with a witness line (proofreading.tsv): every row once per copy."""
    header, *rows = [row for row in table.split("\n") if row]
    out = [header]
    for c in range(k):
        for row in rows:
            line, rest = row.split("\t", 1)
            out.append(f"{int(line) + c * n}\t{rest}")
    return "\n".join(out) + "\n"


def scaled_manifest(m: dict, k: int, n: int, sha: str) -> dict:
    """The manifest for k copies of an n-line witness: every line-based rule once per copy."""
    m = copy.deepcopy(m)
    m["source"]["sha256"] = sha

    def per_copy(rules, shift):
        out = []
        for c in range(k):
            for rule in rules or []:
                out.append(shift(copy.deepcopy(rule), c * n, c))
        return out

    def lines(rule, off, c):
        rule["lines"] = [x + off for x in rule["lines"]]
        return rule

    def line(rule, off, c):
        rule["line"] += off
        if rule.get("last"):
            rule["last"] += off
        return rule

    def unit(rule, off, c):
        rule["line"] += off
        if c:
            rule["slug"] = f"{rule['slug']}-c{c + 1}"
            rule["title"] = f"{rule['title']} ({c + 1})"
        return rule

    m["emendations"] = per_copy(m.get("emendations"), line)
    m["restorations"] = per_copy(m.get("restorations"), lines)
    m["furniture"] = [r for r in m.get("furniture") or [] if not r.get("lines")] + \
        per_copy([r for r in m.get("furniture") or [] if r.get("lines")], lines)
    for rule in m["furniture"]:
        if rule.get("pattern") and rule.get("min"):
            rule["min"] *= k
    for rule in m.get("replacements") or []:
        if rule.get("min"):
            rule["min"] *= k
    m["units"] = per_copy(m["units"], unit)
    m["paragraph_breaks"] = per_copy(m.get("paragraph_breaks"), line)
    m["paragraph_joins"] = per_copy(m.get("paragraph_joins"), line)
    if (m.get("ocr") or {}).get("veto"):
        m["ocr"]["veto"] = per_copy(m["ocr"]["veto"], line)
    m["verse"] = per_copy(m.get("verse"), lines)
    notes = m.get("notes") or {}
    if notes.get("not_footnotes"):
        notes["not_footnotes"] = per_copy(notes["not_footnotes"], line)
    if notes.get("note_continuations"):
        notes["note_continuations"] = per_copy(notes["note_continuations"], line)
    if notes.get("footnote_units"):
        notes["footnote_units"] = [slug if c == 0 else f"{slug}-c{c + 1}"
                                   for c in range(k) for slug in notes["footnote_units"]]
    return m


# ---------------------------------------------------------------- one size, in its own process
def run_one(root: Path) -> None:
    """Build ``root`` stage by stage; print one JSON line per stage."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    from edition.model import Edition
    from edition.pipeline import STAGES, run_pipeline
    from edition.processes import collect_less_often
    collect_less_often()                   # as build_edition.py does
    from edition.render import build_site_model
    from edition.site import build_site

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def report(stage: str, seconds: float, cpu: float) -> None:
        print(json.dumps({"stage": stage, "seconds": round(seconds, 3), "cpu": round(cpu, 3),
                          "peak_mb": round(peak_mb(), 1)}), flush=True)

    def timed(stage: str, work):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        report(stage, time.perf_counter() - wall, time.process_time() - cpu)
        return result

    # only Getty is built; its OCR corrections are written, not checked against a reviewed list
    edition = Edition(root=str(root), options={"only": ["getty"], "corrections_update": True})
    for name in STAGES:
        timed(name, lambda: run_pipeline(edition, start=name, until=name))
    site = timed("render", lambda: build_site_model(edition))
    timed("mkdocs", lambda: build_site(site, root, root / "site", strict=False))


def measure(k: int, work: Path) -> tuple[dict, float]:
    root = make_project(work / f"getty-x{k}", k)
    started = time.perf_counter()
    result = subprocess.run([PYTHON, __file__, "--run", str(root)], capture_output=True, text=True,
                            env={**os.environ, "EDITION_JOBS": "1"})
    total = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{k}x failed:\n{result.stderr[-4000:]}")
    stages = {}
    for row in result.stdout.splitlines():
        if row.startswith("{"):
            data = json.loads(row)
            stages[data["stage"]] = data
    return stages, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the projects under build/bench-scale")
    args = parser.parse_args()
    if args.run:
        return run_one(args.run)
    work = ROOT / "build" / "bench-scale"
    results = {}
    for k in args.sizes:
        results[k] = measure(k, work)
        stages, total = results[k]
        print(f"{k:>3}x: {total:7.1f}s in all, peak {max(s['peak_mb'] for s in stages.values()):.0f} MB",
              flush=True)
    base = args.sizes[0]
    names = list(results[base][0])
    print("CPU seconds per stage (this process; MkDocs included), the ratio to the smallest size, and the peak "
          "resident memory of the largest size once the stage is done:")
    header = f"{'stage':<11}" + "".join(f"{f'{k}x s':>9}" for k in args.sizes) + \
        "".join(f"{f'{k}x/{base}x':>9}" for k in args.sizes[1:]) + f"{'peak MB':>9}"
    print(header)
    for name in names:
        times = [results[k][0][name]["cpu"] for k in args.sizes]
        ratios = [t / times[0] if times[0] > 0.005 else float("nan") for t in times[1:]]
        peak = results[args.sizes[-1]][0][name]["peak_mb"]
        print(f"{name:<11}" + "".join(f"{t:9.2f}" for t in times) + "".join(f"{r:9.1f}" for r in ratios) +
              f"{peak:9.0f}")
    totals = [sum(s["cpu"] for s in results[k][0].values()) for k in args.sizes]
    print(f"{'total':<11}" + "".join(f"{t:9.2f}" for t in totals) +
          "".join(f"{t / totals[0]:9.1f}" for t in totals[1:]))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
