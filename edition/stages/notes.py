"""Stage ``notes``: link every note marker to its note and back.

Dispatches on the manifest's ``notes.style`` to the module that knows how
this kind of source prints its notes (``edition.notes.<module>.link``):

    endnotes-section   one Notes section for the whole text (Furr)
    grouped-endnotes   a Notes section grouped by chapter (Khlevniuk)
    footnote-lists     a Footnotes list after some essays (Medvedev)
    page-footnotes     page-bottom footnotes cut into the text (Getty)

After linking, ``unit.notes`` holds each unit's notes, markers in
``block.text`` are ``note`` tokens, ``note.refs`` lists the markers citing
each note, and ``report.notes[unit]`` counts markers, notes, linked,
unanchored notes and orphaned markers.

    "... only available in Russian.[1](#)"  ->  "... only available in Russian.⟨note:n1⟩"
"""
from __future__ import annotations

import importlib

from ..model import Edition

MODULES = {
    "endnotes-section": "endnotes",
    "grouped-endnotes": "endnotes",
    "footnote-lists": "footnote_lists",
    "page-footnotes": "page_footnotes",
}


def run(edition: Edition) -> None:
    for text in edition.texts:
        style = text.manifest["notes"]["style"]
        if style == "none":
            continue
        module = importlib.import_module(f"edition.notes.{MODULES[style]}")
        module.link(text, edition)
