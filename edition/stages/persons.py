"""Stage ``persons``: find the register's persons in every passage and link them.

Loads ``texts/persons.yml`` into ``edition.persons``, runs the matcher of
``edition.persons`` once over each passage (unit blocks, table cells and
note paragraphs), wraps every resolved name in person tokens, records a
``Mention`` for the person pages, and puts every name it cannot resolve on
the review list (a ``W-PERSON-AMBIGUOUS`` diagnostic with its source line).

A name in an italic span (the title of a cited work, *Inoy Stalin*) is not a
mention: it is counted (``person-name-in-title``) and left unlinked.

    Block(text="Yezhov met A. P. Smirnov at the Kirov Plant.")
    -> "<person:yezhov-nikolai>Yezhov</person> met <person:smirnov-aleksandr>A. P. Smirnov</person>
        at the Kirov Plant."    (tokens shown as <...>; "Kirov Plant" is a place)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..memo import Memo, ReportLog, close_memo, content_key, open_memo
from ..model import TOKEN_OPEN, TOKEN_RE, Block, Edition, Loc, Mention, Text, Unit, token
from ..persons import REGISTER_PATH, Match, Register, RegisterError, find_mentions, load_register, unused_overrides
from ..pipeline import BuildError
from .load import HINT

CITATION_UNITS = re.compile(r"bibliograph|works cited|references|sources|notes", re.I)
SNIPPET = 50


def run(edition: Edition) -> None:
    try:
        reg = edition.persons if isinstance(edition.persons, Register) else load_register(edition.root)
    except RegisterError as exc:
        raise BuildError(exc.messages, hint=HINT) from None
    except FileNotFoundError:
        raise BuildError(f"{REGISTER_PATH}: missing; the register of persons is required",
                         hint="restore texts/persons.yml (an edition without an index of persons has a "
                         "register with no entries: `persons: []`)") from None
    edition.persons = reg
    for text in edition.texts:
        lines = {ln.no: ln.text for ln in text.lines}
        memo = open_memo(edition, "persons", text.slug)
        for unit in text.units:
            if not unit.drop:
                _apply(_linked_unit(text, unit, reg, lines, memo), edition, text, unit)
        close_memo(edition, memo)
    known = set(edition.options.get("known_texts") or (t.slug for t in edition.texts))
    edition.errors.extend(unused_overrides(reg, known, {t.slug for t in edition.texts}))


@dataclass
class _Linked:
    """What linking one unit makes, in the unit's passage order (``_passages``): each passage's
    linked text (or table rows), its mentions, the report's entries and the overrides applied.
    Positions and line numbers only, so a memo's copy applies to the blocks of a later build."""

    contents: list = field(default_factory=list)      # per passage: str, or rows
    mentions: list = field(default_factory=list)      # (passage, person, surface, snippet, line, in_note)
    log: ReportLog = field(default_factory=ReportLog)
    overrides: list = field(default_factory=list)     # register override keys applied


def _passages(unit: Unit) -> list[tuple[Block, bool, int]]:
    """(block, in a note, discourse) for every passage of a unit: the body's blocks share one
    discourse (a name resolved once stays resolved), each note is a discourse of its own."""
    out = [(block, False, 0) for block in unit.blocks]
    for n, note in enumerate(unit.notes, start=1):
        out.extend((block, True, n) for block in note.blocks)
    return out


def _linked_unit(text: Text, unit: Unit, reg: Register, lines: dict[int, str], memo: Memo) -> _Linked:
    """Link one unit's passages, or take what a memo kept for the same register, passages and lines."""
    citation = bool(CITATION_UNITS.search(unit.title or ""))
    passages = _passages(unit)
    key = _unit_key(reg, text.slug, citation, passages, lines) if reg.digest and memo.active else None
    return memo.made(key, lambda: _link_unit(text, reg, lines, citation, passages))


def _unit_key(reg: Register, slug: str, citation: bool, passages, lines: dict[int, str]) -> str:
    """Everything linking a unit reads: the register, the text, whether the unit lists citations, and
    each passage (its text, its discourse, its witness lines, where the matcher looks a word up)."""
    described = [reg.digest, slug, citation]
    for block, in_note, discourse in passages:
        first, last = _Locator.span(block)
        described.append([in_note, discourse, first, last, block.text if block.rows is None else block.rows,
                          [lines.get(n, "") for n in range(first, last + 1)]])
    return content_key(described)


