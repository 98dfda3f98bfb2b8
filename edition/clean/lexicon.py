"""The lexicon the OCR correction stage trusts: which words exist, and how common they are.

Assembled from evidence, never from the damaged texts themselves:

- the clean texts of the corpus (every text whose manifest does not ask for OCR correction:
  Khlevniuk, Furr), counted away from line ends (``Vocabulary.from_lines``);
- English word lists: wordfreq (frequencies) and symspellpy's frequency dictionary;
- the register of persons (``texts/persons.yml``): canonical family names, given names,
  patronymics, forenames and aliases (never the OCR variants it lists for matching);
- the curated, reviewable list ``texts/lexicon.yml`` (Russian terms, archives, journals).

``known(word)`` says whether a word is attested; ``score(word)`` ranks candidate readings
(a zipf-like number: 3 is a common word).  ``name_known`` is the stricter test for a
capitalised word: it must be attested *capitalised* (a name, a title word, a sentence start).

    >>> lex = Lexicon.from_words(["the members of the party"], english=False)
    >>> lex.known("members"), lex.known("memhers")
    (True, False)
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml

from .hyphenation import Vocabulary

WORD_RE = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:'[A-Za-z]+)?")
LETTERS_RE = re.compile(r"[a-z\u00C0-\u024F]+(?:['’-][a-z\u00C0-\u024F]+)*'?")
LEXICON_PATH = "texts/lexicon.yml"
PERSONS_PATH = "texts/persons.yml"
ENGLISH_WORD = 2.0          # zipf at which wordfreq's word counts as an English word
CANDIDATE_WORD = 2.5        # zipf a proposed reading needs (rarer words need other evidence)


@lru_cache(maxsize=1)
def _symspell_words() -> frozenset[str]:
    import importlib.resources
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    return frozenset(line.split(" ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines() if line)


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency
    return zipf_frequency(word, "en")


def _stem(word: str) -> str:
    """``Stalin's`` -> ``Stalin``; ``vozhd'`` stays (the apostrophe is a soft sign)."""
    for suffix in ("'s", "’s"):
        if word.endswith(suffix) and len(word) > 3:
            return word[:-2]
    return word


class Lexicon:
    def __init__(self, corpus: dict[str, Counter], cased: dict[str, Counter], curated: set[str],
                 persons: set[str], english: bool = True):
        self.by_text = corpus                       # slug -> lowercase word counts
        self.cased_by_text = cased                  # slug -> capitalised word counts
        self.corpus = sum(corpus.values(), Counter())
        self.cased = sum(cased.values(), Counter())
        self.curated = curated
        self.curated_lower = {w.lower() for w in curated}
        self.persons = persons
        self.persons_lower = {w.lower() for w in persons}
        self.english = english
        self._known_cache: dict = {}
        self.bigrams: Counter = Counter()
        self.proper: set[str] = set()              # always capitalised (curated "proper_names")
        self.titles: list[str] = []                # cited titles, whole (curated "titles")

    # ------------------------------------------------------------ building
    @classmethod
    def from_words(cls, lines, curated=(), persons=(), english: bool = True) -> "Lexicon":
        """A small lexicon for tests: ``lines`` are clean text."""
        lines = list(lines)
        lex = cls({"clean": _lower_counts(lines)}, {"clean": _cased_counts(lines)}, set(curated),
                  set(persons), english)
        lex.bigrams = _bigrams(lines)
        return lex

    @classmethod
    def for_edition(cls, root: str, clean_texts: dict[str, list[str]]) -> "Lexicon":
        """``clean_texts``: slug -> witness lines of every text that is not OCR-corrected."""
        corpus = {slug: _lower_counts(lines) for slug, lines in clean_texts.items()}
        cased = {slug: _cased_counts(lines) for slug, lines in clean_texts.items()}
        lex = cls(corpus, cased, load_curated(root), load_person_names(root))
        lex.proper = load_curated(root, ("proper_names",))
        lex.titles = load_titles(root)
        lex.bigrams = _bigrams(line for lines in clean_texts.values() for line in lines)
        return lex

    # ------------------------------------------------------------ questions
    def english_word(self, w: str) -> bool:
        if not self.english:
            return False
        z = zipf(w)
        return z >= ENGLISH_WORD or (len(w) >= 7 and z >= 1.3) or (w in _symspell_words() and z >= 1.0)

    def known(self, word: str, exclude: str | None = None) -> bool:
        """Is ``word`` attested (any case)?  ``exclude``: leave this text's own words out."""
        key = (word, exclude)
        hit = self._known_cache.get(key)
        if hit is None:
            hit = self._known_cache[key] = self._known(word, exclude)
        return hit

    def prefixes(self) -> set[str]:
        """Every beginning of a word ``plausible`` accepts (lowercase, also with "'s"): a string that
        begins none of them cannot grow into a plausible word (made once per lexicon)."""
        made = self.__dict__.get("_prefixes")
        if made is None:
            words = _symspell_words() | self.corpus.keys() | self.curated_lower | self.persons_lower
            made = {w[:i] for w in words for i in range(len(w) + 1)}
            made.update(w + "'" for w in words)
            made.update(w + "'s" for w in words)
            self._prefixes = made
        return made

    def plausible(self, word: str) -> bool:
        """Cheap first test for a candidate: in some list at all (before any frequency is looked up)."""
        lower = word.lower()
        return (lower in _symspell_words() or lower in self.corpus or lower in self.curated_lower
                or lower in self.persons_lower)

    def _known(self, word: str, exclude: str | None) -> bool:
        word = _stem(word)
        lower = word.lower()
        if len(lower) <= 1 or lower in self.curated_lower or lower in self.persons_lower:
            return True
        if not LETTERS_RE.fullmatch(lower):
            return False                                   # "th~rd", "and1": wordfreq would split them
        n = self.corpus.get(lower, 0)
        if exclude is not None:
            n -= self.by_text.get(exclude, Counter()).get(lower, 0)
        return n > 0 or self.english_word(lower)

    def name_known(self, word: str) -> bool:
        """A capitalised word is attested capitalised: a name, title word or sentence start."""
        word = _stem(word)
        if word in self.curated or word in self.persons or self.cased.get(word, 0) > 0:
            return True
        if word.isupper():
            return word.capitalize() in self.persons or word.lower() in self.curated_lower
        return False

    def score(self, word: str) -> float:
        """How much evidence there is for ``word`` (zipf-like; 0 = none)."""
        word = _stem(word)
        lower = word.lower()
        best = zipf(lower) if self.english else 0.0
        if lower in self.curated_lower or lower in self.persons_lower:
            best = max(best, 3.0)
        n = self.corpus.get(lower, 0)
        if n >= 2:
            best = max(best, 2.5 + min(n, 1000) / 1000)
        elif n == 1:
            best = max(best, 2.0)
        return best

    def candidate_ok(self, word: str) -> bool:
        """Enough evidence to propose ``word`` as the reading of a damaged token."""
        if word[:1].isupper() and not word.isupper():
            return self.name_known(word) or (self.score(word) >= 4.0 and self.known(word))
        if word.isupper() and len(word) > 1:
            return self.name_known(word) or self.cased.get(word, 0) > 0
        return self.score(word) >= CANDIDATE_WORD

    def attested_in_corpus(self, word: str) -> bool:
        """In the clean texts, the curated list or the register (not only in an English word list)."""
        word = _stem(word)
        lower = word.lower()
        return self.corpus.get(lower, 0) > 0 or lower in self.curated_lower or lower in self.persons_lower

    def hyphenated(self, first: str, second: str) -> int:
        return self.corpus.get(f"{first}-{second}".lower(), 0)


