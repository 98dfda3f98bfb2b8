"""Stage ``units``: split a text's lines into its pages, as the manifest lists them.

Each manifest unit names the witness line of its printed heading and a
regular expression that line must match (so a stale line number fails
loudly).  The printed heading lines are replaced by the unit's (repaired)
title; everything up to the next unit's heading belongs to the unit.

    units: [{slug: ch01, line: 237, match: '1 The Stalinization.*', heading_lines: 2, ...}]
    lines 237..514  ->  Unit(slug="ch01", title="The Stalinization of the Politburo",
                             subtitle="1928–1930", lines=[239.., ...])
"""
from __future__ import annotations

import re

from ..model import Edition, Text, Unit
from ..pipeline import for_each_text


def run(edition: Edition) -> None:
    for_each_text(edition, _split)


def _split(text: Text) -> list[str]:
    errors: list[str] = []
    specs = text.manifest["units"]
    index: dict[int, int] = {}
    for i, line in enumerate(text.lines):
        index.setdefault(line.no, i)     # an emendation may have split a line: take its first part
    starts = []
    for spec in specs:
        where = f"{text.manifest_path}:{spec.line}"
        i = index.get(spec["line"])
        if i is None:
            errors.append(f"{where}: unit {spec['slug']!r} starts at line {spec['line']}, which does not "
                          "exist or was removed as furniture")
            continue
        if not re.fullmatch(spec["match"], text.lines[i].text.strip()):
            errors.append(f"{where}: unit {spec['slug']!r}: line {spec['line']} reads "
                          f"{text.lines[i].text.strip()[:70]!r}, which does not match {spec['match']!r}")
            continue
        starts.append((i, spec))
    if errors:
        return errors
    first = starts[0][0] if starts else len(text.lines)
    stray = [ln for ln in text.lines[:first] if ln.text.strip()]
    if stray:
        errors.append(f"{text.source_path}:{stray[0].no}: {len(stray)} line(s) before the first unit belong "
                      f"to no page ({stray[0].text.strip()[:50]!r}); add a unit or a furniture rule in "
                      f"{text.manifest_path}")
    bounds = [s[0] for s in starts[1:]] + [len(text.lines)]
    for (i, spec), end in zip(starts, bounds):
        text.units.append(_unit(text, spec, text.lines[i:end]))
    return errors


def _unit(text: Text, spec, lines) -> Unit:
    unit = Unit(slug=spec["slug"], title=spec["title"], kind=spec["kind"], loc=text.loc(lines[0].no),
                subtitle=spec["subtitle"] or "", label=spec["label"] or "", drop=spec["drop"])
    heading_left = spec["heading_lines"]
    body = []
    for line in lines:
        if heading_left and line.text.strip():
            heading_left -= 1
            text.report.drop("unit-heading", text.loc(line.no), f"{line.text.strip()} (shown as the page title)")
            continue
        if heading_left:
            continue
        body.append(line)
    if unit.drop:
        nonblank = [ln for ln in body if ln.text.strip()]
        if nonblank:
            text.report.drop(f"unit-dropped:{unit.slug}", unit.loc,
                             f"{len(nonblank)} lines ({unit.title}): {spec['why'] or 'left out'}")
        body = []
    unit.lines = body
    return unit
