"""Stage ``paragraphs``: turn each unit's lines into blocks.

Blank lines separate blocks.  A block of ``|``-lines is a table, a block of
``- ``-lines a list, a block inside a manifest ``verse`` range keeps its line
breaks; every other block is prose: its lines are unwrapped and line-end
hyphens resolved from evidence (see ``edition.clean.hyphenation``).  Sources
with ``markup: markdown`` have their emphasis and links decoded into tokens.
Where the manifest has ``structure`` rules, a prose run is first cut into
speaker turns and a Document's opener and closer lines
(``edition.clean.structure``): ``"31 March 1936" / "Central Committee-to I. V.
Stalin" / "I consider that..."`` -> an opener (dateline, addressee) and a para.

    ["the docu-", "ment was signed", "", "| a | b |", "|---|---|", "| 1 | 2 |"]
    -> [Block(para, "the document was signed"), Block(table, rows=[[a, b], [1, 2]])]
"""
from __future__ import annotations

import pickle
import re

from ..clean.hyphenation import Vocabulary, join_lines, shared_vocabularies
from ..clean.inline import decode
from ..clean.junk import strip_line_end_junk
from ..clean.structure import (Rules, Segment, mark_epigraphs, peel_closer, peel_opener, peel_section_heading,
                               split_turns,
                               stage_directions)
from ..memo import Lookups, Memo, ReportLog, close_memo, content_key, open_memo
from ..model import Block, Edition, Line, Text, Unit, token

NUMBERED_ITEM_RE = re.compile(r"\d+[.)] ")
TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")


def run(edition: Edition) -> None:
    own_vocabularies, corpora = shared_vocabularies(edition, "paragraphs", vocabulary_lines)
    known_person = _register_lookup(edition)
    for text in edition.texts:
        sources = {"own": own_vocabularies[text.slug], "corpus": corpora[text.slug], "person": known_person}
        memo = open_memo(edition, "paragraphs", text.slug)
        context = _context_key(text)
        for unit in text.units:
            unit.blocks = _unit_blocks(text, unit, sources, memo, context)
            unit.lines = []
        close_memo(edition, memo)


# The manifest entries that decide how a unit's lines become blocks (with the unit's lines, the
# vocabularies and the register: everything ``_blocks`` reads).
CONTEXT = ("verse", "hyphen_keep", "hyphen_join", "markup", "wrap", "structure", "headings", "paragraph_breaks")


def _context_key(text: Text) -> str:
    return content_key([text.source_path, {name: text.manifest[name] for name in CONTEXT}], default=repr)


def _unit_blocks(text: Text, unit: Unit, sources: dict, memo: Memo, context: str) -> list[Block]:
    """The unit's blocks, or a memo's copy of them: kept for the same lines and context, and used
    while every count and name they were decided on (``Lookups``) is still the same.

    The report entries and the paragraph breaks used are kept and replayed with them."""
    if not memo.active:
        return _blocks_of(text, unit, sources["own"], sources["corpus"], sources["person"], text.breaks_used)
    key = content_key([context, unit.kind, [[ln.no, ln.text] for ln in unit.lines]])
    kept = memo.get(key)
    if kept is None or not kept[0].hold(sources):
        kept = _blocks_recorded(text, unit, sources)
        memo.put(key, kept)
    lookups, blocks, log, used = kept
    log.replay(text.report)
    text.breaks_used.update(used)
    return pickle.loads(blocks)


def _blocks_recorded(text: Text, unit: Unit, sources: dict) -> tuple:
    """Make a unit's blocks recording what they read: (lookups, pickled blocks, report log, breaks used)."""
    lookups, log, used = Lookups(), ReportLog(), set()
    report, text.report = text.report, log
    try:
        blocks = _blocks_of(text, unit, *(lookups.recording(name, sources[name]) for name in ("own", "corpus", "person")),
                            used)
    finally:
        text.report = report
    return lookups, pickle.dumps(blocks, protocol=pickle.HIGHEST_PROTOCOL), log, sorted(used)


def _blocks_of(text: Text, unit: Unit, own, corpus, known_person, used: set[int]) -> list[Block]:
    """A unit's blocks, epigraphs marked; the paragraph breaks that took effect are added to ``used``."""
    rules = Rules(text.manifest["structure"], known_person)
    breaks = {rule["line"]: rule for rule in text.manifest["paragraph_breaks"]}
    blocks = list(_blocks(text, unit, own, corpus, rules, _document_heads(text), breaks, used))
    marked = mark_epigraphs(blocks, unit.kind, rules)
    if marked:
        text.report.count("epigraphs", marked)
    return blocks


