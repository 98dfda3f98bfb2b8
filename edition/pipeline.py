"""The pipeline, declared once: an ordered list of named stages.

Each stage is a module in ``edition.stages`` with one entry function
``run(edition: Edition) -> None`` that reads and mutates the document tree.
Stages never print; they record counts, drops and diagnostics on each text's
``Report``.  A stage that finds bad input raises ``BuildError`` with every
problem it found (``file:line: message``), never a bare traceback.

Order (reader, then transforms, then writer):

    load        manifests validated, witnesses checksummed, lines read
    emend       manifest emendations applied to witness lines
    furniture   running heads, page numbers, notices removed (per rule)
    units       lines split into the pages of the text (chapters ...)
    footnotes   page-bottom footnote blocks cut out and kept aside (Getty)
    paragraphs  lines -> blocks: unwrap, dehyphenate, verse, lists, tables
    headings    subheadings, Document heads, provenance notes recognised
    rejoin      paragraphs split by a former page break joined again
    notes       markers linked to notes and back
    correct     word-level OCR correction of body and notes (texts whose manifest asks), logged
    persons     person mentions found and linked to the register
    ids         permanent passage ids from the ledger
"""
from __future__ import annotations

import importlib
import time
from typing import Callable

from .model import Edition, Text

STAGES: list[str] = [
    "load",
    "emend",
    "furniture",
    "units",
    "footnotes",
    "paragraphs",
    "headings",
    "rejoin",
    "notes",
    "correct",
    "persons",
    "ids",
]


class BuildError(Exception):
    """Bad input: carries one or more ``file:line: message`` strings."""

    def __init__(self, messages: list[str] | str, hint: str = ""):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.hint = hint
        super().__init__("\n".join(self.messages))


def for_each_text(edition: Edition, check: Callable[[Text], list[str]]) -> None:
    """Run ``check(text)`` on every text, then stop once with every problem any of them found."""
    errors: list[str] = []
    for text in edition.texts:
        errors.extend(check(text))
    if errors:
        raise BuildError(errors)


def stage_function(name: str) -> Callable[[Edition], None]:
    return importlib.import_module(f"edition.stages.{name}").run


def run_pipeline(edition: Edition, progress: Callable[[str, float], None] | None = None,
                 until: str | None = None, start: str | None = None) -> Edition:
    """Run the stages in order on ``edition``, from ``start`` up to and including ``until``."""
    for name in STAGES[STAGES.index(start) if start else 0:]:
        started = time.perf_counter()
        stage_function(name)(edition)
        if progress:
            progress(name, time.perf_counter() - started)
        if name == until:
            break
    return edition
