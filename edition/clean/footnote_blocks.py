"""Cut page-bottom footnotes out of hard-wrapped OCR text.

A printed book's footnotes sit at the bottom of each page; in a flat OCR text
they land wherever a page ended, often between the two halves of a sentence:

    >>> from edition.model import Line
    >>> lines = [Line(n, s) for n, s in enumerate([
    ...     "the duty of all party", "",
    ...     "I .  On the civil war see Diane P. Koenker, and Ronald G.",
    ...     "Suny, eds., Party, State, and Society, 1989.",
    ...     " members publicly to defend and support"], start=1)]
    >>> cut = extract(lines)
    >>> [ln.text for ln in cut.body]
    ['the duty of all party', '', ' members publicly to defend and support']
    >>> [(n.number, n.label, n.first, n.last) for n in cut.notes]
    [(1, 'I', 3, 4)]

Three steps, each a small function:

1. ``candidates``: lines that begin like a note: a number, maybe OCR-damaged,
   then a full stop (``12.``, ``I .``, ``z9.``, ``4 5 .``).
2. ``align``: choose among them the notes 1, 2, 3 ... of the unit by dynamic
   programming.  The order of the notes is the strong constraint: numbered
   clauses inside documents (``1. To relieve Comrade ...``) and numbered lists
   do not fit the running sequence, OCR-damaged numbers (``rr`` for 21) do.
   Page geometry helps: a footnote runs to the foot of its page (the OCR marks
   the next page's first line with a leading space or a run of blank lines),
   and its marker stands a little above it.
3. ``note_extent``: where each note's text ends and the body resumes, decided
   from how the lines continue (a line-end hyphen or an unfinished citation
   goes on; a lowercase line after a finished note sentence, or the first line
   of the next page, is the body).

The body keeps its blank lines, so the two halves of a cut paragraph become
neighbouring paragraphs for the ``rejoin`` stage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Line
from .ocr_digits import DIGIT_LIKE, exact, last_digit_matches, readings, squeeze

_D = re.escape(DIGIT_LIKE)
# A note start: a label of 1-3 digit look-alikes (spaces inside allowed), then "." and the text.
START_RE = re.compile(rf"^\s*(?P<label>[{_D}](?: ?[{_D}]){{0,2}}) ?\. ?(?:\s+|$)(?P<rest>.*)$")
# The full stop lost: real digits, a space, a capital ("8 Gcny, Rittersporn ...").  Not a date.
BARE_START_RE = re.compile(
    r"^\s*(?P<label>\d{1,2}) (?P<rest>(?!(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\b)[A-Z\"'].*)$")
TERMINAL_RE = re.compile(r"""[.?!](?:["'”’)\]]*)$""")
CITATION_RE = re.compile(
    r"RTs|TsKh|GARF|RGALI|\bf\. ?\d|\bop\. |\bd\. ?\d|\b[lI]{1,2}\. ?\d|\bSee\b|\b[Ii]bid|Trans\b|"
    r"Voprosy|Izvest|Pravda|Chuev|\b(?:New York|Moscow|Oxford|Cambridge|London|Berkeley|Princeton)\b|"
    r"\b1[89]\d\d\b")
# A note marker in the running text: digits glued to a word or a mark, or to a year.
MARKER_RE = re.compile(r"""(?<=[A-Za-z.,;:!?"'\)\]])(\d{1,3})(?=[\s.,;:"'A-Z(]|$)|\b1[89]\d\d(\d{1,2})\b""")
GARBLED_TAIL_RE = re.compile(r"(?:\s+[.~\-_,]){3,}\s*$")     # ". . . . . ~ - ." left by the OCR
ABBREVIATIONS = frozenset("""ed eds vol vols no nos p pp ch chs cf f op d l ll ob trans comp
    mass ind conn calif st jr""".split())

EXACT, SPACED, READING, TENS, FILL = 10.0, 9.0, 7.0, 1.0, 2.5
BARE = -3.0         # a label without its full stop
AFTER_GAP = 2.0     # a footnote block begins after a blank line
PAGE_END = 3.0      # ... and runs to the foot of the page
NOT_AT_FOOT = -6.0  # ... a line followed by more body text is rarely a footnote
MARKER_NEAR = 3.0   # its marker stands above it on the same page
MARKER_REACH = 80   # lines: no page is longer
SKIP = 5.0          # cost of a number with no note line in the witness
MAX_NOTES = 200
SMALL_TYPE = 72     # a line this long is set in the notes' small type, not in the body's


@dataclass
class Candidate:
    index: int            # position in the unit's lines
    label: str            # as printed
    rest: str             # text after the label
    readings: frozenset
    bare: bool = False    # no full stop after the label

    def __post_init__(self):
        # what the scoring asks of every number, worked out once
        self.value = exact(self.label)
        self.width = len(squeeze(self.label))
        self.units = frozenset(d for d in range(10) if last_digit_matches(self.label, 10 * self.width + d)
                               or last_digit_matches(self.label, d))
        self.citation = not self.bare and bool(CITATION_RE.search(self.rest))


@dataclass
class CutNote:
    """One footnote found in the lines: its number, printed label and lines."""

    number: int
    label: str
    first: int                          # witness line of its label
    last: int                           # last witness line of its text
    lines: list[Line] = field(default_factory=list)

    @property
    def text(self) -> str:
        return note_text([ln.text for ln in self.lines])


@dataclass
class Cut:
    body: list[Line]
    notes: list[CutNote]
    continued: set = field(default_factory=set)       # lines given to a note as an editor's continuation


# ---------------------------------------------------------------- candidates
def candidates(lines: list[Line], exclude: frozenset = frozenset()) -> list[Candidate]:
    """Lines that begin like a footnote (``exclude``: witness lines known not to)."""
    out = []
    for i, line in enumerate(lines):
        if line.no in exclude:
            continue
        m = START_RE.match(line.text)
        bare = False
        if not m:
            m, bare = BARE_START_RE.match(line.text), True
        if not m:
            continue
        label = m.group("label")
        if len(squeeze(label)) > 3 or not readings(label) or _not_a_note(lines, i, label, m.group("rest")):
            continue
        out.append(Candidate(i, label.strip(), m.group("rest"), readings(label), bare))
    return out


def _not_a_note(lines: list[Line], i: int, label: str, rest: str) -> bool:
    """A line that only looks like a note start: the title under a ``Document N`` head
    (``L. M. Kaganovich's speech ...``), a signature (``I. Stalin``)."""
    j = i - 1
    while j >= 0 and not lines[j].text.strip():
        j -= 1
    if j >= 0 and re.match(r"\s*Document \S+\s*$", lines[j].text):
        return True
    return not label.strip().isdigit() and bool(re.fullmatch(r"[A-Z][a-z]+[,.]?\s*", rest))


def marker_lines(lines: list[Line], cands: list[Candidate]) -> dict[int, list[int]]:
    """Where plain-digit note markers stand: number -> line indices (evidence only)."""
    skip = {c.index for c in cands}
    out: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if i in skip:
            continue
        for m in MARKER_RE.finditer(line.text):
            out.setdefault(int(m.group(1) or m.group(2)), []).append(i)
    return out


# ---------------------------------------------------------------- page geometry
def page_top(lines: list[Line], j: int, breaks: frozenset = frozenset()) -> bool:
    """Does line ``j`` begin a printed page?

    The OCR marks a page top by a leading space on a line that follows text
    directly, or by a run of three or more blank lines before it; ``breaks``
    are the lines that followed a removed running head, page number or
    ``Document N continued`` head.
    """
    if j >= len(lines):
        return True
    text = lines[j].text
    if not text.strip():
        return False
    if lines[j].no in breaks:
        return True
    if j == 0:
        return False
    if text[:1].isspace() and lines[j - 1].text.strip():
        # two such lines in a row: the first is the last line of a footnote, the second the page top
        return not (j + 1 < len(lines) and lines[j + 1].text[:1].isspace() and lines[j + 1].text.strip())
    return j >= 3 and not any(lines[j - d].text.strip() for d in (1, 2, 3))


def reaches_page_end(lines: list[Line], i: int, limit: int = 40, breaks: frozenset = frozenset()) -> bool:
    """Do the lines from ``i`` on run to the foot of the page without body text between?"""
    j, last = i + 1, i
    while j < len(lines) and j - i <= limit:
        if page_top(lines, j, breaks):
            return True
        if lines[j].text.strip():
            last = j
            j += 1
            continue
        k = j
        while k < len(lines) and not lines[k].text.strip():
            k += 1
        if k >= len(lines) or k - j >= 3 or page_top(lines, k, breaks):
            return True
        nxt = lines[k].text
        if not (START_RE.match(nxt) or BARE_START_RE.match(nxt)
                or continues_note(_meaningful(lines, last), nxt, True)):
            return False
        j = k
    return j >= len(lines)


# ---------------------------------------------------------------- alignment
def match_score(c: Candidate, k: int, lines: list[Line], at_foot: bool, markers: dict,
                page_start: int = 0) -> float | None:
    """How well candidate ``c`` fits note number ``k`` (None: it cannot be note k).

    ``page_start``: index of the first line of the candidate's page; its
    marker must stand on that page.  A candidate scoring nothing is no note:
    the number is better left out.
    """
    base = _label_score(c, k, at_foot)
    if base is None:
        return None
    score = base + (BARE if c.bare else 0.0)
    score += AFTER_GAP if c.index == 0 or not lines[c.index - 1].text.strip() else 0.0
    score += PAGE_END if at_foot else NOT_AT_FOOT
    start = max(page_start, c.index - MARKER_REACH)
    if any(start <= m < c.index for m in markers.get(k, ())):
        score += MARKER_NEAR
    return score if score > 0 else None


def _label_score(c: Candidate, k: int, at_foot: bool) -> float | None:
    value = c.value
    if value == k:
        return SPACED if " " in c.label else EXACT
    if value is None and k in c.readings:
        return READING
    if (k % 10) in c.units and len(str(k)) == c.width:
        return TENS
    if at_foot and c.citation:
        return FILL                     # a label misread where a citation stands: any number
    return None


def align(cands: list[Candidate], lines: list[Line], breaks: frozenset = frozenset(), first: int = 1
          ) -> list[tuple[Candidate, int]]:
    """Choose the notes first, first+1 ... N among the candidates, in order (dynamic programming).

    A chain (c1, k1), (c2, k2) ... with increasing line and number scores the
    sum of its matches minus ``SKIP`` for every number left out.  ``first`` is
    1 for a whole unit; an excerpt may start later in the sequence.
    """
    markers = marker_lines(lines, cands)
    # best[k]: best score of a chain ending with number k, plus SKIP * k (so that a
    # later number k2 adds s - SKIP * (k2 - k - 1)); back[k]: that chain's last state.
    best = [float("-inf")] * MAX_NOTES
    back: list[int] = [-1] * MAX_NOTES
    states: list[tuple[int, int, int]] = []            # (cand index, number, previous state)
    tops = [j for j in range(len(lines)) if page_top(lines, j, breaks)]
    for ci, c in enumerate(cands):
        at_foot = reaches_page_end(lines, c.index, breaks=breaks)
        page_start = max((j for j in tops if j <= c.index), default=0)
        prefix, prefix_at = 0.0, -1                    # best over numbers < k (0: empty chain)
        found = []
        for k in range(first, MAX_NOTES):
            s = match_score(c, k, lines, at_foot, markers, page_start)
            if s is not None:
                found.append((k, s - SKIP * (k - first) + prefix, prefix_at))
            if best[k] > prefix:
                prefix, prefix_at = best[k], back[k]
        for k, score, prev in found:
            if score + SKIP * k > best[k]:
                states.append((ci, k, prev))
                best[k], back[k] = score + SKIP * k, len(states) - 1
    if not states:
        return []
    end = max(range(first, MAX_NOTES), key=lambda k: (best[k] - SKIP * k, -k))
    si = back[end]
    chain = []
    while si >= 0:
        ci, k, si = states[si]
        chain.append((cands[ci], k))
    return chain[::-1]


# ---------------------------------------------------------------- extent
def ends_sentence(s: str) -> bool:
    """Does the line end a sentence?  An initial (``Ronald G.``) or an
    abbreviation (``eds.``, ``op.``) does not.

    >>> ends_sentence("Oxford, 1988."), ends_sentence("and Ronald G."), ends_sentence("Suny, eds.")
    (True, False, False)
    """
    s = GARBLED_TAIL_RE.sub("", s.rstrip())
    if not TERMINAL_RE.search(s) or re.search(r"[A-Za-z]\s+\.$", s):    # "chlef  ." : a stray mark
        return False
    if s.endswith("."):
        last = s.rsplit(None, 1)[-1][:-1].lstrip("(\"'[")
        if len(last) == 1 and last.isalpha() or last.lower() in ABBREVIATIONS:
            return False
    return True


def garbled(s: str) -> bool:
    """A line the OCR reduced to marks (``~ . . .  .``, ``- 1 .``)."""
    letters = sum(ch.isalpha() for ch in s)
    return letters < 3


def _meaningful(lines: list[Line], i: int) -> str:
    """The text of line ``i``, or of the nearest line above it that is not garbled."""
    j = i
    while j > 0 and garbled(lines[j].text) and lines[j - 1].text.strip():
        j -= 1
    return lines[j].text


def continues_note(prev: str, nxt: str, after_blank: bool) -> bool:
    """Is ``nxt`` more of the note whose last line so far is ``prev``?

    >>> continues_note("Sixteenth and Seuen-", "teenth Centuries, 1968.", False)
    True
    >>> continues_note("Ruler, Oxford, 1988.", "members publicly to defend", False)
    False
    >>> continues_note("Tsemrol'noia khraneniia", "ro~emennoi dokumentatsii, f. 89.", True)
    True
    >>> continues_note("RTsKhIDNI, f. 17, op. 3, d. 965, ll. 63-64", "- 16. A. Shliapnikov, On the Eve", False)
    False
    """
    prev, nxt = prev.rstrip(), nxt.strip()
    if not nxt or nxt.startswith(("- ", "| ")):   # a list item or table row a restoration rebuilt
        return False
    if prev.endswith("-"):
        return True
    if not ends_sentence(prev):
        if after_blank:
            return nxt[:1].islower() or nxt[:1].isdigit() or len(nxt) >= SMALL_TYPE \
                or bool(CITATION_RE.search(nxt))
        return not (prev[-1:].isdigit() and START_RE.match(nxt))
    if nxt[:1].islower() or after_blank:
        return False
    return bool(CITATION_RE.search(nxt)) or len(nxt) >= SMALL_TYPE


def note_extent(lines: list[Line], i: int, stop: int, breaks: frozenset = frozenset()) -> int:
    """Index of the last line of the note starting at ``i`` (before ``stop``)."""
    end = i
    j = i + 1
    while j < stop:
        if page_top(lines, j, breaks):
            break
        if lines[j].text.strip():
            if not (garbled(lines[j].text)
                    or continues_note(_meaningful(lines, end), lines[j].text, False)):
                break
            end = j
            j += 1
            continue
        k = j
        while k < stop and not lines[k].text.strip():
            k += 1
        if k >= stop or k - j >= 3 or page_top(lines, k, breaks):
            break
        if not continues_note(_meaningful(lines, end), lines[k].text, True):
            last = _trailing_note_paragraph(lines, k, stop, breaks)
            if last is None:
                break
            end = last
            j = last + 1
            continue
        end = k
        j = k + 1
    return end


def _trailing_note_paragraph(lines: list[Line], k: int, stop: int, breaks: frozenset) -> int | None:
    """A second paragraph of a note: set in small type and running to the foot of the page
    (nothing of the body can stand below a footnote).  Index of its last line, or None."""
    j = k
    while j < stop and lines[j].text.strip() and not (j > k and page_top(lines, j, breaks)):
        j += 1
    para = [ln.text.strip() for ln in lines[k:j]]
    if len(para) < 2 or any(len(t) < SMALL_TYPE for t in para[:-1]):
        return None
    blanks = j
    while blanks < stop and not lines[blanks].text.strip():
        blanks += 1
    at_foot = blanks >= stop or blanks - j >= 3 or page_top(lines, blanks, breaks)
    return j - 1 if at_foot else None


def note_text(raw: list[str]) -> str:
    """Join a note's lines (label dropped, line-end hyphens of split words closed).

    A short line the OCR reduced to marks is left out, but not the pages or folios that end a
    citation on a line of their own (two digits or more):

    >>> note_text(["17. V. P. Danilov, eds., Moscow, 1989,", "477-78.", "~ . ."])
    'V. P. Danilov, eds., Moscow, 1989, 477-78.'
    """
    first = START_RE.match(raw[0]) or BARE_START_RE.match(raw[0]) if raw else None
    parts = [first.group("rest") if first else raw[0]] + raw[1:]
    out = ""
    for part in (p.strip() for p in parts):
        if not part or garbled(part) and len(part) < 8 and sum(ch.isdigit() for ch in part) < 2:
            continue
        if out.endswith("-") and out[-2:-1].isalpha() and part[:1].islower():
            out = out[:-1] + part
        else:
            out = f"{out} {part}" if out else part
    return out


# ---------------------------------------------------------------- entry
def extract(lines: list[Line], exclude: frozenset = frozenset(), breaks: frozenset = frozenset(),
            first: int = 1, continuations: frozenset = frozenset()) -> Cut:
    """Find the footnotes among ``lines``; return the body lines and the notes.

    ``exclude``: witness lines known not to begin a footnote; ``breaks``:
    witness lines known to begin a page (see ``page_top``); ``first``: the
    number of the first note (1 for a whole unit); ``continuations``: witness
    lines an editor knows to continue the footnote above them (the rules took
    them for body text), each given to the nearest note that begins before it.
    """
    chain = align(candidates(lines, exclude), lines, breaks, first)
    starts = [c.index for c, _ in chain]
    taken: set[int] = set()
    notes: list[CutNote] = []
    for pos, (c, k) in enumerate(chain):
        stop = starts[pos + 1] if pos + 1 < len(starts) else len(lines)
        end = note_extent(lines, c.index, stop, breaks)
        taken.update(range(c.index, end + 1))
        notes.append(CutNote(k, c.label, lines[c.index].no, lines[end].no, lines[c.index:end + 1]))
    continued: set[int] = set()
    for i, line in enumerate(lines):
        if line.no in continuations and i not in taken and line.text.strip():
            owner = max((n for n in notes if n.first < line.no), key=lambda n: n.first, default=None)
            if owner is not None:
                owner.lines.append(line)
                owner.last = max(owner.last, line.no)
                taken.add(i)
                continued.add(line.no)
    body = [ln for i, ln in enumerate(lines) if i not in taken]
    return Cut(body, notes, continued)
