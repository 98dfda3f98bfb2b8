"""Page-bottom footnotes (style ``page-footnotes``, Getty): link markers and notes.

The ``footnotes`` stage cut each unit's footnotes out of the running text
(``text.raw_notes``, each with its number in the unit).  Here they become the
unit's ``Note``s, and their markers are found in the running text.  The OCR
damaged the markers as much as the note numbers: digits glued to words and
quotes, a year and a note number run together in a Document title, letters
read for digits, a superscript 1 read as a quote mark:

    "... turned revolution-aries into dictators.'"      -> note 1  (' read for 1)
    "... decree of 10 January 1939.2These procedures"    -> note 2
    "Rykov's speech ..., 4 December 193611"              -> note 11 (1936 + 11)
    "the "algebra" of confession.37According to"         -> note 37

Each such spot is a *candidate* with the numbers it can be read as.  The
choice is made for the whole unit at once, by dynamic programming: markers
and notes are matched in order (marker k comes after marker k-1), a marker
stands above its note on the same page (within ``WINDOW`` witness lines), and
clean readings outweigh doubtful ones.  The chosen marker is replaced by a
``note`` token (its digits leave the text); a clean candidate for a number
whose note the OCR lost becomes a flagged ``orphan`` token.  Notes without a
marker stay, unanchored, at the end of the unit.

    >>> from edition.model import Block, Loc
    >>> b = Block("para", "of confession.37According to", Loc("s.txt", 10), line_end=10)
    >>> [(c.text, sorted(c.readings)[:3]) for c in find_candidates([b])]
    [('37', [7, 17, 27])]
    >>> b = Block("para", "into dictators.' Indeed", Loc("s.txt", 10), line_end=10)
    >>> [(c.text, len(c.readings)) for c in find_candidates([b])]       # any number: its place decides
    [("'", 199)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..clean.ocr_digits import readings
from ..memo import Memo, close_memo, content_key, open_memo
from ..model import Block, Edition, Line, Text, Unit, token
from . import core

WINDOW = 60          # a footnote is printed at most this many witness lines below its marker (a page)
_LOOK = "0-9IlzZgjJSsrtoOB!°'’~"    # characters a printed note number comes out as
_AFTER = r"""(?=[\s.,;:!?"'’”)\]A-Z-]|$)"""
# Digits glued to a word or a mark: "regime.2", "confession.37According", "rials.\"3".
GLUED_RE = re.compile(r"""(?<=[A-Za-z\u00C0-\u024F.,;:!?"'’”)\]*°])(?P<lab>\d{1,3})(?:(?P<tail>['’])(?=[A-Za-z])|"""
                      r"""(?P<tail2>['’]?)""" + _AFTER + ")")
# Look-alike characters glued after a mark: "regime.z", "trustworthy.\"l0The", "seen.\"'3" (13).
LOOKALIKE_RE = re.compile(rf"""(?<=[.,;:!?"'’”)\]])(?P<lab>[{_LOOK}]{{1,3}})""" + _AFTER)
# A year and a note number run together, maybe with a bracket between: "193611", "1932Iz4" (1932] 24).
YEAR_RE = re.compile(rf"""(?<![\d.])1[89]\d[\dSsOoIlzgj](?P<lab>[\]I1l)]?[{_LOOK}]{{1,2}})""" + _AFTER)
# ... or with the year's last digit and the note's tens digit merged into one letter: "193V6" (1935, 56).
MERGED_YEAR_RE = re.compile(r"""(?<![\d.])1[89]\d[VW](?P<lab>\d)""" + _AFTER)
# A marker read as tildes, with the OCR's spaces: "1 9 3 4 . ~ ~" (25), "r ~ b l e s . ~ 3" (43).
TILDE_RE = re.compile(r"""(?<=[.,;:!?"'’”)\]])(?P<lab> ?~(?: ?[~'’0-9IlzgjSsrtoO]){0,2})(?=\s|$)""")
# Digits the OCR spaced apart after a quote or a full stop: '(old ' ' ) . " 3 1 Trotsky' (31).
SPACED_RE = re.compile(r"""(?<=[.;:!?"'’”)\]]) (?P<lab>\d(?: \d){1,2})(?= [A-Z]|$)""")
# Junk where the source marker of a Document's title stood: 'January 1933"', 'specialist^^^'.
TITLE_END_RE = re.compile(r"""(?P<lab>["'’”^*~°]+)$""")
# A superscript number read as a bare quote mark after the end of a sentence: "dictators.'"
QUOTE_RE = re.compile(r"""(?<=[.,;:!?])(?P<lab>')(?=\s|$)|(?<=[.,;:!?]")(?P<lab2>')(?=\s|[A-Z]|$)""")

# Base score of a candidate kind (how sure a reading of this kind is).
SCORES = {"glued": 10.0, "year-title": 9.0, "lookalike": 6.0, "year-lookalike": 5.0, "year": 4.0, "quote": 3.0,
          "title-end": 3.0}
TENS_LOST = 1.5      # score of a reading that supposes a lost or misread tens digit
TITLE_LOST = 1.0     # a Document title's source marker supposed lost at its end
TITLE_MISREAD = 2.0  # ... or printed there with its number misread
NEAR = 2.0           # bonus for a marker close above its note
ANY = frozenset(range(1, 200))   # a mark that may stand for any number (its place decides)


@dataclass
class Candidate:
    """A spot in a block that may be a note marker, with every number it may be read as.

    ``options`` maps a number to ``(score, start, end)``: how sure that reading
    is and which characters are the marker under it (``'3`` read as 13 spans
    two characters, ``3`` read as 3 one).
    """

    block: Block
    start: int
    end: int
    options: dict
    line: int = 0        # witness line it is printed on

    @property
    def text(self) -> str:
        return self.block.text[self.start:self.end]

    @property
    def readings(self) -> frozenset:
        return frozenset(self.options)

    def sure(self, number: int) -> bool:
        score = self.options.get(number, (0.0,))[0]
        return score >= SCORES["year-title"]


def marker_readings(label: str) -> frozenset[int]:
    """Numbers a printed marker may stand for; a quote mark inside it may be any digit.

    >>> sorted(marker_readings("l0")), sorted(marker_readings("'3"))[:3]
    ([10], [3, 13, 23])
    """
    values = {0}
    for ch in label:
        if ch in "'’~":
            options = range(10)
        elif ch == "°":
            options = (0,)
        elif ch == "S":
            options = (5, 8)
        else:
            options = readings(ch)
            if not options:
                return frozenset()
        values = {v * 10 + d for v in values for d in options}
    return frozenset(v for v in values if 0 < v < 200)


def find_candidates(blocks: list[Block]) -> list[Candidate]:
    """Every spot in the blocks that may be a note marker, in reading order."""
    out: list[Candidate] = []
    for block in blocks:
        if block.rows is not None or not block.text:
            continue
        out.extend(_spots(block, list(_with_lost_tens(block.text, _normalised(_readings(block))))))
    return out


def _readings(block: Block):
    """``(start, end, score, numbers)`` for every way a marker may be printed in the block."""
    s = block.text
    for m in GLUED_RE.finditer(s):
        if _not_a_marker(s, m.start("lab"), m.group("lab")):
            continue
        yield m.start("lab"), m.end("lab"), SCORES["glued"], frozenset({int(m.group("lab"))})
        if len(m.group("lab")) == 3:            # "distribution119": a bracket or a stray mark + 19
            yield m.start("lab") + 1, m.end("lab"), SCORES["lookalike"], frozenset({int(m.group("lab")[1:])})
        tail = m.group("tail") or m.group("tail2")
        if tail:                                # "Procuracy3'": 3 and a quote, or 31, 32 ...
            yield m.start("lab"), m.end("lab") + 1, SCORES["lookalike"], marker_readings(m.group("lab") + "'")
    for at in unmatched_quotes(s):              # 'the sentences." The death ...': no quotation open
        yield at, at + 1, SCORES["quote"], ANY
    for m in LOOKALIKE_RE.finditer(s):
        lab = m.group("lab")
        if lab.isdigit() or _not_a_marker(s, m.start("lab"), lab) or not marker_readings(lab):
            continue
        yield m.start("lab"), m.end("lab"), SCORES["lookalike"], marker_readings(lab)
    title = block.kind == "document"
    for m in YEAR_RE.finditer(s):
        lab, start, end = m.group("lab"), m.start("lab"), m.end("lab")
        variants = [(lab, start)]
        if len(lab) > 1 and lab[0] in "]I1l)":
            variants.append((lab[1:], start + 1))
        for var, at in variants:
            if var in ("s", "os"):                       # "the 1920s", "192os": a decade
                continue
            if var.isdigit():
                kind = "year-title" if title else "year"
            else:
                kind = "year-lookalike" if title else "quote"
            yield at, end, SCORES[kind], marker_readings(var)
    for m in MERGED_YEAR_RE.finditer(s):
        units = int(m.group("lab"))
        yield m.start("lab") - 1, m.end("lab"), SCORES["year-lookalike"], \
            frozenset(t * 10 + units for t in range(1, 20) if t * 10 + units < 200)
    for m in QUOTE_RE.finditer(s):
        group = "lab" if m.group("lab") else "lab2"
        yield m.start(group), m.end(group), SCORES["quote"], ANY
    for m in SPACED_RE.finditer(s):
        yield m.start("lab"), m.end("lab"), SCORES["lookalike"], frozenset({int(m.group("lab").replace(" ", ""))})
    for m in TILDE_RE.finditer(s):
        values = marker_readings(m.group("lab").replace(" ", "").replace("~", "'"))
        yield m.start("lab"), m.end("lab"), SCORES["lookalike"] - 1, values
    if block.kind == "document":
        yield from _title_end(s)


def _title_end(s: str):
    """Every Document title carries the note that gives its source, at its end.

    Where the OCR left junk there (``1933"``), that is a candidate for any
    number; look-alikes glued to the last word (``Yezhovz``, ``Stalins3``,
    ``plenumzs``) are read as digits; where it left nothing at all after a
    word, the end itself is a (weaker) candidate.
    """
    s = s.rstrip()
    m = TITLE_END_RE.search(s)
    if m:
        yield m.start("lab"), m.end("lab"), SCORES["title-end"], ANY, True
        return
    last = s.rsplit(None, 1)[-1] if s else ""
    misread = re.search(r"(?:(?<=[a-z])|(?<=1[89]\d\d))[0-9SZIOJB'’°+~!]{1,3}$", s)
    if misread:                 # "Railroad21" where note 22 is due: the marker, its number misread
        yield misread.start(), len(s), TITLE_MISREAD, ANY, True
    if not last[:1].isalpha():
        return
    suffix = re.search(rf"[{_LOOK}]{{1,3}}$", last)
    if suffix and not re.search(r"[0-9zZSIJB'’]", suffix.group()):
        suffix = None                   # "procurators": letters of the word, not a marker
    if suffix and suffix.start() >= 3 and not last[suffix.start():].isdigit():
        for cut in range(suffix.start(), len(last)):
            values = marker_readings(last[cut:])
            if values:
                yield len(s) - len(last) + cut, len(s), SCORES["title-end"], values, True
    if last.isalpha():
        yield len(s), len(s), TITLE_LOST, ANY, True


def unmatched_quotes(s: str) -> list[int]:
    """Closing double quotes that close nothing: a superscript number read as a quote mark.

    >>> unmatched_quotes('he said "no." Then the sentences." The end')
    [33]
    >>> unmatched_quotes('"revolutionary legality."" Bolsheviks')
    [25]
    """
    out, open_ = [], False
    for i, ch in enumerate(s):
        if ch != '"':
            continue
        before, after = s[i - 1:i], s[i + 1:i + 2]
        closing = bool(before) and (before in ".,;:!?'" or before.isalnum()) and (not after or not after.isalnum())
        if open_ and closing:
            open_ = False
        elif closing and before in ".;:!?\"" or before == '"':
            out.append(i)
        else:
            open_ = not open_ if not closing else open_
    return out


def _not_a_marker(s: str, start: int, lab: str) -> bool:
    """Spots that look like markers but are text: a decimal (``192.7``), ``VKP(b1`` for VKP(b),
    an apostrophe in a word (``won't``, ``vozhd'l``), the pronoun I after an opening quote."""
    before = s[max(0, start - 2):start]
    after = s[start + len(lab):start + len(lab) + 2]
    if before[-1:] == "," and before[:1].isdigit() and len(lab) == 3:      # 400,000
        return True
    if before[-1:] == "." and not (before[:1].isalpha() or _among(before[:1], "\"'’”)]")):
        if not before[:1].isdigit() or _among(after[:1], "-%") or after[:1].isdigit() \
                or after[:1] == " " and after[1:2].islower():   # 9.1 percent, +.552
            return True
    if lab in ("l", "ll", "I", "II", "1", "11") and after[:1] == "." and _among(before[-1:], ", "):
        return True                                       # folio: "d. 47, l. 3"
    if before == "(b" or before in ("b)", "b]") and not lab.isdigit():
        return True
    if not any(ch.isdigit() for ch in lab):
        if _among(before[-1:], "'’") and before[:1].isalpha():
            return True
        if lab == "I" and _among(before[-1:], "\"'“‘") and s[start + 1:start + 2] == " " and (
                start < 2 or not s[start - 2].isalpha() and s[start - 2] not in ".,;:!?"):
            return True
    return False


def _normalised(found):
    """Readings as ``(start, end, score, numbers, source_only)``; ``source_only``: a guess
    at a Document title's end, good only for a note that gives a source."""
    for r in found:
        yield r if len(r) == 5 else (*r, False)


def _with_lost_tens(s: str, found):
    """Add, weakly, the readings of a marker whose tens digit the OCR lost or misread
    (``Plenumz2`` for 22, ``193716`` for 1937 + 56).  Not after ``;``, ``,`` or ``:``,
    where a lone digit is rather an item of a list."""
    for start, end, score, numbers, source_only in found:
        yield start, end, score, numbers, source_only
        if _among(s[start - 1:start], ";,:") and end - start == 1:
            continue
        if score >= SCORES["year"] and len(numbers) == 1:
            (n,) = numbers
            if n < 100:
                yield start, end, TENS_LOST, frozenset(t * 10 + n % 10 for t in range(0, 20)
                                                       if 0 < t * 10 + n % 10 < 200) - {n}, False


def _among(ch: str, chars: str) -> bool:
    """``ch`` is one of ``chars`` (an empty string is none of them)."""
    return bool(ch) and ch in chars


def _spots(block: Block, found) -> list[Candidate]:
    """Group overlapping readings into spots; a spot keeps the best score per number."""
    found = sorted(found, key=lambda r: (r[0], r[1]))
    spots: list[Candidate] = []
    for start, end, score, numbers, source_only in found:
        if spots and start < spots[-1].end:
            spot = spots[-1]
            spot.end = max(spot.end, end)
        else:
            spot = Candidate(block, start, end, {})
            spots.append(spot)
        for k in numbers:
            if k not in spot.options or score > spot.options[k][0]:
                spot.options[k] = (score, start, end, source_only)
    return spots


# ---------------------------------------------------------------- where a marker is printed
class LineMap:
    """Maps a character offset in a block to the witness line it was printed on.

    Counts letters and digits only, so unwrapping, dehyphenation and rejoined
    page breaks do not matter; lines cut out as footnotes are skipped.
    """

    def __init__(self, lines: list[Line], cut: set[int]):
        self.lines = [ln for ln in lines if ln.text.strip() and ln.no not in cut]
        self.nos = [ln.no for ln in self.lines]

    def within(self, first: int, last: int) -> list[tuple[int, str]]:
        """The lines from ``first`` to ``last`` that ``line_of`` counts: ``[(no, text), ...]``."""
        return [(line.no, line.text) for line in self._between(first, last)]

    def line_of(self, block: Block, offset: int) -> int:
        first, last = block.loc.line, max(block.line_end, block.loc.line)
        budget = _weight(block.text[:offset])
        for line in self._between(first, last):
            w = _weight(line.text)
            if budget < w:
                return line.no
            budget -= w
        return last

    def _between(self, first: int, last: int):
        i = _bisect(self.nos, first)
        while i < len(self.lines) and self.lines[i].no <= last:
            yield self.lines[i]
            i += 1


def _weight(s: str) -> int:
    return sum(ch.isalnum() for ch in s)


def _bisect(nos: list[int], value: int) -> int:
    lo, hi = 0, len(nos)
    while lo < hi:
        mid = (lo + hi) // 2
        if nos[mid] < value:
            lo = mid + 1
        else:
            hi = mid
    return lo


# ---------------------------------------------------------------- alignment
SOURCE_RE = re.compile(r"RTs|TsKh|GARF|RGALI|Smolensk|\bf\. ?\d|Izv|Vopro|Pravda|Prav|Istochnik|Irtoch|Moskov|Trud\b")


def gives_source(note_text: str) -> bool:
    """Does the note give a document's source (archive, periodical, edition), as a title's note does?"""
    if note_text.rstrip(" .").endswith("Trans"):
        return False
    head = note_text[:120]
    return bool(SOURCE_RE.search(head) or re.search(r"\beds?\.|\bno\. ?\d|\b1[89]\d\d\b", head))



def pair_score(c: Candidate, number: int, note_line: int, source: bool = True) -> float | None:
    """Score of reading candidate ``c`` as the marker of note ``number`` printed at ``note_line``
    (``source``: the note gives a source, as a Document title's note does)."""
    option = c.options.get(number)
    if option is None or option[3] and not source:
        return None
    distance = note_line - c.line
    if distance < 0 or distance > WINDOW:
        return None
    return option[0] + NEAR * (1 - distance / WINDOW)


def align(cands: list[Candidate], notes: list[tuple]) -> list[tuple[int, int]]:
    """Match candidates to notes ``(number, line[, gives a source])`` in order; return
    ``(cand index, note index)`` pairs.

    Longest-common-subsequence style dynamic programming that maximises the
    summed pair scores: both sequences are in reading order, so a match never
    crosses another.
    """
    m, n = len(cands), len(notes)
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    move = [[0] * (n + 1) for _ in range(m + 1)]      # 1: skip cand, 2: skip note, 3: match
    for i in range(1, m + 1):
        for j in range(1, n + 1):
            best, how = score[i - 1][j], 1
            if score[i][j - 1] > best:
                best, how = score[i][j - 1], 2
            s = pair_score(cands[i - 1], *notes[j - 1])
            if s is not None and score[i - 1][j - 1] + s > best:
                best, how = score[i - 1][j - 1] + s, 3
            score[i][j], move[i][j] = best, how
    pairs = []
    i, j = m, n
    while i and j:
        how = move[i][j]
        if how == 3:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def orphans(cands: list[Candidate], chosen: dict[int, int], numbers: set[int], top: int) -> list[tuple[int, int]]:
    """Sure candidates for numbers whose note is lost: ``(cand index, number)``.

    ``chosen`` maps candidate index -> number for the linked markers; an
    orphan must fit between the linked markers of its neighbours.
    """
    out = []
    linked = sorted(chosen.items())
    for k in range(1, top + 1):
        if k in numbers:
            continue
        lo = max((i for i, num in linked if num < k), default=-1)
        hi = min((i for i, num in linked if num > k), default=len(cands))
        for i in range(lo + 1, hi):
            c = cands[i]
            if c.sure(k) and i not in chosen:
                out.append((i, k))
                break
    return out


# ---------------------------------------------------------------- entry
def link(text: Text, edition: Edition) -> None:
    """Build each unit's notes from the cut footnotes and link their markers."""
    cut = {n for raw in text.raw_notes for n in range(raw.loc.line, max(raw.line_end, raw.loc.line) + 1)}
    linemap = LineMap(text.lines, cut)
    units = [u for u in text.units if not u.drop]
    by_unit: dict[str, list] = {}
    for raw in text.raw_notes:
        by_unit.setdefault(raw.unit, []).append(raw)
    memo = open_memo(edition, "notes", text.slug)
    for unit in units:
        raws = sorted(by_unit.get(unit.slug, []), key=lambda r: r.number)
        unit.notes = [core.make_note(str(r.number), [core.note_block(r.text, r.loc, r.line_end)], r.loc,
                                     key=f"n{r.number}") for r in raws]
        core.check_unique_keys(text, unit)
        _link_unit(text, unit, raws, linemap, memo)
    close_memo(edition, memo)
    attached = {raw.loc for raw in text.raw_notes if raw.unit in {u.slug for u in units}}
    text.report.dropped = [d for d in text.report.dropped if not (d.rule == "footnote-cut" and d.loc in attached)]
    text.report.count("footnotes-attached", len(attached))
    core.finish(text, units)


def _link_unit(text: Text, unit: Unit, raws: list, linemap: LineMap, memo: Memo) -> None:
    """Link one unit's markers to its notes, or apply what a memo kept for the same blocks, notes and lines."""
    notes = [(r.number, r.loc.line, gives_source(r.text)) for r in raws]
    key = _unit_key(unit, notes, linemap) if memo.active else None
    texts, orphaned, linked = memo.made(key, lambda: _linked(text, unit, notes, linemap))
    for pos, value in texts:
        unit.blocks[pos].text = value
    for number, line in orphaned:
        unit.orphan_markers.append((number, text.loc(line)))
    text.report.count("note-markers-linked", linked)


def _unit_key(unit: Unit, notes: list, linemap: LineMap) -> str:
    """Everything linking a unit's markers reads: each block (kind, text, witness lines) and the notes."""
    described: list = [notes]
    for block in unit.blocks:
        first, last = block.loc.line, max(block.line_end, block.loc.line)
        described.append([block.kind, block.text, block.rows is None, first, last, linemap.within(first, last)])
    return content_key(described)


def _linked(text: Text, unit: Unit, notes: list, linemap: LineMap) -> tuple[list, list, int]:
    """Link the markers in ``unit.blocks``; return (block position, new text) for each block changed,
    the orphaned markers as (number, line) and the number of markers linked."""
    cands = find_candidates(unit.blocks)
    for c in cands:
        c.line = linemap.line_of(c.block, c.start)
    pairs = align(cands, notes)
    chosen = {ci: notes[ni][0] for ci, ni in pairs}
    lost = orphans(cands, chosen, {n[0] for n in notes}, max((n[0] for n in notes), default=0))
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for ci, number in chosen.items():
        edits.setdefault(id(cands[ci].block), []).append(_edit(cands[ci], number, token("note", f"n{number}")))
    orphaned = []
    for ci, number in lost:
        edits.setdefault(id(cands[ci].block), []).append(_edit(cands[ci], number, token("orphan", str(number))))
        orphaned.append((str(number), cands[ci].line))
    texts = []
    for pos, block in enumerate(unit.blocks):
        spans = edits.get(id(block))
        if spans:
            core.replace_in_slot(core.Slot(block), spans)
            texts.append((pos, block.text))
    return texts, orphaned, len(chosen)


def _edit(c: Candidate, number: int, tok: str) -> tuple[int, int, str]:
    """Replace the marker's characters (as read for ``number``) by the token; keep a space
    before a glued next word."""
    _, start, end, _ = c.options[number]
    after = c.block.text[end:end + 1]
    return start, end, tok + (" " if after.isalnum() else "")
