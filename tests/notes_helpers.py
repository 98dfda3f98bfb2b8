"""Helpers of the notes tests: run the pipeline up to ``notes``; find markers in the tree.

    ed = build_until_notes(FIXTURE)          # load .. notes
    for unit, note, before in linked_markers(ed.text("endsec")): ...
"""
from __future__ import annotations

import re
from pathlib import Path

from edition.model import TOKEN_RE, Edition, Text, plain
from edition.notes import core
from edition.pipeline import STAGES, stage_function


def build_until_notes(root: Path | str, only: list[str] | None = None) -> Edition:
    """Run every stage up to and including ``notes`` (a stage not written yet is skipped)."""
    edition = Edition(root=str(Path(root).resolve()), options={"only": only, "ledger": "check"})
    for name in STAGES[:STAGES.index("notes") + 1]:
        try:
            run = stage_function(name)
        except ModuleNotFoundError as exc:
            if exc.name != f"edition.stages.{name}":
                raise
            continue
        run(edition)
    return edition


def live(text: Text):
    return [u for u in text.units if not u.drop]


def markers(text: Text):
    """Every note/orphan token in the running text: (unit, block, kind, value, plain text before it)."""
    for unit in live(text):
        for block in unit.blocks:
            for slot in core.slots(block):
                s = slot.get()
                for m in TOKEN_RE.finditer(s):
                    if m.group(1) in ("note", "orphan"):
                        yield unit, block, m.group(1), m.group(2), plain(s[:m.start()])


def words_before(s: str, n: int = 3) -> list[str]:
    return re.findall(r"\w+", s)[-n:]


SUPERSCRIPT_OF = {c: s for s, c in zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ",
                                        "0123456789abcdefghijklmnoprstuvwxyz")}


def printed_forms(label: str) -> str:
    """A regex for the ways a source may print a marker labelled ``label``."""
    sup = "".join(SUPERSCRIPT_OF.get(c, c) for c in label)
    return (rf"(?:<sup>{label}</sup>|\[{label}\]\(#\)|\^{label}(?![a-z])|{re.escape(sup)}(?![⁰¹²³⁴⁵⁶⁷⁸⁹])"
            rf"|(?<![\d\w]){label}(?!\d))")


def source_has_marker_after(text: Text, block, words: list[str], label: str) -> bool:
    """The witness lines of ``block`` print ``words`` followed directly by the marker ``label``."""
    lines = [ln.text for ln in text.lines if block.loc.line <= ln.no <= max(block.line_end, block.loc.line)]
    gap = r"[\W_]*?"
    rx = re.compile(r"\b" + r"[\W_]+".join(map(re.escape, words)) + gap + printed_forms(label))
    # a paragraph rejoined across a page break may have been split mid-word ("Com-" / "mission")
    unhyphenated = "".join(ln[:-1] if ln.endswith("-") else ln for ln in lines)
    return any(rx.search(s) for s in (" ".join(lines), "".join(lines), unhyphenated))