def split_at_breaks(groups: list[list[Line]], breaks, used: set[int]) -> list[list[Line]]:
    """Cut runs of lines before each line an editor marked as beginning a new paragraph.

        [["1) To relieve him.", "2) To appoint him."]] with a break at line 2
        -> [["1) To relieve him."], ["2) To appoint him."]]
    """
    out: list[list[Line]] = []
    for group in groups:
        start = 0
        for i, line in enumerate(group):
            if i and line.no in breaks:
                out.append(group[start:i])
                start = i
                used.add(line.no)
        out.append(group[start:])
    return out


def _register_lookup(edition: Edition):
    """``word -> bool``: is it a registered person's name (speaker labels are checked against it)."""
    if not any((t.manifest["structure"] or {}).get("speakers", {}).get("register") for t in edition.texts):
        return lambda word: False
    from ..persons import shared_register
    reg = shared_register(edition)
    return (lambda word: bool(reg.candidates(word))) if reg else (lambda word: False)


def _document_heads(text: Text) -> list[re.Pattern]:
    """The manifest's heading rules that make a Document head (its opener follows)."""
    return [re.compile(r["pattern"]) for r in text.manifest["headings"] if r["kind"] == "document"]


def vocabulary_lines(text: Text, unit: Unit | None = None):
    """The lines a text's (or one unit's) hyphenation evidence is counted from (see ``Vocabulary``)."""
    return (line.text for u in ([unit] if unit else text.units) for line in u.lines)


def split_blocks(lines: list[Line]) -> list[list[Line]]:
    """Group lines into runs separated by blank lines."""
    groups: list[list[Line]] = []
    current: list[Line] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _blocks(text: Text, unit: Unit, own: Vocabulary, corpus: Vocabulary, rules: Rules, heads, breaks=None,
            used=None):
    verse = [tuple(v["lines"]) for v in text.manifest["verse"]]
    keep = frozenset(w.lower() for w in text.manifest["hyphen_keep"])
    join = frozenset(w.lower() for w in text.manifest["hyphen_join"])
    markdown = text.manifest["markup"] == "markdown"
    lines = _without_junk(unit.lines, text) if text.manifest["wrap"] == "hard" else unit.lines
    groups = list(_split_verse(split_blocks(lines), verse))
    if breaks:
        before = len(groups)
        groups = split_at_breaks(groups, breaks, used)
        text.report.count("paragraph-break-by-editor", len(groups) - before)
    if text.manifest["wrap"] == "none":
        groups = _split_unwrapped(groups, verse)
    document = _DocumentState(heads)
    for group in groups:
        first, last = group[0].no, group[-1].no
        loc = text.loc(first)
        raw = [ln.text for ln in group]
        if all(r.lstrip().startswith("|") for r in raw):
            yield _table(raw, loc, last, markdown)
        elif any(a <= first and last <= b for a, b in verse):
            yield Block("verse", "\n".join(_inline(r.strip(), markdown) for r in raw), loc, last)
            text.report.count("verse-block")
        elif all(r.lstrip().startswith("- ") for r in raw):
            items = [_inline(r.strip()[2:].strip(), markdown) for r in raw]
            numbered = all(NUMBERED_ITEM_RE.match(r.strip()[2:].strip()) for r in raw)
            yield Block("list", "\n".join(items), loc, last, attrs={"numbered": True} if numbered else {})
        else:
            def unwrap(lines: list[Line]) -> str:
                log: list = []
                joined = join_lines([ln.text for ln in lines], own, corpus, keep, join, log)
                for first_part, second, decision in log:
                    text.report.count(f"line-end-hyphen-{decision}")
                if len(lines) > 1:
                    text.report.count("lines-unwrapped", len(lines) - 1)
                return _inline(joined, markdown)
            segments = _segments(group, rules, document) if rules.active else [Segment("para", [group])]
            for segment in segments:
                yield _segment_block(text, segment, unwrap, rules)


SECTION_BEFORE = tuple(".!?:;)]\"'”’")


class _DocumentState:
    """Where a run of lines stands: after a Document head (its opener may follow), in its body, or outside."""

    def __init__(self, heads):
        self.heads = heads
        self.state = ""          # "", "opening", "body"
        self.previous = ""       # the last line of the run before (a heading never continues it)

    def is_head(self, group: list[Line]) -> bool:
        flat = " ".join(" ".join(ln.text.split()) for ln in group)
        return any(h.fullmatch(flat) for h in self.heads)


def _segments(group: list[Line], rules: Rules, document: _DocumentState) -> list[Segment]:
    """Cut one prose run into openers, speaker turns, paragraphs and closers."""
    previous, document.previous = document.previous, group[-1].text if group else ""
    if document.is_head(group):
        document.state = "opening"
        return [Segment("para", [group])]
    out: list[Segment] = []
    rest = group
    if document.state == "opening":
        items, roles, rest = peel_opener(group, rules)
        if items:
            out.append(Segment("opener", items, roles))
        if rest:
            document.state = "body"
    elif document.state == "body" and previous.rstrip().endswith(SECTION_BEFORE):
        # "I. THE FACTS" + "It is necessary ...", not the rest of a line a page break cut ("ADMIN-" + "ISTRATION")
        items, roles, rest = peel_section_heading(group, rules)
        if items:
            out.append(Segment("opener", items, roles))
    if not rest:
        return out
    pieces = split_turns(rest, rules)
    if document.state == "body" and rules.closer:
        last = pieces[-1]
        body, items, roles = peel_closer(last.items[0], rules)
        if items:
            document.state = ""
            if body:
                last.items[0] = body
            else:
                pieces.pop()
            pieces.append(Segment("closer", items, roles))
    return out + pieces


