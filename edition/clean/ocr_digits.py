"""Reading numbers that OCR damaged: ``z`` for 2, ``g`` for 9, ``I``/``l``/``r`` for 1 ...

A printed note number or note marker may come out of the OCR as letters that
look like digits, with spurious spaces.  ``readings`` returns every number a
damaged label can stand for; the caller decides which one fits (for notes: the
position in the note sequence).

    >>> sorted(readings("z9"))
    [29]
    >>> sorted(readings("r r"))
    [11, 12, 21, 22]
    >>> sorted(readings("lo"))
    [10]
    >>> exact("4 5")
    45
    >>> exact("rz") is None
    True
"""
from __future__ import annotations

# What each character can be a misreading of.  Digits read as themselves.
LOOKALIKES: dict[str, frozenset[int]] = {
    **{str(d): frozenset({d}) for d in range(10)},
    "o": frozenset({0}), "O": frozenset({0}), "D": frozenset({0}),
    "I": frozenset({1}), "l": frozenset({1}), "i": frozenset({1}), "!": frozenset({1}),
    "|": frozenset({1}), "L": frozenset({1}), "]": frozenset({1}),
    "t": frozenset({1, 2}), "r": frozenset({1, 2}), "'": frozenset({1, 2}), '"': frozenset({1, 2}),
    "z": frozenset({2}), "Z": frozenset({2}),
    "j": frozenset({3, 5}), "J": frozenset({3, 5}),
    "S": frozenset({5}), "s": frozenset({5}),
    "b": frozenset({6}), "B": frozenset({8}),
    "g": frozenset({9}), "q": frozenset({4, 9}),
}
DIGIT_LIKE = "".join(sorted(LOOKALIKES))


def squeeze(label: str) -> str:
    """The label without the OCR's spurious spaces: ``"4 5"`` -> ``"45"``."""
    return "".join(label.split())


def exact(label: str) -> int | None:
    """The number if the label is made of real digits only (spaces allowed)."""
    s = squeeze(label)
    return int(s) if s.isdigit() else None


def readings(label: str, limit: int = 64) -> frozenset[int]:
    """Every number ``label`` can be read as (empty if a character is no digit look-alike)."""
    values = {0}
    s = squeeze(label)
    if not s:
        return frozenset()
    for ch in s:
        options = LOOKALIKES.get(ch)
        if options is None:
            return frozenset()
        values = {v * 10 + d for v in values for d in options}
        if len(values) > limit:
            break
    return frozenset(values)


def last_digit_matches(label: str, number: int) -> bool:
    """Same number of digits and the units digit fits: a misread tens digit (``74`` for 14)."""
    s = squeeze(label)
    want = str(number)
    if len(s) != len(want):
        return False
    return number % 10 in LOOKALIKES.get(s[-1], frozenset())
