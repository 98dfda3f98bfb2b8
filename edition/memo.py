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

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import Store

_IN_MEMORY: dict = {}          # directory -> {(kind, name): (key, entries)}: the newest memo of each stage and text


@dataclass
class Memo:
    """Results found by content key; ``used`` is what this run read or made (what is kept)."""

    stage: str
    slug: str
    entries: dict = field(default_factory=dict)
    used: dict = field(default_factory=dict)
    active: bool = False               # the build keeps memos (else a stage need not compute keys)

    def get(self, key: str):
        found = self.entries.get(key)
        if found is not None:
            self.used[key] = found
        return found

    def put(self, key: str, value) -> None:
        self.used[key] = value

    def made(self, key: str | None, make: Callable[[], object]):
        """The result kept under ``key``, or ``make()`` (then kept); no key: made, nothing kept."""
        found = self.get(key) if key else None
        if found is None:
            found = make()
            if key:
                self.put(key, found)
        return found


def content_key(value, default=None) -> str:
    """SHA-256 of ``value`` as JSON (``default``: how to write what JSON has no form for): a memo's key."""
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=default).encode("utf-8")).hexdigest()


def memo_place(directory: str, code: str) -> dict:
    """What ``edition.options["memo"]`` holds: where memos are stored, and the code they are valid for."""
    return {"directory": directory, "code": code}


def open_memo(edition, stage: str, slug: str) -> Memo:
    """The memo of ``stage`` for one text: stored entries when the build keeps memos, else empty."""
    place = edition.options.get("memo")
    if not place:
        return Memo(stage, slug)
    stored = _store(place).load("memo", f"{stage}-{slug}", place["code"])
    return Memo(stage, slug, entries=stored if isinstance(stored, dict) else {}, active=True)


def close_memo(edition, memo: Memo) -> None:
    """Store the entries this run used (so a memo holds one version of the text, not every one)."""
    place = edition.options.get("memo")
    if place and memo.used != memo.entries:
        _store(place).save("memo", f"{memo.stage}-{memo.slug}", place["code"], memo.used)


def warm_memos(directory: str, code: str) -> int:
    """Load every memo stored for ``code`` into this process' memory (``serve``, while idle: the first
    rebuild of a text then finds them there); return how many."""
    place = memo_place(directory, code)
    suffix = f"-{code}.pickle"
    names = sorted(p.name[:-len(suffix)] for p in (Path(directory) / "memo").glob(f"*{suffix}"))
    return sum(_store(place).load("memo", name, code) is not None for name in names)


def _store(place: dict) -> Store:
    return Store(place["directory"], memory=_IN_MEMORY.setdefault(place["directory"], {}))


class Lookups:
    """The answers a unit's work took from data that spans the text (a vocabulary, the register), so
    that a memo's result for the unit is reused only while every one of them still holds.

        lookups = Lookups()
        own = lookups.recording("own", vocabulary)      # use ``own`` in place of ``vocabulary``
        own.joined("docu", "ment")                      # -> 3, recorded as ("own", "joined", ("docu", "ment")): 3
        lookups.hold({"own": vocabulary})               # True while ``vocabulary.joined("docu", "ment") == 3``

    Asking again also repeats the question to the source, so a source that itself records what it
    was asked (``CorpusView``: the counts a text's cached result depends on) sees it as before.
    """

    def __init__(self) -> None:
        self.answers: dict[tuple, object] = {}

    def recording(self, name: str, source) -> "_Recording":
        return _Recording(self, name, source)

    def hold(self, sources: dict) -> bool:
        return all(_ask(sources[name], method, args) == answer
                   for (name, method, args), answer in self.answers.items())


def _ask(source, method: str, args: tuple):
    return source(*args) if method == "__call__" else getattr(source, method)(*args)


class _Recording:
    """A stand-in for a source that records each question and its answer in ``Lookups``."""

    def __init__(self, lookups: Lookups, name: str, source):
        self._lookups, self._name, self._source = lookups, name, source

    def __call__(self, *args):
        return self._record("__call__", args)

    def __getattr__(self, method: str):
        if method.startswith("_") or not callable(getattr(self._source, method)):
            raise AttributeError(f"{method}: only the methods of a recorded source can be used")
        return lambda *args: self._record(method, args)

    def _record(self, method: str, args: tuple):
        answer = _ask(self._source, method, args)
        self._lookups.answers[(self._name, method, args)] = answer
        return answer


class ReportLog:
    """Stands in for a text's ``Report`` while one unit's work runs; ``replay`` puts the same
    entries, in the same order, into the real report (for the work and for a memo's copy of it)."""

    def __init__(self) -> None:
        self.entries: list[tuple] = []

    def count(self, rule: str, n: int = 1) -> None:
        self.entries.append(("count", rule, n))

    def drop(self, rule, loc, text) -> None:
        self.entries.append(("drop", rule, loc, text))

    def warn(self, code, loc, message) -> None:
        self.entries.append(("warn", code, loc, message))

    def replay(self, report) -> None:
        for method, *args in self.entries:
            getattr(report, method)(*args)
