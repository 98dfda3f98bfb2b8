"""Check a built site on disk the way a reader's clicks would: without a browser.

    problems = broken_links(site_dir)      # [] when every internal link lands
    remote = remote_resources(site_dir)    # [] when no page loads anything from another host

Every ``a[href]``, ``link[href]``, ``script[src]``, ``img[src]``, ``source[src]``
in every HTML file, and every ``location`` in the search index, must point to
a file of the site, and a ``#fragment`` must be an ``id`` (or ``a[name]``) in
that file.  External links (with a scheme) are not followed.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL_ATTRS = {("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
             ("source", "src"), ("iframe", "src"), ("area", "href")}
RESOURCE_TAGS = {"link", "script", "img", "source", "iframe"}


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, rel, url)


class _Parser(HTMLParser):
    def __init__(self, page: ParsedPage):
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.page.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.page.ids.add(attrs["name"])
        for attr in ("href", "src"):
            if (tag, attr) in URL_ATTRS and attrs.get(attr) is not None:
                self.page.refs.append((tag, attrs.get("rel") or "", attrs[attr]))


def parse_site(site: Path) -> dict[str, ParsedPage]:
    """Site-relative path of each HTML file -> its ids and outgoing URLs."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        page = ParsedPage()
        parser = _Parser(page)
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        pages[path.relative_to(site).as_posix()] = page
    return pages


def resolve(source: str, url: str) -> tuple[str, str] | None:
    """(site-relative target path, fragment) of an internal URL, None if external."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    if not path:
        target = source
    elif path.startswith("/"):
        target = posixpath.normpath(path.lstrip("/") or ".")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
    if path.endswith("/") or target == ".":
        target = posixpath.join(target, "index.html") if target != "." else "index.html"
    return target, unquote(parts.fragment)


def broken_links(site: Path, pages: dict[str, ParsedPage] | None = None) -> list[str]:
    pages = pages if pages is not None else parse_site(site)
    problems = []
    for source, page in pages.items():
        for tag, _rel, url in page.refs:
            problem = _check(site, pages, source, url)
            if problem:
                problems.append(f"{source}: <{tag}> {url!r}: {problem}")
    index = site / "search" / "search_index.json"
    if index.exists():
        from edition.site_assets import entries
        for location, _title, _text in entries(json.loads(index.read_text(encoding="utf-8"))["docs"]):
            problem = _check(site, pages, "index.html", location or "index.html")
            if problem:
                problems.append(f"search index: {location!r}: {problem}")
    return problems


def _check(site: Path, pages: dict[str, ParsedPage], source: str, url: str) -> str | None:
    resolved = resolve(source, url)
    if resolved is None:
        return None
    target, fragment = resolved
    if target.startswith("../"):
        return "leaves the site"
    if target not in pages and not (site / target).is_file():
        return f"no file {target}"
    if fragment and target in pages and fragment not in pages[target].ids:
        return f"no id {fragment!r} in {target}"
    return None


def remote_resources(site: Path, pages: dict[str, ParsedPage] | None = None) -> list[str]:
    """Resources (not plain links) a page would load from another host."""
    pages = pages if pages is not None else parse_site(site)
    remote = []
    for source, page in pages.items():
        for tag, rel, url in page.refs:
            external = urlsplit(url).scheme in ("http", "https") or url.startswith("//")
            loads = tag in RESOURCE_TAGS and not (tag == "link" and rel in ("canonical", "alternate"))
            if external and loads:
                remote.append(f"{source}: <{tag} rel={rel!r}> {url}")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        for marker in ("url(http", "url(//", "url('http", 'url("http', "@import url(http"):
            if marker in text:
                remote.append(f"{css.relative_to(site)}: {marker}")
    return remote
