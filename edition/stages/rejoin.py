"""Stage ``rejoin``: join paragraphs a former page break cut in two.

Two neighbouring prose paragraphs of one unit are one paragraph when the
first ends mid-word (a line-end hyphen) or mid-sentence and the second goes
on.  Running heads, page numbers, ``Document N continued`` heads and footnote
blocks that stood between the halves were removed by earlier stages, so the
halves are neighbours here.  A paragraph that ends without punctuation before
a heading, a table, a list, verse, a Document's opener or closer is left
alone (a paragraph joins a paragraph, or a speaker turn it continues; a
numbered list joins the list whose numbering it continues).

A continuation that starts with a capital is joined only on evidence that
the first part cannot end a sentence: it ends on a function word, a comma or
a possessive; a bracket or quotation mark it opened is closed in the
continuation ("MTS [Machine Tractor" + "Stations] and ..."); a day number
before a month ("on 21" + "February"); a title before a registered person's
name ("Central Committee secretary" + "Aleksandr Smirnov"); a word that never
ends a sentence anywhere in the text and either is an -ing form or is
followed by the continuation's first word elsewhere ("the ruling" + "Stalin
group"); or a continuation whose first sentence is a fragment of at most
three words ("had frequently signed" + "Politburo decisions.").

    "... it is an attempt to bring to a non-Russian readership the" + "results of new research ..."
    -> "... to a non-Russian readership the results of new research ..."
    "... who have access to unpublished or recently-" + "published documents ..."
    -> "... unpublished or recently-published documents ..."   (hyphen kept on evidence)
"""
from __future__ import annotations

import operator
import re
from collections import Counter

from ..clean.hyphenation import join_decision, shared_vocabularies
from ..memo import close_memo, content_key, open_memo
from ..model import TOKEN_RE, Block, Edition, plain

SENTENCE_END = tuple(".!?:;…")
CLOSERS = "\"”’')]*"
# A paragraph never ends on one of these words, so a capitalised next paragraph continues it.
NON_FINAL_WORDS = frozenset("""a an the of and or but nor to in into on upon at by for from with without within
    that which whom whose who his her its their our my your as than between about after before during against
    under over among through toward towards were was is are be been being had has have not no this these those
    such both either neither each every comrade comrades""".split())
MONTHS = frozenset("""January February March April May June July August September October November
    December""".split())
# Words of office before a name: "Central Committee secretary" + "Aleksandr Smirnov".
TITLE_WORDS = frozenset("""secretary commissar chairman deputy procurator professor academician general marshal
    comrade citizen member candidate""".split())
# A one- to three-word first sentence that can stand alone (an answer), so is no fragment.
SHORT_SENTENCES = frozenset("yes no well good right correct true exactly thanks thank agreed nothing none".split())
BRACKETS = (("(", ")"), ("[", "]"), ("“", "”"))
FINAL_RE = re.compile(r"(?<![a-z])([a-z]+)[.!?]")              # a word ending a sentence (lowercased text)
GOING_ON_RE = re.compile(r"(?<![a-z])([a-z]+)\s+(?=[a-z])")     # a word another word follows
LAST_WORD_RE = re.compile(r"([A-Za-z\u00C0-\u024F]+)-$")
FIRST_WORD_RE = re.compile(r"^([A-Za-z\u00C0-\u024F]+)")


