"""Memos of a stage's per-block work: an edit to one paragraph redoes that paragraph only.

The per-text cache (``edition.parallel``) reruns a whole text when anything in its folder
changes.  Inside the text, a stage whose work is a *pure function of one block and of a context
it names* (the ``correct`` stage: a block, its witness lines, the corrector's lexicon and
confusion model) keeps the results of that function here, keyed by the SHA-256 of exactly
those inputs.  The stage computes the key; this module only stores and finds.

    memo = open_memo(edition, "correct", "getty")     # empty without a build cache (check, --no-cache)
    found = memo.get(key)                             # None: not done before with these inputs
    if found is None:
        found = work(block)
        memo.put(key, found)
    close_memo(edition, memo)                          # keeps only the entries used by this run

Where a memo lives: ``edition.options["memo"]`` (set by ``edition.parallel`` when the build has a
cache) names the cache directory and the code digest; the entries are stored there as
``memo/<stage>-<slug>-<key>.pickle`` (``edition.cache.Store``, written atomically, a changed code
digest is a different file), and kept in this process' memory between the rebuilds of ``serve``.
A stage must put into the key everything its function reads; a memo never changes what a build
makes, only how fast (the builds with and without one are compared byte for byte in the tests).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cache import Store

_IN_MEMORY: dict = {}          # directory -> {(kind, name): (key, entries)}: the newest memo of each stage and text


@dataclass
class Memo:
    """Results found by content key; ``used`` is what this run read or made (what is kept)."""

    stage: str
    slug: str
    entries: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)

    def get(self, key: str):
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, value) -> None:
        self.used[key] = value


def memo_place(directory: str, code: str) -> dict:
    """What ``edition.options["memo"]`` holds: where memos are stored, and the code they are valid for."""
    return {"directory": directory, "code": code}


def open_memo(edition, stage: str, slug: str) -> Memo:
    """The memo of ``stage`` for one text: stored entries when the build keeps memos, else empty."""
    place = edition.options.get("memo")
    if not place:
        return Memo(stage, slug)
    stored = _store(place).load("memo", f"{stage}-{slug}", place["code"])
    return Memo(stage, slug, entries=stored if isinstance(stored, dict) else {})


def close_memo(edition, memo: Memo) -> None:
    """Store the entries this run used (so a memo holds one version of the text, not every one)."""
    place = edition.options.get("memo")
    if place and memo.used != memo.entries:
        _store(place).save("memo", f"{memo.stage}-{memo.slug}", place["code"], memo.used)


def _store(place: dict) -> Store:
    return Store(place["directory"], memory=_IN_MEMORY.setdefault(place["directory"], {}))
