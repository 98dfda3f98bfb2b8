"""Build the MkDocs site from an ``edition.pages.Site``: build aside, then swap.

``build_site(site, root)`` does, in order:

1. build: MkDocs (``mkdocs.yml``, strict) reads the hand-written pages and
   assets of ``docs/`` and, handed over in memory by a small plugin
   (``GeneratedFiles``; MkDocs' virtual files, nothing written to disk), every
   generated ``Page`` as ``<url without .html>.md`` (YAML front matter + the
   finished HTML body, which ``edition/mkdocs_hooks.py`` keeps out of
   Markdown) and every ``DataFile``.  It writes into a temporary directory next
   to ``site/``.  Every MkDocs warning is collected, and any warning fails the
   build with the full list (``SiteBuildError``);
2. swap (``swap``): the new tree and ``site/`` trade places in one atomic
   step, ``renameat2(RENAME_EXCHANGE)``; then the old tree is deleted.  At
   every moment ``site/`` is a whole site, the old one or the new one, and a
   failed or interrupted build leaves the previous ``site/`` untouched.  See
   ``swap`` for why this and not a symlink flip, for the fallback, and for
   what happens to signals and to an old tree that cannot be deleted.
   Leftovers of a build killed earlier (``site.new-*``, ``site.old-*``) are
   removed at the start of the next one; one build at a time writes a given
   ``site/`` (a lock on its parent folder).

    >>> page = Page("texts/furr/s1.html", "Introduction", "<p id='p1'>*a*</p>")
    >>> build_site(Site([page], [], [NavItem("Furr", "texts/furr/s1.html")]), root)
    # site/texts/furr/s1.html now holds <p id='p1'>*a*</p> inside the theme

``write_sources(site, dest)`` writes the same ``.md`` sources to a directory,
to look at what MkDocs is given.

Builds are reproducible: the build date is ``SOURCE_DATE_EPOCH`` if set, else
the date of the last git commit touching the content (texts, templates, docs,
mkdocs.yml, edition code) of ``root``.  It never comes from the clock: where
neither is available (no git, a checkout git refuses to read because another
user owns it, an export without history) the build stops and says how to set
``SOURCE_DATE_EPOCH``.  So two builds of the same input give byte-identical
trees, on any day.  (The build date only appears in sitemap.xml, as every
page's lastmod, and in the mtime of sitemap.xml.gz.)

``serve(regenerate, root)`` is the live preview: it re-runs ``regenerate()``
(the whole edition pipeline, returning a new ``Site``) and rebuilds whenever
something under ``texts/``, ``templates/``, ``docs/`` or ``mkdocs.yml`` changes.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import gc
import hashlib
import html
import json
import logging
import os
import posixpath
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

import yaml
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page as MkDocsPage

from .pages import NavItem, Page, Site, TocEntry
from .pipeline import BuildError
from .site_assets import ZIP_URL, write_zip

WATCHED = ("texts", "templates", "docs", "mkdocs.yml")
POLL = 0.2                       # serve: seconds between two looks at WATCHED
CONTENT_PATHS = ("texts", "templates", "docs", "mkdocs.yml", "edition")  # their last commit dates the build

try:  # the C dumper is much faster on large front matter
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


class SiteBuildError(BuildError):
    """MkDocs refused the site: carries every warning/error it logged."""


INSTALLED: list[str] = []        # every site/ this process has swapped a new tree into (for messages)


def warn_on_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- public API
def build_site(site: Site, root: Path, out: Path | None = None, strict: bool = True,
               config_file: Path | None = None, docs: Path | None = None,
               warn: Callable[[str], None] = warn_on_stderr, site_url: str = "") -> Path:
    """Build ``site`` into ``out`` (default ``root/site``) and return ``out``.

    ``site_url``: the published address ("" for none: no sitemap, robots.txt or canonical links)."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "site"
    config_file = Path(config_file) if config_file else root / "mkdocs.yml"
    docs = Path(docs) if docs else root / "docs"
    out.parent.mkdir(parents=True, exist_ok=True)
    with _one_build_at_a_time(out):
        remove_leftovers(out, warn)
        epoch = build_epoch(root)
        new = Path(tempfile.mkdtemp(prefix=out.name + ".new-", dir=out.parent))
        try:
            with _source_date_epoch(epoch):
                run_mkdocs(config_file, docs, new, site, strict, site_url=site_url)
            ready_to_publish(new, site_url)
            write_zip(new, new / ZIP_URL)        # the finished tree, for reading offline
            set_permissions(new / posixpath.dirname(ZIP_URL))
            swap(new, out, warn)
        finally:
            if os.path.lexists(new):
                _remove_tree(new, warn)
    return out