class SentenceEvidence:
    """How words behave in a text: how often each ends a sentence, goes on, and which word follows it.

    Counted once, when the first capitalised continuation needs it (most texts never do).

    >>> e = SentenceEvidence.from_texts(["the ruling group met.", "the ruling Stalin group. A ruling class"])
    >>> e.never_final("ruling"), e.never_final("group"), e.follows("ruling", "stalin")
    (True, False, 1)
    """

    def __init__(self, texts, person=lambda w: False, units=None, memo=None):
        self._texts = texts
        self._units, self._memo = units, memo                     # see ``from_units``
        self._keyed: list[tuple[str, list[str]]] | None = None    # (memo key, passages) of each unit
        self._counts = None
        self._pairs: list[Counter] | None = None                  # (word, next word) as printed: per unit
        self._following: dict[str, Counter] = {}                  # word -> the words after it, lowercase
        self.person = person

    @classmethod
    def from_texts(cls, texts, person=lambda w: False) -> "SentenceEvidence":
        return cls(texts, person)

    @classmethod
    def from_units(cls, units: list[list[str]], person=lambda w: False, memo=None) -> "SentenceEvidence":
        """The evidence of the passages of every unit; with a ``memo`` (``edition.memo``), each unit's
        counts are kept under its passages, so only a changed unit is counted again.  Same counts:
        nothing spans the "¶" between passages, so a text's counts are the sum of its units'."""
        units = [passages for passages in units if passages]
        kept = memo is not None and memo.active
        return cls([t for passages in units for t in passages], person, units if kept else None, memo)

    def _count(self):
        if self._counts is None:
            # the whole text lowercased, "¶" between passages so that nothing spans a paragraph break
            exact = "\n¶\n".join(self._texts)
            text = exact.lower()
            if self._units is None:
                final, going_on = _sentence_counts(text)
            else:
                final, going_on = self._unit_counts()
            self._counts = final, going_on, text, exact
            self._texts = None
        return self._counts

    def _unit_counts(self) -> tuple[Counter, Counter]:
        final, going_on = Counter(), Counter()
        for key, passages in self._keyed_units():
            counts = self._memo.made(key, lambda: _sentence_counts("\n¶\n".join(passages).lower()))
            final.update(counts[0])
            going_on.update(counts[1])
        return final, going_on

    def _keyed_units(self) -> list[tuple[str, list[str]]]:
        if self._keyed is None:
            self._keyed = [(content_key(passages), passages) for passages in self._units]
        return self._keyed

    def _pair_counts(self) -> list[Counter]:
        """Each two neighbouring words as printed, counted: for the whole text, or (with a memo) per unit,
        each unit's counts kept in the memo (a question sums them; it is asked a few dozen times)."""
        if self._units is None:
            return [_counted(PAIR_RE, self._count()[3])]
        return [self._memo.made(f"pairs-{key}", lambda: _counted(PAIR_RE, "\n¶\n".join(passages)))
                for key, passages in self._keyed_units()]

    def final(self, word: str) -> int:
        """How often ``word`` ends a sentence in the text."""
        return self._count()[0][word.lower()]

    def follows_exact(self, word: str, nxt: str) -> int:
        """How often ``nxt`` follows ``word`` in the text, as printed (case kept): "Central Committee".

        Both are whole words (runs of letters, digits and hyphens) with only space between them."""
        exact = self._count()[3]
        if word == nxt or not (WORD_RUN_RE.fullmatch(word) and WORD_RUN_RE.fullmatch(nxt)):
            return len(re.findall(rf"(?<![\w-]){re.escape(word)}\s+{re.escape(nxt)}(?![\w-])", exact))
        if self._pairs is None:                   # asked about dozens of words: every pair counted at once
            self._pairs = self._pair_counts()
        return sum(counts[(word, nxt)] for counts in self._pairs)

    def never_final(self, word: str) -> bool:
        final, going_on = self._count()[:2]
        w = word.lower()
        return final[w] == 0 and going_on[w] >= 3

    def follows(self, word: str, nxt: str) -> int:
        """How often ``nxt`` follows ``word`` in the text, case ignored."""
        text = self._count()[2]
        word, nxt = word.lower(), nxt.lower()
        if word == nxt or not (LOWER_RUN_RE.fullmatch(word) and LOWER_RUN_RE.fullmatch(nxt)):
            return len(re.findall(rf"(?<![a-z]){re.escape(word)}\s+{re.escape(nxt)}(?![a-z])", text))
        if word not in self._following:           # the words after ``word``: one pass per word asked about
            self._following[word] = _counted(re.compile(rf"(?<![a-z]){re.escape(word)}\s+(?=([a-z]+))"), text)
        return self._following[word][nxt]


def _sentence_counts(text: str) -> tuple[Counter, Counter]:
    """How often each word ends a sentence, and goes on, in ``text`` (lowercased)."""
    return _counted(FINAL_RE, text), _counted(GOING_ON_RE, text)


def _counted(pattern: re.Pattern, text: str) -> Counter:
    """How often each match of ``pattern`` (its group, or its groups) occurs in ``text``, counted as
    found: a long text never holds the list of all its matches at once."""
    return Counter(map(_FIRST_GROUP if pattern.groups == 1 else re.Match.groups, pattern.finditer(text)))


