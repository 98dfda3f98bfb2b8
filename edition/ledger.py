"""The passage-id ledger: permanent addresses for every passage of a text.

Every passage (paragraph, heading, Document title, quote, verse, list, table,
each paragraph of a note) has an id that never changes once issued.  The ids
of one text live in ``texts/<slug>/passages.tsv``, one row per id ever issued,
in reading order; a build *reads* the ledger and never writes it, ``python
build_edition.py ids --update`` rewrites it (``edition.stages.ids.update``).

    unit  id   status   target     kind     lines    len  hash        head ...  tail ...
    ch01  p13  live                para     812-819  704  9c1e2a07b4  in the ...  of 1937
    ch01  p14  live                para     820-833  1311 04d2f2aa91  the plenum  in june
    ch01  p14a live                para     834-836  212  e0c3b5d1aa  ...
    ch01  p15  alias    ch01#p14   para     834-840  388  ...        (merged into p14)
    ch01  p16  retired  ch01#p14a  para     ...                       (removed)

Ids
    Body passages of a page are ``p1, p2, ...`` in reading order when the page
    is first numbered (headings and Document titles included); the margin shows
    the number (``p14`` -> 14).  A note paragraph is ``n<key>`` (note ``n12``
    -> ``n12``; its second paragraph ``n12.2``).  An id is unique on its page;
    ``<unit>#<id>`` is unique in the edition.  A passage that appears later gets
    the previous passage's number plus a letter (``p14a`` after ``p14``,
    ``p14b`` after ``p14a``; ``p0a`` before ``p1``); no other id changes.
    An id is never issued twice, not even after it was retired.

The matching rule (one build, one text)
    The current passages are matched against the ledger's rows.  Text is
    compared as a *fingerprint* of ``Block.plain()`` (tokens for notes and
    persons removed), normalised (NFKC, case-folded, only letters and digits):
    its length, a hash, the first and the last eight words (compared word by
    word, so a corrected letter still matches and a changed number does not).
    While the witness is unchanged (its sha256 is in the ledger), source lines
    are evidence too: a witness is never edited, so a passage cannot leave its
    lines, and a row and a passage without a common line are never the same.

    1. Pins first: a live row whose target is ``@<line>`` (an editor's
       decision) goes to the passage that starts on that source line.
    2. Identical text at the same place keeps its id (the two sequences are
       aligned in reading order); identical text found elsewhere, once on each
       side, too (a passage moved to another page or into the notes).
    3. Between those anchors, in order: a passage whose text changed keeps
       its id when both ends still match, or one end and the length, or it has
       the same lines (lines shared with other passages count only with some
       of the same words).  Split: the part with the beginning keeps the id,
       the other parts are new.  Merged (a page-break split rejoined, a
       footnote block removed from between): the first keeps its id, the
       others become aliases of it.  A boundary moved between two passages:
       each keeps its id.  What is left is tried once more across the whole
       text (a passage moved far).
    4. Same witness: a row whose lines now lie inside one passage became part
       of it (an alias).  A match resting on one end only, with an unmatched
       rival as good: the passage with the row's beginning keeps the id.
    5. A passage on another page than its row, or moved between text and
       notes, gets a new id there; the old address becomes an alias (the old
       page sends ``#old-id`` to the new place: ``Ledger.redirects``; a page
       that no longer exists is replaced by a small redirect page).
    6. A row left over is retired; it resolves to the surviving passage that
       followed it (of the text, or of the notes; on the next page if it was
       the last), else the one before it: an old link lands where the text
       goes on.  A passage left over is new and gets a new id (above).
    7. Alias and retired rows are matched too: a passage without an id that
       is the text of one of them again (a merge undone, a paragraph restored)
       gets that id back; an alias whose text now lies in another passage (the
       one it pointed to was split again) is re-aimed there.
    8. Ambiguous cases stop the build with ``file:line`` and the choice to
       make: two rows (or two passages) that fit equally well; a row and a
       passage left over side by side that are alike (without line evidence:
       any such pair).  The editor decides in the ledger: ``@<line>`` in the
       target column of the row that continues at that line, or status
       ``retired`` for a row whose passage is gone; then ``ids --update``.

A build (``ids.run``) accepts identical and corrected passages (counted as
``changed``) and stops on anything else (new, moved, split, merged, retired,
pins, ambiguity) until the ledger is updated; the test suite also fails on
``changed``, so the ledger's fingerprints never drift from the texts.
"""
from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

LEDGER_NAME = "passages.tsv"
COLUMNS = ("unit", "id", "status", "target", "kind", "lines", "len", "hash", "head", "tail")
STATUSES = ("live", "alias", "retired")
END_WORDS = 8          # words in the head and tail of a fingerprint
MIN_END = 12           # fewer characters at an end are no evidence (unless the shorter text is whole)
MIN_WHOLE = 4          # ... and even a whole text this short is none (without line evidence)
SIMILAR = 0.75         # similarity of two ends that counts as "the same"
MAX_PARTS = 4          # a split or merge involves at most this many passages
MAX_DP_CELLS = 6000    # larger gaps are cut by sure matches before the alignment

_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")
_ID = re.compile(r"^(?P<series>[pn])(?P<rest>[0-9A-Za-z.\-]+)$")


