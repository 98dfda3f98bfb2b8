"""Rates with 95% intervals from hand-checked sample files (tests/data/*.tsv).

    python tools/sample_stats.py tests/data/text_sample_getty_body.tsv ...

A passages file (columns words, ocr_errors, other_defects) gives OCR errors per 1,000 words, with a
percentile interval from a seeded bootstrap over passages (errors cluster in bad passages, so passages,
not words, are the unit resampled), and the share of passages with any defect, with a Wilson interval.
A changes file (column verdict: right/wrong) gives the precision of the automatic corrections (Wilson).
"""
from __future__ import annotations

import csv
import math
import random
import sys
from pathlib import Path

Z = 1.959963984540054


def read_rows(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval of k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / (1 + Z * Z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def per_thousand(rows: list[dict], rounds: int = 10000, seed: int = 1937) -> tuple[float, float, float]:
    """OCR errors per 1,000 words and a 95% bootstrap interval (passages resampled)."""
    pairs = [(int(r["ocr_errors"]), int(r["words"])) for r in rows]
    words = sum(w for _, w in pairs)
    rate = 1000 * sum(e for e, _ in pairs) / words
    rng = random.Random(seed)
    rates = []
    for _ in range(rounds):
        draw = [pairs[rng.randrange(len(pairs))] for _ in pairs]
        rates.append(1000 * sum(e for e, _ in draw) / max(1, sum(w for _, w in draw)))
    rates.sort()
    low, high = rates[int(0.025 * rounds)], rates[int(0.975 * rounds) - 1]
    if not any(e for e, _ in pairs):            # no error seen: the bootstrap says nothing; rule of three
        high = 1000 * 3 / words
    return rate, low, high


def poisson_interval(k: int) -> tuple[float, float]:
    """Exact (Garwood) 95% interval of a Poisson mean from ``k`` events, by bisection on the CDF.

    With few errors a bootstrap over passages understates the upper bound (0 errors give 0-0); this
    interval, which treats words as independent, is the honest upper bound then.

    >>> [round(x, 3) for x in poisson_interval(0)], [round(x, 3) for x in poisson_interval(3)]
    ([0.0, 3.689], [0.619, 8.767])
    """
    def cdf(k: int, mean: float) -> float:          # P(X <= k)
        term = total = math.exp(-mean)
        for i in range(1, k + 1):
            term *= mean / i
            total += term
        return total

    def solve(f, target: float) -> float:            # f decreasing in the mean
        lo, hi = 0.0, 10.0 + 10 * k
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if f(mid) > target else (lo, mid)
        return (lo + hi) / 2
    upper = solve(lambda m: cdf(k, m), 0.025)
    lower = 0.0 if k == 0 else solve(lambda m: cdf(k - 1, m), 0.975)
    return lower, upper


def passages_summary(rows: list[dict]) -> str:
    rate, low, high = per_thousand(rows)
    words = sum(int(r["words"]) for r in rows)
    errors = sum(int(r["ocr_errors"]) for r in rows)
    p_low, p_high = (1000 * x / words for x in poisson_interval(errors))
    defective = sum(1 for r in rows if int(r["ocr_errors"]) + int(r["other_defects"]) > 0)
    lo, hi = wilson(defective, len(rows))
    return (f"{len(rows)} passages, {words} words: {errors} OCR errors = {rate:.2f} per 1,000 words "
            f"(95% {low:.2f}-{high:.2f}; Poisson 95% {p_low:.2f}-{p_high:.2f}); passages with any defect "
            f"{defective}/{len(rows)} = {100 * defective / len(rows):.1f}% (95% {100 * lo:.1f}-{100 * hi:.1f}%)")


def changes_summary(rows: list[dict]) -> str:
    right = sum(1 for r in rows if r["verdict"] == "right")
    lo, hi = wilson(right, len(rows))
    return (f"{len(rows)} changes: {right} right = {100 * right / len(rows):.1f}% "
            f"(95% {100 * lo:.1f}-{100 * hi:.1f}%)")


def main(argv=None) -> int:
    for path in (argv if argv is not None else sys.argv[1:]):
        rows = read_rows(path)
        summary = changes_summary(rows) if rows and "verdict" in rows[0] else passages_summary(rows)
        print(f"{path}: {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