_FIRST_GROUP = operator.methodcaller("group", 1)


WORD_RUN_RE = re.compile(r"[\w-]+")
PAIR_RE = re.compile(r"(?<![\w-])([\w-]+)\s+(?=([\w-]+))")     # each two neighbouring words, as printed
LOWER_RUN_RE = re.compile(r"[a-z]+")
NO_EVIDENCE = SentenceEvidence([])


def run(edition: Edition) -> None:
    own_vocabularies, corpora = shared_vocabularies(edition, "rejoin", vocabulary_lines)
    person = _person_lookup(edition)
    for text in edition.texts:
        own, corpus = own_vocabularies[text.slug], corpora[text.slug]
        # the text's own usage only, so a build of one text joins exactly as a full build
        memo = open_memo(edition, "rejoin-evidence", text.slug)
        evidence = SentenceEvidence.from_units(
            [[b.plain() for b in u.blocks if b.kind in ("para", "turn")] for u in text.units], person, memo)
        keep = frozenset(w.lower() for w in text.manifest["hyphen_keep"])
        join = frozenset(w.lower() for w in text.manifest["hyphen_join"])
        joins = {rule["line"]: rule for rule in text.manifest["paragraph_joins"]}
        breaks = {rule["line"]: rule for rule in text.manifest["paragraph_breaks"]}
        breaks_used = text.breaks_used            # split by the paragraphs stage; rejoin adds those it keeps apart
        used: set[int] = set()
        for unit in text.units:
            out: list[Block] = []
            for block in unit.blocks:
                if out and list_continues(out[-1], block):
                    out[-1].text = f"{out[-1].text}\n{block.text}"
                    out[-1].line_end = max(out[-1].line_end, block.line_end)
                    out[-1].attrs.setdefault("joined", []).append(block.loc.line)
                    text.report.count("page-break-rejoined-list")
                    continue
                why = join_reason(out[-1], block, evidence) if out else ""
                if out and block.loc.line in joins and out[-1].kind in EDITOR_JOINABLE_ONTO and block.kind in JOINABLE:
                    why = why or "editor"
                    used.add(block.loc.line)
                if why and block.loc.line in breaks:          # the editor says a new paragraph begins here
                    why = ""
                    breaks_used.add(block.loc.line)
                    text.report.count("page-break-join-refused-by-editor")
                if why:
                    decision = _merge(out[-1], block, own, corpus, keep, join)
                    text.report.count("page-break-rejoined")
                    if why == "editor":
                        text.report.count("page-break-rejoined-by-editor")
                    if why.startswith("capital-"):
                        text.report.count(f"page-break-rejoined-{why}")
                    if decision:
                        text.report.count(f"line-end-hyphen-{decision}")
                else:
                    out.append(block)
            unit.blocks = out
            for block, following in zip(out, out[1:] + [None]):
                if interrupted_speech(block, following):
                    block.text = _dash_at_end(block.text)
                    text.report.count("interrupted-speech-dash")
        edition.errors.extend(
            f"{text.manifest_path}:{rule.line}: paragraph join at line {no} matches nothing: no paragraph or "
            "speaker turn begins there after another one (or after a document's opening lines) of the same page; "
            "correct or remove the entry"
            for no, rule in joins.items() if no not in used)
        edition.errors.extend(
            f"{text.manifest_path}:{rule.line}: paragraph break at line {no} matches nothing: line {no} is not "
            "inside a paragraph, and no paragraph beginning there would be joined to the one before; correct or "
            "remove the entry" for no, rule in breaks.items() if no not in breaks_used)
        close_memo(edition, memo)


JOINABLE = ("para", "turn")
EDITOR_JOINABLE_ONTO = JOINABLE + ("opener",)   # an editor may also join the end of a document's addressee lines
INTERRUPTION_RE = re.compile(r"(?<=[A-Za-z0-9,.!?…)\]\"'’”])-$")


