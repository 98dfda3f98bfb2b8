"""Content-addressed caches for the build: nothing changed, nothing done.

Every cached thing is stored under a key that is the SHA-256 of *everything
it depends on*, read from disk each build, never a timestamp:

    code     the edition package that runs and the project's edition/** (every file, not
             only *.py), templates/**, build_edition.py,
             requirements*.txt, constraints.txt, the Python version, CACHE_VERSION
    shared   every file directly in texts/ (the register texts/persons.yml, lexicons ...)
    text     every file in texts/<slug>/ (witness, manifest, ledger ...)
    lexicon  what the OCR lexicon reads from the whole corpus (``Inputs.lexicon``): which texts
             are corrected (each manifest's ``ocr.enabled``) and the witnesses of the others;
             part of every text's key
    site     docs/**, mkdocs.yml

So a new stage, template or lexicon added by anyone is covered without this
module knowing it: it changes ``code`` (or ``shared``), and every key with it.

    >>> inputs = Inputs.scan(root)
    >>> inputs.text_key("getty")      # code + shared + texts/getty/**
    'b41f...'
    >>> store = Store(root / "build" / "cache")
    >>> store.save("pipeline", "getty", key, payload); store.load("pipeline", "getty", key)
    payload              # or None: missing, truncated, corrupt or of another key

Entries are pickles written atomically (a temporary file renamed into place),
each carrying its own key, so a killed build leaves either the old entry or
the new one, and an unreadable entry is simply rebuilt.  The cache lives in
``build/cache`` (git-ignored); deleting it is always safe.

The *site stamp* records, per output folder, the key of the whole build and
a fingerprint of the tree written (path, size, mtime of every file).  When
both still match, the build has nothing to do and writes nothing.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CACHE_VERSION = 1
CODE_PATHS = ("edition", "templates", "build_edition.py", "requirements.txt", "requirements-dev.txt",
              "constraints.txt")
SITE_PATHS = ("docs", "mkdocs.yml")
SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".hypothesis"})
KEEP_PER_NAME = 3            # cache entries kept per (kind, name), newest first


def _files(root: Path, rel: str) -> list[Path]:
    """The files of ``root/rel`` (a file or a folder, walked), sorted; caches and editor droppings left out."""
    path = root / rel
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_PARTS and not d.startswith("."))
        for name in filenames:
            if name.endswith((".pyc", "~", ".swp")) or name.startswith(".#"):
                continue
            found.append(Path(dirpath) / name)
    return sorted(found)


def digest_files(root: Path, rels) -> str:
    """SHA-256 over the relative paths and contents of every file under ``rels``."""
    h = hashlib.sha256()
    for rel in rels:
        for path in _files(root, rel):
            h.update(os.fsencode(path.relative_to(root).as_posix()) + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def combine(*parts: str) -> str:
    """One key from several (order matters)."""
    return hashlib.sha256(os.fsencode("\0".join(parts))).hexdigest()


@dataclass
class Inputs:
    """The digests of everything a build reads (see the module docstring)."""

    code: str
    shared: str
    site: str
    texts: dict[str, str] = field(default_factory=dict)
    root: str = ""
    _lexicon: str | None = None

    @classmethod
    def scan(cls, root: Path | str) -> "Inputs":
        root = Path(root)
        package = Path(__file__).resolve().parent          # the code that runs, wherever the project is
        code = combine(str(CACHE_VERSION), sys.version, digest_files(package.parent, [package.name]),
                       digest_files(root, CODE_PATHS))
        texts_dir = root / "texts"
        shared = [p.relative_to(root).as_posix() for p in sorted(texts_dir.iterdir()) if p.is_file()] \
            if texts_dir.is_dir() else []
        texts = {p.name: digest_files(root, [p.relative_to(root).as_posix()])
                 for p in (sorted(texts_dir.iterdir()) if texts_dir.is_dir() else []) if p.is_dir()}
        return cls(code=code, shared=digest_files(root, shared), site=digest_files(root, SITE_PATHS),
                   texts=texts, root=str(root))

    def lexicon(self) -> str:
        """What the OCR lexicon is made from, read from *other* texts too (``correct.lexicon_key``:
        every manifest's ``ocr.enabled``, the clean witnesses, lexicon and register, word lists)."""
        if self._lexicon is None:
            from .stages.correct import lexicon_key
            self._lexicon = lexicon_key(self.root)
        return self._lexicon

    def text_key(self, slug: str) -> str:
        """What one text's pipeline result depends on, besides the rest of the corpus' vocabulary:
        the code, the shared files, its own folder and the OCR lexicon (every text's report counts
        the words unknown to it; a corrected text is corrected with it)."""
        return combine("text", self.code, self.shared, self.lexicon(), slug, self.texts.get(slug, ""))

    def build_key(self, *options: str) -> str:
        """What the whole output depends on (``options``: build date, flags, text selection)."""
        return combine("build", self.code, self.shared, self.site,
                       *[f"{slug}={digest}" for slug, digest in sorted(self.texts.items())], *options)


class Store:
    """Pickled entries under ``<dir>/<kind>/<name>-<key>.pickle``, written atomically."""

    MAGIC = "edition-cache"

    def __init__(self, directory: Path | str, memory: dict | None = None):
        """``memory``: a dict kept by a long-running process (``serve``) across builds; it holds the
        newest entry of each (kind, name) as objects, so an unchanged text is not even unpickled."""
        self.directory = Path(directory)
        self.memory = memory

    def _path(self, kind: str, name: str, key: str) -> Path:
        return self.directory / kind / f"{name}-{key}.pickle"

    def load(self, kind: str, name: str, key: str):
        """The stored payload, or None (missing, truncated, corrupt, or written for another key)."""
        if self.memory is not None and self.memory.get((kind, name), (None,))[0] == key:
            return self.memory[(kind, name)][1]
        path = self._path(kind, name, key)
        try:
            with open(path, "rb") as f, _no_gc():
                magic, stored_key, payload = pickle.load(f)
        except Exception:   # noqa: BLE001 - any unreadable entry is a miss, rebuilt and overwritten
            return None
        if magic != self.MAGIC or stored_key != key:
            return None
        try:
            os.utime(path)          # recently used: kept by prune()
        except OSError:
            pass
        if self.memory is not None:
            self.memory[(kind, name)] = (key, payload)
        return payload

    def save(self, kind: str, name: str, key: str, payload) -> None:
        """Store ``payload`` under ``key``; while writes are deferred (``serve``), it is written to disk
        by ``write_deferred`` (the newest entry of each name), and kept in memory meanwhile."""
        if self.memory is not None:
            self.memory[(kind, name)] = (key, payload)
        if _DEFERRED is not None and self.memory is not None:
            _DEFERRED[(str(self.directory), kind, name)] = (key, payload)
            return
        self._write(kind, name, key, payload)

    def _write(self, kind: str, name: str, key: str, payload) -> None:
        path = self._path(kind, name, key)
        with _no_gc():
            data = pickle.dumps((self.MAGIC, key, payload), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(path, data)
        self.prune(kind, name)

    def prune(self, kind: str, name: str, keep: int = KEEP_PER_NAME) -> None:
        """Keep the ``keep`` most recently used entries of ``name``; the rest are deleted."""
        folder = self.directory / kind
        entries = []
        for path in folder.glob(f"{name}-*.pickle"):
            if path.name[len(name) + 1:-len(".pickle")].isalnum():      # not another name's "<name>-x-<key>"
                try:
                    entries.append((path.stat().st_mtime_ns, path))
                except OSError:
                    continue
        for _, path in sorted(entries, reverse=True)[keep:]:
            try:
                path.unlink()
            except OSError:
                pass


# ``serve``: cache entries waiting to be written, (directory, kind, name) -> (key, payload); None: write at once
_DEFERRED: dict | None = None


def defer_writes() -> None:
    """From now on this process writes cache entries when told (``write_deferred``), not when saved:
    ``serve`` writes them once the preview is shown.  Only entries also kept in memory are deferred."""
    global _DEFERRED
    if _DEFERRED is None:
        _DEFERRED = {}


def write_now() -> None:
    """Write cache entries when saved again (a worker process forked from ``serve``: its entries would
    be lost with it)."""
    global _DEFERRED
    _DEFERRED = None


def write_deferred() -> int:
    """Write the entries saved since the last call (each name's newest); return how many."""
    if not _DEFERRED:
        return 0
    pending = list(_DEFERRED.items())
    _DEFERRED.clear()
    for (directory, kind, name), (key, payload) in pending:
        Store(directory)._write(kind, name, key, payload)
    return len(pending)


@contextlib.contextmanager
def _no_gc():
    """Pickling a document tree makes a million small objects: the cycle collector only slows it (2x)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------- the whole site
def tree_fingerprint(folder: Path) -> str | None:
    """SHA-256 of (path, size, mtime) of every file under ``folder``; None if it does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            st = os.stat(path)
            h.update(os.fsencode(f"{os.path.relpath(path, folder)}\0{st.st_size}\0{st.st_mtime_ns}\n"))
    return h.hexdigest()


def _stamp_path(cache_dir: Path, out: Path) -> Path:
    return Path(cache_dir) / "site" / (hashlib.sha256(os.fsencode(str(Path(out).resolve()))).hexdigest()[:24] + ".json")


def up_to_date(cache_dir: Path, out: Path, key: str) -> dict | None:
    """The stamp of ``out`` if it was built from ``key`` and has not been touched since; else None."""
    try:
        stamp = json.loads(_stamp_path(cache_dir, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(stamp, dict) or stamp.get("key") != key:
        return None
    if stamp.get("tree") != tree_fingerprint(out):
        return None
    return stamp


def record_build(cache_dir: Path, out: Path, key: str, summary: list[str]) -> None:
    """Remember that ``out`` now holds the build of ``key`` (with its printed summary)."""
    stamp = {"key": key, "tree": tree_fingerprint(out), "summary": summary}
    write_atomically(_stamp_path(cache_dir, out), json.dumps(stamp, indent=1).encode("utf-8"))


def forget_build(cache_dir: Path, out: Path) -> None:
    try:
        _stamp_path(cache_dir, out).unlink()
    except OSError:
        pass


# ---------------------------------------------------------------- one build
class BuildCache:
    """What ``edition.build.build`` asks of the caches, in one place.

        cache = BuildCache(root, out, options=["pdf=0"])
        if cache.unchanged(): ...          # site/ is the build of these inputs: do nothing
        edition = run_texts(..., cache.store, cache.inputs)
        ...
        cache.finished(summary)            # remember the key and the tree written
    """

    def __init__(self, root: Path | str, out: Path | str | None, options: list[str] = (),
                 memory: dict | None = None):
        self.root = Path(root).resolve()
        self.out = Path(out).resolve() if out else None
        self.directory = self.root / "build" / "cache"
        self.store = Store(self.directory, memory)
        self.inputs = Inputs.scan(self.root)
        self.key = self.inputs.build_key(*options)

    def unchanged(self) -> dict | None:
        """The stamp (with the summary printed last time) if ``out`` already holds this build."""
        return up_to_date(self.directory, self.out, self.key) if self.out else None

    def finished(self, summary: list[str]) -> None:
        if self.out:
            record_build(self.directory, self.out, self.key, summary)

    def started(self) -> None:
        """Before ``out`` is replaced: forget its stamp (a failed build leaves no stale promise)."""
        if self.out:
            forget_build(self.directory, self.out)

    # citeproc's formatted citations, keyed by their inputs; valid for one version of the code
    def load_citations(self) -> dict:
        cached = self.store.load("citeproc", "citations", self.inputs.code)
        return cached if isinstance(cached, dict) else {}

    def save_citations(self, citations: dict) -> None:
        self.store.save("citeproc", "citations", self.inputs.code, citations)