# ---------------------------------------------------------------- fingerprints
def normalise(text: str) -> str:
    """Letters and digits only, case-folded, single spaces: what the ledger compares."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("\u00ad", "")
    return " ".join(_WORD.findall(text))


@dataclass(frozen=True)
class Fingerprint:
    length: int
    hash: str
    head: str
    tail: str

    @classmethod
    def of(cls, text: str) -> "Fingerprint":
        norm = normalise(text)
        words = norm.split(" ") if norm else []
        digest = hashlib.sha1(norm.encode("utf-8")).hexdigest()[:10]
        return cls(len(norm), digest, " ".join(words[:END_WORDS]), " ".join(words[-END_WORDS:]))

    @property
    def whole(self) -> bool:
        """True when head (and tail) hold the whole text."""
        return self.length == len(self.head)


# ---------------------------------------------------------------- ledger rows
@dataclass
class Entry:
    """One row of the ledger: an id ever issued on a page of the text."""

    unit: str
    id: str
    status: str = "live"
    target: str = ""          # alias/retired: "unit#id"; live: "" or an editor's pin "@<line>"
    kind: str = ""
    lines: tuple[int, int] = (0, 0)
    fp: Fingerprint = Fingerprint(0, "", "", "")
    row: int = 0              # line in the ledger file (0: not in the file yet)

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit, self.id)

    @property
    def series(self) -> str:
        return self.id[:1]

    @property
    def pin(self) -> int | None:
        if self.status == "live" and self.target.startswith("@") and self.target[1:].isdigit():
            return int(self.target[1:])
        return None

    def label(self) -> str:
        return f"{self.unit}#{self.id}"


@dataclass
class Ledger:
    """All ids of one text, in reading order (live rows) with retired rows in place."""

    path: str                                 # repository-relative, for messages
    entries: list[Entry] = field(default_factory=list)
    witness: str = ""                         # sha256 of the witness the lines refer to

    # -- reading and writing
    @classmethod
    def parse(cls, data: str, path: str) -> tuple["Ledger", list[str]]:
        ledger, errors, seen = cls(path), [], {}
        for no, line in enumerate(data.splitlines(), 1):
            if line.startswith("# witness-sha256:"):
                ledger.witness = line.split(":", 1)[1].strip()
            if not line.strip() or line.startswith("#") or line.startswith("unit\t"):
                continue
            entry, problem = _parse_row(line, no)
            if problem:
                errors.append(f"{path}:{no}: {problem}")
                continue
            if entry.key in seen:
                errors.append(f"{path}:{no}: id {entry.label()} is already on line {seen[entry.key]}")
                continue
            seen[entry.key] = no
            ledger.entries.append(entry)
        for entry in ledger.entries:
            if entry.status != "live" and entry.target and entry.target.split("#")[0] == "":
                errors.append(f"{path}:{entry.row}: target {entry.target!r} must be 'unit#id'")
        return ledger, errors

    def dump(self) -> str:
        head = [
            f"# Passage ledger of {self.path.rsplit('/', 1)[0]}: every passage id ever issued (rule: edition/ledger.py).",
            "# Written only by `python build_edition.py ids --update`; every build checks the texts against it.",
            "# An editor may write @<source line> in the target of a live row (it continues at the passage",
            "# starting on that line) or set a row's status to retired; then run `ids --update`.",
            f"# witness-sha256: {self.witness}",
            "\t".join(COLUMNS),
        ]
        rows = ["\t".join((e.unit, e.id, e.status, e.target, e.kind, f"{e.lines[0]}-{e.lines[1]}",
                           str(e.fp.length), e.fp.hash, e.fp.head, e.fp.tail)) for e in self.entries]
        return "\n".join(head + rows) + "\n"

    # -- questions
    def live(self) -> list[Entry]:
        return [e for e in self.entries if e.status == "live"]

    def ids_of(self, unit: str) -> set[str]:
        return {e.id for e in self.entries if e.unit == unit}

    def resolve(self, unit: str, pid: str, _index: dict | None = None) -> tuple[str, str] | None:
        """Where ``unit#pid`` points now: itself if live, else its target (followed); None if unknown."""
        index = _index if _index is not None else {e.key: e for e in self.entries}
        key, seen = (unit, pid), set()
        while key in index and key not in seen:
            seen.add(key)
            entry = index[key]
            if entry.status == "live":
                return key
            if "#" not in entry.target:
                return None
            key = tuple(entry.target.split("#", 1))
        return None

    def redirects(self) -> dict[str, dict[str, tuple[str, str]]]:
        """For each page: ``{old id: (unit, id)}`` of every alias or retired id on it."""
        index = {e.key: e for e in self.entries}
        out: dict[str, dict[str, tuple[str, str]]] = {}
        for entry in self.entries:
            if entry.status != "live":
                where = self.resolve(entry.unit, entry.id, index)
                if where:
                    out.setdefault(entry.unit, {})[entry.id] = where
        return out


def _parse_row(line: str, no: int) -> tuple[Entry | None, str]:
    cells = line.split("\t")
    if len(cells) != len(COLUMNS):
        return None, f"expected {len(COLUMNS)} tab-separated columns ({', '.join(COLUMNS)}), got {len(cells)}"
    unit, pid, status, target, kind, lines, length, digest, head, tail = cells
    if not _ID.match(pid):
        return None, f"bad id {pid!r} (p<number>[letters] or n<note key>)"
    if status not in STATUSES:
        return None, f"bad status {status!r} (one of {', '.join(STATUSES)})"
    if status == "live" and target and not re.fullmatch(r"@\d+", target):
        return None, f"a live row's target is empty or @<source line>, not {target!r}"
    m = re.fullmatch(r"(\d+)-(\d+)", lines)
    if not m or not length.isdigit():
        return None, f"bad lines {lines!r} or length {length!r}"
    fp = Fingerprint(int(length), digest, head, tail)
    return Entry(unit, pid, status, target, kind, (int(m.group(1)), int(m.group(2))), fp, no), ""


# ---------------------------------------------------------------- current passages
@dataclass
class Passage:
    """A passage of the current build, as the matcher sees it."""

    unit: str
    series: str                   # "p": the page's text; "n": a note
    kind: str
    text: str                     # plain text (tokens removed)
    loc: str                      # "texts/x/source.txt:12" for messages
    lines: tuple[int, int]
    note_key: str = ""            # notes: the note's key
    part: int = 0                 # notes: index of the paragraph in the note
    fp: Fingerprint = field(init=False)

    def __post_init__(self):
        self.fp = Fingerprint.of(self.text)


def passages_of(text) -> list[tuple[Passage, object]]:
    """The passages of a ``model.Text`` in reading order, each with its Block."""
    out = []
    for unit in text.units:
        if unit.drop:
            continue
        for block in unit.blocks:
            out.append((_passage(unit.slug, "p", block), block))
        for note in unit.notes:
            for k, block in enumerate(note.blocks):
                out.append((_passage(unit.slug, "n", block, note.key, k), block))
    return out


def _passage(unit: str, series: str, block, key: str = "", part: int = 0) -> Passage:
    end = max(block.line_end or block.loc.line, block.loc.line)
    return Passage(unit, series, block.kind, block.plain(), str(block.loc), (block.loc.line, end), key, part)


# ---------------------------------------------------------------- the result of a match
EVENTS = ("kept", "changed", "moved", "split", "parts", "merged", "retired", "revived", "new")


@dataclass
class Result:
    """What matching one text's passages against its ledger found."""

    ledger: Ledger                             # the ledger as it would be written
    pids: list[str]                            # the id of each passage (index-aligned)
    counts: dict[str, int]                     # per event: kept, changed, moved, split, merged, retired, new
    notes: list[str]                           # one line per disagreement (file:line: what)
    problems: list[str]                        # ambiguities: the editor must decide
    stale: list[str]                           # corrected passages whose fingerprint is out of date

    @property
    def agrees(self) -> bool:
        return not self.notes and not self.problems


