"""Stage ``headings``: recognise subheadings, Document heads and provenance notes.

Manifest ``headings`` rules are regular expressions matched against a whole
(short) paragraph.  Named groups ``number`` and ``title`` give a numbered
head its parts; ``case: title`` re-cases an ALL-CAPS head.

    "THE SYRTSOV-LOMINADZE AFFAIR"  -> Block(heading, "The Syrtsov-Lominadze Affair", level=2)
    "Document 12 K. Radek's letter" -> Block(document, "K. Radek's letter", number="12")
    "[ZNAMYA No 2, Feb 89, pp 174-222]" -> Block(provenance, ...)
"""
from __future__ import annotations

import re

from ..model import Block, Edition, plain, token
from ..pipeline import for_each_text

SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or",
               "the", "to", "versus", "vs", "with", "within", "after", "before"}


def title_case(s: str, keep_upper=()) -> str:
    """Re-case an ALL-CAPS heading.

    >>> title_case("ORDZHONIKIDZE AND MOLOTOV: CORRECTING THE FIVE-YEAR PLAN")
    'Ordzhonikidze and Molotov: Correcting the Five-Year Plan'
    >>> title_case("THE POLITBURO VERSUS THE NKVD", ["NKVD"])
    'The Politburo versus the NKVD'
    >>> title_case("STALIN'S COMRADES-IN-ARMS AFTER THE 17TH CONGRESS")
    "Stalin's Comrades-in-Arms after the 17th Congress"
    """
    keep = {k.upper(): k for k in keep_upper}
    words = s.split(" ")
    out = []
    for i, word in enumerate(words):
        bare = word.strip(":,.;'\"()")
        if bare.upper() in keep:
            out.append(word.replace(bare, keep[bare.upper()]))
            continue
        low = word.lower()
        starts_clause = i == 0 or out[-1].endswith(":")
        if low.strip(":,.;'\"") in SMALL_WORDS and not starts_clause:
            out.append(low)
        else:
            parts = low.split("-")
            out.append("-".join([_cap(parts[0])] + [p if p in SMALL_WORDS else _cap(p) for p in parts[1:]]))
    return " ".join(out)


def _strip_outer_strong(s: str) -> str:
    """A heading printed as a bold paragraph: the bold is the heading's, drop it."""
    open_, close = token("strong"), token("/strong")
    if s.startswith(open_) and s.endswith(close):
        return s[len(open_):-len(close)]
    return s


def _cap(part: str) -> str:
    """Capitalise the first letter, unless the word starts with a digit (17th)."""
    for i, ch in enumerate(part):
        if ch.isdigit():
            return part
        if ch.isalpha():
            return part[:i] + ch.upper() + part[i + 1:]
    return part


def run(edition: Edition) -> None:
    for_each_text(edition, _recognise)


def _recognise(text) -> list[str]:
    errors: list[str] = []
    rules = text.manifest["headings"]
    compiled = [(r, re.compile(r["pattern"])) for r in rules]
    hits = {id(r): 0 for r in rules}
    for unit in text.units:
        for block in unit.blocks:
            rule = _classify(block, unit.slug, compiled)
            if rule is not None:
                hits[id(rule[0])] += 1
                _apply(block, *rule)
                text.report.count(f"heading:{rule[0]['kind']}")
    for r in rules:
        if not hits[id(r)] and text.units:      # no units: the units stage said why; nothing to match
            errors.append(f"{text.manifest_path}:{r.line}: heading rule {r['pattern']!r} matches nothing; "
                          "fix or remove it")
    return errors


def _classify(block: Block, unit_slug: str, compiled):
    if block.kind != "para":
        return None
    flat = " ".join(plain(block.text).split())
    for rule, pattern in compiled:
        if rule["in_units"] and unit_slug not in rule["in_units"]:
            continue
        if len(flat) > rule["max_length"]:
            continue
        m = pattern.fullmatch(flat)
        if m:
            return rule, m
    return None


def _apply(block: Block, rule, m: re.Match) -> None:
    groups = m.groupdict()
    title = (groups.get("title") or m.group(0)).strip()
    if title == m.string.strip():
        title = _strip_outer_strong(" ".join(block.text.split()))   # keep inline emphasis
    if rule["case"] == "title":
        title = title_case(title, rule["keep_upper"])
    block.kind = rule["kind"]
    block.text = title
    block.level = rule["level"]
    if groups.get("number"):
        block.number = re.sub(r"\s+", "", groups["number"])