def clean_leftovers(out: Path, warn: Callable[[str], None] = warn_on_stderr) -> None:
    """What a build that writes nothing still does: remove the leftovers of killed builds beside ``out``."""
    out = Path(out).resolve()
    if out.parent.is_dir():
        with _one_build_at_a_time(out):
            remove_leftovers(out, warn)


def page_source(page: Page) -> str:
    """The ``.md`` source MkDocs gets for a generated page: front matter, then its HTML."""
    meta = {
        "title": html.escape(page.title, quote=False),
        "edition": True,
        "toc": [_toc_dict(entry) for entry in page.toc],
        "edition_meta": [[str(name), str(content)] for name, content in page.meta],
        "edition_canonical": page.canonical,
        "edition_scripts": list(page.scripts),
        "edition_search": page.search,
        "edition_search_context": page.search_context,
        "edition_search_text": page.search_text,
    }
    front = yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                      default_flow_style=False, width=1 << 30)
    return f"---\n{front}---\n{page.html}"


def generated_sources(site: Site) -> dict[str, str | bytes]:
    """Every generated file, by its path in the docs tree (``texts/furr/s1.md``)."""
    sources: dict[str, str | bytes] = {}
    for path, content in [(p.src_uri, page_source(p)) for p in site.pages] + \
                         [(d.path, d.content) for d in site.data_files]:
        path = posixpath.normpath(path)
        if path in sources or path.startswith("../"):
            raise SiteBuildError(f"{path}: generated twice, or outside the site")
        sources[path] = content
    return sources


def write_sources(site: Site, dest: Path) -> None:
    """Write the generated sources into ``dest`` (for inspection; builds do not need it)."""
    for path, content in generated_sources(site).items():
        target = Path(dest) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def nav_config(nav: list[NavItem], pages: set[str]) -> list:
    """``Site.nav`` -> the ``nav:`` structure of mkdocs.yml (titles become HTML).

    ``pages``: the docs-tree paths of all pages (``texts/furr/s1.md``)."""
    return [_nav_entry(item, pages) for item in nav]


class PageReuse:
    """``serve``: what the last preview build wrote, so that the next one renders only what changed.

    An edit to one text changes a few generated files (its pages, the reports,
    the data files); the other pages would come out byte for byte as before.
    When the navigation, the site's options, the set of files and every
    hand-written input (``mkdocs.yml``, ``docs/``, ``templates/``) are as in the
    last build, MkDocs runs as a *dirty* build: the files whose content is
    unchanged are neither read nor written again, and what the rest of the
    build needs of them is taken from the last build: their search entries and
    search-filter title (``edition/mkdocs_hooks.py``), their ids (for the
    anchor check) and their titles (for their neighbours' links).  Otherwise,
    or after a build that failed or was cut short, everything is built.

        edit one Getty emendation  ->  3 generated files rebuilt (its page among them), 164 kept
    """

    def __init__(self) -> None:
        self.signature: str | None = None
        self.digests: dict[str, str] = {}          # docs path -> sha256 of the generated content
        self.search: dict[str, tuple] = {}         # docs path -> (search entries, search-filter pair or None)
        self.pages: dict[str, tuple] = {}          # docs path -> (the ids on that page, its title)
        self.kept = 0                              # files the last build left as they were

    def plan(self, signature: str, digests: dict[str, str]) -> set[str]:
        """The generated files that need not be built again (empty: build everything)."""
        if signature != self.signature:
            return set()
        return {path for path, digest in digests.items() if self.digests.get(path) == digest}

    def remember(self, signature: str, digests: dict[str, str], unchanged: set[str]) -> None:
        self.signature, self.digests, self.kept = signature, digests, len(unchanged)

    def forget(self) -> None:
        """The next build builds everything (the one now running may fail half way)."""
        self.signature, self.digests, self.kept = None, {}, 0


