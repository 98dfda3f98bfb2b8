"""Stage ``emend``: apply the manifest's emendations to the witness lines.

Each emendation names a line and the exact text it corrects there; one that
does not match is an error (the witness or the manifest has moved on).

    line 4411: "C H A P T E R  SIX"  ->  "C H A P T E R  S I X"
"""
from __future__ import annotations

from ..model import Edition, Emendation, Line
from ..pipeline import BuildError


def run(edition: Edition) -> None:
    errors: list[str] = []
    for text in edition.texts:
        by_no = {line.no: line for line in text.lines}
        changed = False
        for rule in text.manifest["emendations"]:
            line = by_no.get(rule["line"])
            where = f"{text.manifest_path}:{rule.line}"
            if line is None:
                errors.append(f"{where}: emendation names line {rule['line']}, but "
                              f"{text.source_path} has {len(text.lines)} lines")
                continue
            if rule["original"] not in line.text:
                errors.append(f"{where}: emendation matches nothing: {rule['original']!r} is not on "
                              f"{text.source_path}:{rule['line']} (which reads {line.text.strip()[:80]!r}); "
                              "correct the line number or the original text")
                continue
            line.text = line.text.replace(rule["original"], rule["replacement"], 1)
            changed = True
            text.report.emendations.append(Emendation(rule["original"], rule["replacement"], rule["why"],
                                                      text.loc(rule["line"])))
            text.report.count("emendation")
        if changed:
            text.lines = _split_inserted_lines(text.lines)
    if errors:
        raise BuildError(errors)


def _split_inserted_lines(lines: list[Line]) -> list[Line]:
    """An emendation may restore a lost line (``"...\n\n1"``): give it its own Line."""
    out: list[Line] = []
    for line in lines:
        if "\n" in line.text:
            out.extend(Line(line.no, part) for part in line.text.split("\n"))
        else:
            out.append(line)
    return out
