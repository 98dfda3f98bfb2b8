"""Draw a seeded random sample of the OCR correction stage's logged changes, for hand-checking.

    python tools/sample_changes.py --n 300 --seed 777 > changes.md      # every text with ocr enabled
    python tools/sample_changes.py --n 300 --seed 777 --tsv > changes.tsv
    python tools/sample_changes.py --proofreading --n 150 --seed 778 > rows.md     # the proofreaders' rows

Each item gives the change (before -> after, rule) with its witness line and the lines around it, so a
reviewer can say whether the edition's reading is what the printed book has.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def logged_changes() -> list:
    from edition.build import load_edition
    edition = load_edition(ROOT, until="correct")
    return [(t.slug, c) for t in edition.texts for c in t.report.corrections]


def proofreading_rows() -> list:
    """(slug, change) of every proofreader's row, as the logged changes look (rule ``proofreading``)."""
    from types import SimpleNamespace
    rows = []
    for path in sorted(Path(ROOT, "texts").glob("*/proofreading.tsv")):
        for raw in path.read_text(encoding="utf-8").split("\n")[1:]:
            if raw.strip():
                line, before, after, _why = raw.split("\t")
                rows.append((path.parent.name, SimpleNamespace(loc=SimpleNamespace(line=int(line)), before=before,
                                                                 after=after, rule="proofreading")))
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--tsv", action="store_true", help="text, line, before, after, rule (for the verdicts file)")
    parser.add_argument("--proofreading", action="store_true",
                        help="draw from the rows of texts/*/proofreading.tsv (corrections made by hand) instead")
    args = parser.parse_args(argv)
    pool = proofreading_rows() if args.proofreading else logged_changes()
    pool.sort(key=lambda p: (p[0], p[1].loc.line, p[1].before, p[1].after, p[1].rule))
    sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    witnesses: dict[str, list[str]] = {}
    if args.tsv:
        print("text\tline\tbefore\tafter\trule\tverdict\tnote")
    for i, (slug, c) in enumerate(sample, 1):
        if args.tsv:
            print(f"{slug}\t{c.loc.line}\t{c.before}\t{c.after}\t{c.rule}\t\t")
            continue
        lines = witnesses.setdefault(slug, Path(ROOT, "texts", slug, "source.txt").read_text(encoding="utf-8").split("\n"))
        n = c.loc.line
        context = "\n".join(f"{k}: {lines[k - 1]}" for k in range(max(1, n - 1), min(len(lines), n + 1) + 1))
        print(f"## {i}. {slug} line {n} [{c.rule}]  {c.before!r} -> {c.after!r}\n```\n{context}\n```\n")
    print(f"<!-- {len(sample)} of {len(pool)} logged changes, seed {args.seed} -->", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
