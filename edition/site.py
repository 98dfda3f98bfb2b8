"""Build the MkDocs site from an ``edition.pages.Site``: stage, build aside, swap.

``build_site(site, root)`` does, in order:

1. stage: a fresh directory under ``build/`` receives a copy of ``docs/``
   (hand-written pages, assets), every generated ``Page`` as
   ``<url without .html>.md`` (YAML front matter + the finished HTML body, which
   ``edition/mkdocs_hooks.py`` keeps out of Markdown) and every ``DataFile``;
2. build: MkDocs (``mkdocs.yml``, strict) writes into a temporary directory next
   to ``site/``; every MkDocs warning is collected, and any warning fails the
   build with the full list (``SiteBuildError``);
3. swap: ``site/`` is renamed aside, the new tree renamed into place, the old
   one deleted.  A failed build leaves the previous ``site/`` untouched.

    >>> page = Page("texts/furr/s1.html", "Introduction", "<p id='p1'>*a*</p>")
    >>> build_site(Site([page], [], [NavItem("Furr", "texts/furr/s1.html")]), root)
    # site/texts/furr/s1.html now holds <p id='p1'>*a*</p> inside the theme

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

from .pages import NavItem, Page, Site, TocEntry
from .pipeline import BuildError

STAGING_DIR = "build"          # staging directories live under <root>/build/
SERVE_STAGING = "build/docs"   # the fixed staging dir of `serve` (= mkdocs.yml docs_dir)
WATCHED = ("texts", "templates", "docs", "mkdocs.yml")
CONTENT_PATHS = ("texts", "templates", "docs", "mkdocs.yml", "edition")  # their last commit dates the build

try:  # the C dumper is much faster on large front matter
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper


class SiteBuildError(BuildError):
    """MkDocs refused the staged site: carries every warning/error it logged."""


# ---------------------------------------------------------------- public API
def build_site(site: Site, root: Path, out: Path | None = None, strict: bool = True,
               config_file: Path | None = None, docs: Path | None = None) -> Path:
    """Build ``site`` into ``out`` (default ``root/site``) and return ``out``."""
    root = Path(root).resolve()
    out = Path(out).resolve() if out else root / "site"
    config_file = Path(config_file) if config_file else root / "mkdocs.yml"
    docs = Path(docs) if docs else root / "docs"
    (root / STAGING_DIR).mkdir(parents=True, exist_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="docs-", dir=root / STAGING_DIR))
    new = Path(tempfile.mkdtemp(prefix=out.name + ".new-", dir=out.parent))
    try:
        stage(site, docs, staging)
        with _source_date_epoch(root):
            run_mkdocs(config_file, staging, new, nav_config(site.nav, staging), strict)
        swap(new, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(new, ignore_errors=True)
    return out


def stage(site: Site, docs: Path, staging: Path) -> None:
    """Fill ``staging`` (which must be empty) with docs/ + generated pages + data files."""
    if docs.is_dir():
        shutil.copytree(docs, staging, dirs_exist_ok=True)
    taken: set[str] = set()
    for page in site.pages:
        _write_new(staging, page.src_uri, page_source(page).encode("utf-8"), taken)
    for data in site.data_files:
        _write_new(staging, data.path, data.content, taken)


def page_source(page: Page) -> str:
    """The staged ``.md`` text of a generated page: front matter, then its HTML."""
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


def nav_config(nav: list[NavItem], staging: Path) -> list:
    """``Site.nav`` -> the ``nav:`` structure of mkdocs.yml (titles become HTML)."""
    return [_nav_entry(item, staging) for item in nav]


def run_mkdocs(config_file: Path, docs_dir: Path, site_dir: Path, nav: list | None,
               strict: bool = True, serve_url: str | None = None) -> list[str]:
    """Run one MkDocs build; raise ``SiteBuildError`` listing every warning.

    Not strict: return the warnings instead (a failed build still raises)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _captured_mkdocs_log() as records:
        try:
            overrides = {"nav": nav} if nav else {}
            config = load_config(config_file=str(config_file), docs_dir=str(docs_dir),
                                 site_dir=str(site_dir), strict=strict, **overrides)
            build(config, serve_url=serve_url)
            failure = None
        except MkDocsException as exc:  # Abort (strict) or a config error
            failure = str(exc)
    problems = [f"{r.levelname.lower()}: {r.getMessage()}" for r in records]
    if failure or (strict and problems):
        raise SiteBuildError(problems + ([f"mkdocs: {failure}"] if failure else []),
                             hint="the site was not built; the previous site/ is unchanged")
    return problems


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
    staging = root / SERVE_STAGING
    site_dir = Path(tempfile.mkdtemp(prefix="edition-serve-"))
    say = functools.partial(print, file=sys.stderr, flush=True)
    url = _serve_url(host, port, "/")

    def builder() -> None:
        try:
            site = regenerate()
            if staging.exists():
                shutil.rmtree(staging)
            staging.mkdir(parents=True)
            stage(site, root / "docs", staging)
            for problem in run_mkdocs(config_file, staging, site_dir,
                                      nav_config(site.nav, staging), strict=False, serve_url=url):
                say(problem)
        except BuildError as exc:  # keep serving the last good build
            say("build failed (still serving the last good build):\n  " + "\n  ".join(exc.messages))

    staging.mkdir(parents=True, exist_ok=True)
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


def _nav_entry(item: NavItem, staging: Path):
    title = html.escape(item.title, quote=False)
    target = _nav_target(item.url, staging) if item.url else None
    if item.children:
        children = [_nav_entry(child, staging) for child in item.children]
        return {title: ([target] if target else []) + children}
    return {title: target} if title else target


def _nav_target(url: str, staging: Path) -> str:
    if "://" in url or url.startswith("mailto:"):
        return url
    if url.endswith(".html") and (staging / (url[: -len(".html")] + ".md")).is_file():
        return url[: -len(".html")] + ".md"
    return url


def _write_new(staging: Path, rel: str, content: bytes, taken: set[str]) -> None:
    rel = posixpath.normpath(rel)
    target = staging / rel
    if rel.startswith("../") or rel in taken or target.exists():
        raise BuildError(f"{rel}: generated file collides with another file or leaves the site")
    taken.add(rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


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
