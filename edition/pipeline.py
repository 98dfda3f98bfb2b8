"""The pipeline, declared once: an ordered list of named stages.

Each stage is a module in ``edition.stages`` with one entry function
``run(edition: Edition) -> None`` that reads and mutates the document tree.
Stages never print; they record counts, drops and diagnostics on each text's
``Report``.  A stage that finds bad input either records every problem it
found (``file:line: message``) on ``edition.errors`` (``for_each_text``) and
lets the later stages run, or, when its output would be unusable, raises
``BuildError``.  ``run_pipeline`` collects the problems of every stage that
can run and stops once, at the end, listing them all; the stages that could
not run because of an earlier failure are named in the last message.  The
``ids`` stage only runs on error-free input (its ledger comparison would
otherwise report the consequences of the errors as moved passages).

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


NEEDS_CLEAN_INPUT = {"ids"}      # stages that run only when no earlier stage found a problem


def for_each_text(edition: Edition, check: Callable[[Text], list[str]]) -> None:
    """Run ``check(text)`` on every text; record every problem any of them found
    on ``edition.errors`` (the pipeline stops once, after every stage that can run)."""
    for text in edition.texts:
        edition.errors.extend(check(text))


def stage_function(name: str) -> Callable[[Edition], None]:
    return importlib.import_module(f"edition.stages.{name}").run


def run_pipeline(edition: Edition, progress: Callable[[str, float], None] | None = None,
                 until: str | None = None, start: str | None = None, defer_errors: bool = False) -> Edition:
    """Run the stages in order on ``edition``, from ``start`` up to and including ``until``.

    Problems are collected on ``edition.errors`` across stages; at the end (unless
    ``defer_errors``: a later call continues) one ``BuildError`` lists them all."""
    stages = STAGES[STAGES.index(start) if start else 0:]
    if until:
        stages = stages[: stages.index(until) + 1]
    for i, name in enumerate(stages):
        if edition.halted or (name in NEEDS_CLEAN_INPUT and edition.errors):
            edition.not_run.extend(stages[i:])
            break
        started = time.perf_counter()
        try:
            stage_function(name)(edition)
        except BuildError as exc:
            edition.errors.extend(exc.messages)
            if exc.hint:
                edition.hints.append(exc.hint)
            edition.halted = name
        except Exception:
            if not edition.errors:
                raise
            edition.halted = name       # it tripped over input an earlier stage already found wrong
            edition.not_run.append(name)
        if progress and not edition.halted:
            progress(name, time.perf_counter() - started)
    if edition.errors and not defer_errors:
        raise pipeline_error(edition)
    return edition


def pipeline_error(edition: Edition) -> BuildError:
    """One error listing every problem found, and the stages that could not run."""
    messages = list(dict.fromkeys(edition.errors))
    not_run = list(dict.fromkeys(edition.not_run))
    if not_run:
        messages.append(f"(not run because of the problems above: {', '.join(not_run)}; "
                        "they may find more once these are fixed)")
    return BuildError(messages, hint="; ".join(dict.fromkeys(edition.hints)))