def _digest(content: str | bytes) -> str:
    return hashlib.sha256(content.encode("utf-8") if isinstance(content, str) else content).hexdigest()


def _inputs_signature(root: Path, *parts) -> str:
    """A hash of ``parts`` and of the name, size and mtime of every hand-written input of the site."""
    h = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    for name in ("mkdocs.yml", "docs", "templates"):
        top = Path(root) / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file():
                st = path.stat()
                h.update(f"{path.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class _GeneratedFile(File):
    """A generated file that a reusing build may leave as the last build wrote it."""
    unchanged = False

    def is_modified(self) -> bool:
        return not self.unchanged


class GeneratedFiles(BasePlugin):
    """A MkDocs plugin (registered by ``run_mkdocs``) adding the generated files."""

    def __init__(self, sources: dict[str, str | bytes], section_indexes: set[str] = frozenset(),
                 reuse: PageReuse | None = None, unchanged: set[str] = frozenset()):
        super().__init__()
        self.sources = sources
        self.section_indexes = section_indexes
        self.reuse = reuse                  # serve: the last build's state (``PageReuse``), else None
        self.unchanged = unchanged          # the generated files this build leaves as they are

    def on_post_page(self, output, page, config):
        if self.reuse is not None:
            self.reuse.pages[page.file.src_uri] = (page.present_anchor_ids, page.title)
        return output

    def on_env(self, env, config, files):
        """A page this build does not read keeps the ids (for the anchor check) and the title (for its
        neighbours' links and the navigation) it had in the build that wrote it."""
        if self.reuse is not None:
            for file in files.documentation_pages():
                page = file.page
                if page is not None and page.markdown is None and file.src_uri in self.reuse.pages:
                    page.present_anchor_ids, title = self.reuse.pages[file.src_uri]
                    page.markdown, page._title_from_render = "", title
        return env

    def on_nav(self, nav, config, files):
        """Mark the pages that open a section (``NavItem`` with url and children)."""
        def visit(items):
            for item in items:
                if isinstance(item, Section):
                    first = item.children[0] if item.children else None
                    if type(first) is MkDocsPage and first.file.src_uri in self.section_indexes:
                        first.__class__ = _SectionIndexPage
                    visit(item.children)
        visit(nav.items)
        return nav

    def on_files(self, files, config):
        sources, self.sources = self.sources, {}      # from here on the Files hold them (and only they)
        for path, content in sources.items():
            if files.get_file_from_path(path) is not None:
                raise SiteBuildError(f"{path}: a generated file would replace docs/{path}")
            file = _GeneratedFile.generated(config, path, content=content)
            file.unchanged = path in self.unchanged
            files.append(file)
        return Files(sorted(files, key=_walk_order))


def _walk_order(file: File) -> tuple:
    """The order MkDocs itself lists docs files in (a sorted top-down walk, index first)."""
    *dirs, name = file.src_uri.split("/")
    return tuple(dirs), posixpath.splitext(name)[0] not in ("index", "README"), name


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, site: Site,
               strict: bool = True, serve_url: str | None = None, site_url: str | None = None,
               reuse: PageReuse | None = None) -> list[str]:
    """Run one MkDocs build of ``docs_dir`` + ``site``; raise ``SiteBuildError``
    listing every warning.  Not strict: return the warnings instead (a failed
    build still raises).  ``reuse`` (``serve``): rebuild in ``site_dir`` only
    what changed since the last build that used it (``PageReuse``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    sources = generated_sources(site)
    pages = {p for p in sources if p.endswith(".md")}
    pages |= {p.relative_to(docs_dir).as_posix() for p in Path(docs_dir).rglob("*.md")}
    with _captured_mkdocs_log() as records:
        try:
            nav = nav_config(site.nav, pages)
            unchanged: set[str] = set()
            if reuse is not None:
                digests = {path: _digest(content) for path, content in sources.items()}
                signature = _inputs_signature(Path(config_file).parent, nav, sorted(sources), str(site_dir),
                                              serve_url, site_url, strict)
                unchanged = reuse.plan(signature, digests)
            config = load_config(config_file=str(config_file), docs_dir=str(docs_dir),
                                 site_dir=str(site_dir), strict=strict,
                                 **({"nav": nav} if nav else {}),
                                 **({"site_url": site_url} if site_url is not None else {}))
            config.plugins["edition/generated"] = GeneratedFiles(sources, section_indexes(site.nav, pages),
                                                                 reuse, unchanged)
            del sources                            # the plugin hands them to MkDocs (memory: one copy)
            if reuse is not None:
                reuse.forget()                     # until this build is through: site_dir is being rewritten
            build(config, serve_url=serve_url, dirty=bool(unchanged))
            failure = None
        except MkDocsException as exc:  # Abort (strict) or a config error
            failure = str(exc)
    records = [r for r in records if not r.getMessage().startswith(_DIRTY_WARNING)]
    if reuse is not None and not failure:
        reuse.remember(signature, digests, unchanged)
    problems = _summarise([f"{r.levelname.lower()}: {r.getMessage()}" for r in records])
    if failure or (strict and problems):
        raise SiteBuildError(problems + ([f"mkdocs: {failure}"] if failure else []),
                             hint="the site was not built; the previous site/ is unchanged")
    return problems


_DIRTY_WARNING = "A 'dirty' build is being performed"   # MkDocs' words for what PageReuse does on purpose


def _summarise(problems: list[str], limit: int = 200) -> list[str]:
    """Distinct problems, in order; past ``limit``, a count of the rest."""
    distinct = list(dict.fromkeys(problems))
    if len(distinct) <= limit:
        return distinct
    return distinct[:limit] + [f"... and {len(distinct) - limit} more"]


def ready_to_publish(tree: Path, site_url: str) -> None:
    """Make a finished tree ready for any static host, before it is swapped in.

    - the sitemap only with a published address (its entries must be absolute), and then
      ``robots.txt`` pointing at it; without one, neither;
    - ``.nojekyll`` (GitHub Pages would otherwise hide files and folders starting with "_");
    - ordinary permissions: directories 755, files 644 (``mkdtemp`` made the tree 0700, and a web
      server running as another user would answer 403).
    """
    tree = Path(tree)
    if site_url:
        (tree / "robots.txt").write_text(f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n",
                                         encoding="utf-8")
    else:
        for name in ("sitemap.xml", "sitemap.xml.gz", "robots.txt"):
            (tree / name).unlink(missing_ok=True)
    (tree / ".nojekyll").write_bytes(b"")
    set_permissions(tree)


def set_permissions(tree: Path) -> None:
    """Directories 755 and files 644 throughout ``tree`` (itself included)."""
    os.chmod(tree, 0o755)
    for folder, dirs, files in os.walk(tree):
        for name in dirs:
            os.chmod(os.path.join(folder, name), 0o755)
        for name in files:
            os.chmod(os.path.join(folder, name), 0o644)


def swap(new: Path, out: Path, warn: Callable[[str], None] = warn_on_stderr) -> None:
    """Put the finished tree ``new`` at ``out`` atomically; delete the old tree last.

    How: ``renameat2(new, out, RENAME_EXCHANGE)`` (Linux >= 3.15, glibc >= 2.28,
    called through ctypes) swaps the two names in one step, so ``out`` is
    always a whole site, old or new, whatever kills the process when.  Chosen
    over the other atomic way, a symlink ``site -> site.<hash>`` flipped by
    ``os.replace``, because ``site/`` stays a real directory: web servers,
    ``rsync``/``cp -r``, ``--out`` and everything that expects a folder keep
    working, and no ``site.<hash>`` folders pile up beside it.
    Fallback (another OS, a file system without exchange): two renames, ``out``
    aside then ``new`` in.  SIGINT/SIGTERM are deferred across them, but a
    SIGKILL or power cut between them leaves ``out`` missing with the whole old
    tree at ``out.old-*``, which the next build puts back first (``remove_leftovers``).

    Signals: SIGINT, SIGTERM and SIGHUP that arrive during the swap and the
    deletion of the old tree are held and delivered right after them
    (``INSTALLED`` then tells the command line that the new site was already
    in place when it reports the interruption).  If deleting the old tree fails (a read-only or
    undeletable file) the build still succeeds, with a warning, and the next
    build tries again: the new site is in place, reporting failure would be false.
    """
    out = Path(out)
    old = out.parent / f"{out.name}.old-{Path(new).name.rsplit('-', 1)[-1]}"
    with _signals_deferred():
        if not os.path.lexists(out):
            os.rename(new, out)
            INSTALLED.append(str(out))
            return
        if _exchange(Path(new), out):
            INSTALLED.append(str(out))
            os.rename(new, old)              # the old tree, now at new's name, gets the name it deserves
        else:
            os.rename(out, old)
            try:
                os.rename(new, out)
            except OSError:
                os.rename(old, out)
                raise
            INSTALLED.append(str(out))
        _remove_tree(old, warn)              # still deferred: an interrupted build leaves no old tree behind


AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def remove_leftovers(out: Path, warn: Callable[[str], None] = warn_on_stderr) -> None:
    """Remove ``out.new-*`` and ``out.old-*`` left by a build that was killed; if
    ``out`` itself is missing (killed between the fallback's two renames), put
    the old tree back first."""
    out = Path(out)
    ours = re.compile(re.escape(out.name) + r"\.(new|old)-[a-z0-9_]{8}")     # tempfile.mkdtemp's 8 characters
    found = sorted((p for p in out.parent.iterdir() if ours.fullmatch(p.name) and p.is_dir()),
                   key=lambda p: p.stat().st_mtime)
    olds = [p for p in found if ".old-" in p.name]
    if not os.path.lexists(out) and olds:
        os.rename(olds[-1], out)
    for path in found:
        if os.path.lexists(path):
            _remove_tree(path, warn)


def _remove_tree(path: Path, warn: Callable[[str], None]) -> None:
    """Delete a tree of ours, read-only folders included; warn (not fail) if it cannot be done."""
    def make_writable_and_retry(function, name, exc_info):
        parent = os.path.dirname(name)
        try:
            os.chmod(parent, os.stat(parent).st_mode | stat.S_IWUSR | stat.S_IXUSR)
            function(name)
        except OSError:
            raise exc_info[1]
    try:
        shutil.rmtree(path, onerror=make_writable_and_retry)
    except OSError as exc:
        warn(f"could not delete {path} ({exc.strerror or exc}: {exc.filename or path}); it is left "
             "there, and the next build tries again. The site itself is complete.")


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP during the block; deliver them right after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    signums = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {s: signal.signal(s, lambda signum, frame: received.append(signum)) for s in signums}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(received):
            signal.raise_signal(s)


@contextlib.contextmanager
def _one_build_at_a_time(out: Path) -> Iterator[None]:
    """An exclusive lock on ``out``'s parent folder while a build writes ``out``."""
    try:
        import fcntl
    except ImportError:                       # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(out.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildError(f"{out}: another build is writing it right now",
                             hint="wait for it to finish, then build again") from None
        yield
    finally:
        os.close(fd)


