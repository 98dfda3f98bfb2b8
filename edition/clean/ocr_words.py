"""Word-level OCR repairs, driven by a lexicon and a confusion model of one witness.

Each repair is a small function over plain text (no tokens) that returns the text with its
changes made and calls ``log(before, after, rule)`` for each one; ``allow(before, after, rule)``
lets the caller veto a single change (the manifest's ``ocr.veto``).  The rules:

    gloss-bracket   a bracketed gloss closed by l:       "[razgroml, I"      -> "[razgrom], I"
    spaced-letters  a word printed letter by letter:     "O r ~ h u r o"     -> "Orgburo"
    broken-hyphen   a hyphen inside a word:              "RAB-OCHAYA"        -> "RABOCHAYA"
    digits          letters read for digits in numbers:  "1,0o6,030", "26O"  -> "1,006,030", "260"
    day-month       a day before a month:                "on I January"      -> "on 1 January"
    archival        an archival reference:               "f. 17, ap. r, d. 573 , l .  23" -> "f. 17, op. 1, d. 573, l. 23"
    archival-part   a further file of the reference:     "l. 5; d. 943,l. 10" -> "l. 5; d. 943, l. 10"
    year            (notes only) a year in letters:      "rgjj-1938", "Moscow, 1ggo" -> "1933-1938", "Moscow, 1990"
    issue           (notes only) an issue number:        ", no. j, 1989" -> ", no. 3, 1989"
    title           (notes only) a cited journal title:  "Irvestiia T r K KPSS, no. 1" -> "Izvestiia TsK KPSS, no. 1"
    word            one confusion-model reading:         "memhers", "fiom"   -> "members", "from"
    real-word       a misreading that is itself a word:  "should he borne"   -> "should be borne"
                    (``edition.clean.real_words``: only the manifest's ``real_word`` confusions)
    case-split      an acronym glued to a word:          "USSRand"           -> "USSR and"
    split           words run together:                  "tookallmeasures"   -> "took all measures"
    reading         an editor's reviewed reading (``texts/<slug>/readings.tsv``): "eenuinelv" -> "genuinely"
    dash            an em dash printed as a hyphen:      "established-that is" -> "established—that is"
    note-spacing    (notes only) spacing around punctuation: "no. 8 ,  1989,91" -> "no. 8, 1989, 91"
    unclear         a tilde-damaged word that no rule can read: "dictor~" -> "[?]" (witness reading kept)

A word is changed only if it is not itself attested and exactly one reading is clearly best.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from ..manifest import OCR_RULES as RULES
from ..model import TOKEN_OPEN, TOKEN_RE, token
from . import real_words, references
from .lexicon import Lexicon, zipf

MONTHS = ("January February March April May June July August September October November "
          "December").split()
FUNCTION_WORDS = frozenset("""the a an that to which who whom whose and but or nor is was were are be been
    as if of in for with by on at from this these those it he she they we i you not than then there
    what when where while his her their its our your my up us me do go so no am""".split())
SPLIT_WORDS = FUNCTION_WORDS | {"all", "one", "two", "three", "any", "more", "most", "some", "such", "also",
                                 "be", "been", "have", "has", "had", "will", "would", "can", "could", "must",
                                 "should", "did", "does"}
RARE_PART = 2.3             # a part of six letters or more may be this rare (zipf): "laconic", "intrude"
COMMON_PAIR = 500_000_000    # two short words run together split only if this common a pair ("in my", not "a me")
PARTICLES = frozenset("up on off out down over in by all".split())   # second parts of compounds
PREFIXES = ("anti", "counter", "ultra", "semi", "pseudo", "quasi", "inter", "intra", "super", "sub", "over",
            "under", "non", "mid", "pre", "post", "re", "co", "un")
SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "ly", "ness", "ist", "ists", "ism", "isms", "ian",
            "ians", "ite", "ites", "ization", "ize", "ized", "ship", "hood", "less", "al")
ARCHIVAL_PARTS = frozenset("f op d l ll Il II ob".split())   # fond, opis', delo, list(y), oborot
NOT_PARTS = frozenset("ness ist ists ism ian ite ites ny ed ing er ers ly al ic ical ization ize re anti ultra "
                      "mid co un non pre post sub super semi s es st nov sky".split())


@dataclass
class Config:
    """One witness's confusion model and the repairs it allows (from its manifest)."""

    confusions: list[tuple[str, str]]                   # (printed, reads)
    digits: dict[str, str]                              # printed letter -> digit it stands for
    rules: tuple[str, ...] = RULES
    max_edits: int = 2
    keep: frozenset = frozenset()                       # words never changed (manifest)
    real_word: list[tuple[str, str]] = field(default_factory=list)   # confusions tried on real words
    readings: dict[str, str] = field(default_factory=dict)          # reviewed form -> reading (readings.tsv)


Log = Callable[[str, str, str], None]
Allow = Callable[[str, str, str], bool]


def _always(before: str, after: str, rule: str, following: str = "") -> bool:
    return True