def _segment_block(text: Text, segment: Segment, unwrap, rules: Rules) -> Block:
    lines = segment.lines
    loc, last = text.loc(lines[0].no), lines[-1].no
    if segment.kind in ("opener", "closer"):
        text.report.count(f"document-{segment.kind}")
        for role in segment.roles:
            text.report.count(f"document-{segment.kind}-{role}")
        return Block(segment.kind, "\n".join(unwrap(item) for item in segment.items), loc, last,
                     attrs={"roles": list(segment.roles)})
    body, n = stage_directions(unwrap(lines), rules)
    if n:
        text.report.count("stage-directions", n)
    if segment.kind == "turn":
        text.report.count("speaker-turns")
        return Block("turn", _label_speaker(body, segment.speaker), loc, last,
                     attrs={"speaker": segment.speaker})
    return Block("para", body, loc, last)


SPEAKER_ASIDE_RE = re.compile(r"(?: [\[(][^\[\]()]{1,30}[\])])?:")


def _label_speaker(body: str, label: str) -> str:
    """Mark the printed label (``Bukharin:``) of a turn with ``speaker`` tokens; the text stays as printed.

    A bracketed aside between name and colon is part of the label:
    ``Bukharin [ironically]: Nikolai ...`` -> ``<speaker>Bukharin [ironically]:</speaker> Nikolai ...``.
    """
    at = body.find(label, 0, len(label) + 12)          # after a lead-in: ". . . Yezhov:", "[Later] Andreev:"
    colon = SPEAKER_ASIDE_RE.match(body, at + len(label)) if at >= 0 else None
    if not colon:
        return body
    end = colon.end()
    return f"{body[:at]}{token('speaker')}{body[at:end]}{token('/speaker')}{body[end:]}"


def _without_junk(lines: list[Line], text: Text) -> list[Line]:
    """Remove OCR specks at line ends where they stop a word or sentence going on."""
    out: list[Line] = []
    following = ""
    for line in reversed(lines):
        cleaned, changed = strip_line_end_junk(line.text.rstrip(), following)
        if changed:
            text.report.count("ocr-line-end-specks-removed")
            line = Line(line.no, cleaned)
        if line.text.strip():
            following = line.text
        out.append(line)
    return out[::-1]


def _split_verse(groups, verse):
    """Split a run of lines where a verse range starts or ends inside it."""
    for group in groups:
        current: list[Line] = []
        state = None
        for line in group:
            inside = any(a <= line.no <= b for a, b in verse)
            if current and inside != state:
                yield current
                current = []
            current.append(line)
            state = inside
        if current:
            yield current


def _line_type(line: Line) -> str:
    s = line.text.lstrip()
    return "table" if s.startswith("|") else "list" if s.startswith("- ") else "plain"


def _split_unwrapped(groups, verse):
    """In a text with one paragraph per line, every plain line starts a block.

    Runs of list items or table rows stay together; a short line that stops
    mid-sentence and is followed by a lowercase line is a hard-wrapped
    fragment (a quotation set narrow) and is joined.
    """
    for group in groups:
        if any(a <= group[0].no and group[-1].no <= b for a, b in verse):
            yield group
            continue
        current: list[Line] = []
        for line in group:
            if current and not _same_block(current[-1], line):
                yield current
                current = []
            current.append(line)
        if current:
            yield current


def _same_block(prev: Line, line: Line) -> bool:
    kind = _line_type(line)
    if kind != _line_type(prev):
        return False
    if kind != "plain":
        return True
    before = prev.text.rstrip()
    return (len(before) < 100 and not before.endswith(('.', '!', '?', ':', '"', '”'))
            and line.text.lstrip()[:1].islower())


def _inline(s: str, markdown: bool) -> str:
    return decode(s) if markdown else s


def _table(raw: list[str], loc, last: int, markdown: bool) -> Block:
    rows: list[list[str]] = []
    header_rows = 0
    for r in raw:
        s = r.strip()
        if TABLE_SEP_RE.match(s):
            header_rows = len(rows)
            continue
        cells = s.strip("|").split("|")
        rows.append([_inline(c.strip(), markdown) for c in cells])
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    # a header made only of empty cells carries nothing: drop it, keep the table
    while header_rows and not any(rows[0]):
        rows.pop(0)
        header_rows -= 1
    return Block("table", "", loc, last, rows=rows, header_rows=header_rows)
