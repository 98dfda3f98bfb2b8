"""Line-end hyphenation: artefact of the line break, or a genuine compound?

Decided from evidence, in this order: the manifest's explicit lists; a digit
range (``424-`` + ``7``) keeps its hyphen; a capitalised second part keeps it
(``Trans-`` + ``Baikal``, ``Rykov-`` + ``Bukharin``); the corpus (how often the
hyphenated and the joined forms occur *not* at a line end, in this text first,
then in the whole edition); then the prefixes English hyphenates (self-; co- before o); last, a word list (wordfreq): a joined form that is
a common word is joined, two parts that are both words are kept apart.

    >>> v = Vocabulary.from_lines(["the self-criticism was", "a document"])
    >>> join_decision("self", "criticism", v, v)
    'keep'
    >>> join_decision("docu", "ment", v, v)
    'join'
    >>> join_decision("ADMINIS", "TRATIVELY", v, v)
    'join'
    >>> join_decision("fearless", "ness", v, v)
    'join'
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

WORD_RE = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:-[A-Za-z\u00C0-\u024F]+)*")


class Vocabulary:
    """Counts of words and hyphenated compounds seen away from line ends."""

    def __init__(self, counts: Counter):
        self.counts = counts

    @classmethod
    def from_lines(cls, lines) -> "Vocabulary":
        """Count words, leaving out the pieces a line break may have cut.

        A word before a line-end hyphen and the first word of a line that starts
        in lowercase may be halves of one word, so they are not evidence.
        """
        return cls(+cls.signed_counts(lines))

    @staticmethod
    def signed_counts(lines) -> Counter:
        """The counts of ``from_lines`` before words counted below zero are left out.  They add up:
        the counts of a text are the sum of the counts of its parts (a word never spans two lines)."""
        lines = list(lines)
        counts = Counter(WORD_RE.findall("\n".join(lines).lower()))
        pieces = []
        for line in lines:
            stripped = line.strip()
            if stripped.endswith("-"):
                pieces.extend(WORD_RE.findall(stripped[-40:])[-1:])
            if stripped[:1].islower():
                pieces.extend(WORD_RE.findall(stripped[:40])[:1])
        counts.subtract(w.lower() for w in pieces)
        return counts

    @classmethod
    def from_parts(cls, parts) -> "Vocabulary":
        """The vocabulary of the lines of all ``parts`` (``signed_counts`` of each part), summed."""
        total: Counter = Counter()
        for counts in parts:
            total.update(counts)
        return cls(+total)

    @classmethod
    def union(cls, vocabularies) -> "Vocabulary":
        total: Counter = Counter()
        for v in vocabularies:
            total.update(v.counts)
        return cls(total)

    @classmethod
    def per_text(cls, texts, lines_of) -> tuple[dict[str, "Vocabulary"], "Vocabulary"]:
        """Each text's vocabulary (``lines_of(text)``) and the union over all of them."""
        own = {t.slug: cls.from_lines(lines_of(t)) for t in texts}
        return own, cls.union(own.values())

    def hyphenated(self, first: str, second: str) -> int:
        return self.counts.get(f"{first}-{second}".lower(), 0)

    def joined(self, first: str, second: str) -> int:
        return self.counts.get(f"{first}{second}".lower(), 0)


class CorpusView(Vocabulary):
    """The corpus as one text sees it: every count it consults is written to ``record``.

    A cached text result stays valid for a changed corpus as long as every
    count it consulted is unchanged (``edition.parallel`` checks this).
    """

    def __init__(self, corpus: Vocabulary, record: dict[str, int]):
        super().__init__(corpus.counts)
        self.record = record

    def hyphenated(self, first: str, second: str) -> int:
        key = f"{first}-{second}".lower()
        self.record[key] = n = self.counts.get(key, 0)
        return n

    def joined(self, first: str, second: str) -> int:
        key = f"{first}{second}".lower()
        self.record[key] = n = self.counts.get(key, 0)
        return n


def shared_vocabularies(edition, stage: str, lines_of) -> tuple[dict[str, Vocabulary], dict[str, CorpusView]]:
    """Each text's own vocabulary, and each text's view of the corpus (the union over the edition).

    Texts of the edition that are not run this time (an incremental or parallel
    build) lend their vocabularies through ``edition.options["outside_vocabularies"][stage]``;
    a vocabulary already counted from the same lines may be handed in as
    ``edition.options["own_vocabularies"][stage][slug]``.
    Each text's own vocabulary and the corpus counts it consults are left in
    ``edition.options["vocabularies"][stage]`` and ``["corpus_lookups"][stage]``.
    """
    ready = edition.options.get("own_vocabularies", {}).get(stage, {})
    own = {t.slug: ready[t.slug] if t.slug in ready else _own_vocabulary(edition, stage, t, lines_of)
           for t in edition.texts}
    outside = edition.options.get("outside_vocabularies", {}).get(stage, {})
    corpus = Vocabulary.union([*own.values(), *(v for slug, v in outside.items() if slug not in own)])
    lookups = edition.options.setdefault("corpus_lookups", {}).setdefault(stage, {})
    edition.options.setdefault("vocabularies", {})[stage] = own
    views = {slug: CorpusView(corpus, lookups.setdefault(slug, {})) for slug in own}
    return own, views


