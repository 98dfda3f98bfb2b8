"""Real-word OCR errors: a misreading that is itself a word ("should he borne", "hut also").

The ``word`` rule never touches a token that is a word.  This rule does, for the few character
confusions a witness's manifest lists under ``ocr.real_word`` (for Getty: h/b, li/h, rn/m, ...),
and only when the words on both sides make the other reading far more likely.  The evidence is
a bigram model of English: the bigram and word counts that ship with symspellpy (a maintained
frequency list drawn from Google Books) plus the bigrams of the corpus's clean texts (Khlevniuk,
Furr), which carry the edition's own register ("special board", "party members").

    "it should he borne in mind"      ->  "it should be borne in mind"
    "not only outside the party hut also within it"  ->  "... party but also within it"
    "a hoard of gold"                 ->  unchanged (no context favours "board")

The score of a reading x between words p and n is log C(x) + log P(p | x) + log P(n | x), the
joint probability of the three words up to a constant, with an unseen bigram estimated from the
two word counts (capped below the list's cut-off).  A change needs each neighbour to be at least
as likely beside the new reading as beside the printed one, a total margin of ``MARGIN`` (``MARGIN_ONE_SIDE`` when a side is punctuation), and a
candidate that is a common English word.
"""
from __future__ import annotations

import importlib.resources
import math
import re
from collections import Counter
from functools import lru_cache

MARGIN = 5.0                 # natural-log odds a reading must gain from its two neighbours (~150:1)
MARGIN_ONE_SIDE = 8.0        # ... from one neighbour, when the other side is punctuation (~3000:1)
SIDE_GAIN = 0.0              # ... and no neighbour may speak for the printed word
CONTEXT_GAIN = 2.5           # ... and one neighbour must speak for the reading (not the word counts alone)
MIN_ZIPF = 3.0               # a proposed reading is a common English word
COMMON = 5.0                 # a printed word this common (zipf) is changed only with both neighbours
SHORT = 2                    # a printed word this short must be a very common word ("he", not "om", "ir")
AUXILIARIES = frozenset("can could will would shall should may might must do does did is was are were "
                        "has have had".split())
PRONOUNS = frozenset("he she it we they i you".split())


class BigramModel:
    """Word and bigram counts: symspellpy's English lists plus the clean texts' bigrams."""

    def __init__(self, unigrams: dict[str, int], bigrams: dict[tuple[str, str], int],
                 clean: Counter | None = None):
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total_words = sum(unigrams.values()) or 1
        total_bigrams = sum(bigrams.values()) or 1
        self.scale = total_bigrams / self.total_words          # bigram counts per word count
        self.cutoff = min(bigrams.values()) if bigrams else 1
        clean = clean or Counter()
        clean_total = sum(clean.values())
        # one clean-text bigram weighs what its share of the clean texts would weigh in the big list
        self.clean_weight = total_bigrams / clean_total if clean_total else 0.0
        self.clean = clean

    def count(self, word: str) -> int:
        return self.unigrams.get(word, 0)

    def seen(self, a: str, b: str) -> bool:
        return (a, b) in self.bigrams or self.clean.get((a, b), 0) > 0

    def pair(self, a: str, b: str) -> float:
        """Evidence for the bigram ``a b`` (an unseen pair: what the two word counts predict, capped)."""
        seen = self.bigrams.get((a, b), 0) + self.clean_weight * self.clean.get((a, b), 0)
        if seen:
            return seen
        guess = self.count(a) * self.count(b) / self.total_words * self.scale
        return max(min(self.cutoff / 2, guess), 1e-3)

    def sides(self, prev: str | None, word: str, nxt: str | None) -> tuple[float, float | None, float | None]:
        """log P(word), log P(prev | word) and log P(next | word), up to constants (None: no neighbour)."""
        unigram = math.log(max(self.count(word), 1) * self.scale)
        left = math.log(self.pair(prev, word)) - unigram if prev else None
        right = math.log(self.pair(word, nxt)) - unigram if nxt else None
        return unigram, left, right


