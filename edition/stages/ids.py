"""Stage ``ids``: give every passage its permanent id from the text's ledger.

Reads ``texts/<slug>/passages.tsv`` (see ``edition.ledger`` for the format and
the matching rule) and sets ``block.pid`` on every block of every page and of
every note, and ``note.pid`` (= the id of the note's first paragraph).  The
build never writes the ledger: when the texts and the ledger disagree (a new
passage, a retired one, a split, a merge, a move, an editor's pin waiting, an
ambiguous match), the build stops and lists every case with ``file:line``.  A text without a
ledger is numbered provisionally (as ``--update`` would) with a warning; the
test suite fails until the ledger is committed.
``update(edition)`` (``python build_edition.py ids --update``) writes the
ledgers and returns a summary; on the very first run it creates them.

    texts/getty/passages.tsv:  ch01  p14  live  ...  the plenum met ...
    Block(kind="para", text="The plenum met ...")  ->  Block(..., pid="p14")
    Note(key="n3", blocks=[Block(...)])            ->  Note(..., pid="n3"), block.pid "n3"
"""
from __future__ import annotations

import os
from pathlib import Path

from ..ledger import LEDGER_NAME, Ledger, Result, match, passages_of
from ..model import Edition, Loc, Text
from ..pipeline import BuildError

UPDATE_HINT = ("the texts and their passage ledgers disagree: run `python build_edition.py ids --update`, "
               "review `git diff texts/*/passages.tsv` and commit the ledgers with the change")
SHOWN = 25            # disagreements listed per text before "... and N more"


def ledger_path(text: Text) -> str:
    """Repository-relative path of the text's ledger: ``texts/<slug>/passages.tsv``."""
    return f"{os.path.dirname(text.source_path)}/{LEDGER_NAME}"


def load_ledger(root: str | Path, text: Text) -> tuple[Ledger | None, list[str]]:
    """The text's ledger as written in the repository (None if there is none yet)."""
    rel = ledger_path(text)
    path = Path(root) / rel
    if not path.exists():
        return None, []
    return Ledger.parse(path.read_text(encoding="utf-8"), rel)


def match_text(edition: Edition, text: Text) -> tuple[Result, list, bool]:
    """Match one text against its ledger: ``(result, [(passage, block)], ledger exists)``."""
    ledger, errors = load_ledger(edition.root, text)
    if errors:
        raise BuildError(errors, hint="repair the ledger rows listed above (format: edition/ledger.py)")
    exists = ledger is not None
    witness = text.manifest["source"]["sha256"]
    if ledger is None:
        ledger = Ledger(ledger_path(text), [], witness)
    pairs = passages_of(text)
    lines_ok = bool(ledger.witness) and ledger.witness == witness
    result = match(ledger, [p for p, _ in pairs], lines_ok, text.source_path, witness)
    return result, pairs, exists


def run(edition: Edition) -> None:
    """Assign ids from the ledgers; stop if any text disagrees with its ledger."""
    if edition.options.get("ids_update"):
        edition.options["ids_summary"] = update(edition)
        return
    errors: list[str] = []
    for text in edition.texts:
        result, pairs, exists = match_text(edition, text)
        if not exists:                      # first numbering, not yet recorded: provisional, and said so
            _apply(text, pairs, result)
            text.report.warn("W-IDS-PROVISIONAL", Loc(ledger_path(text), 0), "does not exist yet: passage ids "
                             "are provisional until `python build_edition.py ids --update` creates it")
            continue
        if not result.agrees:
            errors.extend(_listed(text, result.problems + result.notes))
            continue
        _apply(text, pairs, result)
    if errors:
        raise BuildError(errors, hint=UPDATE_HINT)


def update(edition: Edition) -> str:
    """Rewrite every text's ledger from its passages; assign the ids; return a summary (one line per text)."""
    problems: list[str] = []
    results = []
    for text in edition.texts:
        result, pairs, exists = match_text(edition, text)
        problems.extend(result.problems)
        results.append((text, result, pairs, exists))
    if problems:
        raise BuildError(problems, hint="nothing was written: decide the cases above in the ledgers, then rerun")
    lines = []
    for text, result, pairs, exists in results:
        path = Path(edition.root) / ledger_path(text)
        data = result.ledger.dump()
        changed = not path.exists() or path.read_text(encoding="utf-8") != data
        if changed:
            path.write_text(data, encoding="utf-8")
        _apply(text, pairs, result)
        lines.append(summary_line(text, result, exists, changed))
    return "\n".join(lines)


def check(edition: Edition) -> list[str]:
    """Every disagreement between texts and ledgers, stale fingerprints included (for the test suite)."""
    out: list[str] = []
    for text in edition.texts:
        result, _, exists = match_text(edition, text)
        if not exists:
            out.append(f"{ledger_path(text)}: missing")
        out.extend(result.problems + result.notes + result.stale)
    return out


def summary_line(text: Text, result: Result, existed: bool, written: bool) -> str:
    c = result.counts
    total = len(result.pids)
    if not existed:
        return f"{text.slug}: {total} passages numbered; {ledger_path(text)} created"
    parts = [f"{c['kept'] + c['changed']} kept ({c['changed']} corrected)", f"{c['moved']} moved",
             f"{c['split']} split ({c['parts']} new parts)", f"{c['merged']} merged", f"{c['retired']} retired",
             f"{c['revived']} revived", f"{c['new']} new"]
    state = f"{ledger_path(text)} {'updated' if written else 'unchanged'}"
    return f"{text.slug}: {total} passages: {', '.join(parts)}; {state}"


def _listed(text: Text, messages: list[str]) -> list[str]:
    if len(messages) <= SHOWN:
        return messages
    return messages[:SHOWN] + [f"{ledger_path(text)}: ... and {len(messages) - SHOWN} more disagreements"]


def _apply(text: Text, pairs: list, result: Result) -> None:
    for (passage, block), pid in zip(pairs, result.pids):
        block.pid = pid
    for unit in text.units:
        for note in unit.notes:
            note.pid = note.blocks[0].pid if note.blocks else None
    report = dict(result.counts)
    report["passages"] = len(result.pids)
    report["aliases"] = sum(1 for e in result.ledger.entries if e.status != "live")
    text.report.ids = report