def interrupted_speech(block: Block, following: Block | None) -> bool:
    """Does a speech end on the dash of an interruption ("I've read many verdicts-")?

    The print marks a speaker who trails off or is cut short by a dash (the Note on the Documents says
    so); the OCR read it as a hyphen.  A turn ending so, or a paragraph ending so before the next
    speaker's turn, ends on that dash (a line-end hyphen inside a word was joined by now).

    >>> from edition.model import Loc
    >>> b = lambda kind, s: Block(kind, s, Loc("x", 1))
    >>> interrupted_speech(b("turn", "Mikoyan: And of Khandzhian-"), b("turn", "Stalin: And of ..."))
    True
    >>> interrupted_speech(b("para", "I had participated in this affair-"), b("turn", "A voice: I read"))
    True
    >>> interrupted_speech(b("para", "the Azov-"), b("para", "Black Sea territory")), \\
    ...     interrupted_speech(b("turn", "Bukharin: The so-called"), None)
    (False, False)
    """
    if block.kind == "turn" or (block.kind == "para" and following is not None and following.kind == "turn"):
        return bool(INTERRUPTION_RE.search(plain(block.text).rstrip()))
    return False


def _dash_at_end(text: str) -> str:
    """Set the final hyphen of ``text`` (before any trailing tokens) as an em dash."""
    end = _end_before_tokens(text.rstrip())
    return text[:end - 1] + "—" + text[end:] if end and text[end - 1] == "-" else text


def vocabulary_lines(text, unit=None):
    """The paragraphs a text's (or one unit's) hyphenation evidence is counted from here (see ``Vocabulary``)."""
    return (b.plain() for u in ([unit] if unit else text.units) for b in u.blocks if b.kind == "para")


def _tail(block: Block) -> str:
    return plain(block.text).rstrip()


def continues(a: Block, b: Block, evidence: "SentenceEvidence" = NO_EVIDENCE) -> bool:
    """Does paragraph ``b`` continue paragraph ``a`` across a former page break?

    >>> from edition.model import Loc
    >>> p = lambda s: Block("para", s, Loc("x", 1))
    >>> continues(p("to a non-Russian readership the"), p("results of new research"))
    True
    >>> continues(p("It ended here."), p("then another"))
    False
    >>> continues(p("the exiled Kurnatovskiy met with the"), p("Lenin in Minusinsk."))
    True
    >>> continues(p("He was dead"), p("Besides the back entrance"))
    False
    >>> continues(p("the [political]"), p("platform of the right"))
    True
    >>> continues(p("Thus the Azov-"), p("Black Sea territory"))
    True
    >>> continues(p("of the Council of People's"), p("Commissars of the USSR"))
    True
    >>> continues(p("REPORT ON THE PROGRESS AND PRELIMINARY"), p("RESULTS OF THE STUDY"))
    True
    >>> continues(p("Secretary of the CC I. Stalin"), p("Such language suggests"))
    False
    >>> continues(p('he said "no."'), p("then they left"))
    False
    >>> continues(p("Incomplete Combine-Harvesters to MTS [Machine Tractor"), p("Stations] and State Farms"))
    True
    >>> continues(p("he was beginning a hunger strike on 21"), p("February to protest"))
    True
    >>> continues(p("and had frequently signed"), p("Politburo decisions. A decisive factor"))
    True
    >>> continues(p("There was no one in them to teach"), p("Not only communists suffered."))
    False
    >>> continues(p("remember kindly your wretched"), p("N. Bukharin 10 December 1937"))
    False
    """
    return bool(join_reason(a, b, evidence))


def join_reason(a: Block, b: Block, evidence: "SentenceEvidence" = NO_EVIDENCE) -> str:
    """Why ``b`` continues ``a`` ("" if it does not): lowercase, hyphen, comma, ..., capital-<evidence>."""
    if a.kind not in ("para", "turn") or b.kind != "para":
        return ""
    tail, head = _tail(a), plain(b.text).lstrip()
    if not tail or not head:
        return ""
    if tail.endswith("-") and tail[-2:-1].isalpha():
        if head[:1].islower():
            return "hyphen"
        piece = LAST_WORD_RE.search(tail)  # "the Azov-" + "Black Sea": a compound of names
        return "hyphen-names" if piece and piece.group(1)[:1].isupper() and head[:1].isupper() else ""
    if tail.rstrip(CLOSERS).endswith(SENTENCE_END) or tail.endswith("--"):
        return ""
    if tail.endswith(tuple(CLOSERS)):
        return "lowercase" if head[:1].islower() else ""           # "... the [political]" + "platform of ..."
    if head[:1].islower():
        return "lowercase"
    if not head[:1].isupper():
        return ""
    last_word = tail.rsplit(None, 1)[-1]
    first_word = head.split(None, 1)[0]
    if tail.endswith(",") or last_word.lower() in NON_FINAL_WORDS:
        return "non-final-word"
    if last_word.endswith(("'s", "’s")):                           # "Council of People's" + "Commissars"
        return "possessive"
    if _caps(last_word) and _caps(first_word):                     # a capitals title cut by the page
        return "capitals"
    why = capital_evidence(tail, head, evidence)
    return f"capital-{why}" if why else ""