def _lower_counts(lines) -> Counter:
    counts = Vocabulary.from_lines(lines).counts
    out: Counter = Counter()
    for w, n in counts.items():
        out[w] += n
        for part in w.split("-"):
            out[part] += n
    return out


def _bigrams(lines) -> Counter:
    """Pairs of adjacent words (lowercase) in clean text: evidence that two words stand apart."""
    out: Counter = Counter()
    for line in lines:
        tokens = line.lower().split()
        for a, b in zip(tokens, tokens[1:]):
            a, b = a.lstrip("\"'(["), b.rstrip("\"').,;:!?)]")
            if a.isalpha() and b.isalpha():
                out[(a, b)] += 1
    return out


def _cased_counts(lines) -> Counter:
    out: Counter = Counter()
    for line in lines:
        out.update(w for w in WORD_RE.findall(line) if w[:1].isupper())
    return out


def load_curated(root: str, groups: tuple[str, ...] = ()) -> set[str]:
    """The words of texts/lexicon.yml (of the named groups only, if given)."""
    path = Path(root) / LEXICON_PATH
    if not path.is_file():
        return set()
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    words: set[str] = set()
    for name, group in data.items():
        if groups and name not in groups:
            continue
        for w in group or []:
            words.add(str(w))
            for part in re.split(r"[- ]", str(w)):
                if part:
                    words.add(part)
    return words


def load_titles(root: str) -> list[str]:
    """The whole titles of texts/lexicon.yml's ``titles`` group ("Voprosy istorii", "Izvestiia TsK KPSS")."""
    path = Path(root) / LEXICON_PATH
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(t) for t in data.get("titles") or []]


def load_person_names(root: str) -> set[str]:
    """Canonical name parts of every registered person (OCR variants left out)."""
    path = Path(root) / PERSONS_PATH
    if not path.is_file():
        return set()
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
    names: set[str] = set()
    for p in data.get("persons") or []:
        name = p.get("name") or {}
        parts = [name.get("family"), name.get("given"), name.get("patronymic")]
        parts += list(p.get("forenames") or []) + list(p.get("aliases") or [])
        for part in parts:
            for w in re.split(r"[\s-]+", str(part or "")):
                w = w.strip(".,")
                if len(w) > 1 and not w.endswith("."):
                    names.add(w)
    return names