def relative_url(from_url: str, to_url: str) -> str:
    """Relative link between two site URLs (what page fragments must contain).

    >>> relative_url("texts/getty/ch01.html", "persons/yezhov.html#m3")
    '../../persons/yezhov.html#m3'
    >>> relative_url("texts/getty/ch01.html", "texts/getty/ch01.html#p4")
    '#p4'
    """
    path, _, fragment = to_url.partition("#")
    if path == from_url:
        rel = ""
    else:
        rel = posixpath.relpath(path, posixpath.dirname(from_url) or ".")
    return rel + ("#" + fragment if fragment else "")


# ---------------------------------------------------------------- live preview
def serve(regenerate: Callable[[], Site], root: Path, host: str = "127.0.0.1",
          port: int = 8000, open_in_browser: bool = False, warm_up: Callable[[], None] | None = None) -> None:
    """Serve a live preview; rebuild (pipeline included) when sources change.

    ``warm_up`` runs once, when the process is first idle (``edition.build.warm_up``)."""
    from mkdocs.livereload import LiveReloadServer, _serve_url

    root = Path(root).resolve()
    config_file = root / "mkdocs.yml"
    site_dir = Path(tempfile.mkdtemp(prefix="edition-serve-"))
    say = functools.partial(print, file=sys.stderr, flush=True)
    url = _serve_url(host, port, "/")

    from .cache import defer_writes, write_deferred
    reuse = PageReuse()
    defer_writes()                          # build/cache is written once the preview is shown (IdleCollector)
    pending = [warm_up] if warm_up else []

    def idle_work() -> None:
        write_deferred()
        while pending:
            try:
                pending.pop()()
            except Exception as exc:        # noqa: BLE001 - only for speed: the first rebuild loads it itself
                say(f"(warm-up skipped: {exc})")
    collector = IdleCollector(idle_work)

    @collector.between
    def builder() -> None:
        try:
            started = time.perf_counter()
            site = regenerate()
            made = time.perf_counter()
            for problem in run_mkdocs(config_file, root / "docs", site_dir, site,
                                      strict=False, serve_url=url, reuse=reuse):
                say(problem)
            say(f"built in {time.perf_counter() - started:.1f}s (edition {made - started:.1f}s, "
                f"MkDocs {time.perf_counter() - made:.1f}s; {reuse.kept} of {len(reuse.digests)} "
                "generated files unchanged, not rewritten)")
        except BuildError as exc:  # keep serving the last good build
            say("build failed (still serving the last good build):\n  " + "\n  ".join(exc.messages))

    builder()
    say(f"serving the edition on {url} (rebuilds when {', '.join(WATCHED)} change)")
    # a saved file is seen within POLL seconds (MkDocs' default is 0.5 s: on average a quarter of a second
    # more between saving and the reloaded page; the few hundred files watched take milliseconds to scan)
    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir),
                              polling_interval=POLL)
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    try:
        server.serve(open_in_browser=open_in_browser)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        write_deferred()                    # what the last rebuild made is in build/cache for the next build
        shutil.rmtree(site_dir, ignore_errors=True)


