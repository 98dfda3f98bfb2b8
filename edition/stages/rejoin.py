"""Stage ``rejoin``: join paragraphs a former page break cut in two.

Two neighbouring prose paragraphs of one unit are one paragraph when the
first ends mid-word (a line-end hyphen) or mid-sentence and the second goes
on.  Running heads, page numbers, ``Document N continued`` heads and footnote
blocks that stood between the halves were removed by earlier stages, so the
halves are neighbours here.  A paragraph that ends without punctuation before
a heading, a table, a list or verse is left alone (only para + para join).

    "... it is an attempt to bring to a non-Russian readership the" + "results of new research ..."
    -> "... to a non-Russian readership the results of new research ..."
    "... who have access to unpublished or recently-" + "published documents ..."
    -> "... unpublished or recently-published documents ..."   (hyphen kept on evidence)
"""
from __future__ import annotations

import re

from ..clean.hyphenation import join_decision, shared_vocabularies
from ..model import TOKEN_RE, Block, Edition, plain

SENTENCE_END = tuple(".!?:;…")
CLOSERS = "\"”’')]*"
# A paragraph never ends on one of these words, so a capitalised next paragraph continues it.
NON_FINAL_WORDS = frozenset("""a an the of and or but nor to in into on upon at by for from with without within
    that which whom whose who his her its their our my your as than between about after before during against
    under over among through toward towards were was is are be been being had has have not no this these those
    such both either neither each every comrade comrades""".split())
LAST_WORD_RE = re.compile(r"([A-Za-z\u00C0-\u024F]+)-$")
FIRST_WORD_RE = re.compile(r"^([A-Za-z\u00C0-\u024F]+)")


def run(edition: Edition) -> None:
    own_vocabularies, corpora = shared_vocabularies(edition, "rejoin", vocabulary_lines)
    for text in edition.texts:
        own, corpus = own_vocabularies[text.slug], corpora[text.slug]
        keep = frozenset(w.lower() for w in text.manifest["hyphen_keep"])
        join = frozenset(w.lower() for w in text.manifest["hyphen_join"])
        for unit in text.units:
            out: list[Block] = []
            for block in unit.blocks:
                if out and continues(out[-1], block):
                    decision = _merge(out[-1], block, own, corpus, keep, join)
                    text.report.count("page-break-rejoined")
                    if decision:
                        text.report.count(f"line-end-hyphen-{decision}")
                else:
                    out.append(block)
            unit.blocks = out


def vocabulary_lines(text):
    """The paragraphs a text's hyphenation evidence is counted from here (see ``Vocabulary``)."""
    return (b.plain() for u in text.units for b in u.blocks if b.kind == "para")


def _tail(block: Block) -> str:
    return plain(block.text).rstrip()


def continues(a: Block, b: Block) -> bool:
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
    """
    if a.kind != "para" or b.kind != "para":
        return False
    tail, head = _tail(a), plain(b.text).lstrip()
    if not tail or not head:
        return False
    if tail.endswith("-") and tail[-2:-1].isalpha():
        if head[:1].islower():
            return True
        piece = LAST_WORD_RE.search(tail)  # "the Azov-" + "Black Sea": a compound of names
        return bool(piece) and piece.group(1)[:1].isupper() and head[:1].isupper()
    if tail.rstrip(CLOSERS).endswith(SENTENCE_END) or tail.endswith("--"):
        return False
    if tail.endswith(tuple(CLOSERS)):
        return head[:1].islower()           # "... the [political]" + "platform of ..."
    if head[:1].islower():
        return True
    last_word = tail.rsplit(None, 1)[-1]
    first_word = head.split(None, 1)[0]
    if not head[:1].isupper():
        return False
    return (tail.endswith(",") or last_word.lower() in NON_FINAL_WORDS
            or last_word.endswith(("'s", "’s"))                       # "Council of People's" + "Commissars"
            or (_caps(last_word) and _caps(first_word)))             # a capitals title cut by the page


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
    end = len(s)
    while True:
        m = None
        for m in TOKEN_RE.finditer(s[:end]):
            pass
        if m is not None and m.end() == end:
            end = m.start()
            continue
        break
    i = s.rfind("-", 0, end)
    return s[:i] + s[i + 1:] if i >= 0 else s
