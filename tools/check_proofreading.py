"""Check a proofreader's table of corrections against the witness, without building.

    python tools/check_proofreading.py getty my-corrections.tsv
    python tools/check_proofreading.py getty my-corrections.tsv --show     # each line as it will read

The table has the columns of ``texts/<slug>/proofreading.tsv`` (line, original, replacement, why).
Each row's original must stand on its witness line as the manifest's emendations (and the text's own
proofreading table, and the rows above it) leave that line.  Problems are printed as ``file:row``;
the exit status is 1 when there are any.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug")
    parser.add_argument("table", type=Path)
    parser.add_argument("--show", action="store_true", help="print each corrected line before and after")
    args = parser.parse_args(argv)
    from edition.build import load_edition
    from edition.stages.emend import _emend, read_proofreading
    edition = load_edition(ROOT, until="load", only=[args.slug])
    text = next(t for t in edition.texts if t.slug == args.slug)
    _emend(text, ROOT)           # the witness lines as the corrections find them (before the replacement rules)
    lines = {line.no: line.text for line in text.lines}
    problems: list[str] = []
    seen = 0
    for rule, where in read_proofreading(args.table, str(args.table), problems):
        line_no, original, replacement = rule["line"], rule["original"], rule["replacement"]
        before = lines.get(line_no)
        if before is None or original not in before:
            problems.append(f"{where}: {original!r} is not on line {line_no}, which reads {before!r}")
            continue
        lines[line_no] = before.replace(original, replacement, 1)
        seen += 1
        if args.show:
            print(f"{line_no}: {before.strip()}\n{' ' * len(str(line_no))}> {lines[line_no].strip()}")
    print("\n".join(problems) if problems else f"{seen} rows, all stand on their lines")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