class IdleCollector:
    """``serve``: Python's cyclic garbage collector runs between rebuilds, not during one.

    A preview process holds the word lists, the OCR lexicon, the register and the
    cached texts: millions of objects that live as long as it does.  Each full
    collection walks all of them, and a rebuild allocates enough to set off
    several: about a fifth of a rebuild's time on the Getty text.  So the collector is
    off while a rebuild runs and collects once, ``IDLE`` seconds after it,
    unless the next rebuild has begun (then after that one).  Memory is still
    freed: reference counting is unaffected, and the cycles go at the next idle collection.

    ``idle_work`` runs at the same moment, first: ``serve`` writes the cache entries of the
    rebuild then (``edition.cache.write_deferred``), after the reader has the page.
    """

    IDLE = 1.0

    def __init__(self, idle_work: Callable[[], object] | None = None) -> None:
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._idle_work = idle_work

    def between(self, build: Callable[[], None]) -> Callable[[], None]:
        """``build`` wrapped: the collector off while it runs, one collection once it is idle."""
        @functools.wraps(build)
        def wrapped() -> None:
            with self._lock:
                if self._timer is not None:
                    self._timer.cancel()
                gc.disable()
                try:
                    build()
                finally:
                    self._timer = threading.Timer(self.IDLE, self._collect)
                    self._timer.daemon = True
                    self._timer.start()
        return wrapped

    def _collect(self) -> None:
        if self._lock.acquire(blocking=False):         # else a rebuild runs: it schedules the next one
            try:
                if self._idle_work is not None:
                    self._idle_work()
            except OSError as exc:                       # the cache is only for speed: say so, go on
                print(f"build/cache not written: {exc}", file=sys.stderr, flush=True)
            finally:
                gc.collect()
                gc.enable()
                self._lock.release()