# ---------------------------------------------------------------- similarity
def _end_sim(a: str, b: str, whole: bool, tail: bool, min_whole: int = MIN_WHOLE) -> float:
    """How alike two heads (or tails) are, word by word from that end; letters may differ, numbers may not."""
    if not a or not b:
        return 1.0 if a == b else 0.0
    if a == b:
        return 1.0
    wa, wb = a.split(" "), b.split(" ")
    m = min(len(wa), len(wb))
    if tail:
        wa, wb = wa[-m:], wb[-m:]
    else:
        wa, wb = wa[:m], wb[:m]
    chars = sum(len(w) for w in wa)
    if chars < MIN_END and (not whole or chars < min_whole):
        return 0.0
    words = sum(_word_sim(x, y) for x, y in zip(wa, wb)) / m
    return max(words, _anchored_ratio(" ".join(wa), " ".join(wb), tail))


def _anchored_ratio(x: str, y: str, tail: bool) -> float:
    """Character similarity of two ends, counted only if they agree right at that end."""
    if tail:
        x, y = x[::-1], y[::-1]
    sm = SequenceMatcher(None, x, y, autojunk=False)
    first = sm.get_matching_blocks()[0]
    if first.size < 3 or first.a != 0 or first.b != 0:
        return 0.0
    ratio = sm.ratio()
    return ratio * 0.8 if sorted(_DIGITS.findall(x)) != sorted(_DIGITS.findall(y)) else ratio


def _word_sim(x: str, y: str) -> float:
    if x == y:
        return 1.0
    if x.isdigit() or y.isdigit() or min(len(x), len(y)) < 3:
        return 0.0
    r = SequenceMatcher(None, x, y, autojunk=False).ratio()
    return r if r >= 0.6 else 0.0


def _len_ratio(a: int, b: int) -> float:
    return 1.0 if a == b else min(a, b) / max(a, b)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
    """(overlap / union, overlap / shorter) of two inclusive line ranges."""
    inter = min(a[1], b[1]) - max(a[0], b[0]) + 1
    if inter <= 0:
        return 0.0, 0.0
    union = max(a[1], b[1]) - min(a[0], b[0]) + 1
    return inter / union, inter / min(a[1] - a[0] + 1, b[1] - b[0] + 1)


def _inside(a: tuple[int, int], b: tuple[int, int]) -> float:
    """How much of line range ``a`` lies inside ``b``."""
    inter = min(a[1], b[1]) - max(a[0], b[0]) + 1
    return max(0, inter) / (a[1] - a[0] + 1)


def _crowded(ranges: list[tuple[int, int]]) -> set[int]:
    """Indexes of line ranges that share a line with another range of the list."""
    order = sorted(range(len(ranges)), key=lambda i: ranges[i])
    out: set[int] = set()
    reach, last = -1, -1
    for i in order:
        if ranges[i][0] <= reach:
            out.update((i, last))
        if ranges[i][1] > reach:
            reach, last = ranges[i][1], i
    return out


