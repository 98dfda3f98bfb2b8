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
2. swap: ``site/`` is renamed aside, the new tree renamed into place, the old
   one deleted.  A failed build leaves the previous ``site/`` untouched.

    >>> page = Page("texts/furr/s1.html", "Introduction", "<p id='p1'>*a*</p>")
    >>> build_site(Site([page], [], [NavItem("Furr", "texts/furr/s1.html")]), root)
    # site/texts/furr/s1.html now holds <p id='p1'>*a*</p> inside the theme

``write_sources(site, dest)`` writes the same ``.md`` sources to a directory,
to look at what MkDocs is given.

Builds are reproducible: the build date is ``SOURCE_DATE_EPOCH`` if set, else
the date of the last git commit touching the content (texts, templates, docs,
mkdocs.yml, edition code) of ``root`` (else today, UTC), so two builds of
the same input give byte-identical trees.  (The build date only appears in
sitemap.xml, as every page's lastmod, and in the mtime of sitemap.xml.gz.)

``serve(regenerate, root)`` is the live preview: it re-runs ``regenerate()``
(the whole edition pipeline, returning a new ``Site``) and rebuilds whenever
something under ``texts/``, ``templates/``, ``docs/`` or ``mkdocs.yml`` changes.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import html
import logging
import os
import posixpath
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable, Iterator

import yaml
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page as MkDocsPage

from .pages import NavItem, Page, Site, TocEntry
from .pipeline import BuildError

WATCHED = ("texts", "templates", "docs", "mkdocs.yml")
CONTENT_PATHS = ("texts", "templates", "docs", "mkdocs.yml", "edition")  # their last commit dates the build

try:  # the C dumper is much faster on large front matter
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


class SiteBuildError(BuildError):
    """MkDocs refused the site: carries every warning/error it logged."""


# ---------------------------------------------------------------- public API
def build_site(site: Site, root: Path, out: Path | None = None, strict: bool = True,
               config_file: Path | None = None, docs: Path | None = None) -> Path:
    """Build ``site`` into ``out`` (default ``root/site``) and return ``out``."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "site"
    config_file = Path(config_file) if config_file else root / "mkdocs.yml"
    docs = Path(docs) if docs else root / "docs"
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=out.name + ".new-", dir=out.parent))
    try:
        with _source_date_epoch(root):
            run_mkdocs(config_file, docs, new, site, strict)
        swap(new, out)
    finally:
        shutil.rmtree(new, ignore_errors=True)
    return out


def page_source(page: Page) -> str:
    """The ``.md`` source MkDocs gets for a generated page: front matter, then its HTML."""
    meta = {
        "title": html.escape(page.title, quote=False),
        "edition": True,
        "toc": [_toc_dict(entry) for entry in page.toc],
        "edition_meta": [[str(name), str(content)] for name, content in page.meta],
        "edition_canonical": page.canonical,
        "edition_scripts": list(page.scripts),
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


class GeneratedFiles(BasePlugin):
    """A MkDocs plugin (registered by ``run_mkdocs``) adding the generated files."""

    def __init__(self, sources: dict[str, str | bytes], section_indexes: set[str] = frozenset()):
        super().__init__()
        self.sources = sources
        self.section_indexes = section_indexes

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
        for path, content in self.sources.items():
            if files.get_file_from_path(path) is not None:
                raise SiteBuildError(f"{path}: a generated file would replace docs/{path}")
            files.append(File.generated(config, path, content=content))
        return Files(sorted(files, key=_walk_order))


def _walk_order(file: File) -> tuple:
    """The order MkDocs itself lists docs files in (a sorted top-down walk, index first)."""
    *dirs, name = file.src_uri.split("/")
    return tuple(dirs), posixpath.splitext(name)[0] not in ("index", "README"), name


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, site: Site,
               strict: bool = True, serve_url: str | None = None) -> list[str]:
    """Run one MkDocs build of ``docs_dir`` + ``site``; raise ``SiteBuildError``
    listing every warning.  Not strict: return the warnings instead (a failed
    build still raises)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    sources = generated_sources(site)
    pages = {p for p in sources if p.endswith(".md")}
    pages |= {p.relative_to(docs_dir).as_posix() for p in Path(docs_dir).rglob("*.md")}
    with _captured_mkdocs_log() as records:
        try:
            nav = nav_config(site.nav, pages)
            config = load_config(config_file=str(config_file), docs_dir=str(docs_dir),
                                 site_dir=str(site_dir), strict=strict,
                                 **({"nav": nav} if nav else {}))
            config.plugins["edition/generated"] = GeneratedFiles(sources, section_indexes(site.nav, pages))
            build(config, serve_url=serve_url)
            failure = None
        except MkDocsException as exc:  # Abort (strict) or a config error
            failure = str(exc)
    problems = _summarise([f"{r.levelname.lower()}: {r.getMessage()}" for r in records])
    if failure or (strict and problems):
        raise SiteBuildError(problems + ([f"mkdocs: {failure}"] if failure else []),
                             hint="the site was not built; the previous site/ is unchanged")
    return problems


def _summarise(problems: list[str], limit: int = 200) -> list[str]:
    """Distinct problems, in order; past ``limit``, a count of the rest."""
    distinct = list(dict.fromkeys(problems))
    if len(distinct) <= limit:
        return distinct
    return distinct[:limit] + [f"... and {len(distinct) - limit} more"]


def swap(new: Path, out: Path) -> None:
    """Put the finished tree ``new`` at ``out``; the old ``out`` is removed last."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=out.name + ".old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
    try:
        new.rename(out)
    except OSError:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old)


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
          port: int = 8000, open_in_browser: bool = False) -> None:
    """Serve a live preview; rebuild (pipeline included) when sources change."""
    from mkdocs.livereload import LiveReloadServer, _serve_url

    root = Path(root).resolve()
    config_file = root / "mkdocs.yml"
    site_dir = Path(tempfile.mkdtemp(prefix="edition-serve-"))
    say = functools.partial(print, file=sys.stderr, flush=True)
    url = _serve_url(host, port, "/")

    def builder() -> None:
        try:
            for problem in run_mkdocs(config_file, root / "docs", site_dir, regenerate(),
                                      strict=False, serve_url=url):
                say(problem)
        except BuildError as exc:  # keep serving the last good build
            say("build failed (still serving the last good build):\n  " + "\n  ".join(exc.messages))

    builder()
    say(f"serving the edition on {url} (rebuilds when {', '.join(WATCHED)} change)")
    server = LiveReloadServer(builder=builder, host=host, port=port, root=str(site_dir))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    try:
        server.serve(open_in_browser=open_in_browser)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


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
def _source_date_epoch(root: Path) -> Iterator[None]:
    """Pin MkDocs' build date (sitemap lastmod, gzip mtime) for this build."""
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = saved or str(_last_commit_time(root))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["SOURCE_DATE_EPOCH"]


def _last_commit_time(root: Path) -> int:
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct", "--",
                              *CONTENT_PATHS],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        return int(out.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        today = _dt.datetime.now(_dt.timezone.utc).date()
        return int(_dt.datetime(today.year, today.month, today.day,
                                tzinfo=_dt.timezone.utc).timestamp())