def _allowed(allow, before: str, after: str, rule: str, following: str) -> bool:
    """Ask ``allow``, giving it the text after the change when it takes it (to place short changes)."""
    try:
        return allow(before, after, rule, following)
    except TypeError:
        return allow(before, after, rule)


@dataclass
class Corrector:
    lex: Lexicon
    config: Config
    stats: dict = field(default_factory=dict)
    scope: str = "body"                                 # "notes": note-only rules apply too
    readings_found: set = field(default_factory=set)   # forms of ``config.readings`` met in the text

    def correct(self, text: str, log: Log, allow: Allow = _always) -> str:
        """Apply every enabled repair to one piece of plain text."""
        for rule in self.config.rules:
            repair = getattr(self, "_" + rule.replace("-", "_"))
            text = _outside_tokens(text, lambda part: repair(part, log, allow))
        return text

    def _change(self, before: str, after: str, rule: str, log: Log, allow: Allow, following: str = "") -> str:
        if before == after or not _allowed(allow, before, after, rule, following):
            return before
        log(before, after, rule)
        return after

    # ------------------------------------------------------------ gloss-bracket
    GLOSS = re.compile(r"\[(?P<body>[A-Za-z'][^\[\]\n]{0,60}?)(?=$|\[|\])")

    def _gloss_bracket(self, text: str, log: Log, allow: Allow) -> str:
        """``[razgroml`` -> ``[razgrom]``: close an unclosed bracket at the word whose final l is the ]."""
        out, pos = [], 0
        for m in re.finditer(r"\[", text):
            start = m.end()
            close = text.find("]", start)
            nxt = text.find("[", start)
            if close != -1 and (nxt == -1 or close < nxt):
                continue                                   # the bracket is closed
            end = self._gloss_end(text, start, nxt if nxt != -1 else len(text))
            if end is None or end < pos:
                continue
            before = text[m.start():end]
            after = before[:-1] + "]"
            if self._change(before, after, "gloss-bracket", log, allow) == after:
                out.append(text[pos:m.start()] + after)
                pos = end
        out.append(text[pos:])
        return "".join(out)

    def _gloss_end(self, text: str, start: int, limit: int) -> int | None:
        for i, w in enumerate(re.finditer(r"[A-Za-z'()]+", text[start:limit])):
            if i >= 5:
                return None
            word = w.group()
            if len(word) < 2 or not word.endswith("l") or not (word[-2].isalpha() or word[-2] == "'"):
                continue
            end = start + w.end()
            follows = text[end:end + 1]
            if follows and follows.isalnum():
                continue
            if not self.lex.known(word) or (follows and follows in ".,;:)!?\"'"):
                if word[:-1] and (self.lex.known(word[:-1]) or not self.lex.known(word)):
                    return end
        return None

    # ------------------------------------------------------------ spaced-letters
    SPACED = re.compile(r"(?<![\w~.])((?:[A-Za-z~] ){2,}[A-Za-z~])(?![\w~])")

    def _spaced_letters(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            joined = m.group(1).replace(" ", "")
            if "~" not in joined and (self.lex.known(joined) and self.lex.score(joined) >= 3.0 or
                                      self.lex.name_known(joined)) and len(joined) >= 4:
                return self._change(m.group(1), joined, "spaced-letters", log, allow)
            reading = self.best_reading(joined) if len(joined) >= 4 else None
            if reading and reading.islower():
                reading = self._cased(reading)             # "~ e d v e d e v" -> "Medvedev"
            if reading:
                return self._change(m.group(1), reading, "spaced-letters", log, allow)
            return m.group(0)
        return self.SPACED.sub(repl, text)

    # ------------------------------------------------------------ broken-hyphen
    HYPHENED = re.compile(r"(?<![\w-])([A-Za-z]{2,})-([A-Za-z]{2,})(?![\w-])")

    def _broken_hyphen(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            a, b = m.group(1), m.group(2)
            joined = a + b
            if self.lex.hyphenated(a, b) or (self.lex.known(a) and self.lex.known(b)):
                return m.group(0)
            if not (self.lex.candidate_ok(joined) if joined[:1].isupper() else self.lex.known(joined)):
                return m.group(0)
            return self._change(m.group(0), joined, "broken-hyphen", log, allow)
        return self.HYPHENED.sub(repl, text)

    # ------------------------------------------------------------ digits
    def _digit_class(self) -> str:
        return "".join(re.escape(c) for c in sorted(self.config.digits))

    def read_number(self, s: str) -> str | None:
        """The one number a printed number stands for, or None (unreadable, or more than one reading)."""
        readings = self.read_numbers(s)
        return readings[0] if len(readings) == 1 else None

    def read_numbers(self, s: str) -> list[str]:
        """Every number a printed number can stand for (``r`` may be 1 or 2 in this witness)."""
        out = [""]
        for ch in s:
            options = ch if ch.isdigit() else self.config.digits.get(ch)
            if not options:
                return []
            out = [o + d for o in out for d in options]
        return out

    def _digits(self, text: str, log: Log, allow: Allow) -> str:
        cls = self._digit_class()
        pattern = re.compile(rf"(?<![\w~'])(?=[0-9{cls}]*[0-9])(?=[0-9{cls}]*[{cls}])([0-9{cls}]{{2,}})(?![\w~])")

        def repl(m: re.Match) -> str:
            s = m.group(1)
            inside = re.search(r"[0-9],$", text[:m.start()]) is not None and len(s) == 3   # "1,0o6,030"
            digits = sum(c.isdigit() for c in s)
            if digits * 2 < len(s) and len(s) > 2:
                return s                                   # mostly letters: a word, not a number
            if re.fullmatch(r"[0-9]{4}[A-Za-z]", s):
                return s                                   # "1941g." (goda), "1932I" (a bracket): a year and more

            def plausible(r: str) -> bool:
                if inside:
                    return len(r) == 3
                return not ((len(r) == 4 and not "1800" <= r <= "1999") or r[0] == "0")
            readings = [r for r in self.read_numbers(s) if plausible(r)]
            if not readings or len(s) > 4 and not inside and s[-1] == "g":
                return s                                   # "1g34g": 1934 g. (goda), not a number
            long = len(s) > 4 and not inside               # "19j31": no number of this witness is that long
            after = readings[0] if len(readings) == 1 and not long else unclear_mark(s)   # "r6": 16 or 26
            return self._change(s, after, "digits", log, allow, m.string[m.end():m.end() + 12])
        return pattern.sub(repl, text)

    # ------------------------------------------------------------ day-month
    def _day_month(self, text: str, log: Log, allow: Allow) -> str:
        cls = self._digit_class()
        pattern = re.compile(rf"(?<![\w~'.])([0-9{cls}]{{1,2}})(?= ({'|'.join(MONTHS)})\b(?P<after> ?[,0-9]?))")

        def repl(m: re.Match) -> str:
            s = m.group(1)
            if s.isdigit() or (m.group(2) == "May" and not m.group("after").strip()):
                return s
            readings = [r for r in self.read_numbers(s) if 1 <= int(r) <= 31]
            if not readings:
                return s
            after = readings[0] if len(readings) == 1 else unclear_mark(s)      # "r March": 1 or 2 March
            return self._change(s, after, "day-month", log, allow, m.string[m.end():m.end() + 12])
        return pattern.sub(repl, text)

    # ------------------------------------------------------------ archival (edition.clean.references)
    def learn_archival(self, text: str) -> None:
        """Remember every reference read without doubt: evidence for an ambiguous one elsewhere."""
        known = self.stats.setdefault("references", {})
        for m in references.REFERENCE.finditer(text):
            f = references.read_value(m.group("f"), self.read_numbers)
            o = references.read_value(m.group("o"), self.read_numbers, letter=True)
            d = references.read_value(m.group("d"), self.read_numbers, letter=True)
            if len(f) == 1 and len(o) == 1 and len(d) == 1:
                known.setdefault((f[0], d[0]), set()).add(o[0])

    def _archival(self, text: str, log: Log, allow: Allow) -> str:
        return references.normalise_references(
            text, self.read_numbers, lambda b, a, r: self._change(b, a, r, log, allow), unclear_mark,
            self.stats.get("references", {}))

    def _archival_part(self, text: str, log: Log, allow: Allow) -> str:
        return references.normalise_parts(text, self.read_numbers, lambda b, a, r: self._change(b, a, r, log, allow))

    def _year(self, text: str, log: Log, allow: Allow) -> str:
        if self.scope != "notes":
            return text
        return references.read_years(text, self.read_numbers, lambda b, a, r: self._change(b, a, r, log, allow),
                                     unclear_mark)

    def _issue(self, text: str, log: Log, allow: Allow) -> str:
        if self.scope != "notes":
            return text
        return references.read_issues(text, self.read_numbers, lambda b, a, r: self._change(b, a, r, log, allow),
                                      unclear_mark)

    def _title(self, text: str, log: Log, allow: Allow) -> str:
        if self.scope != "notes":
            return text
        return references.restore_titles(text, self.lex.titles, lambda b, a, r: self._change(b, a, r, log, allow))

    def _note_spacing(self, text: str, log: Log, allow: Allow) -> str:
        if self.scope != "notes":
            return text
        return references.tidy_spacing(text, lambda b, a, r: self._change(b, a, r, log, allow))

    # ------------------------------------------------------------ word
    WORD = re.compile(r"(?<![\w~'])([A-Za-z~][A-Za-z0-9~]*(?:'[A-Za-z]*)?)(?![\w~])")

    def _word(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            word = m.group(1)
            stem, tail = _split_possessive(word)
            if len(stem) < 3:
                return word
            reading = self.best_reading(stem)
            if reading is None or sum(c.isalpha() for c in stem) < 2:
                return word
            if stem[:1] in "l1" and reading[:1] == "i" and self._capital_i(reading, text[:m.start()]):
                reading = "I" + reading[1:]                # "lzvertiia": a capital I read as l
            if re.search(r"[a-z][A-Z]", reading) and not re.search(r"[a-z][A-Z]", stem):
                return word                                # "blU": no word looks like that
            if _in_compound(text, m.start(), m.end()) and self.lex.score(reading) < 3.8:
                return word                                # "red-tapists": a rare part of a compound
            if stem[:1].isupper() and _vowels_only(stem, reading):
                return word                                # a/o in a name: a transliteration, not damage
            parts = reading.islower() and stem.islower() and "~" not in stem and self._split_parts(stem)
            if parts and all(self.lex.score(p) >= 3.0 for p in parts):
                return word                                # "donot": words run together, not a misreading
                                                           # ("inembers" is members, not "in embers")
            return self._change(word, reading + tail, "word", log, allow, m.string[m.end():m.end() + 12])
        return self.WORD.sub(repl, text)

    def _capital_i(self, reading: str, before: str) -> bool:
        """Was the l of "lzvertiia" a capital I?  Yes for a name or title word, or after a sentence end."""
        if re.search(r"(^|[.!?:]\s*|\n)$", before.rstrip(" ")) or not before.strip():
            return True
        return self.lex.name_known(reading.capitalize()) and zipf(reading) < 3.5

    def attested(self, word: str) -> bool:
        """The word, or the word less an English prefix or suffix, is in the lexicon."""
        if word in self.config.keep or word.lower() in self.config.keep:
            return True
        if word[:1].isupper() and not word.isupper():
            if self.lex.known(word) or self.lex.name_known(word):
                return True
        elif self.lex.known(word):
            return True
        lower = word.lower()
        for p in PREFIXES:
            if lower.startswith(p) and len(lower) - len(p) >= 4 and self.lex.known(lower[len(p):]):
                return True
        for sfx in SUFFIXES:
            if lower.endswith(sfx) and len(lower) - len(sfx) >= 4 and self.lex.known(lower[:-len(sfx)]):
                return True
        return False

    def best_reading(self, word: str) -> str | None:
        """The one clearly best reading of a damaged word under the confusion model, or None."""
        cache = self.stats.setdefault("readings", {})
        if word not in cache:
            cache[word] = None if self.attested(word) or (word.isupper() and len(word) <= 4 and "~" not in word) \
                else _best_reading(self, word)
        return cache[word]

    # ------------------------------------------------------------ real-word
    REAL_WORD = re.compile(r"(?<![\w~'\-\[])([A-Za-z]+)(?![\w~'\-\]])")

    def _real_word(self, text: str, log: Log, allow: Allow) -> str:
        """``should he borne`` -> ``should be borne``: a word the neighbours say was misread."""
        if not self.config.real_word:
            return text
        model = bigram_model_of(self.lex)

        def repl(m: re.Match) -> str:
            word = m.group(1)
            lower = word.lower()
            if word in self.config.keep or lower in self.config.keep:
                return word
            if not (word.islower() or word[1:].islower() and _sentence_start(text, m.start())):
                return word                                # a name, an acronym
            candidates = self._real_word_candidates(lower, model)
            if not candidates:
                return word
            prev, nxt = real_words.neighbours(text, m.start(), m.end())
            if lower in real_words.PRONOUNS and prev in real_words.AUXILIARIES and \
                    real_words.in_question(text, m.end()):
                return word                                # "How can he clear himself?"
            found = real_words.decide(model, lower, prev, nxt, candidates, zipf)
            if not found:
                return word
            reading = found[0] if word.islower() else found[0].capitalize()
            return self._change(word, reading, "real-word", log, allow, m.string[m.end():m.end() + 12])
        return self.REAL_WORD.sub(repl, text)

    def _real_word_candidates(self, lower: str, model: "real_words.BigramModel") -> list[tuple[str, float]]:
        """The readings of ``lower`` the context could still choose (``real_words.viable``), once per word."""
        cache = self.stats.setdefault("real_word_candidates", {})
        if lower not in cache:
            cache[lower] = real_words.viable(model, lower, real_words.readings(lower, self.config.real_word), zipf)
        return cache[lower]

    # ------------------------------------------------------------ case-split
    def _case_split(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            head, tail = m.group(1), m.group(2)
            if not (self.lex.name_known(head) and self.lex.known(tail) and self.lex.score(tail) >= 3.0):
                return m.group(0)
            return self._change(m.group(0), f"{head} {tail}", "case-split", log, allow)
        text = re.sub(r"(?<![\w~])([A-Z]{2,}(?:\([a-z]\))?)([a-z]{2,})(?![\w~])", repl, text)

        def camel(m: re.Match) -> str:                     # "aTrotskyist", "ComradeYezhov", "FromMarch"
            head, tail = m.group(1), m.group(2)
            if self.attested(m.group(0)) or not self.lex.name_known(tail) or len(tail) < 3:
                return m.group(0)
            lower = head.lower()
            if not (lower in FUNCTION_WORDS and lower != "i" or len(head) >= 4 and self.lex.corpus.get(lower, 0) >= 5
                    and (head.islower() or self.lex.cased.get(head, 0) >= 5)):
                return m.group(0)                          # "McCarthy", "LaGuardia": a name's own capital
            return self._change(m.group(0), f"{head} {tail}", "case-split", log, allow)
        return re.sub(r"(?<![\w~'])([A-Za-z][a-z]*)([A-Z][a-z]+)(?![\w~])", camel, text)

    # ------------------------------------------------------------ split
    def _split(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            word = m.group(1)
            if len(word) < 4 or not word[1:].islower() or text[max(0, m.start() - 1):m.start()] == "[":
                return word                                # short, mixed case, or a Russian gloss
            parts = self._split_candidate(word)
            if not parts:
                return word
            parts = [self._cased(p) for p in parts]
            hyphenated = self.lex.hyphenated(*parts) if len(parts) == 2 else 0
            if hyphenated and hyphenated >= self.lex.bigrams.get(tuple(p.lower() for p in parts), 0):
                return self._change(word, "-".join(parts), "split", log, allow)      # "fiveyear" -> "five-year"
            if word[:1].isupper():
                parts[0] = parts[0][:1].upper() + parts[0][1:]
            return self._change(word, " ".join(parts), "split", log, allow)
        return re.sub(r"(?<![\w~'\-])([A-Za-z]+)(?![\w~'\-])", repl, text)

    def _split_parts(self, lower: str) -> list[str] | None:
        """Common words that ``lower`` is made of (symspellpy), or None.

        Conservative: every part is a common word, a part of one or two letters is a function word
        (never two such in a row), and unless one part is a function word all parts are very common.
        """
        parts = segment(lower)
        if parts is None or not 2 <= len(parts) <= 10:
            return None
        scores = [self.lex.score(p) for p in parts]
        for i, (p, score) in enumerate(zip(parts, scores)):
            if p in NOT_PARTS or not self.lex.known(p) or score < (RARE_PART if len(p) >= 6 else 3.0):
                return None                                # a long rare word is a word ("thelaconic")
            if len(p) <= 2 and (p not in FUNCTION_WORDS or p == "i" or (
                    i and len(parts[i - 1]) <= 2 and not self._short_pair(lower, parts))):
                return None                                # "inmy" splits ("in my"), "goup" not (group)
            if len(p) == 3 and score < 4.5 and p not in FUNCTION_WORDS:
                return None
        if not any(p in SPLIT_WORDS for p in parts) and not all(
                self.lex.bigrams.get(pair) or self.lex.hyphenated(*pair) or self._english_pair(*pair)
                for pair in zip(parts, parts[1:])):
            return None                                    # two content words: the clean texts or English must pair them
        for a, b in zip(parts, parts[1:]):
            if a not in FUNCTION_WORDS and b not in FUNCTION_WORDS and self.lex.known(a + b):
                return None                                # "ram rods": the joined form is a word
        return parts

    def _short_pair(self, lower: str, parts: list[str]) -> bool:
        """Two short function words run together ("inmy", "asaresultof"): every pair of neighbouring parts
        is attested English, and a word of two parts is not a common word that lost one letter ("goup")."""
        if not all(self._english_pair(a, b) or self.lex.bigrams.get((a, b)) for a, b in zip(parts, parts[1:])):
            return False                                   # "asked pop on in" (Poponin): not English
        if not all(self._english_pair(a, b, COMMON_PAIR) for a, b in zip(parts, parts[1:])
                   if len(a) <= 2 and len(b) <= 2):
            return False                                   # "a me work" (fi amework): a rare pair
        return len(parts) > 2 or not any(zipf(lower[:i] + ch + lower[i:]) >= 3.5
                                         for i in range(len(lower) + 1) for ch in "abcdefghijklmnopqrstuvwxyz")

    def _english_pair(self, first: str, second: str, least: int = 1) -> bool:
        """The two words stand side by side in the English bigram list (symspellpy, from Google Books)."""
        return real_words.english_model_counts()[1].get((first, second), 0) >= least

    def _split_candidate(self, word: str) -> list[str] | None:
        """The words ``word`` is run together from, or None (decided once per distinct word)."""
        cache = self.stats.setdefault("splits", {})
        if word not in cache:
            parts = None
            if not self._firmly_attested(word) and not self._near_term(word):   # "istorn" (istorii)
                parts = self._split_parts(word.lower())
                if parts and word[:1].isupper() and not self._name_split_ok(word, parts):
                    parts = None
            cache[word] = parts
        return list(cache[word]) if cache[word] else None

    def _near_term(self, word: str) -> bool:
        """The word begins like a curated term of about its length ("istorn" ~ istorii)."""
        if not word.islower():
            return False
        return any(t.islower() and t.startswith(word[:5]) and abs(len(t) - len(word)) <= 2 for t in self.lex.curated)

    def _cased(self, part: str) -> str:
        """A part that the clean texts always print capitalised is capitalised ("soviet" -> "Soviet")."""
        cap = part.capitalize()
        total = self.lex.corpus.get(part, 0)
        if cap in self.lex.persons and part not in self.lex.curated or cap in self.lex.proper or (
                cap in self.lex.curated and zipf(part) < 4.0) or (
                total and self.lex.cased.get(cap, 0) >= 0.8 * total and zipf(part) < 4.5):
            return cap
        return part

    def _firmly_attested(self, word: str) -> bool:
        """Attested by more than a rare entry of the English list ("ofthe" is a web typo, zipf 2)."""
        if not self.attested(word):
            return False
        if re.fullmatch(r"[a-z]{1,5}the", word) and word[:-3] in FUNCTION_WORDS:
            return False                                   # "ofthe", "tothe": never words
        lower = word.lower()
        if not self.lex.attested_in_corpus(word) and zipf(lower) < 2.5 and \
                lower not in real_words.english_model_counts()[0]:       # "therefrom" is a word
            parts = segment(lower)                         # "accordingto": a web typo of a common pair
            if parts and len(parts) > 1 and all(self._english_pair(a, b, 10_000_000)
                                                for a, b in zip(parts, parts[1:])):
                return False
        return True

    def _name_split_ok(self, word: str, parts: list[str]) -> bool:
        """A capitalised word splits only into a function word and a common word
        ("Councilof", "Youmust"), never a name that happens to contain words ("Minin", "Shotman")."""
        if len(parts) > 2:                                 # "Thenewpolicythusweakened...": a run of words
            return parts[0] in FUNCTION_WORDS and len(word) >= 12 and self.lex.score(parts[1]) >= 4.0 and \
                self._english_pair(parts[0], parts[1], 30_000_000)     # "Ineverprided" is not "In ever"
        first, second = parts
        if second in FUNCTION_WORDS and len(second) >= 2:
            return self.lex.cased.get(first.capitalize(), 0) >= 5 and self.lex.score(first) >= 4.0
        return first in FUNCTION_WORDS and first != "a" and self.lex.score(second) >= 4.0

    # ------------------------------------------------------------ punct-spacing
    URLISH = re.compile(r"://|@|www\.|\.(?:com|org|net|ru|edu)\b")
    AFTER_MARK = re.compile(r"(?<=[A-Za-z0-9)\]])([,;:])(?=([A-Za-z][A-Za-z'’]*))")
    AFTER_STOP = re.compile(r"(?<![\w.'’])([a-z]{3,})\.(?=[A-Z][a-z])")
    AFTER_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[\u2014]))(\"[^\"\n]{0,150}?[^\s\"]\"|\u201c[^\u201d\n]{0,150}?"
                             r"\u201d)(?=[A-Za-z])")

    def _punct_spacing(self, text: str, log: Log, allow: Allow) -> str:
        """The missing space after a comma, semicolon or colon run into a letter, after a full stop
        between a lowercase word and a capitalised one, and after a closing quote run into a word:

            "cells,and" -> "cells, and";  "baseness.To" -> "baseness. To";  '"works"of' -> '"works" of'
            but "1,006,030", "3:15", "V.Ya.", "e.g.", "17,op. 3" (an archival reference) stay.
        """
        marks = [(m.end(), m.group(2)) for m in self.AFTER_MARK.finditer(text)
                 if self._mark_needs_space(text, m.start(), m.group(2))]
        marks += [(m.end(), "") for m in self.AFTER_STOP.finditer(text) if self._spacing_free(text, m.start())
                  and self._spacing_word(re.match(r"[A-Za-z]+", text[m.end():]).group())]
        marks += [(m.end(), "") for m in self.AFTER_QUOTE.finditer(text) if self._spacing_free(text, m.end() - 1)]
        if not marks:
            return text
        runs: dict[tuple[int, int], list[int]] = {}
        for at in sorted({at for at, _ in marks}):
            start = at - 1
            while start > 0 and not text[start - 1].isspace():
                start -= 1
            end = at
            while end < len(text) and not text[end].isspace():
                end += 1
            runs.setdefault((start, end), []).append(at)       # "Hysteria,spy-mania,and": both commas
        out, pos = [], 0
        for (start, end), ats in runs.items():
            glued = text[start:end]
            fixed = "".join(text[a:b] + " " for a, b in zip([start] + ats, ats)) + text[ats[-1]:end]
            if self._change(glued, fixed, "punct-spacing", log, allow, text[end:]) == fixed:
                out += [text[pos:start], fixed]
                pos = end
        out.append(text[pos:])
        return "".join(out)

    def _spacing_free(self, text: str, at: int) -> bool:
        """The run around ``at`` is no URL, e-mail, reviewed reading or [?] mark."""
        start = at
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = at
        while end < len(text) and not text[end].isspace():
            end += 1
        run = text[start:end]
        if self.URLISH.search(run) or "~" in run or "[?]" in run:
            return False
        core = run.strip("\"'“”‘’()[].,;:!?")
        return core not in self.config.readings

    def _spacing_word(self, word: str) -> bool:
        """A word on either side of the missing space: known, a known name, or a long fused run."""
        if len(word) < 2 or len(word) == 2 and word.lower() not in FUNCTION_WORDS and not word.isupper():
            return False                                   # "se;by" (set by), "shot.Ss"
        if len(word) >= 10 or word[:1].isupper() and word[1:2].islower() and len(word) >= 4:
            return True                                    # "Siegelbaum,SovietStateandSociety"
        return self.lex.known(word) or self.lex.name_known(word)

    def _mark_needs_space(self, text: str, at: int, following: str) -> bool:
        if following in ARCHIVAL_PARTS or re.search(r"\b(?:f|op|d|l|ll)\. ?\S*$", text[max(0, at - 20):at]):
            return False                                   # "17,op. 3", "120,d. 980": the notes rules' work
        if text[at - 1].isdigit() and re.fullmatch(r"[oOlIzZg]+", following):
            return False                                   # "180,ooo": digits read as letters
        if text[at] == ":" and text[at - 1].isdigit():
            return False
        before = re.search(r"[A-Za-z'’]*$", text[max(0, at - 40):at]).group()
        if re.fullmatch(r"[oOlIzZg\d,.;:]+", before + text[at] + following):
            return False                                   # "oo,ooo", "2,ooo,oOO": a number
        if not (self._spacing_word(before) or not before and text[at - 1] in "0123456789)]"):
            return False                                   # "Compl;cntions", "Zem,kov": a misread letter
        if not (self._spacing_word(following) or re.match(r"[A-Z]\.", text[at + 1:at + 3])):
            return False                                   # "VKP,b" (a misread bracket), "gro;p"
        return self._spacing_free(text, at)

    # ------------------------------------------------------------ reading
    def _reading(self, text: str, log: Log, allow: Allow) -> str:
        """An editor's reviewed reading of a damaged form, wherever the form stands as a whole token
        (case as listed, or capitalised at a sentence start; punctuation around it kept):

            {"eenuinelv": "genuinely"}:  "was eenuinelv. Eenuinelv so"  -> "was genuinely. Genuinely so"
            but "eenuinelvx" (the form inside a longer word) is not touched.
        """
        if not self.config.readings:
            return text
        pattern = _readings_pattern(tuple(self.config.readings))

        def repl(m: re.Match) -> str:
            form = m.group()
            listed = form if form in self.config.readings else form[0].lower() + form[1:]
            self.readings_found.add(listed)
            reading = self.config.readings[listed]
            if listed != form:
                reading = reading[0].upper() + reading[1:]
            return self._change(form, reading, "reading", log, allow, m.string[m.end():])
        return pattern.sub(repl, text)

    # ------------------------------------------------------------ dash
    DASH = re.compile(r"(?<![\w-])([A-Za-z']+)-([A-Za-z']+)(?![\w-])")

    def _dash(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            a, b = m.group(1), m.group(2)
            if not (b.lower() in FUNCTION_WORDS and b[:1].islower() or
                    a.lower() in FUNCTION_WORDS and a[:1].islower() and len(a) > 1):
                return m.group(0)
            if self.lex.hyphenated(a, b) or f"{a}-{b}".lower() in self.config.keep:
                return m.group(0)
            if b.lower() in ("and", "or", "to") and re.match(r" [A-Za-z]+-[A-Za-z]", text[m.end():m.end() + 30]):
                return m.group(0)                          # "blue- and white-collar": a suspended hyphen
            if b.lower() in PARTICLES or a.lower() in PARTICLES | {"so"} or b == "i":
                return m.group(0)                          # "shake-up", "hangers-on", "so-called"
            return self._change(m.group(0), f"{a}\u2014{b}", "dash", log, allow)
        return self.DASH.sub(repl, text)

    # ------------------------------------------------------------ unclear
    def _unclear(self, text: str, log: Log, allow: Allow) -> str:
        def repl(m: re.Match) -> str:
            word = m.group(1)
            if sum(c.isalpha() for c in word) < 2 or len(word) > 14:
                return word                                # a long run of glued words: left as printed
            marked = unclear_mark(word)
            if not allow(word, "[?]", "unclear"):
                return word
            log(word, "[?]", "unclear")
            return marked
        return re.sub(r"(?<![\w~'\-])((?:[A-Za-z0-9']*~[A-Za-z0-9'~]*))(?![\w~'\-])", repl, text)


_BIGRAM_MODELS: list = []           # [(lexicon, model)]: the newest lexicon's model (serve rebuilds keep it)


def bigram_model_of(lex: Lexicon) -> "real_words.BigramModel":
    """The English bigram model with the clean texts' bigrams of ``lex`` (summing its lists takes 0.5 s)."""
    if not _BIGRAM_MODELS or _BIGRAM_MODELS[0][0] is not lex:
        unigrams, bigrams = real_words.english_model_counts()
        _BIGRAM_MODELS[:] = [(lex, real_words.BigramModel(unigrams, bigrams, lex.bigrams))]
    return _BIGRAM_MODELS[0][1]


@lru_cache(maxsize=8)
def _readings_pattern(forms: tuple[str, ...]) -> re.Pattern:
    """Whole-token matches of the forms (longest first), and of a lowercase form capitalised."""
    variants = set(forms) | {f[0].upper() + f[1:] for f in forms if f[:1].islower()}
    alternatives = "|".join(re.escape(f) for f in sorted(variants, key=lambda f: (-len(f), f)))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w’-]|'\w)")


def _outside_tokens(text: str, repair) -> str:
    """Apply ``repair`` to the text between tokens (a [?] mark made by an earlier rule stays as it is)."""
    if TOKEN_OPEN not in text:
        return repair(text)
    out, pos = [], 0
    for m in TOKEN_RE.finditer(text):
        out.append(repair(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(repair(text[pos:]))
    return "".join(out)


def unclear_mark(witness: str) -> str:
    """The visible ``[?]`` for an unrecoverable reading, carrying the witness reading."""
    return token("unclear", witness) + "[?]" + token("/unclear")


def _sentence_start(text: str, start: int) -> bool:
    return re.search(r"(^|[.!?:]\s+)$", text[:start]) is not None


def _in_compound(text: str, start: int, end: int) -> bool:
    """The word is part of a hyphenated compound ("red-tapists"), not beside a dash ("memhers-both")."""
    before = re.search(r"([A-Za-z']+)-$", text[max(0, start - 30):start])
    after = re.match(r"-([A-Za-z']+)", text[end:end + 30])
    return bool(before and before.group(1).islower() and before.group(1) not in FUNCTION_WORDS or
                after and after.group(1).islower() and after.group(1) not in FUNCTION_WORDS | {"both", "even"})


def _vowels_only(before: str, after: str) -> bool:
    """The reading differs from the word only in a and o (transliteration varies there)."""
    return len(before) == len(after) and all(x == y or {x.lower(), y.lower()} == {"a", "o"}
                                             for x, y in zip(before, after))


def _stem_of(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _split_possessive(word: str) -> tuple[str, str]:
    if word.endswith("'s") and len(word) > 4:
        return word[:-2], "'s"
    return word, ""


def _variants(word: str, config: Config, edits: int, prefixes: set | None = None) -> dict[str, int]:
    """Every string the confusion model can read ``word`` as, with the number of confusions used.

    ``prefixes``: when given, only strings whose lowercase form begins a word in it are followed
    (``Lexicon.prefixes``: a reading must be a word of the lexicon, so the rest are never read)."""
    out: dict[str, int] = {}
    table = config.confusions

    def walk(i: int, built: str, used: int) -> None:
        if prefixes is not None and built.lower() not in prefixes:
            return
        if i == len(word):
            if used and (built not in out or out[built] > used):
                out[built] = used
            return
        walk(i + 1, built + word[i], used)
        if used >= edits:
            return
        if word[i] == "~":
            for ch in "abcdefghijklmnopqrstuvwxyz":
                walk(i + 1, built + (ch.upper() if i == 0 and word[1:2].isupper() else ch), used + 1)
            walk(i + 1, built, used + 1)
            return
        for printed, reads in table:
            if word.startswith(printed, i) and not (i == 0 and printed == "I" and reads == "l"):
                walk(i + len(printed), built + reads, used + 1)
    walk(0, "", 0)
    return out


def _best_reading(corrector: Corrector, word: str) -> str | None:
    lex = corrector.lex
    if word.count("~") >= 2 and len(word) < 8:
        return None                                        # "P~l~er": too little is left to read
    edits = corrector.config.max_edits if len(word) >= 6 or "~" in word else 1
    found: dict[int, list[str]] = {}
    for cand, cost in _variants(word, corrector.config, edits, lex.prefixes()).items():
        if "~" in cand or len(cand) < 2 or not lex.plausible(_stem_of(cand)) or not lex.candidate_ok(cand):
            continue
        if cand.islower() and corrector._split_parts(cand):
            continue                                       # "ofthe": words run together, not a reading
        if not lex.attested_in_corpus(cand) and lex.score(cand) < (3.5 if len(cand) <= 4 or cost > 1 else 3.0):
            continue                                       # a rare English word needs other evidence
        found.setdefault(cost, []).append(cand)
    if not found:
        return None
    best_cost = min(found)
    group = sorted(found[best_cost], key=lambda c: -lex.score(c))
    if len(group) > 1 and lex.score(group[0]) - lex.score(group[1]) < 1.0:
        return None
    return group[0]


@lru_cache(maxsize=1)
def _segmenter():
    """symspellpy with its frequency dictionary, words and counts only: segmentation with no spelling
    changes (edit distance 0) never looks at the delete index, which costs 80% of the loading."""
    import importlib.resources

    from symspellpy import SymSpell

    class WordsOnly(SymSpell):
        def _edits_prefix(self, key):
            return ()
    sym = WordsOnly(max_dictionary_edit_distance=0, prefix_length=7)
    path = importlib.resources.files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    sym.load_dictionary(str(path), term_index=0, count_index=1)
    return sym


def preload() -> None:
    """Load the segmentation dictionary now (before worker processes fork, which then share it)."""
    _segmenter()


def segment(word: str) -> list[str] | None:
    """Split a run-together lowercase word with symspellpy's word segmentation (no spelling changes)."""
    parts = _segmented(word)
    return list(parts) if parts is not None else None


@lru_cache(maxsize=1 << 16)
def _segmented(word: str) -> tuple[str, ...] | None:
    """``segment``, once per word and process (``serve`` rebuilds keep it)."""
    result = _segmenter().word_segmentation(word, max_edit_distance=0)
    parts = result.corrected_string.split()
    if "".join(parts) != word:
        return None
    return tuple(parts)


def english_zipf(word: str) -> float:
    return zipf(word)