class _Scorer:
    """Confidence that old rows and new passages are the same text (0: no)."""

    def __init__(self, old: list[Entry], new: list[Passage], lines_ok: bool):
        self.old, self.new, self.lines_ok = old, new, lines_ok
        self._pairs: dict[tuple[int, int], float] = {}
        self._ends: dict[tuple[int, int], tuple[float, float]] = {}
        self.crowded_old = _crowded([e.lines for e in old]) if lines_ok else set()
        self.crowded_new = _crowded([p.lines for p in new]) if lines_ok else set()

    def ends(self, o: int, n: int) -> tuple[float, float]:
        key = (o, n)
        if key not in self._ends:
            a, b = self.old[o].fp, self.new[n].fp
            shorter = a if len(a.head) <= len(b.head) else b
            whole = shorter.whole
            least = 1 if self.lines_ok else MIN_WHOLE      # with line evidence, even "5" is evidence
            self._ends[key] = (_end_sim(a.head, b.head, whole, False, least),
                               _end_sim(a.tail, b.tail, whole, True, least))
        return self._ends[key]

    def lines(self, a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        return _overlap(a, b) if self.lines_ok else (0.0, 0.0)

    def pair(self, o: int, n: int) -> float:
        key = (o, n)
        if key not in self._pairs:
            self._pairs[key] = self._pair(o, n)
        return self._pairs[key]

    def _pair(self, o: int, n: int) -> float:
        e, p = self.old[o], self.new[n]
        lu, lc = self.lines(e.lines, p.lines)
        if self.lines_ok and lu == 0.0:
            return 0.0                      # same witness, no common line: never the same passage
        if e.fp.hash == p.fp.hash:
            return 1.0
        hs, ts = self.ends(o, n)
        if lu >= 0.8:                       # the same lines; where several passages share them, the words
            crowded = o in self.crowded_old or n in self.crowded_new
            return 0.95 if not crowded or max(hs, ts) >= 0.5 else 0.7
        lr = _len_ratio(e.fp.length, p.fp.length)
        if hs >= SIMILAR and ts >= SIMILAR and lr >= 0.6:
            return 0.9
        if (hs >= SIMILAR or ts >= SIMILAR) and lr >= 0.85:
            return 0.8
        if (hs >= SIMILAR or ts >= SIMILAR) and lc >= 0.9:
            return 0.6                      # same witness: one inside the other, one end the same
        return 0.0

    def grey(self, o: int, n: int, lone: bool = False) -> bool:
        """Not the same by the rules above, but alike enough that it might be (without line evidence:
        any row and passage left over side by side, ``lone``)."""
        e, p = self.old[o], self.new[n]
        if e.series != p.series or (self.lines_ok and self.lines(e.lines, p.lines)[0] == 0.0):
            return False
        if lone:
            return True
        if not self.lines_ok:
            return False
        heads = SequenceMatcher(None, e.fp.head, p.fp.head, autojunk=False).ratio()
        tails = SequenceMatcher(None, e.fp.tail, p.fp.tail, autojunk=False).ratio()
        return max(heads, tails) >= 0.5 and _len_ratio(e.fp.length, p.fp.length) >= 0.4

    def split(self, o: int, ns: list[int]) -> float:
        """One old passage now several (in order)."""
        e = self.old[o]
        parts = [self.new[n] for n in ns]
        if any(p.series != e.series for p in parts):
            return 0.0
        hs, _ = self.ends(o, ns[0])
        _, ts = self.ends(o, ns[-1])
        if self.lines_ok:
            if any(_inside(p.lines, e.lines) < 0.9 for p in parts):
                return 0.0
            return 0.9 if hs >= SIMILAR and ts >= SIMILAR else 0.0
        lr = _len_ratio(e.fp.length, sum(p.fp.length for p in parts))
        return 0.8 if hs >= SIMILAR and ts >= SIMILAR and lr >= 0.7 else 0.0

    def shift(self, o1: int, o2: int, n1: int, n2: int) -> float:
        """Two passages whose boundary moved: n1 begins like o1, n2 ends like o2, same text in all."""
        olds, news = (self.old[o1], self.old[o2]), (self.new[n1], self.new[n2])
        if len({x.series for x in olds + news}) > 1:
            return 0.0
        if self.lines_ok and (self.lines(olds[0].lines, news[0].lines)[0] == 0.0
                              or self.lines(olds[1].lines, news[1].lines)[0] == 0.0):
            return 0.0
        lr = _len_ratio(sum(e.fp.length for e in olds), sum(p.fp.length for p in news))
        return 0.75 if self.ends(o1, n1)[0] >= SIMILAR and self.ends(o2, n2)[1] >= SIMILAR and lr >= 0.8 else 0.0

    def merge(self, os_: list[int], n: int) -> float:
        """Several old passages (in order) now one."""
        p = self.new[n]
        olds = [self.old[o] for o in os_]
        if any(e.series != p.series for e in olds):
            return 0.0
        hs, _ = self.ends(os_[0], n)
        _, ts = self.ends(os_[-1], n)
        if self.lines_ok:
            if any(_inside(e.lines, p.lines) < 0.9 for e in olds):
                return 0.0
            return 0.9 if hs >= SIMILAR and ts >= SIMILAR else 0.0
        lr = _len_ratio(p.fp.length, sum(e.fp.length for e in olds))
        return 0.8 if hs >= SIMILAR and ts >= SIMILAR and lr >= 0.6 else 0.0


# ---------------------------------------------------------------- matching
@dataclass
class _Link:
    """A relation found: old rows -> new passages; the first old row's identity goes to the first passage."""

    kind: str                 # "pair", "split", "merge", "pin"; "absorb": old rows now inside a passage held by another
    olds: list[int]
    news: list[int]
    conf: float


class _Matcher:
    def __init__(self, ledger: Ledger, passages: list[Passage], lines_ok: bool, source: str):
        self.ledger, self.lines_ok, self.source = ledger, lines_ok, source
        self.old = ledger.live()
        self.new = passages
        self.score = _Scorer(self.old, self.new, lines_ok)
        self.old_done: dict[int, _Link] = {}
        self.new_done: dict[int, _Link] = {}
        self.problems: list[str] = []

    def link(self, kind: str, olds: list[int], news: list[int], conf: float) -> None:
        lk = _Link(kind, olds, news, conf)
        for o in olds:
            self.old_done[o] = lk
        for n in news:
            self.new_done[n] = lk

    # -- phases
    def run(self) -> list[_Link]:
        self.pins()
        anchors = self.exact_anchors()
        self.exact_elsewhere()
        self.gaps(anchors)
        self.rest()
        self.leftovers()
        self.check_weak()
        self.absorbed()
        self.check_grey()
        links = {id(lk): lk for lk in list(self.old_done.values()) + list(self.new_done.values())
                 if lk.kind != "grey"}
        return sorted(links.values(), key=lambda lk: (lk.news[0], lk.olds[0]))

    def pins(self) -> None:
        starts: dict[int, list[int]] = {}
        for n, p in enumerate(self.new):
            starts.setdefault(p.lines[0], []).append(n)
        for o, e in enumerate(self.old):
            if e.pin is None:
                continue
            found = [n for n in starts.get(e.pin, []) if n not in self.new_done]
            if len(found) != 1:
                what = "no passage starts" if not found else f"{len(found)} passages start"
                self.problems.append(f"{self.ledger.path}:{e.row}: {e.label()} is pinned to @{e.pin}, but {what} "
                                     f"on {self.source}:{e.pin}; correct the pin")
                continue
            self.link("pin", [o], found, 1.0)

    def exact_anchors(self) -> list[tuple[int, int]]:
        """Identical text at the same place, aligned in reading order."""
        def key(fp, lines):
            return (fp.hash, lines[0]) if self.lines_ok else fp.hash
        old = [o for o in range(len(self.old)) if o not in self.old_done]
        new = [n for n in range(len(self.new)) if n not in self.new_done]
        sm = SequenceMatcher(None, [key(self.old[o].fp, self.old[o].lines) for o in old],
                             [key(self.new[n].fp, self.new[n].lines) for n in new], autojunk=False)
        anchors = []
        for block in sm.get_matching_blocks():
            for k in range(block.size):
                o, n = old[block.a + k], new[block.b + k]
                self.link("pair", [o], [n], 1.0)
                anchors.append((o, n))
        return anchors

    def exact_elsewhere(self) -> None:
        """Identical text out of order (moved): only where the text is unique on both sides."""
        by_hash_old: dict[str, list[int]] = {}
        by_hash_new: dict[str, list[int]] = {}
        for o, e in enumerate(self.old):
            if o not in self.old_done:
                by_hash_old.setdefault(e.fp.hash, []).append(o)
        for n, p in enumerate(self.new):
            if n not in self.new_done:
                by_hash_new.setdefault(p.fp.hash, []).append(n)
        for digest, olds in by_hash_old.items():
            news = by_hash_new.get(digest, [])
            if len(olds) == 1 and len(news) == 1 and self.score.pair(olds[0], news[0]) > 0:
                self.link("pair", olds, news, 1.0)

    def gaps(self, anchors: list[tuple[int, int]]) -> None:
        bounds = [(-1, -1)] + sorted(anchors) + [(len(self.old), len(self.new))]
        for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
            olds = [o for o in range(o0 + 1, o1) if o not in self.old_done]
            news = [n for n in range(n0 + 1, n1) if n not in self.new_done]
            if olds and news:
                self.align(olds, news)

    def align(self, olds: list[int], news: list[int]) -> None:
        if len(olds) * len(news) > MAX_DP_CELLS:
            cuts = self.sure_pairs(olds, news)
            if cuts:
                bounds = [(olds[0] - 1, news[0] - 1)] + cuts + [(olds[-1] + 1, news[-1] + 1)]
                for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
                    sub_o = [o for o in olds if o0 < o < o1 and o not in self.old_done]
                    sub_n = [n for n in news if n0 < n < n1 and n not in self.new_done]
                    if sub_o and sub_n:
                        self.align(sub_o, sub_n)
                return
            if len(olds) * len(news) > 4 * MAX_DP_CELLS:
                return                      # left to the global pass
        for lk in _dp(olds, news, self.score):
            self.link(lk.kind, lk.olds, lk.news, lk.conf)

    def sure_pairs(self, olds: list[int], news: list[int]) -> list[tuple[int, int]]:
        """Strong one-to-one matches (mutually best, in order) that cut a big gap."""
        cand = self._candidates(olds, news)
        best_old: dict[int, tuple[float, int]] = {}
        best_new: dict[int, tuple[float, int]] = {}
        for o, n in cand:
            s = self.score.pair(o, n)
            if s >= 0.9:
                if s > best_old.get(o, (0, 0))[0]:
                    best_old[o] = (s, n)
                if s > best_new.get(n, (0, 0))[0]:
                    best_new[n] = (s, o)
        pairs = sorted((o, n) for o, (s, n) in best_old.items() if best_new.get(n, (0, -1))[1] == o)
        chain = _increasing(pairs)
        for o, n in chain:
            self.link("pair", [o], [n], self.score.pair(o, n))
        return chain

    def _candidates(self, olds: list[int], news: list[int]) -> set[tuple[int, int]]:
        """Pairs sharing the first or last two words, or (same witness) a source line."""
        index: dict[tuple, list[int]] = {}
        for o in olds:
            fp = self.old[o].fp
            for k in _blocking_keys(fp):
                index.setdefault(k, []).append(o)
        out: set[tuple[int, int]] = set()
        for n in news:
            for k in _blocking_keys(self.new[n].fp):
                for o in index.get(k, []):
                    out.add((o, n))
        if self.lines_ok:
            spans = sorted((self.old[o].lines, o) for o in olds)
            starts = [s[0][0] for s in spans]
            for n in news:
                a, b = self.new[n].lines
                hi = bisect.bisect_right(starts, b)
                for (lines, o) in spans[max(0, hi - 50):hi]:
                    if lines[1] >= a:
                        out.add((o, n))
        return out

    def check_weak(self) -> None:
        """A match resting on one end of the text only, with an unmatched rival as good.  The passage
        with the row's beginning wins (the others are split parts, or merged into it); if that does
        not decide, the editor does."""
        for o, lk in sorted(self.old_done.items()):
            if lk.kind != "pair" or lk.conf > 0.8 or self.old_done.get(o) is not lk:
                continue
            n = lk.news[0]
            left_o = [p for p in range(len(self.old)) if p not in self.old_done]
            left_n = [m for m in range(len(self.new)) if m not in self.new_done]
            rival_n = [m for m in left_n if self.score.pair(o, m) >= lk.conf - 0.05]
            rival_o = [p for p in self.side_by_side(n, left_o) if self.score.pair(p, n) >= lk.conf - 0.05]
            if rival_n:
                heads = [m for m in [n] + rival_n if self.score.ends(o, m)[0] >= SIMILAR]
                if len(heads) != 1:
                    self.problems.append(self.ambiguity(n, [o], rival_n))
                    continue
                if heads[0] != n:                   # the beginning is elsewhere: it keeps the id
                    del self.new_done[n]
                    self.link("pair", [o], heads, lk.conf)
                    n = heads[0]
            if rival_o:
                firsts = [p for p in [o] + rival_o if self.score.ends(p, n)[0] >= SIMILAR]
                if len(firsts) != 1:
                    self.problems.append(self.ambiguity(n, [o] + rival_o, []))
                    continue
                keeper = firsts[0]
                self.link("pair", [keeper], [n], lk.conf)
                for p in [o] + rival_o:
                    if p != keeper:
                        self.old_done[p] = _Link("absorb", [p], [n], lk.conf)

    def check_grey(self) -> None:
        """Left over side by side and alike: corrected, or replaced?  The editor decides."""
        left_o = [o for o in range(len(self.old)) if o not in self.old_done]
        left_n = [n for n in range(len(self.new)) if n not in self.new_done]
        if not left_o or not left_n:
            return
        for n in left_n:
            near = self.side_by_side(n, left_o)
            if len(near) > 50:
                continue
            alike = [o for o in near if self.score.grey(o, n, not self.lines_ok)]
            if alike:
                self.problems.append(self.ambiguity(n, alike, [], "may be the corrected form of"))

    def side_by_side(self, n: int, olds: list[int]) -> list[int]:
        """Old rows between the rows matched to the passages before and after passage ``n``."""
        lo, hi = -1, len(self.old)
        for m in range(n - 1, -1, -1):
            lk = self.new_done.get(m)
            if lk and lk.kind != "grey":
                lo = max(lk.olds)
                break
        for m in range(n + 1, len(self.new)):
            lk = self.new_done.get(m)
            if lk and lk.kind != "grey":
                hi = min(lk.olds)
                break
        if self.lines_ok:                      # line evidence: anything sharing a line qualifies
            return [o for o in olds if (lo < o < hi) or self.score.lines(self.old[o].lines, self.new[n].lines)[0]]
        return [o for o in olds if lo < o < hi]

    def rest(self) -> None:
        """All rows and passages still unmatched, aligned in order (gaps cut by a moved passage)."""
        olds = [o for o in range(len(self.old)) if o not in self.old_done]
        news = [n for n in range(len(self.new)) if n not in self.new_done]
        if olds and news and len(olds) * len(news) <= 4 * MAX_DP_CELLS:
            for lk in _dp(olds, news, self.score):
                self.link(lk.kind, lk.olds, lk.news, lk.conf)

    def leftovers(self) -> None:
        """Global pass: unmatched old vs unmatched new anywhere in the text (passages moved far)."""
        olds = [o for o in range(len(self.old)) if o not in self.old_done]
        news = [n for n in range(len(self.new)) if n not in self.new_done]
        if not olds or not news:
            return
        cand = self._candidates(olds, news)
        by_new: dict[int, list[tuple[float, int]]] = {}
        for o, n in cand:
            s = self.score.pair(o, n)
            if s >= 0.8:
                by_new.setdefault(n, []).append((s, o))
        taken: set[int] = set()
        for n in sorted(by_new):
            options = sorted(by_new[n], key=lambda t: (-t[0], t[1]))
            options = [t for t in options if t[1] not in taken]
            if not options:
                continue
            best, o = options[0]
            rivals = [p for s, p in options[1:] if s >= best - 0.05]
            other_news = [m for m in by_new if m != n and any(p == o and s >= best - 0.05 for s, p in by_new[m])
                          and m not in self.new_done]
            if rivals or other_news:
                self.problems.append(self.ambiguity(n, [o] + rivals, other_news))
                continue
            taken.add(o)
            self.link("pair", [o], [n], best)

    def absorbed(self) -> None:
        """Same witness: a row whose lines now lie inside one passage (of its series) became part of it."""
        if not self.lines_ok:
            return
        news = sorted((p.lines, n) for n, p in enumerate(self.new))
        starts = [lines[0] for lines, _ in news]
        for o, e in enumerate(self.old):
            if o in self.old_done:
                continue
            hi = bisect.bisect_right(starts, e.lines[0])
            inside = [n for lines, n in news[max(0, hi - 50):hi]
                      if lines[0] <= e.lines[0] and e.lines[1] <= lines[1] and self.new[n].series == e.series]
            if not inside:
                continue
            n = min(inside, key=lambda k: (-max(self.score.ends(o, k)) >= -SIMILAR,
                                           self.new[k].lines[1] - self.new[k].lines[0], k))
            if n not in self.new_done:
                self.link("pair", [o], [n], 0.6)
            else:
                self.old_done[o] = _Link("absorb", [o], [n], 0.6)

    def ambiguity(self, n: int, olds: list[int], news: list[int],
                  how: str = "fits more than one ledger row equally well:") -> str:
        p = self.new[n]
        rows = "; ".join(f"{self.old[o].label()} '{_brief(self.old[o].fp)}' ({self.ledger.path}:{self.old[o].row})"
                         for o in olds)
        also = "".join(f"; also the passage at {self.new[m].loc} '{_brief(self.new[m].fp)}'" for m in news)
        return (f"{p.loc}: passage '{_brief(p.fp)}' ({p.unit}) {how} "
                f"{rows}{also}. Decide in {self.ledger.path}: write @{p.lines[0]} in the target of the row that "
                f"continues here (set a row's status to retired if its passage is gone), then run "
                f"`python build_edition.py ids --update`")


def _brief(fp: Fingerprint) -> str:
    if fp.whole:
        return fp.head
    return f"{' '.join(fp.head.split(' ')[:4])} … {' '.join(fp.tail.split(' ')[-4:])}"


def _blocking_keys(fp: Fingerprint) -> list[tuple]:
    h, t = fp.head.split(" "), fp.tail.split(" ")
    return [("h", tuple(h[:2])), ("t", tuple(t[-2:])), ("x", fp.hash)]


def _increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain of pairs increasing in both coordinates (pairs sorted by the first)."""
    tails: list[int] = []
    tails_idx: list[int] = []
    prev = [-1] * len(pairs)
    for i, (_, n) in enumerate(pairs):
        k = bisect.bisect_left(tails, n)
        if k == len(tails):
            tails.append(n)
            tails_idx.append(i)
        else:
            tails[k] = n
            tails_idx[k] = i
        prev[i] = tails_idx[k - 1] if k else -1
    out, i = [], tails_idx[-1] if tails_idx else -1
    while i >= 0:
        out.append(pairs[i])
        i = prev[i]
    return out[::-1]


def _dp(olds: list[int], news: list[int], score: _Scorer) -> list[_Link]:
    """Best alignment of a gap: pairs, splits (1 -> k) and merges (k -> 1), in order."""
    a, b = len(olds), len(news)
    best = [[0.0] * (b + 1) for _ in range(a + 1)]
    back: list[list[tuple | None]] = [[None] * (b + 1) for _ in range(a + 1)]
    for i in range(a + 1):
        for j in range(b + 1):
            if i == 0 and j == 0:
                continue
            cur, step = -1.0, None
            if i and best[i - 1][j] > cur:
                cur, step = best[i - 1][j], ("skip-old", 1, 0, 0.0)
            if j and best[i][j - 1] > cur:
                cur, step = best[i][j - 1], ("skip-new", 0, 1, 0.0)
            if i and j:
                s = score.pair(olds[i - 1], news[j - 1])
                if s and best[i - 1][j - 1] + s > cur:
                    cur, step = best[i - 1][j - 1] + s, ("pair", 1, 1, s)
                for k in range(2, MAX_PARTS + 1):
                    if j >= k:
                        s = score.split(olds[i - 1], news[j - k:j])
                        if s and best[i - 1][j - k] + s * (1 + k) / 2 > cur:
                            cur, step = best[i - 1][j - k] + s * (1 + k) / 2, ("split", 1, k, s)
                    if i >= k:
                        s = score.merge(olds[i - k:i], news[j - 1])
                        if s and best[i - k][j - 1] + s * (1 + k) / 2 > cur:
                            cur, step = best[i - k][j - 1] + s * (1 + k) / 2, ("merge", k, 1, s)
                if i >= 2 and j >= 2:
                    s = score.shift(olds[i - 2], olds[i - 1], news[j - 2], news[j - 1])
                    if s and best[i - 2][j - 2] + 2 * s > cur:
                        cur, step = best[i - 2][j - 2] + 2 * s, ("shift", 2, 2, s)
            best[i][j], back[i][j] = cur, step
    links, i, j = [], a, b
    while i or j:
        kind, di, dj, s = back[i][j]
        if kind == "shift":                     # two pairs, each keeping its identity
            links.append(_Link("pair", [olds[i - 1]], [news[j - 1]], s))
            links.append(_Link("pair", [olds[i - 2]], [news[j - 2]], s))
        elif kind in ("pair", "split", "merge"):
            links.append(_Link(kind, olds[i - di:i], news[j - dj:j], s))
        i, j = i - di, j - dj
    return links[::-1]


# ---------------------------------------------------------------- new ids
def _sort_key(pid: str) -> tuple[int, str]:
    m = re.match(r"p(\d+)([a-z]*)$", pid)
    return (int(m.group(1)), m.group(2)) if m else (-1, pid)


def _suffixes():
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for x in letters:
        for y in letters:
            yield x + y


def next_body_id(prev: str | None, following: str | None, used: set[str]) -> str:
    """A new ``p`` id after ``prev`` (and before ``following`` where possible): ``p14`` -> ``p14a``."""
    num, suffix = _sort_key(prev) if prev else (0, "")
    if num < 0:
        num, suffix = 0, ""
    upper = _sort_key(following) if following else None
    free = [s for s in _suffixes() if f"p{num}{s}" not in used and s > suffix]
    for s in free:
        if upper is None or upper[0] < 0 or (num, s) < upper:
            return f"p{num}{s}"
    return f"p{num}{free[0]}"


def note_id(key: str, part: int, first: str | None, used: set[str]) -> str:
    """A new note id: ``n12`` for note key ``n12`` (``12`` -> ``n12``); paragraph 2 -> ``n12.2``."""
    if part == 0:
        base = re.sub(r"[^0-9A-Za-z-]", "-", key) or "x"
        base = base if base.startswith("n") else f"n{base}"
    else:
        base = f"{first}.{part + 1}"
    if base not in used:
        return base
    for s in _suffixes():
        if f"{base}{s}" not in used:
            return f"{base}{s}"
    raise ValueError(f"no free id for {base}")


# ---------------------------------------------------------------- the whole match
def match(ledger: Ledger, passages: list[Passage], lines_ok: bool, source: str, witness: str = "") -> Result:
    """Match ``passages`` (reading order) against ``ledger``; return ids, counts and the updated ledger."""
    m = _Matcher(ledger, passages, lines_ok, source)
    links = m.run()
    holder: dict[int, int] = {}              # new passage -> old row whose identity it carries
    for lk in links:
        if lk.kind != "absorb":
            holder[lk.news[0]] = lk.olds[0]
    revived, homes = _homes(ledger, passages, holder, lines_ok) if not m.problems else ({}, {})
    pids, counts, notes, stale = _assign(ledger, m.old, passages, holder, links, revived)
    homes = {key: (passages[n].unit, pids[n]) for key, n in homes.items()}
    new_ledger = _rewrite(ledger, m.old, passages, pids, links, counts, notes, witness or ledger.witness, homes)
    for e in ledger.entries:
        if e.pin is not None and not m.problems:
            notes.append(f"{ledger.path}:{e.row}: pin {e.target} of {e.label()} is applied by `ids --update`")
        if e.status != "live" and not e.target:
            notes.append(f"{ledger.path}:{e.row}: {e.label()} is {e.status} without a target; `ids --update` sets one")
    return Result(new_ledger, pids, counts, notes, m.problems, stale)


def _homes(ledger: Ledger, new: list[Passage], holder: dict[int, int], lines_ok: bool):
    """Where the text of each alias or retired row is now, if one passage clearly holds it.

    Returns ``(revived, homes)``: ``revived`` maps a passage without an id to the row whose id it takes
    back (a merge undone, a paragraph restored: same page, same series, no rival claim); ``homes`` maps
    the key of every other such row to the passage its alias should point to now."""
    dead = [e for e in ledger.entries if e.status != "live"]
    if not dead or not new:
        return {}, {}
    score = _Scorer(dead, new, lines_ok)
    floor = 0.6 if lines_ok else 0.8
    best: dict[int, int] = {}
    for d, n in _block_pairs(dead, new, lines_ok):
        s = score.pair(d, n)
        if s >= floor and max(score.ends(d, n)) >= SIMILAR:
            best.setdefault(d, [])
            best[d].append((s, n))
    if lines_ok:                                      # no words to go by: the one passage holding its lines
        for d, e in enumerate(dead):
            if d not in best:
                inside = [n for _, n in _lines_pairs(e, new) if _inside(e.lines, new[n].lines) >= 0.9
                          and new[n].series == e.series]
                if len(inside) == 1:
                    best[d] = [(0.0, inside[0])]
    revived: dict[int, Entry] = {}
    homes: dict[tuple[str, str], int] = {}
    claims: dict[int, list[tuple[float, int]]] = {}
    for d, options in best.items():
        options.sort(key=lambda t: (-t[0], t[1]))
        if len(options) > 1 and options[1][0] >= options[0][0]:
            continue                                   # two passages fit equally: leave the alias alone
        s, n = options[0]
        e, p = dead[d], new[n]
        if s and n not in holder and (e.unit, e.series) == (p.unit, p.series):
            claims.setdefault(n, []).append((s, d))
        else:
            homes[e.key] = n
    for n, cl in claims.items():
        cl.sort(key=lambda t: (-t[0], t[1]))
        if len(cl) == 1 or cl[1][0] < cl[0][0]:
            revived[n] = dead[cl[0][1]]
            for _, d in cl[1:]:
                homes[dead[d].key] = n
    return revived, homes


def _lines_pairs(e: Entry, new: list[Passage]):
    for n, p in enumerate(new):
        if p.lines[0] <= e.lines[1] and e.lines[0] <= p.lines[1]:
            yield e, n


def _block_pairs(rows: list[Entry], new: list[Passage], lines_ok: bool):
    """Candidate (row, passage) pairs: sharing a source line, or the first or last two words."""
    index: dict[tuple, list[int]] = {}
    for n, p in enumerate(new):
        for k in _blocking_keys(p.fp):
            index.setdefault(k, []).append(n)
    spans = sorted((p.lines, n) for n, p in enumerate(new))
    starts = [s[0][0] for s in spans]
    for d, e in enumerate(rows):
        found = set()
        for k in _blocking_keys(e.fp):
            found.update(index.get(k, []))
        if lines_ok:
            hi = bisect.bisect_right(starts, e.lines[1])
            found.update(n for lines, n in spans[max(0, hi - 50):hi] if lines[1] >= e.lines[0])
        for n in sorted(found):
            yield d, n


def _assign(ledger, old, new, holder, links, revived):
    counts = {k: 0 for k in EVENTS}
    notes, stale = [], []
    used = {u: ledger.ids_of(u) for u in {e.unit for e in ledger.entries} | {p.unit for p in new}}
    fresh = {u for u, ids in used.items() if not ids}
    pids: list[str | None] = [None] * len(new)
    for n, p in enumerate(new):                         # identities kept in place
        o = holder.get(n)
        if o is not None and old[o].unit == p.unit and old[o].series == p.series:
            pids[n] = old[o].id
        elif n in revived:
            pids[n] = revived[n].id
    split_extra = {n for lk in links if lk.kind == "split" for n in lk.news[1:]}
    by_unit: dict[str, list[int]] = {}
    for n, p in enumerate(new):
        by_unit.setdefault(p.unit, []).append(n)
    for unit, ns in by_unit.items():
        counter = 0
        for pos, n in enumerate(ns):
            p = new[n]
            if pids[n] is not None:
                continue
            if p.series == "n":
                first = pids[n - p.part] if p.part and n - p.part >= 0 else None
                pids[n] = note_id(p.note_key, p.part, first, used[unit])
            elif unit in fresh:
                counter += 1
                pids[n] = f"p{counter}"
            else:
                prev = next((pids[k] for k in reversed(ns[:pos]) if new[k].series == "p"), None)
                following = next((pids[k] for k in ns[pos + 1:] if new[k].series == "p" and pids[k]), None)
                pids[n] = next_body_id(prev, following, used[unit])
            used[unit].add(pids[n])
    for n, p in enumerate(new):
        o = holder.get(n)
        if o is None and n in revived:
            counts["revived"] += 1
            notes.append(f"{p.loc}: passage {p.unit}#{pids[n]} ({revived[n].status} in {ledger.path}:"
                         f"{revived[n].row}) is in the text again")
            continue
        if o is None:
            if n in split_extra:
                counts["parts"] += 1
            else:
                counts["new"] += 1
                notes.append(f"{p.loc}: new passage {p.unit}#{pids[n]} '{_brief(p.fp)}'")
            continue
        e = old[o]
        if (e.unit, e.series) != (p.unit, p.series):
            counts["moved"] += 1
            notes.append(f"{p.loc}: passage {e.label()} moved to {p.unit}#{pids[n]} ({ledger.path}:{e.row})")
        elif e.fp != p.fp or e.kind != p.kind or e.lines != p.lines:
            counts["changed"] += 1
            stale.append(f"{p.loc}: {e.label()} changed since the ledger was written ({ledger.path}:{e.row})")
        else:
            counts["kept"] += 1
    for lk in links:
        if lk.kind == "split":
            counts["split"] += 1
            notes.append(f"{new[lk.news[0]].loc}: passage {old[lk.olds[0]].label()} is now split into "
                         f"{len(lk.news)} passages ({', '.join(pids[n] for n in lk.news)})")
        if lk.kind == "absorb":
            counts["merged"] += 1
            notes.append(f"{new[lk.news[0]].loc}: passage {old[lk.olds[0]].label()} is now part of "
                         f"{new[lk.news[0]].unit}#{pids[lk.news[0]]}")
        if lk.kind == "merge":
            counts["merged"] += len(lk.olds) - 1
            notes.append(f"{new[lk.news[0]].loc}: passages {', '.join(old[o].label() for o in lk.olds)} "
                         f"are now one passage ({pids[lk.news[0]]})")
    return pids, counts, notes, stale


def _rewrite(ledger, old, new, pids, links, counts, notes, witness, homes) -> Ledger:
    """The ledger after this match: live rows in reading order, each other row after its old predecessor."""
    where: dict[tuple[str, str], tuple[str, str]] = {}     # old live key -> (unit, id) it continues as
    for lk in links:
        n = lk.news[0]
        for o in lk.olds:
            where[old[o].key] = (new[n].unit, pids[n])
    live_rows = [Entry(p.unit, pids[n], "live", "", p.kind, p.lines, p.fp) for n, p in enumerate(new)]
    live_keys = {e.key for e in live_rows}
    old_pos = {e.key: i for i, e in enumerate(old)}
    entry_at = {e.key: e for e in ledger.entries}
    dead: dict[tuple[str, str] | None, list[Entry]] = {}
    prev_key = None
    for e in ledger.entries:
        if e.key not in live_keys:
            if e.status == "live" and e.key in where:
                status, target = "alias", where[e.key]
            elif e.status == "live":
                status, target = "retired", _nearest(old_pos[e.key], old, where)
                counts["retired"] += 1
                shown = f"{target[0]}#{target[1]}" if target else "nothing"
                notes.append(f"{ledger.path}:{e.row}: {e.label()} '{_brief(e.fp)}' is no longer in the text: "
                             f"retired, resolves to {shown}")
            else:
                status = e.status
                target = homes.get(e.key) or _follow(e, where, live_keys, entry_at, old_pos, old)
            shown = f"{target[0]}#{target[1]}" if target else ""
            if e.status != "live" and shown != e.target:
                notes.append(f"{ledger.path}:{e.row}: {e.label()} ({e.status}) now points to {shown or 'nothing'}"
                             f" (was {e.target or 'nothing'})")
            dead.setdefault(prev_key, []).append(Entry(e.unit, e.id, status, shown, e.kind, e.lines, e.fp))
        prev_key = e.key
    rows: list[Entry] = []
    emitted: set[tuple[str, str]] = set()

    def emit_after(key):
        for d in dead.get(key, []):
            if d.key not in emitted:
                emitted.add(d.key)
                rows.append(d)
                emit_after(d.key)

    emit_after(None)
    for e in live_rows:
        rows.append(e)
        emit_after(e.key)
    for key in list(dead):                      # predecessors that vanished from the file entirely
        emit_after(key)
    return Ledger(ledger.path, rows, witness)


def _follow(e: Entry, where, live_keys, entry_at, old_pos, old) -> tuple[str, str] | None:
    """The live passage an alias or retired row points to now (following changes made by this match)."""
    key, seen = tuple(e.target.split("#", 1)) if "#" in e.target else None, set()
    while key and key not in live_keys and key not in seen:
        seen.add(key)
        if key in where:
            key = where[key]
        elif key in old_pos:                    # its target was retired just now: go where that one goes
            key = _nearest(old_pos[key], old, where)
        else:
            nxt = entry_at.get(key)
            key = tuple(nxt.target.split("#", 1)) if nxt and "#" in nxt.target else None
    if key in live_keys:
        return key
    return _nearest_any(e, where, entry_at)


def _nearest(idx: int, old: list[Entry], where) -> tuple[str, str] | None:
    """The surviving passage nearest to old live row ``idx``: the next one of the same series in reading
    order (where the text goes on, on the next page if need be), else the one before it, else any."""
    series = old[idx].series
    for rng, same in ((range(idx + 1, len(old)), True), (range(idx - 1, -1, -1), True),
                      (range(idx + 1, len(old)), False), (range(idx - 1, -1, -1), False)):
        for i in rng:
            if (not same or old[i].series == series) and old[i].key in where:
                return where[old[i].key]
    return None


def _nearest_any(e: Entry, where, entry_at) -> tuple[str, str] | None:
    keys = list(entry_at)
    idx = keys.index(e.key) if e.key in entry_at else 0
    for key in keys[idx + 1:] + keys[:idx][::-1]:
        if key in where:
            return where[key]
    return None
