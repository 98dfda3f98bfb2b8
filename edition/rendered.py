"""Pages the writer rendered, kept by what their template read: ``serve`` renders only what changed.

A page's HTML is a function of its template (and the templates it imports) and of the values
handed to it.  The writer names those values for each page it renders through this memo
(``RenderMemo.made``); the key is the SHA-256 of the template files and of the pickled values, so
an equal key means an equal page, and a miss only costs the render a build without memo does.

    memo = RenderMemo()
    memo.start(root)                                   # a build begins: the templates' digest is taken
    html = memo.made("unit.html.j2", (text.slug, unit, margin), lambda: template.render(...))
    memo.finish()                                      # keeps only the pages of this build

``serve`` keeps one ``RenderMemo`` between rebuilds (``edition.build.regenerate``); a one-shot
build renders every page and keeps nothing.  Values that cannot be pickled, or that pickle
differently when equal, make a miss, never a wrong page.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Callable


class RenderMemo:
    def __init__(self) -> None:
        self.kept: dict[bytes, str] = {}
        self.used: dict[bytes, str] = {}
        self.templates = b""
        self.rendered = 0                  # this build: pages rendered, and pages taken from the memo
        self.reused = 0

    def start(self, root: Path | str) -> "RenderMemo":
        """A build begins; pages of other templates than the last build's are forgotten."""
        digest = templates_digest(Path(root) / "templates")
        if digest != self.templates:
            self.kept = {}
        self.templates, self.used, self.rendered, self.reused = digest, {}, 0, 0
        return self

    def made(self, name: str, values: tuple, make: Callable[[], object]):
        """What ``make`` returns (a page, or a text's data files) for ``values``, everything it reads:
        kept from the last build or made now.  What is kept is handed out again, so it must not be changed."""
        try:
            key = hashlib.sha256(self.templates + pickle.dumps((name, values), protocol=5)).digest()
        except (pickle.PicklingError, TypeError, AttributeError):
            self.rendered += 1
            return make()
        found = self.used.get(key)
        if found is None:
            found = self.kept.get(key)
        if found is None:
            found = make()
            self.rendered += 1
        else:
            self.reused += 1
        self.used[key] = found
        return found

    def finish(self) -> None:
        """The build ended well: keep its pages (only those) for the next one."""
        self.kept, self.used = self.used, {}


def templates_digest(folder: Path) -> bytes:
    """SHA-256 over the names and bytes of every file under ``folder`` (the writer's templates)."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.digest()
