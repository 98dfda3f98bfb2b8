"""List the word types still unknown to the lexicon after the OCR rules, most frequent first.

    python tools/unknown_words.py getty --part body     ->  count<TAB>word<TAB>source.txt:LINE<TAB>witness line

Counts the same words as the build report's unknown-word rate (``edition.stages.correct.unknown_rate``):
a word unknown to the lexicon (the text's own words left out) or holding a ``~``.  For review by an
editor: a genuine word goes into texts/lexicon.yml, a certain reading into texts/<slug>/readings.tsv.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from edition.build import load_edition
    from edition.stages.correct import edition_lexicon
    ap = argparse.ArgumentParser()
    ap.add_argument("slug")
    ap.add_argument("--part", choices=("body", "notes", "all"), default="all")
    ap.add_argument("--top", type=int, default=300)
    args = ap.parse_args()
    edition = load_edition(ROOT, until="correct")
    text = edition.text(args.slug)
    lexicon = edition_lexicon(str(ROOT))
    lines = {}
    for line in text.lines:
        lines.setdefault(line.no, line.text)
    counts: Counter = Counter()
    witness: dict[str, int] = {}
    for block in _blocks(text, args.part):
        for w in re.findall(r"[A-Za-z~][A-Za-z~']*", block.plain()):
            w = w.strip("'")
            if w and ("~" in w or not lexicon.known(w, exclude=text.slug)):
                counts[w] += 1
                witness.setdefault(w, _line_of(w, block, lines))
    for w, n in counts.most_common(args.top):
        no = witness[w]
        print(f"{n}\t{w}\t{text.source_path}:{no}\t{lines.get(no, '').strip()[:110]}")
    print(f"# {sum(counts.values())} unknown words, {len(counts)} types", file=sys.stderr)


def _blocks(text, part):
    for unit in text.units:
        if unit.drop:
            continue
        if part in ("body", "all"):
            yield from unit.blocks
        if part in ("notes", "all"):
            for note in unit.notes:
                yield from note.blocks


def _line_of(word, block, lines) -> int:
    first = block.loc.line
    for no in range(first, max(block.line_end or first, first) + 1):
        if word in lines.get(no, ""):
            return no
    return first


if __name__ == "__main__":
    main()