def _link_unit(text: Text, reg: Register, lines: dict[int, str], citation: bool, passages) -> _Linked:
    linked = _Linked()
    applied, reg.used_overrides = reg.used_overrides, set()      # record this unit's overrides alone
    try:
        memories: dict[int, dict] = {}
        for pos, (block, in_note, discourse) in enumerate(passages):
            memory = memories.setdefault(discourse, {})
            linked.contents.append(_link_block(text, block, pos, reg, lines, citation or in_note, memory,
                                               in_note, linked))
    finally:
        linked.overrides = sorted(reg.used_overrides)
        reg.used_overrides = applied | reg.used_overrides
    return linked


def _apply(linked: _Linked, edition: Edition, text: Text, unit: Unit) -> None:
    """Put a unit's linking into the tree, the mentions and the report (the same for a memo's copy)."""
    passages = _passages(unit)
    for (block, _, _), content in zip(passages, linked.contents):
        if block.rows is not None:
            block.rows = [list(row) for row in content]       # the memo's copy stays as it was
        else:
            block.text = content
    for pos, person, surface, snip, line, in_note in linked.mentions:
        edition.mentions.append(Mention(person=person, text_slug=text.slug, unit_slug=unit.slug,
                                        block=passages[pos][0], surface=surface, snippet=snip,
                                        loc=Loc(text.source_path, line), in_note=in_note))
    linked.log.replay(text.report)
    edition.persons.used_overrides.update(tuple(key) for key in linked.overrides)


def _link_block(text: Text, block: Block, pos: int, reg: Register, lines: dict[int, str], citation: bool,
                memory: dict, in_note: bool, linked: _Linked):
    """The block's text (or rows) with its persons linked; mentions and report entries go to ``linked``."""
    locate = _Locator(block, lines)
    if block.rows is not None:
        return [[_link_string(text, block, pos, cell, reg, locate, citation, memory, in_note, linked)
                 for cell in row] for row in block.rows]
    return _link_string(text, block, pos, block.text, reg, locate, citation, memory, in_note, linked)


def _link_string(text: Text, block: Block, pos: int, raw: str, reg: Register, locate, citation: bool,
                 memory: dict, in_note: bool, linked: _Linked) -> str:
    plain, index, blocked = plain_with_map(raw)
    if not plain.strip():
        return raw
    matches = without_overlaps(find_mentions(plain, reg, text_slug=text.slug, line=block.loc.line,
                                             citation_area=citation, where=locate, memory=memory))
    inserts: list[tuple[int, int, str]] = []
    titles = None
    for m in matches:
        line = m.line or block.loc.line
        loc = Loc(text.source_path, line)
        if m.person is None:
            if m.review:
                cands = ", ".join(m.candidates) or "-"
                linked.log.warn("W-PERSON-AMBIGUOUS", loc, f"'{m.surface}' not linked ({m.reason}; "
                                f"candidates: {cands})")
                linked.log.count("person-review")
            elif m.reason == "place":
                linked.log.count("person-name-as-place")
            continue
        if titles is None:
            titles = in_title(raw)
        if any(titles[m.start:m.end]):
            linked.log.count("person-name-in-title")      # "Inoy Stalin": a cited work, not a mention
            continue
        start, end = index[m.start], index[m.end - 1] + 1
        if end - start != m.end - m.start or any(blocked[m.start:m.end]):
            linked.log.warn("W-PERSON-AMBIGUOUS", loc, f"'{m.surface}' not linked (inside a link or split "
                            "by markup)")
            continue
        inserts.append((start, end, m.person))
        linked.mentions.append((pos, m.person, m.surface, snippet(plain, m.start, m.end), line, in_note))
        linked.log.count("person-mentions")
    for start, end, pid in reversed(inserts):
        raw = raw[:start] + token("person", pid) + raw[start:end] + token("/person") + raw[end:]
    return raw


def without_overlaps(matches: list) -> list:
    """Where two matches overlap, the longer one stands, the other is dropped (in text order).

    "the historian Bulat Sultanbekov": "Bulat Sultanbekov" (the historian), not also "Bulat" (a
    family name of the register) inside it, which would nest one link in the other.
    """
    longest_first = sorted(range(len(matches)), key=lambda i: (-(matches[i].end - matches[i].start), i))
    taken: list[tuple[int, int]] = []
    keep = set()
    for i in longest_first:
        m = matches[i]
        if all(m.end <= a or b <= m.start for a, b in taken):
            taken.append((m.start, m.end))
            keep.add(i)
    return [m for i, m in enumerate(matches) if i in keep]


