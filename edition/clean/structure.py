"""The inner structure of Documents and transcripts, decided line by line.

The paragraphs stage hands every prose run of witness lines to ``segment``
before unwrapping it.  Using the manifest's ``structure`` rules (data, per
source) it cuts the run where a speaker turn starts, peels the opener lines of
a Document (dateline, place, addressee, heading lines, salutation) off its
first paragraph, and the closer lines (closing formula, the signer's office,
signature, date) off the end of a paragraph inside a Document.

    ["31 March 1936", "Central Committee-to I. V. Stalin", "I consider that ..."]
    -> [Segment(opener, [[31 March 1936], [Central Committee-to I. V. Stalin]], roles [dateline, addressee]),
        Segment(para, [[I consider that ...]])]
    ["Postyshev: In what district?", "Yezhov: I'll tell you in a minute."]
    -> [Segment(turn, ..., speaker Postyshev), Segment(turn, ..., speaker Yezhov)]

Each segment keeps its witness lines; the caller unwraps them (one opener or
closer *item* may span lines the print wrapped).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Line, plain, token

SENTENCE_END = tuple(".!?:;\"”’')]")
LETTER_RE = re.compile(r"[^\W_]")
NEW_ITEM_RE = re.compile(r"(?:#|\d+[./]|\. \. \.|Re:)")


@dataclass
class Segment:
    """A run of lines that becomes one block.

    ``kind`` is para, turn, opener or closer.  ``items`` are the lines of the
    segment grouped into the items the reader sees (a wrapped opener heading is
    one item of two lines; a paragraph is one item).  ``roles`` names each item
    of an opener or closer; ``speaker`` is the label of a turn as printed.
    """

    kind: str
    items: list[list[Line]]
    roles: list[str] = field(default_factory=list)
    speaker: str = ""

    @property
    def lines(self) -> list[Line]:
        return [ln for item in self.items for ln in item]


class Rules:
    """The manifest's ``structure`` rules of one text, compiled.

    ``known_person(word)`` says whether a speaker label names a registered person.
    """

    def __init__(self, spec, known_person=lambda word: False):
        spec = spec or {}
        speakers = spec.get("speakers") or {}
        self.speaker_re = re.compile(speakers["pattern"]) if speakers.get("pattern") else None
        # the same label after the end of a sentence inside a line: "... possible. . . . Bukharin: In 1928"
        self.inline_speaker_re = (re.compile(r"(?<=[.?!…)\]] )(?:" + speakers["pattern"] + ")")
                                  if speakers.get("pattern") else None)
        self.speaker_labels = {s.casefold() for s in speakers.get("labels") or []}
        self.speakers_from_register = bool(speakers.get("register"))
        self.known_person = known_person
        stage = spec.get("stage_directions")
        self.stage_re = re.compile(stage) if stage else None
        epigraphs = spec.get("epigraphs") or {}
        self.attribution_re = (re.compile(epigraphs["attribution"] + r"\s*$")
                               if epigraphs.get("attribution") else None)
        self.epigraph_units = frozenset(epigraphs.get("unit_kinds") or ["chapter"])
        self.epigraph_max = epigraphs.get("max_blocks") or 4
        docs = spec.get("documents") or {}
        self.opener = [(r["role"], re.compile(r["pattern"])) for r in docs.get("opener") or []]
        self.closer = [(r["role"], re.compile(r["pattern"])) for r in docs.get("closer") or []]
        self.wrap_width = docs.get("wrap_width") or 60
        self.signature_roles = frozenset(docs.get("signature_roles") or ["signed"])

    @property
    def active(self) -> bool:
        return bool(self.speaker_re or self.opener or self.closer or self.stage_re or self.attribution_re)

    # ---------------------------------------------------------- speakers
    def speaker(self, line: str) -> str:
        """The speaker label a line starts with ("" if none).

        A label is accepted when the manifest lists it (``A voice``) or, with
        ``register: true``, when it is the name of a registered person
        (``Bukharin``, ``MOLOTOV``): ``Re: The arrest ...`` is no turn.
        """
        if not self.speaker_re or ":" not in line:
            return ""
        m = self.speaker_re.match(line.strip())
        if not m:
            return ""
        label = m.group("label")
        if label.casefold() in self.speaker_labels:
            return label
        if self.speakers_from_register and " " not in label:
            word = label.title() if label.isupper() else label
            if self.known_person(word):
                return label
        return ""

    # ---------------------------------------------------------- documents
    def opener_role(self, line: str) -> str:
        return _role(self.opener, line)

    def closer_role(self, line: str) -> str:
        return _role(self.closer, line)


def _role(rules, line: str) -> str:
    flat = " ".join(line.split())
    for role, pattern in rules:
        if pattern.fullmatch(flat):
            return role
    return ""


# ------------------------------------------------------------------ splitting
def split_turns(lines: list[Line], rules: Rules) -> list[Segment]:
    """Cut a run of lines before every line that starts a speaker turn.

    Lines before the first label stay a paragraph (the end of a speech cut by a
    page break goes on as prose; the rejoin stage joins it to its turn).
    """
    out: list[Segment] = []
    for line in _cut_inline_turns(lines, rules):
        label = rules.speaker(line.text)
        if label or not out:
            out.append(Segment("turn" if label else "para", [[line]], speaker=label))
        else:
            out[-1].items[0].append(line)
    return out


def _cut_inline_turns(lines: list[Line], rules: Rules) -> list[Line]:
    """A line holding the start of a second turn is cut in two (both halves keep its number).

    >>> r = Rules({"speakers": {"pattern": r"(?:\\. \\. \\. )?(?P<label>[A-Z][a-z]+):\\s", "labels": ["Stalin", "Rykov"]}})
    >>> [ln.text for ln in _cut_inline_turns([Line(1, ". . . Stalin: Why? . . . Rykov: Because.")], r)]
    ['. . . Stalin: Why?', '. . . Rykov: Because.']
    """
    if not rules.inline_speaker_re:
        return lines
    out: list[Line] = []
    for line in lines:
        text = line.text
        if ": " not in text[1:]:                    # no label can start inside this line
            out.append(line)
            continue
        # a lead-in alone before the label (". . . Bukharin:") stays with its turn: no cut after it
        cuts = [m.start() for m in rules.inline_speaker_re.finditer(text)
                if rules.speaker(text[m.start():]) and LETTER_RE.search(text[:m.start()])]
        if not cuts:
            out.append(line)
            continue
        for a, b in zip([0] + cuts, cuts + [len(text)]):
            if text[a:b].strip():
                out.append(Line(line.no, text[a:b].rstrip() if b < len(text) else text[a:b]))
    return out


def peel_opener(lines: list[Line], rules: Rules) -> tuple[list[list[Line]], list[str], list[Line]]:
    """Split the opener lines off the start of a Document's paragraph.

    Returns ``(items, roles, rest)``.  A line of a role that fills the print
    width (the print wrapped it) carries on into the next line unless that
    line starts a role of its own.
    """
    items: list[list[Line]] = []
    roles: list[str] = []
    i = 0
    while i < len(lines):
        role = rules.opener_role(lines[i].text)
        if not role:
            break
        item = [lines[i]]
        i += 1
        while (i < len(lines) and len(item[-1].text.strip()) >= rules.wrap_width
               and not rules.opener_role(lines[i].text) and _continues_item(item[-1].text, lines[i].text)):
            item.append(lines[i])
            i += 1
        items.append(item)
        roles.append(role)
    return items, roles, lines[i:]


def peel_section_heading(lines: list[Line], rules: Rules) -> tuple[list[list[Line]], list[str], list[Line]]:
    """Split a section heading in capitals off a paragraph inside a Document's body.

    Only heading lines are taken, and only when prose follows them (a line with a lowercase word):
    a quotation printed in capitals stays whole, and a signer's office over a signature is a closer.

    >>> r = Rules({"documents": {"opener": [{"role": "heading", "pattern": "[IVX0-9]+\\. [A-Z][A-Z ]{3,}"}]}})
    >>> items, roles, rest = peel_section_heading([Line(1, "I. THE FACTS"), Line(2, "It is necessary")], r)
    >>> [[ln.text for ln in it] for it in items], roles, [ln.text for ln in rest]
    ([['I. THE FACTS']], ['heading'], ['It is necessary'])
    >>> peel_section_heading([Line(1, "I. THE FACTS"), Line(2, "LAW.")], r)[0]
    []
    """
    if not lines or rules.closer_role(lines[0].text):     # "DEPUTY CHAIRMAN OF ..." over a signature
        return [], [], lines
    items, roles, rest = peel_opener(lines, rules)
    if items and rest and set(roles) == {"heading"} and re.search(r"[a-z]{3}", rest[0].text):
        return items, roles, rest
    return [], [], lines


def _continues_item(text: str, following: str) -> bool:
    """A wrapped item goes on when its line does not end a sentence (``of``, ``Commis-``)
    and the next line does not start an item of its own (``#48.``, ``85.``, ``Re:``)."""
    s = text.rstrip()
    if NEW_ITEM_RE.match(following.strip()):
        return False
    return not s.endswith((".", "!", "?")) or s.endswith(("-", ","))


def peel_closer(lines: list[Line], rules: Rules) -> tuple[list[Line], list[list[Line]], list[str]]:
    """Split the closer lines (formula, office, signature, date) off the end of a paragraph.

    Only when one of them is a signature, and the line before them (if any)
    ends a sentence: a name at the end of a wrapped line of prose stays prose.
    """
    j = len(lines)
    while j > 0 and rules.closer_role(lines[j - 1].text):
        j -= 1
    roles = [rules.closer_role(ln.text) for ln in lines[j:]]
    while roles and roles[0] not in rules.signature_roles and not _may_open_closer(roles[0], roles):
        roles.pop(0)
        j += 1
    if not any(r in rules.signature_roles for r in roles):
        return lines, [], []
    if j > 0 and not lines[j - 1].text.rstrip().endswith(SENTENCE_END + (". . .",)):
        return lines, [], []
    return lines[:j], [[ln] for ln in lines[j:]], roles


def _may_open_closer(role: str, roles: list[str]) -> bool:
    """An office or formula line opens a closer only when a signature follows."""
    return role != "dateline"


def stage_directions(text: str, rules: Rules) -> tuple[str, int]:
    """Wrap the stage directions of a speech in ``stage`` tokens.

    >>> r = Rules({"stage_directions": r"\\((?:Laughter|Noise)[^()]*\\)"})
    >>> s, n = stage_directions("You are not the leader. (Laughter.) Mark this", r)
    >>> s.replace(token("stage"), "<").replace(token("/stage"), ">"), n
    ('You are not the leader. <(Laughter.)> Mark this', 1)
    """
    if not rules.stage_re:
        return text, 0
    count = 0

    def wrap(m: re.Match) -> str:
        nonlocal count
        count += 1
        return f"{token('stage')}{m.group(0)}{token('/stage')}"
    return rules.stage_re.sub(wrap, text), count


def mark_epigraphs(blocks: list, unit_kind: str, rules: Rules) -> int:
    """Make the opening paragraphs of a unit epigraphs, up to the last one that ends with an attribution.

    Every paragraph of the run must end with an attribution or be followed by one that does (a
    dialogue or a two-paragraph quotation attributed once).  The attribution, with its dash, is
    marked by ``attribution`` tokens.  The dash that introduces it is an em dash in the print; the OCR
    read it as a hyphen, so a hyphen there is set as ``—`` (the attribution pattern decides where it is,
    so a hyphen inside a name, "Black-Sea", is never touched).  Returns how many were marked.

    >>> from edition.model import Block, Loc, plain
    >>> r = Rules({"epigraphs": {"attribution": r"(?<=[.!?])(?P<attribution>-[A-Z][^-]{2,90})"}})
    >>> bs = [Block("para", "The center is in the USSR.-N. I. Yezhov, 1935", Loc("x", 1)),
    ...       Block("para", "THESE WERE TERRIBLE YEARS in the Soviet Union.", Loc("x", 3))]
    >>> mark_epigraphs(bs, "chapter", r), bs[0].kind, bs[1].kind
    (1, 'epigraph', 'para')
    >>> plain(bs[0].text)
    'The center is in the USSR.—N. I. Yezhov, 1935'
    """
    if not rules.attribution_re or unit_kind not in rules.epigraph_units:
        return 0
    last = -1
    for i, block in enumerate(blocks[:rules.epigraph_max]):
        if block.kind not in ("para", "turn"):
            break
        if rules.attribution_re.search(plain(block.text)):
            last = i
    if last < 0 or last + 1 >= len(blocks):
        return 0
    for block in blocks[:last + 1]:
        m = rules.attribution_re.search(block.text)
        if m:
            a, b = m.span("attribution")
            attribution = em_dash_attribution(block.text[a:b])
            block.text = f"{block.text[:a]}{token('attribution')}{attribution}{token('/attribution')}" \
                         f"{block.text[b:]}"
        block.kind = "epigraph"
    return last + 1


def em_dash_attribution(attribution: str) -> str:
    """The dash before an epigraph's source is an em dash; the OCR printed it as a hyphen.

    >>> em_dash_attribution("-V. M. Molotov, 1973"), em_dash_attribution("—Stalin, 1934")
    ('—V. M. Molotov, 1973', '—Stalin, 1934')
    """
    return "—" + attribution[1:] if attribution.startswith("-") else attribution