@lru_cache(maxsize=1)
def english_model_counts() -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    folder = importlib.resources.files("symspellpy")
    unigrams: dict[str, int] = {}
    for line in (folder / "frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8").splitlines():
        word, _, n = line.partition(" ")
        if n:
            unigrams[word] = int(n)
    bigrams: dict[tuple[str, str], int] = {}
    for line in (folder / "frequency_bigramdictionary_en_243_342.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) == 3:
            bigrams[(parts[0], parts[1])] = int(parts[2])
    return unigrams, bigrams


def readings(word: str, confusions: list[tuple]) -> list[tuple[str, float]]:
    """Every word one confusion of the model turns ``word`` into, with the confusion's ``min_gap``:
    how much more common (zipf) the reading must be than the printed word (0: no condition)."""
    out: dict[str, float] = {}
    for printed, reads, *rest in confusions:
        gap = float(rest[0]) if rest else 0.0
        i = word.find(printed)
        while i != -1:
            cand = word[:i] + reads + word[i + len(printed):]
            if cand != word:
                out[cand] = min(out.get(cand, gap), gap)
            i = word.find(printed, i + 1)
    return list(out.items())


WORD_OR_GAP = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|\S")


def neighbours(text: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The words right before and after ``text[start:end]`` (None where punctuation or nothing stands)."""
    before = re.search(r"(?:^|[^A-Za-z'])([A-Za-z]+) $", text[max(0, start - 40):start])
    after = re.match(r" ([A-Za-z]+)(?![A-Za-z'])", text[end:end + 40])
    return (before.group(1).lower() if before else None, after.group(1).lower() if after else None)


def in_question(text: str, end: int) -> bool:
    """The sentence from ``end`` on closes with a question mark."""
    m = re.search(r"[.!?]", text[end:])
    return bool(m and m.group() == "?")


def viable(model: BigramModel, word: str, candidates: list[tuple[str, float]],
           english_zipf) -> list[tuple[str, float]]:
    """The candidates that the word alone does not rule out (what ``decide`` would consider at all):
    none for a short rare word; else each common English word, by its ``min_gap`` over ``word``.

    >>> viable(model, "he", [("be", 0.0)], zipf)       # "he" is common: "be" is worth asking the context
    [('be', 0.0)]
    >>> viable(model, "tome", [("tame", 1.5)], zipf)   # "tame" is not 1.5 zipf commoner than "tome"
    []
    """
    if len(word) < 2 or len(word) <= SHORT and english_zipf(word) < COMMON:
        return []
    out = []
    for cand, gap in candidates:
        if model.count(cand) == 0 or english_zipf(cand) < MIN_ZIPF:
            continue
        if gap and english_zipf(cand) - english_zipf(word) < gap:
            continue                                   # "tame"/"tome": a/o only turns rare words common
        out.append((cand, gap))
    return out


def decide(model: BigramModel, word: str, prev: str | None, nxt: str | None,
           candidates: list[tuple[str, float]], english_zipf) -> tuple[str, float] | None:
    """The one reading the neighbours clearly prefer to ``word``, with its margin, or None."""
    prev = prev if prev and model.count(prev) else None        # a name, a Russian word: no evidence
    nxt = nxt if nxt and model.count(nxt) else None
    if prev is None and nxt is None:
        return None
    if (prev is None or nxt is None) and english_zipf(word) >= COMMON:
        return None                                    # "Instead, he dealt": one side is too little
    base_prior, base_left, base_right = model.sides(prev, word, nxt)
    best: list[tuple[float, str]] = []
    for cand, gap in viable(model, word, candidates, english_zipf):
        prior, left, right = model.sides(prev, cand, nxt)
        seen = [prev and (model.seen(prev, word) or model.seen(prev, cand)),
                nxt and (model.seen(word, nxt) or model.seen(cand, nxt))]
        gains = [x - y for x, y, s in ((left, base_left, seen[0]), (right, base_right, seen[1]))
                 if x is not None and s]               # a side where neither pair was ever seen says nothing
        if not gains or any(g < SIDE_GAIN for g in gains) or max(gains) < CONTEXT_GAIN:
            continue                                   # no neighbour speaks for the reading, or one against it
        need = MARGIN if len(gains) == 2 else MARGIN_ONE_SIDE
        if len(gains) == 1 and english_zipf(word) >= COMMON:
            continue                                   # a very common word needs both neighbours
        total = prior - base_prior + sum(gains)
        if total >= need:
            best.append((total, cand))
    if len(best) != 1:
        return None                                    # none, or more than one reading: left as printed
    return best[0][1], best[0][0]