def capital_evidence(tail: str, head: str, evidence: "SentenceEvidence") -> str:
    """Evidence that ``tail`` cannot end a sentence before a capitalised ``head`` ("" if none)."""
    if _closes_open_bracket(tail, head):
        return "bracket"
    last = tail.rsplit(None, 1)[-1]
    words = head.split()
    first = words[0].strip(",.;:!?")
    if re.fullmatch(r"(?:[1-9]|[12]\d|3[01])", last) and first in MONTHS:
        return "date"
    if _proper_phrase(last, first, words, evidence):
        return "name-phrase"
    if PATRONYMIC_RE.fullmatch(first) and re.fullmatch(r"[A-Z][a-z]+", last):
        return "patronymic"                                     # "Nikolai" + "Ivanovich [Yezhov]."
    if not (last.isalpha() and last.islower()):
        return ""
    if _person_opens(words, evidence) and not (_open_quotation(tail) and not re.search('["”]', head[:120])):
        return "person"                                         # "Or why" + "Slepkov should be lying"
    if last in TITLE_WORDS and any(evidence.person(w.strip(",.;:'’s")) for w in words[:2]):
        return "title"
    if evidence.never_final(last) and (last.endswith("ing") or evidence.follows(last, first) >= 2):
        return "never-final"
    fragment = re.match(r"([^.!?]*?)\.(?:\s|$)", head)
    piece = fragment.group(1).split() if fragment else []
    if (0 < len(piece) <= 3 and all(re.fullmatch(r"[A-Za-z][a-z'’-]+", w) for w in piece)
            and (len(piece) > 1 or evidence.person(piece[0]))    # "Later." may stand alone; "Kirov." not
            and first.lower() not in SHORT_SENTENCES):     # not "V. For ...", not a signature "N. Bukharin"
        return "fragment"
    return ""


# Words a sentence starts with, never the second half of a name: "Moscow" + "The ..." is no "Moscow The".
SENTENCE_STARTERS = NON_FINAL_WORDS | frozenset("""i he she it we they you there here then thus so yet when
    while if although though since because after before once now later also however""".split())
PATRONYMIC_RE = re.compile(r"[A-Z][a-z]+(?:ovich|evich|ich|ovna|evna|ichna)")
LABEL_RE = re.compile(r"[A-Z][\w-]*(?: [A-Za-z][\w-]*)?:\s")
NAME_WORD_RE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?")


def _proper_phrase(last: str, first: str, words: list[str], evidence: "SentenceEvidence") -> bool:
    """The tail ends inside a name that the text prints whole elsewhere: "the Central" + "Committee",
    "the Ivanovo" + "Industrial Region", "Party Control" + "Commission".

    Both words capitalised; the continuation is no label ("Candidate members:") and does not start
    with a word that opens sentences; the pair occurs at least twice elsewhere, as printed, and more
    often than the first word ends a sentence.
    """
    if not (NAME_WORD_RE.fullmatch(last) and NAME_WORD_RE.fullmatch(first)):
        return False
    if first.lower() in SENTENCE_STARTERS or LABEL_RE.match(" ".join(words[:3])):
        return False
    pairs = evidence.follows_exact(last, first)
    return pairs >= 2 and pairs > evidence.final(last)


def _person_opens(words: list[str], evidence: "SentenceEvidence") -> bool:
    """The continuation opens with a registered person's family name, written out ("Slepkov should",
    "Com. Beria's people", "Comrade Postyshev speak"), not a signature ("N. Bukharin") or a label."""
    if not words or LABEL_RE.match(" ".join(words[:3])):
        return False
    name = words[1] if words[0] in ("Com.", "Comrade") and len(words) > 1 else words[0]
    name = re.sub(r"(?:'s|’s)$", "", name).rstrip(",;")
    return bool(NAME_WORD_RE.fullmatch(name)) and evidence.person(name)


