"""Stage ``furniture``: remove the furniture of the print object, per rule.

Rules come from the manifest: a ``pattern`` matched against each stripped
line, or a ``lines`` range (a copyright page, a procurement notice).  Every
removed line is listed in the report with the rule that removed it; a rule
that removes fewer lines than its ``min`` is an error.

    "Party Discipline in 193 z 95"   (rule running-head)  -> removed
    "This page intentionally left blank" (rule blank-page) -> removed
"""
from __future__ import annotations

import re

from ..model import Edition, Text
from ..pipeline import for_each_text


def run(edition: Edition) -> None:
    for_each_text(edition, _apply)


def _apply(text: Text) -> list[str]:
    rules = text.manifest["furniture"]
    compiled = [(r, re.compile(r["pattern"]) if r["pattern"] else None) for r in rules]
    hits = {id(r): 0 for r in rules}
    kept = []
    for line in text.lines:
        rule = _matching_rule(line, compiled)
        if rule is None:
            kept.append(line)
            continue
        hits[id(rule)] += 1
        if line.text.strip():
            text.report.drop(f"furniture:{rule['rule']}", text.loc(line.no), line.text.strip())
    text.lines = kept
    errors = []
    for r in rules:
        if hits[id(r)] < r["min"]:
            errors.append(f"{text.manifest_path}:{r.line}: furniture rule {r['rule']!r} matched "
                          f"{hits[id(r)]} line(s), expected at least {r['min']}; fix its pattern or range")
    return errors


def _matching_rule(line, compiled):
    stripped = line.text.strip()
    for rule, pattern in compiled:
        if pattern is not None:
            if stripped and pattern.fullmatch(stripped):
                return rule
        elif rule["lines"][0] <= line.no <= rule["lines"][-1]:
            return rule
    return None