def _own_vocabulary(edition, stage: str, text, lines_of) -> Vocabulary:
    """A text's own vocabulary; with a memo (``edition.memo``), counted per unit and only for the units
    whose lines changed (``lines_of(text, unit)``: the unit's lines, the sum is the same)."""
    from ..memo import close_memo, content_key, open_memo
    memo = open_memo(edition, f"vocabulary-{stage}", text.slug)
    if not memo.active:
        return Vocabulary.from_lines(lines_of(text))
    parts = []
    for unit in text.units:
        lines = list(lines_of(text, unit))
        parts.append(memo.made(content_key(lines), lambda: Vocabulary.signed_counts(lines)))
    close_memo(edition, memo)
    return Vocabulary.from_parts(parts)


def preload() -> None:
    """Load the word list now (about a second), e.g. once before worker processes are forked."""
    _zipf("the")


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency
    return zipf_frequency(word, "en")


ALWAYS_HYPHENATED_PREFIXES = frozenset({"self", "ex", "quasi", "pseudo", "all"})
# Endings that never stand as a word of a compound: a line break before them splits a word.
SUFFIXES = frozenset("""ness less ly ment ments tion tions sion sions ity ities ism isms ist ists ing ings
    ed er ers est ous ive ively able ably ible ibly al ally ance ence ant ent ship ships ize ized izing""".split())
VOWEL_CLASH_PREFIXES = frozenset({"co", "re", "pre", "de", "anti", "semi", "multi", "intra"})


def _hyphenating_prefix(first: str, second: str) -> bool:
    """English hyphenates these prefixes: self-, ex-, quasi-; co-o, re-e, anti-i (vowel clash)."""
    if first in ALWAYS_HYPHENATED_PREFIXES:
        return True
    return first in VOWEL_CLASH_PREFIXES and second[:1] == first[-1:]


def join_decision(first: str, second: str, own: Vocabulary, corpus: Vocabulary,
                  keep: frozenset = frozenset(), join: frozenset = frozenset()) -> str:
    """Return ``"join"`` or ``"keep"`` for ``first-`` at a line end followed by ``second``."""
    compound = f"{first}-{second}".lower()
    if compound in keep:
        return "keep"
    if compound in join or f"{first}{second}".lower() in join:
        return "join"
    if first[-1:].isdigit() or second[:1].isdigit():
        return "keep"
    if first.isupper() and second.isupper() and len(first) > 1 and len(second) > 1:
        first, second = first.lower(), second.lower()      # "ADMINIS-" + "TRATIVELY": decide as words
    elif second[:1].isupper():
        return "keep"
    if second.lower() in SUFFIXES and first.isalpha():
        return "join"                                      # "fearless-" + "ness": a suffix is no word
    for vocab in (own, corpus):
        h, j = vocab.hyphenated(first, second), vocab.joined(first, second)
        if h != j:
            return "keep" if h > j else "join"
    if _hyphenating_prefix(first.lower(), second.lower()):
        return "keep"
    joined = _zipf(f"{first}{second}".lower())
    if joined >= 2.5:
        return "join"
    if first[:1].isupper() and _zipf(second.lower()) >= 3 and joined < 1.5:
        return "keep"                                      # "Menshevik-" + "government"
    if _zipf(first.lower()) >= 2.5 and _zipf(second.lower()) >= 2.5 and len(first) > 1:
        return "keep"
    return "join"


HEAD_RE = re.compile(r"([A-Za-z\u00C0-\u024F]+(?:-[A-Za-z\u00C0-\u024F]+)*)-$")
TAIL_RE = re.compile(r"^([A-Za-z\u00C0-\u024F0-9]+)")


def join_lines(lines: list[str], own: Vocabulary, corpus: Vocabulary,
               keep: frozenset = frozenset(), join: frozenset = frozenset(),
               log: list | None = None) -> str:
    """Join hard-wrapped lines into one paragraph, resolving line-end hyphens.

    >>> v = Vocabulary(Counter())
    >>> join_lines(["the docu-", "ment was  ", "signed"], v, v)
    'the document was signed'
    """
    parts: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        prev = parts[-1] if parts else ""
        if prev.endswith("-") and len(prev) > 1 and (prev[-2].isalpha() or prev[-2].isdigit()):
            head = HEAD_RE.search(prev[-80:]) if prev[-2].isalpha() else None
            tail = TAIL_RE.match(line)
            if tail and (head or prev[-2].isdigit()):
                first = head.group(1).split("-")[-1] if head else prev[:-1].rsplit(None, 1)[-1]
                decision = join_decision(first, tail.group(1), own, corpus, keep, join)
                if log is not None:
                    log.append((first, tail.group(1), decision))
                parts[-1] = prev + line if decision == "keep" else prev[:-1] + line
                continue
        parts.append(line)
    out = " ".join(parts)
    return re.sub(r"[ \t]{2,}", " ", out)
