"""Draw a random sample of published passages (body or notes) for hand-checking against the witness.

    python tools/sample_passages.py getty --kind body --n 150 --seed 4242 > sample.md

Each item gives the passage's address, its witness lines (verbatim) and the edition's text, so a
reviewer can read one against the other.  The draw depends only on the seed and the built model.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def passages(text, kind: str):
    """(unit slug, block) of every published body passage or note paragraph."""
    for unit in text.units:
        if unit.drop:
            continue
        if kind == "body":
            for block in unit.blocks:
                if block.kind != "heading" and block.plain().strip():
                    yield unit.slug, block
        else:
            for note in unit.notes:
                for block in note.blocks:
                    if block.plain().strip():
                        yield unit.slug, block


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug")
    parser.add_argument("--kind", choices=["body", "notes"], default="body")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--tsv", action="store_true",
                        help="the verdicts file's rows: kind, text, pid, line, words, sha1 of the text as checked, "
                             "then empty columns ocr_errors, other_defects, seen for the reviewer")
    args = parser.parse_args(argv)
    from edition.build import load_edition
    edition = load_edition(ROOT, until="ids", only=[args.slug])
    text = next(t for t in edition.texts if t.slug == args.slug)
    pool = sorted(passages(text, args.kind), key=lambda p: (p[1].loc.line, p[1].pid or ""))
    sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    witness = Path(ROOT, "texts", args.slug, "source.txt").read_text(encoding="utf-8").split("\n")
    if args.tsv:
        print("kind\ttext\tpid\tline\twords\tsha1\tocr_errors\tother_defects\tseen")
    for i, (unit, block) in enumerate(sample, 1):
        start, end = block.loc.line, max(block.line_end or block.loc.line, block.loc.line)
        words = len(block.plain().split())
        if args.tsv:
            digest = hashlib.sha1(block.plain().encode("utf-8")).hexdigest()[:12]
            print(f"{args.kind}\t{args.slug}\t{unit}#{block.pid}\t{start}\t{words}\t{digest}\t\t\t")
            continue
        print(f"## {i}. {unit} {block.pid} ({block.kind}) texts/{args.slug}/source.txt:{start}-{end}, {words} words\n")
        print("WITNESS:\n```\n" + "\n".join(witness[start - 1:end]) + "\n```")
        print("EDITION:\n```\n" + block.plain() + "\n```\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
