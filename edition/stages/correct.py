"""Stage ``correct``: word-level OCR correction of body and notes, for texts that ask for it.

Runs after ``notes`` (so body and notes are both there) and before ``persons`` (so names are
matched in the corrected text).  Only the text between tokens is touched; tokens are never
altered.  The repairs (``edition.clean.ocr_words``) use a lexicon assembled from evidence
(``edition.clean.lexicon``) and the witness's confusion model from its manifest (``ocr``).

Every change is logged with its witness line in the report and must agree with the reviewed
file ``texts/<slug>/corrections.tsv`` (``build_edition.py corrections --update`` rewrites it);
an editor vetoes one change by listing its line and text under ``ocr.veto``.  What the rules cannot
read safely an editor reads in ``texts/<slug>/readings.tsv`` (form, reading, why; rule ``reading``);
a listed form the text no longer holds is an error at its line.  For every text the
report gives the words unknown to the lexicon per 1,000 words, before and after (a text's own
words never count as evidence for itself).

    "certain memhers of the party"   ->  "certain members of the party"      (word)
    "destruction [razgroml, I"       ->  "destruction [razgrom], I"          (gloss-bracket)
    "RTsKhIDNI, f. 17, ap. r, d. 573 , l .  23." -> "RTsKhIDNI, f. 17, op. 1, d. 573, l. 23."  (archival)
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..inputs import read_table, table_row_problem
from ..clean.lexicon import Lexicon
from ..clean.ocr_words import RULES, Config, Corrector
from ..memo import close_memo, content_key, open_memo
from ..model import TOKEN_RE, Block, Correction, Edition, Text, plain
from ..pipeline import BuildError

TSV_NAME = "corrections.tsv"
TSV_HEADER = "line\tbefore\tafter\trule"
READINGS_NAME = "readings.tsv"
READINGS_HEADER = ["form", "reading", "why"]


def run(edition: Edition) -> None:
    lex_key, lexicon = lexicon_with_key(edition.root)
    errors: list[str] = []
    for text in edition.texts:
        text.report.lexicon["words"], text.report.lexicon["unknown_before"] = unknown_rate(text, lexicon)
        if text.manifest["ocr"]["enabled"]:
            errors.extend(_correct_text(text, lexicon, lex_key, edition))
        text.report.lexicon["unknown_after"] = unknown_rate(text, lexicon)[1]
    if errors:
        raise BuildError(errors, hint="review the changes, then run `python build_edition.py corrections "
                         "--update` and commit texts/<slug>/corrections.tsv (or veto a change in the manifest)")


# ---------------------------------------------------------------- lexicon
_LEXICONS: dict[str, Lexicon] = {}          # lexicon_key -> Lexicon (the newest one only)
WORD_LIST_PACKAGES = ("wordfreq", "symspellpy")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def edition_lexicon(root: str) -> Lexicon:
    """The lexicon from the witnesses of every text *not* corrected, read from disk (so building one
    text alone gives the same corrections), plus word lists, register and curated list.

    Made once per content of its inputs (``lexicon_key``); ``adopt_lexicon`` hands in one made
    earlier (``edition.parallel`` keeps it in build/cache)."""
    return lexicon_with_key(root)[1]


def lexicon_with_key(root: str) -> tuple[str, Lexicon]:
    """(``lexicon_key``, ``edition_lexicon``)."""
    key, clean = lexicon_sources(root)
    if key not in _LEXICONS:
        _LEXICONS.clear()
        _LEXICONS[key] = Lexicon.for_edition(root, {slug: read() for slug, read in clean.items()})
    return key, _LEXICONS[key]


def lexicon_key(root: str) -> str:
    """SHA-256 of exactly what ``edition_lexicon`` reads: every manifest's ``ocr.enabled`` (which
    texts are evidence), the witnesses of the texts not corrected, texts/lexicon.yml,
    texts/persons.yml and the versions of the word-list packages (wordfreq, symspellpy).

    >>> lexicon_key(root) == lexicon_key(root)     # another text's ocr.enabled or clean witness changes it
    True
    """
    return lexicon_sources(root)[0]


def adopt_lexicon(key: str, lexicon: Lexicon) -> None:
    """Use ``lexicon`` (made earlier from the inputs of ``key``) instead of making it again."""
    _LEXICONS.clear()
    _LEXICONS[key] = lexicon


def lexicon_sources(root: str) -> tuple[str, dict]:
    """(``lexicon_key``, {slug: function reading that clean witness's lines})."""
    from importlib import metadata
    h = hashlib.sha256()
    clean: dict = {}
    for manifest in sorted(Path(root, "texts").glob("*/edition.yml")):
        raw = manifest.read_bytes()
        try:
            data = yaml.load(raw.decode("utf-8"), Loader=_LOADER) or {}
        except (yaml.YAMLError, UnicodeDecodeError):
            data = None                            # the load stage reports it; the key still changes with it
        if not isinstance(data, dict):
            h.update(b"manifest\0" + manifest.parent.name.encode() + b"\0" + hashlib.sha256(raw).digest())
            continue
        enabled = bool((data.get("ocr") or {}).get("enabled")) if isinstance(data.get("ocr") or {}, dict) else True
        h.update(f"text\0{manifest.parent.name}\0{int(enabled)}\0".encode())
        if enabled:
            continue
        source = manifest.parent / ((data.get("source") or {}).get("file") or "source.txt")
        if source.is_file():
            content = source.read_bytes()
            h.update(source.name.encode() + b"\0" + hashlib.sha256(content).digest())
            clean[manifest.parent.name] = lambda content=content: _text_lines(content)
    for extra in ("texts/lexicon.yml", "texts/persons.yml"):
        path = Path(root, extra)
        h.update(extra.encode() + b"\0" + (hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b""))
    for package in WORD_LIST_PACKAGES:
        try:
            h.update(f"{package}=={metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}: none\0".encode())
    return h.hexdigest(), clean


def _text_lines(content: bytes) -> list[str]:
    """The lines of a witness as ``Path.read_text`` reads them (universal newlines)."""
    return content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def unknown_rate(text: Text, lexicon: Lexicon) -> tuple[int, float]:
    """(words, words unknown to the lexicon per 1,000), the text's own words left out of the evidence."""
    counts: Counter = Counter()
    for block in all_blocks(text):
        counts.update(re.findall(r"[A-Za-z~][A-Za-z~']*", block.plain()))
    words = unknown = 0
    for w, n in counts.items():                     # each distinct word once
        w = w.strip("'")
        if not w:
            continue
        words += n
        if "~" in w or not lexicon.known(w, exclude=text.slug):
            unknown += n
    return words, round(1000 * unknown / words, 2) if words else 0.0


def all_blocks(text: Text):
    for unit in text.units:
        if unit.drop:
            continue
        yield from unit.blocks
        for note in unit.notes:
            yield from note.blocks


def scoped_blocks(text: Text):
    """Every block as ``all_blocks`` gives them, with "body" or "notes"."""
    for unit in text.units:
        if unit.drop:
            continue
        for block in unit.blocks:
            yield block, "body"
        for note in unit.notes:
            for block in note.blocks:
                yield block, "notes"


# ---------------------------------------------------------------- correcting one text
def _correct_text(text: Text, lexicon: Lexicon, lexicon_key: str, edition: Edition) -> list[str]:
    spec = text.manifest["ocr"]
    digits: dict[str, str] = {}
    for d in spec["digits"]:
        digits[d["printed"]] = digits.get(d["printed"], "") + d["reads"]      # "r": "12" (1 or 2)
    config = Config(confusions=[(c["printed"], c["reads"]) for c in spec["confusions"]], digits=digits,
                    rules=tuple(spec["rules"]) or RULES, keep=frozenset(spec["keep"]),
                    real_word=[(c["printed"], c["reads"], c["min_gap"]) for c in spec["real_word"]])
    readings, rows, errors = load_readings(text, edition)
    if errors:
        return errors
    config.readings = readings
    corrector = Corrector(lexicon, config)
    for block in all_blocks(text):
        corrector.learn_archival(block.plain())
    vetoes = {(v["line"], v["before"]): v for v in spec["veto"]}
    used: set[tuple[int, str]] = set()
    found_forms: set[str] = set()
    lines = {}
    for line in text.lines:
        lines.setdefault(line.no, line.text)
    memo = open_memo(edition, "correct", text.slug)
    context = _context_key(lexicon_key, config, corrector)

    def corrected(block, scope, window):
        corrector.scope = scope                           # note-only rules (note-spacing) see "notes"
        return _correct_block(block, corrector, window)
    for block, scope in scoped_blocks(text):
        window = _Window.of(block, lines, vetoes)
        outcome = memo.made(_block_key(context, scope, block, window), lambda: corrected(block, scope, window))
        _apply(outcome, block, text, used, found_forms)
    close_memo(edition, memo)
    for c in text.report.corrections:
        text.report.count(f"ocr:{c.rule}")
        text.report.count("ocr:[?] marks", c.after.count("[?]"))
    errors = [f"{text.manifest_path}:{v.line}: veto of {v['before']!r} on line {v['line']} matches no "
              "change; remove it or correct it from corrections.tsv"
              for key, v in vetoes.items() if key not in used]
    errors += [f"{_readings_rel(text)}:{no}: the form {form!r} stands nowhere in the text after the automatic "
               "rules (a rule now reads it, or it is misspelt); remove the row or give the form as the edition "
               "prints it" for form, no in rows.items() if form not in found_forms]
    return errors + _check_tsv(text, edition)


def _context_key(lexicon_key: str, config: Config, corrector: Corrector) -> str:
    """What every block's correction depends on besides the block: the lexicon, the text's confusion
    model, rules, keep list and readings, and the archival references read without doubt anywhere in
    the text (``Corrector.learn_archival``)."""
    references = sorted((f, d, sorted(o)) for (f, d), o in corrector.stats.get("references", {}).items())
    described = {"lexicon": lexicon_key, "confusions": config.confusions,
                 "digits": sorted(config.digits.items()), "rules": list(config.rules), "keep": sorted(config.keep),
                 "real_word": config.real_word, "max_edits": config.max_edits,
                 "readings": sorted(config.readings.items()), "references": references}
    return content_key(described)


def _block_key(context: str, scope: str, block: Block, window: "_Window") -> str:
    """The content key of one block's correction: the context, the block and its witness lines."""
    content = block.rows if block.rows is not None else block.text
    return content_key([context, scope, content, window.range, sorted(window.vetoes)])


def _readings_rel(text: Text) -> str:
    return f"{Path(text.source_path).parent.as_posix()}/{READINGS_NAME}"


def load_readings(text: Text, edition: Edition) -> tuple[dict[str, str], dict[str, int], list[str]]:
    """The editor's reviewed readings of one text: ({form: reading}, {form: line}, errors).

        form<TAB>reading<TAB>why            (header)
        eenuinelv<TAB>genuinely<TAB>g read as e, y as v
    """
    rel = _readings_rel(text)
    path = Path(edition.root) / rel
    if not path.is_file():
        return {}, {}, []
    readings: dict[str, str] = {}
    rows: dict[str, int] = {}
    errors: list[str] = []
    for no, cells in read_table(path, rel, READINGS_HEADER, "form, reading, why", errors):
        if not all(c.strip() for c in cells):
            errors.append(table_row_problem(rel, no, READINGS_HEADER, "form, reading, why"))
        elif cells[0] != cells[0].strip() or cells[1] != cells[1].strip() or any(c.isspace() for c in cells[0]):
            errors.append(f"{rel}:{no}: the form {cells[0]!r} must be one token without spaces around it")
        elif cells[0] == cells[1]:
            errors.append(f"{rel}:{no}: the reading of {cells[0]!r} is the form itself; remove the row")
        elif cells[0] in rows:
            errors.append(f"{rel}:{no}: the form {cells[0]!r} is already listed on line {rows[cells[0]]}")
        else:
            readings[cells[0]], rows[cells[0]] = cells[1], no
    return readings, rows, errors


@dataclass(frozen=True)
class _Window:
    """The witness lines a block comes from (the changes are located there) and the vetoes on them."""

    range: tuple[tuple[int, str], ...]
    vetoes: frozenset

    @classmethod
    def of(cls, block: Block, lines: dict[int, str], vetoes: dict) -> "_Window":
        first = block.loc.line
        last = max(block.line_end or first, first)
        return cls(tuple((n, lines.get(n, "")) for n in range(first, last + 1)),
                   frozenset(key for key in vetoes if first <= key[0] <= last))


@dataclass(frozen=True)
class _Outcome:
    """One block corrected: its new text (or table rows), the changes (line, before, after, rule), the
    reviewed forms (readings.tsv) it holds and the vetoes that refused a change in it."""

    content: object
    changes: tuple
    forms: frozenset
    vetoed: frozenset


def _correct_block(block: Block, corrector: Corrector, window: _Window) -> _Outcome:
    """Correct one block (a pure function of the block, its window and the corrector's context)."""
    locate = _Locator(window.range)
    pending: dict = {}
    changes: list[tuple] = []
    vetoed: set = set()

    def allow(before: str, after: str, rule: str, following: str = "") -> bool:
        line = locate(before, following)
        if (line, before) in window.vetoes:
            vetoed.add((line, before))
            return False
        pending["line"] = line
        return True

    def log(before: str, after: str, rule: str) -> None:
        changes.append((pending.pop("line"), before, plain(after), rule))

    corrector.readings_found = set()
    if block.rows is not None:
        content = [[_correct_inline(cell, corrector, log, allow) for cell in row] for row in block.rows]
    else:
        content = _correct_inline(block.text, corrector, log, allow)
    return _Outcome(content, tuple(changes), frozenset(corrector.readings_found), frozenset(vetoed))


def _apply(outcome: _Outcome, block: Block, text: Text, used: set, found_forms: set) -> None:
    if block.rows is not None:
        block.rows = [list(row) for row in outcome.content]
    else:
        block.text = outcome.content
    text.report.corrections.extend(Correction(text.loc(line), before, after, rule)
                                   for line, before, after, rule in outcome.changes)
    used.update(outcome.vetoed)
    found_forms.update(outcome.forms)


def _correct_inline(text: str, corrector: Corrector, log, allow) -> str:
    """Correct the text between tokens; the tokens themselves are kept as they are."""
    out, pos = [], 0
    for m in TOKEN_RE.finditer(text):
        out.append(corrector.correct(text[pos:m.start()], log, allow))
        out.append(m.group(0))
        pos = m.end()
    out.append(corrector.correct(text[pos:], log, allow))
    return "".join(out)


class _Locator:
    """Finds the witness line a change comes from, in the block's line range (in order of use)."""

    def __init__(self, window: tuple[tuple[int, str], ...]):
        self.range = window
        self.uses: Counter = Counter()
        self.first = window[0][0]

    def __call__(self, before: str, following: str = "") -> int:
        """The first line (not yet used for this text) holding ``before``, best with what follows it."""
        probes = []
        if following.strip():
            probes.append(before + following[:12].split("\n")[0])
        probes.append(before)
        words = before.split()
        if words:
            probes.append(words[0])
        if "-" in before.strip("-"):
            probes.append(before[: before.index("-") + 1])            # "place-" at a line end
        head = re.match(r"[A-Za-z~']{6,}", before)
        if head:                                           # a word joined across a line break
            probes += [head.group()[: len(head.group()) // 2], head.group()[-(len(head.group()) // 2):]]
        for probe in probes:
            for no, line in self.range:
                if line.count(probe) > self.uses[(no, probe)]:
                    self.uses[(no, probe)] += 1
                    return no
        return self.first


# ---------------------------------------------------------------- corrections.tsv
def tsv_lines(text: Text) -> list[str]:
    def cell(s: str) -> str:
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return [TSV_HEADER] + [f"{c.loc.line}\t{cell(c.before)}\t{cell(c.after)}\t{c.rule}"
                           for c in text.report.corrections]


def _check_tsv(text: Text, edition: Edition) -> list[str]:
    path = Path(edition.root) / Path(text.source_path).parent / TSV_NAME
    rel = f"{Path(text.source_path).parent.as_posix()}/{TSV_NAME}"
    want = "\n".join(tsv_lines(text)) + "\n"
    if edition.options.get("corrections_update"):
        path.write_text(want, encoding="utf-8")
        return []
    if not path.is_file():
        return [f"{rel}:1: missing: the build makes {len(text.report.corrections)} OCR corrections that "
                "have not been reviewed"]
    have = path.read_text(encoding="utf-8")
    if have == want:
        return []
    old, new = have.split("\n"), want.split("\n")
    for i, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return [f"{rel}:{i}: the build now makes {b!r} where the reviewed file reads {a!r} "
                    f"({len(new) - 1 - 1} changes in all)"]
    return [f"{rel}:{min(len(old), len(new))}: the build makes {len(new) - 2} changes, the reviewed file "
            f"lists {len(old) - 2}"]
