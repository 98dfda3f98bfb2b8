"""Print the edition's text beside its witness lines, in reading order, for proofreading a stretch by hand.

    python tools/proofread.py getty --from 4000 --to 5200 > proof.md
    python tools/proofread.py getty --parts 6            # where to cut the text into 6 equal stretches

Each block (heading, passage, or note paragraph) is printed with its address, the witness lines it
came from (numbered, verbatim) and the text as the edition publishes it.  A proofreader compares
the two and records each correction as an emendation of one witness line (``line``, ``original``,
``replacement``, ``why`` in the manifest), so the edition shows what it changed and why.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def blocks_in_order(text, kind: str):
    """(address, block kind, block) of every published heading, passage and note paragraph, by witness line."""
    found = []
    for unit in text.units:
        if unit.drop:
            continue
        if kind in ("body", "all"):
            for block in unit.blocks:
                if block.plain().strip():
                    found.append((f"{unit.slug}#{block.pid or '-'}", block.kind, block))
        if kind in ("notes", "all"):
            for note in unit.notes:
                for block in note.blocks:
                    if block.plain().strip():
                        found.append((f"{unit.slug} note {note.label}", "note", block))
    return sorted(found, key=lambda item: (item[2].loc.line, item[0]))


def parts(items, count: int) -> list[tuple[int, int, int]]:
    """Cut points (first line, last line, words) that share the words out about equally."""
    total = sum(len(block.plain().split()) for _, _, block in items)
    share, cuts, words, first = total / count, [], 0, items[0][2].loc.line
    for i, (_, _, block) in enumerate(items):
        words += len(block.plain().split())
        last = max(block.line_end or block.loc.line, block.loc.line)
        following = items[i + 1][2].loc.line if i + 1 < len(items) else None
        if (words >= share and len(cuts) < count - 1 and following and following > last) or following is None:
            cuts.append((first, last if following is None else following - 1, words))
            words, first = 0, following
    return cuts


def emended_lines(slug: str) -> dict[int, str]:
    """Each witness line as the manifest's emendations and the proofreading table leave it."""
    from edition.build import load_edition
    from edition.stages.emend import _emend
    edition = load_edition(ROOT, until="load", only=[slug])
    text = next(t for t in edition.texts if t.slug == slug)
    _emend(text, ROOT)
    out: dict[int, str] = {}
    for line in text.lines:                    # a line an emendation split keeps its number: join the parts
        out[line.no] = f"{out[line.no]}\n{line.text}" if line.no in out else line.text
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug")
    parser.add_argument("--kind", choices=["body", "notes", "all"], default="all")
    parser.add_argument("--from", dest="first", type=int, default=1, help="first witness line")
    parser.add_argument("--to", dest="last", type=int, default=10**9, help="last witness line")
    parser.add_argument("--emended", action="store_true",
                        help="under each witness line the manifest's emendations or the proofreading table change, "
                             "also print it as they leave it (what a further correction must start from)")
    parser.add_argument("--parts", type=int, help="print where to cut the text into this many stretches of "
                                                    "about equal length, and nothing else")
    args = parser.parse_args(argv)
    from edition.build import load_edition
    edition = load_edition(ROOT, until="ids", only=[args.slug])
    text = next(t for t in edition.texts if t.slug == args.slug)
    items = blocks_in_order(text, args.kind)
    if args.parts:
        for first, last, words in parts(items, args.parts):
            print(f"--from {first} --to {last}\t{words} words")
        return 0
    witness = Path(ROOT, "texts", args.slug, "source.txt").read_text(encoding="utf-8").split("\n")
    emended = emended_lines(args.slug) if args.emended else {}
    for address, kind, block in items:
        start, end = block.loc.line, max(block.line_end or block.loc.line, block.loc.line)
        if not args.first <= start <= args.last:
            continue
        print(f"### {address} ({kind}) lines {start}-{end}")
        print("WITNESS:")
        for no in range(start, end + 1):
            print(f"{no}: {witness[no - 1]}")
            if no in emended and emended[no] != witness[no - 1]:
                print(f"{no}> {emended[no]}")
        print("EDITION:")
        print(block.plain())
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
