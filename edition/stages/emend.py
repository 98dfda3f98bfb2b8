"""Stage ``emend``: apply the manifest's emendations and replacement rules.

Each emendation names a line and the exact text it corrects there; one that
does not match is an error (the witness or the manifest has moved on).
A replacement rule repairs a systematic OCR error everywhere (a regular
expression); every change is counted in the report, and a rule that changes
nothing is an error.

    line 4411: "C H A P T E R  SIX"  ->  "C H A P T E R  S I X"
    rule '\\b(19[0-9]) ([0-9])\\b' -> '\\1\\2':  "in 193 5,"  ->  "in 1935,"
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path

import regex

from ..inputs import read_table, table_row_problem
from ..clean.ocr_words import unclear_mark
from ..model import Edition, Emendation, Line
from ..pipeline import for_each_text


def run(edition: Edition) -> None:
    for_each_text(edition, lambda text: _emend(text, edition.root) + _replace(text) + _restore(text))


def _emend(text, root) -> list[str]:
    errors: list[str] = []
    by_no = {line.no: line for line in text.lines}
    changed = False
    rules = [(rule, f"{text.manifest_path}:{rule.line}", "manifest") for rule in text.manifest["emendations"]]
    rules += proofreading_rows(text, root, errors)
    for rule, where, fix in rules:
        line = by_no.get(rule["line"])
        if line is None:
            errors.append(f"{where}: emendation names line {rule['line']}, but "
                          f"{text.source_path} has {len(text.lines)} lines")
            continue
        if rule["original"] not in line.text:
            errors.append(f"{where}: emendation matches nothing: {rule['original']!r} is not on "
                          f"{text.source_path}:{rule['line']} (which reads {line.text.strip()[:80]!r}"
                          f"{'' if fix == 'manifest' else ' after the manifest emendations'}); "
                          f"correct the line number or the original text in the {fix}")
            continue
        line.text = line.text.replace(rule["original"], _replacement(rule, fix), 1)
        changed = True
        text.report.emendations.append(Emendation(rule["original"], rule["replacement"], rule["why"],
                                                  text.loc(rule["line"])))
        text.report.count("emendation")
        if fix == PROOFREADING_NAME:
            text.report.count("emendation-proofread")
    if changed:
        text.lines = _split_inserted_lines(text.lines)
    return errors


UNREADABLE = "[?]"


def _replacement(rule, fix: str) -> str:
    """A proofreader's ``[?]`` marks a stretch that cannot be read with confidence: the edition shows
    the visible mark with the witness reading kept in it (its tooltip), as the ``unclear`` rule does.

        "zr9-to" -> "[?]"   ->   unclear mark carrying "zr9-to"
    """
    if fix == PROOFREADING_NAME and rule["replacement"] == UNREADABLE:
        return unclear_mark(rule["original"])
    return rule["replacement"]


PROOFREADING_NAME = "proofreading.tsv"
PROOFREADING_HEADER = ["line", "original", "replacement", "why"]


def proofreading_rows(text, root, errors: list[str]) -> list[tuple[dict, str, str]]:
    """The corrections read off the witness by a proofreader, one per row of ``texts/<slug>/proofreading.tsv``.

    They are emendations like the manifest's, applied after them, kept in a table because a text
    read through by hand yields hundreds (an empty ``replacement`` deletes the original):

        line<TAB>original<TAB>replacement<TAB>why
        9083<TAB>670b.<TAB>67ob.<TAB>o (obverse) read as 0
        1170<TAB>zr9-to<TAB>[?]<TAB>r is 1 or 2, t is 2 or 3 in this witness: not decidable

    A replacement of exactly ``[?]`` sets the visible mark of an unreadable stretch (see ``_replacement``).
    """
    rel = f"{Path(text.source_path).parent.as_posix()}/{PROOFREADING_NAME}"
    path = Path(root) / rel
    if not path.is_file():
        return []
    return [(rule, where, PROOFREADING_NAME) for rule, where in read_proofreading(path, rel, errors)]


PROOFREADING_CELLS = ("the witness line number, the text as the witness has it on that line, the corrected text "
                      "(may be empty) and why")


def read_proofreading(path: Path, rel: str, errors: list[str]) -> list[tuple[dict, str]]:
    """The rows of a proofreading table as ``({line, original, replacement, why}, "rel:row")``; a malformed
    row is reported in ``errors`` (``rel:row: what is wrong``) and left out."""
    rows: list[tuple[dict, str]] = []
    for no, cells in read_table(path, rel, PROOFREADING_HEADER, PROOFREADING_CELLS, errors):
        if not cells[0].strip().isdigit() or not cells[1] or not cells[3].strip():
            errors.append(table_row_problem(rel, no, PROOFREADING_HEADER, PROOFREADING_CELLS))
        elif cells[1] == cells[2]:
            errors.append(f"{rel}:{no}: the replacement is the original itself; remove the row")
        else:
            rows.append(({"line": int(cells[0]), "original": cells[1], "replacement": cells[2], "why": cells[3]},
                         f"{rel}:{no}"))
    return rows


def _replace(text) -> list[str]:
    errors = []
    whole = "\n".join(line.text for line in text.lines)     # kept up to date rule by rule
    for rule in text.manifest["replacements"]:
        pattern = re.compile(rule["pattern"])
        changed = 0
        edits: list[tuple[int, int, str]] = []
        for index, start in _lines_that_may_match(whole, rule["pattern"]):
            line = text.lines[index]
            new, n = pattern.subn(rule["replacement"], line.text)
            if n:
                edits.append((start, len(line.text), new))
                line.text = new
                changed += n
        whole = _with_edits(whole, edits)
        text.report.count(f"replacement:{rule['why']}", changed)   # the whole label (report page)
        if changed < rule["min"]:
            errors.append(f"{text.manifest_path}:{rule.line}: replacement rule {rule['pattern']!r} changed "
                          f"{changed} place(s), expected at least {rule['min']}; fix or remove it")
    return errors


def _lines_that_may_match(whole: str, pattern: str) -> list[tuple[int, int]]:
    """``(index, offset)`` of each line a rule may change, found with one search over the whole
    text (``whole``: the lines joined by line breaks; ``offset``: where the line starts in it).

    The search uses the ``regex`` module (same syntax; dozens of times faster than
    ``re`` on patterns that start with ``\\b``); the rule itself is then applied
    with ``re``, line by line, so it never reaches across a line break.

        _lines_that_may_match("a 193 5\\nb\\nin 193 6", r"\\b(19[0-9]) ([0-9])\\b")  ->  [(0, 0), (2, 10)]
    """
    hits: list[tuple[int, int]] = []
    index, at = 0, 0
    for m in regex.finditer(pattern, whole):          # in order: count the line breaks since the last hit
        index += whole.count("\n", at, m.start())
        at = m.start()
        if not hits or hits[-1][0] != index:
            hits.append((index, whole.rfind("\n", 0, at) + 1))
    return hits


def _with_edits(whole: str, edits: list[tuple[int, int, str]]) -> str:
    """``whole`` with each ``(offset, length, new)`` span replaced, in one pass (the spans in order)."""
    if not edits:
        return whole
    pieces, position = [], 0
    for offset, length, new in edits:
        pieces += (whole[position:offset], new)
        position = offset + length
    pieces.append(whole[position:])
    return "".join(pieces)


def _restore(text) -> list[str]:
    """Replace each restored range by its restored text; list the witness lines in the report.

    Linear in the text: each range is found by bisection on the line numbers
    (the lines are in witness order), and the new line list is assembled in
    one pass at the end, so a long text with many restorations costs no more
    per restoration than a short one.

        lines 246-276 (table, one cell per line)  ->  "| Russian | English |" ... + Line(276, "")
    """
    errors = []
    numbers = [line.no for line in text.lines]
    spans: list[tuple[int, int, list[Line]]] = []
    for rule in text.manifest["restorations"]:
        first, last = rule["lines"][0], rule["lines"][-1]
        where = f"{text.manifest_path}:{rule.line}"
        begin, end = bisect.bisect_left(numbers, first), bisect.bisect_right(numbers, last)
        if begin >= end or not text.lines[begin].text.strip().startswith(rule["first"]):
            found = text.lines[begin].text.strip()[:60] if begin < end else "nothing"
            errors.append(f"{where}: restoration of lines {first}-{last}: line {first} should start with "
                          f"{rule['first']!r} but reads {found!r}; correct the range")
            continue
        if any(begin < s_end and s_begin < end for s_begin, s_end, _ in spans):
            errors.append(f"{where}: restoration of lines {first}-{last} overlaps another restoration; "
                          "merge the two into one range")
            continue
        for line in text.lines[begin:end]:
            if line.text.strip():
                text.report.drop("restored-from", text.loc(line.no), line.text.strip())
        parts = rule["text"].rstrip("\n").split("\n")
        # one restored passage (no blank line in it) spans the witness lines it was rebuilt from: its last
        # line carries `last`; a restoration of several passages keeps them all on `first`
        single = all(part.strip() for part in parts)
        restored = [Line(last if single and k == len(parts) - 1 else first, part) for k, part in enumerate(parts)]
        spans.append((begin, end, restored + [Line(last, "")]))
        text.report.emendations.append(Emendation(f"lines {first}-{last} (garbled)", "restored passage",
                                                  rule["why"], text.loc(first)))
        text.report.count("restoration")
    if spans:
        text.lines = _spliced(text.lines, spans)
    return errors


def _spliced(lines: list[Line], spans: list[tuple[int, int, list[Line]]]) -> list[Line]:
    """``lines`` with each ``[begin, end)`` range replaced by its new lines, in one pass."""
    out: list[Line] = []
    position = 0
    for begin, end, replacement in sorted(spans, key=lambda span: span[0]):
        out.extend(lines[position:begin])
        out.extend(replacement)
        position = end
    out.extend(lines[position:])
    return out


def _split_inserted_lines(lines: list[Line]) -> list[Line]:
    """An emendation may restore a lost line (``"...\n\n1"``): give it its own Line."""
    out: list[Line] = []
    for line in lines:
        if "\n" in line.text:
            out.extend(Line(line.no, part) for part in line.text.split("\n"))
        else:
            out.append(line)
    return out