def _open_quotation(tail: str) -> bool:
    """A quotation is still open at the end of ``tail``: unless the continuation closes it soon, it may
    end there with its closing mark lost ("... which he formed then" + "Stalin did not behave").

    >>> _open_quotation('"Filipp told me ... Stalin "received" him ... formed then'), _open_quotation("Or why")
    (True, False)
    """
    return tail.count('"') % 2 == 1 or tail.count("“") > tail.count("”")


def _closes_open_bracket(tail: str, head: str) -> bool:
    """A bracket or quotation mark opened near the end of ``tail`` is closed early in ``head``."""
    for left, right in BRACKETS:
        i = tail.rfind(left)
        if i < 0 or right in tail[i:] or len(tail) - i > 80:
            continue
        j = head.find(right)
        if 0 <= j <= 120 and left not in head[:j] and not re.search(r"[.!?]\s", head[:j]):
            return True
    # a straight quotation mark: an odd count in the tail opens one near its end, closed early in the head
    i = tail.rfind('"')
    if tail.count('"') % 2 == 1 and len(tail) - i <= 80 and tail[i + 1:i + 2].isalpha():
        j = min((k for k in (head.find('"'), head.find("”")) if k >= 0), default=-1)
        return 0 <= j <= 120 and not re.search(r"[.!?]\s", head[:j])
    return False


def _person_lookup(edition: Edition):
    """``word -> bool``: a registered person's family name (evidence for a title before a name)."""
    from ..persons import shared_register
    reg = shared_register(edition)
    return (lambda word: bool(word[:1].isupper() and reg.candidates(word))) if reg else (lambda word: False)


ITEM_NUMBER_RE = re.compile(r"(\d+)[.)] ")


def list_continues(a: Block, b: Block) -> bool:
    r"""A numbered list cut by a page break (a footnote between): ``b`` goes on where ``a`` stopped.

    >>> from edition.model import Loc
    >>> l = lambda s: Block("list", s, Loc("x", 1))
    >>> list_continues(l("1. Trotsky, All books\n2. G. Zinoviev, Leninism"), l("3. L. Kamenev, On NEP"))
    True
    >>> list_continues(l("1. a\n2. b"), l("1. c"))
    False
    """
    if a.kind != "list" or b.kind != "list":
        return False
    last = ITEM_NUMBER_RE.match(plain(a.text).rsplit("\n", 1)[-1])
    first = ITEM_NUMBER_RE.match(plain(b.text))
    return bool(last and first) and int(first.group(1)) == int(last.group(1)) + 1


def _caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _merge(a: Block, b: Block, own, corpus, keep, join) -> str:
    """Join ``b`` to ``a``; return the hyphen decision ("join"/"keep") if a word was broken, else ""."""
    tail = _tail(a)
    decision = ""
    text_a = a.text.rstrip()
    text_b = b.text.lstrip()
    if tail.endswith("-") and tail[-2:-1].isalpha():
        first = LAST_WORD_RE.search(tail)
        second = FIRST_WORD_RE.match(plain(text_b))
        decision = join_decision(first.group(1), second.group(1), own, corpus, keep, join) \
            if first and second else "join"
        a.text = (text_a if decision == "keep" else _drop_last_hyphen(text_a)) + text_b
    else:
        a.text = f"{text_a} {text_b}"
    a.line_end = max(a.line_end, b.line_end)
    a.attrs.setdefault("joined", []).append(b.loc.line)
    return decision


def _drop_last_hyphen(s: str) -> str:
    """Remove the final ``-`` of ``s``, skipping trailing tokens."""
    end = _end_before_tokens(s)
    i = s.rfind("-", 0, end)
    return s[:i] + s[i + 1:] if i >= 0 else s


def _end_before_tokens(s: str) -> int:
    """Where the text of ``s`` ends, before any tokens that close it."""
    end = len(s)
    while True:
        m = None
        for m in TOKEN_RE.finditer(s[:end]):
            pass
        if m is not None and m.end() == end:
            end = m.start()
            continue
        return end