# ---------------------------------------------------------------- helpers
def _toc_dict(entry: TocEntry) -> dict:
    return {"id": entry.id, "title": entry.title, "level": entry.level,
            "children": [_toc_dict(child) for child in entry.children]}


def _nav_entry(item: NavItem, pages: set[str]):
    title = html.escape(item.title, quote=False)
    target = _nav_target(item.url, pages) if item.url else None
    if item.children:
        children = [_nav_entry(child, pages) for child in item.children]
        return {title: ([target] if target else []) + children}
    return {title: target} if title else target


def section_indexes(nav: list[NavItem], pages: set[str]) -> set[str]:
    """Docs paths of the pages that open a section (a ``NavItem`` with url and children)."""
    out: set[str] = set()
    for item in nav:
        if item.children:
            if item.url:
                out.add(_nav_target(item.url, pages))
            out |= section_indexes(item.children, pages)
    return out


class _SectionIndexPage(MkDocsPage):
    """A page that is the index of its navigation section, whatever its file name
    (Material's ``navigation.indexes`` asks ``page.is_index``, true for index.md only)."""

    @property
    def is_index(self) -> bool:
        return True


def _nav_target(url: str, pages: set[str]) -> str:
    if "://" in url or url.startswith("mailto:"):
        return url
    if url.endswith(".html") and url[: -len(".html")] + ".md" in pages:
        return url[: -len(".html")] + ".md"
    return url


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _captured_mkdocs_log() -> Iterator[list[logging.LogRecord]]:
    """Collect MkDocs' warnings and errors instead of letting them print."""
    logger = logging.getLogger("mkdocs")
    handler = _ListHandler()
    saved = logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.propagate, level = saved[0], saved[1]
        logger.setLevel(level)


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """Pin MkDocs' build date (sitemap lastmod, gzip mtime) for this build."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


DATE_HINT = ("set SOURCE_DATE_EPOCH to the date of the inputs, e.g. "
             "`SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) python build_edition.py build`; if git refuses "
             "the checkout as owned by another user: `git config --global --add safe.directory <root>`")


def build_epoch(root: Path) -> int:
    """The build date, from the inputs: ``SOURCE_DATE_EPOCH``, else the last commit touching
    the content; never the clock (``BuildError`` saying what to do instead)."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is not None:
        if given.strip().isdigit():
            return int(given)
        raise BuildError(f"SOURCE_DATE_EPOCH={given!r}: not a number of seconds since 1970", hint=DATE_HINT)
    try:
        done = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "--", *CONTENT_PATHS],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"{root}: cannot date the build: git could not run ({exc})", hint=DATE_HINT) from None
    out = done.stdout.decode("ascii", "replace").strip()
    if done.returncode != 0 or not out.isdigit():
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[0] if said else "no commit touches texts/, templates/, docs/, mkdocs.yml or edition/"
        raise BuildError(f"{root}: cannot date the build from git: {reason}", hint=DATE_HINT)
    return int(out)
