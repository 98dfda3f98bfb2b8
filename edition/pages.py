"""Generated pages: what every writer hands to the site builder.

A ``Page`` is one HTML fragment (the page body, rendered by a Jinja2 template
from ``templates/``) with its title, its place in the site, its table of
contents and its ``<head>`` metadata.  The MkDocs hook (``edition.mkdocs_hooks``)
puts the fragment into the Material theme without passing it through Markdown,
so source text can never turn into markup.

    >>> Page("texts/getty/ch01.html", "The New Situation", "<p>…</p>").src_uri
    'texts/getty/ch01.md'
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TocEntry:
    id: str
    title: str               # plain text
    level: int = 2
    children: list["TocEntry"] = field(default_factory=list)


@dataclass
class Page:
    url: str                 # site-relative URL, e.g. "texts/getty/ch01.html"
    title: str               # plain text
    html: str                # the page body
    toc: list[TocEntry] = field(default_factory=list)
    meta: list[tuple[str, str]] = field(default_factory=list)   # <meta name=... content=...> pairs
    canonical: str = ""      # absolute canonical URL if site_url is known, else ""
    scripts: list[str] = field(default_factory=list)  # extra site-relative JS files for this page
    nav_title: str = ""      # shorter title for the navigation, default title
    # How site search indexes the page (edition/search_index.py): "page" (as
    # Material does: one entry per section), "passages" (one entry per passage,
    # ``search_context`` naming text and chapter), "persons" (one entry per
    # person entry, name and identification only) or "none" (left out).
    search: str = "page"
    search_context: str = ""
    search_text: str = ""    # the text's name in the search panel's "Search in" buttons

    @property
    def src_uri(self) -> str:
        return self.url[: -len(".html")] + ".md"


@dataclass(frozen=True)
class DataFile:
    """A non-page file written into the site (e.g. ``data/getty.jsonl``)."""

    path: str
    content: bytes


@dataclass
class NavItem:
    """One entry of the site navigation: a page (``url``), a section (``children``), or a
    section with an index page (both: the title opens ``url``, the page is not listed
    again among the children; Material's ``navigation.indexes``)."""

    title: str
    url: str = ""
    children: list["NavItem"] = field(default_factory=list)


@dataclass
class Site:
    """Everything the site builder needs: generated pages, data files, navigation."""

    pages: list[Page]
    data_files: list[DataFile]
    nav: list[NavItem]