def plain_with_map(raw: str) -> tuple[str, list[int] | range, list[bool] | "_NoLinks"]:
    """The reader-visible characters, the raw offset of each, and whether each
    lies inside a link span (where a person link would nest inside a link).

    >>> plain_with_map("a" + token("em") + "b")[:2]
    ('ab', [0, 7])
    """
    if TOKEN_OPEN not in raw:
        return raw, range(len(raw)), _NoLinks()
    chars: list[str] = []
    index: list[int] = []
    blocked: list[bool] = []
    depth = 0
    pos = 0
    for m in TOKEN_RE.finditer(raw):
        chars.append(raw[pos:m.start()])
        index.extend(range(pos, m.start()))
        blocked.extend([depth > 0] * (m.start() - pos))
        kind = m.group(1)
        if kind in ("link", "person"):
            depth += 1
        elif kind in ("/link", "/person") and depth:
            depth -= 1
        pos = m.end()
    chars.append(raw[pos:])
    index.extend(range(pos, len(raw)))
    blocked.extend([depth > 0] * (len(raw) - pos))
    return "".join(chars), index, blocked


def in_title(raw: str) -> list[bool]:
    """For each reader-visible character: does it lie in an italic span of two words or more?

    In these sources such spans are the titles of books and articles (*Inoy Stalin*, *Lubianka. Stalin
    i VChK*, *Stalin's Letters to Molotov*), so a name inside them is no mention; a single italic word
    is emphasis (*Yezhov*) and stays a mention.

    >>> in_title("see " + token("em") + "Inoy Stalin" + token("/em") + " now")[4:16]
    [True, True, True, True, True, True, True, True, True, True, True, False]
    >>> any(in_title("to " + token("em") + "Yezhov" + token("/em")))
    False
    """
    out: list[bool] = []
    pos = 0
    span_start = None
    for m in TOKEN_RE.finditer(raw):
        out.extend([False] * (m.start() - pos))
        if m.group(1) == "em" and span_start is None:
            span_start = len(out)
        elif m.group(1) == "/em" and span_start is not None:
            span = TOKEN_RE.sub("", raw)[span_start:len(out)]
            if len(span.split()) >= 2:
                out[span_start:] = [True] * (len(out) - span_start)
            span_start = None
        pos = m.end()
    out.extend([False] * (len(raw) - pos))
    return out


class _NoLinks:
    """``blocked`` for a string without tokens: nothing is inside a link."""

    def __getitem__(self, item):
        return [] if isinstance(item, slice) else False


def snippet(plain: str, start: int, end: int, width: int = SNIPPET) -> str:
    """A short context: ``… the arrest of Yezhov's deputies …`` (whole words)."""
    a = max(0, start - width)
    b = min(len(plain), end + width)
    if a > 0:
        a = plain.find(" ", a, start) + 1 or a
    if b < len(plain):
        cut = plain.rfind(" ", end, b)
        b = cut if cut > 0 else b
    text = " ".join(plain[a:b].split())
    return ("… " if a > 0 else "") + text + (" …" if b < len(plain) else "")


class _Locator:
    """Source line of a word in a passage: the first line from the previous
    find onward (within the passage's lines) that prints the word, whole or
    broken by a line-end hyphen ("Denis- -" / "kevich")."""

    def __init__(self, block: Block, lines: dict[int, str]):
        self.first, self.last = self.span(block)
        self.cursor = self.first
        self.lines = lines

    @staticmethod
    def span(block: Block) -> tuple[int, int]:
        """The witness lines the locator reads for a block: its first to its last."""
        return block.loc.line, max(block.line_end or block.loc.line, block.loc.line)

    def __call__(self, offset: int, word: str) -> int:
        probe = word[:6] if len(word) > 6 else word
        for no in range(self.cursor, self.last + 1):
            text = self.lines.get(no, "")
            if probe in text:
                self.cursor = no
                return no
            if self._broken(text, no, word):
                self.cursor = no + 1            # the word ends on the next line; later words start there
                return no
        return self.cursor

    def _broken(self, text: str, no: int, word: str) -> bool:
        if not text.rstrip().endswith("-"):
            return False
        head = re.sub(r"[-\s]+$", "", text)
        m = re.search(r"(\w{2,})$", head)
        if not m or not word.startswith(m.group(1)):
            return False
        rest = word[len(m.group(1)):]
        return bool(rest) and self.lines.get(no + 1, "").lstrip(" -").startswith(rest[:4])


def review_list(edition: Edition) -> list[str]:
    """Every unresolved mention, ``file:line: message``, for the editor."""
    return [str(d) for t in edition.texts for d in t.report.diagnostics if d.code == "W-PERSON-AMBIGUOUS"]
