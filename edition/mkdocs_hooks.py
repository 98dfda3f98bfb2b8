"""MkDocs hooks: put the edition's generated pages into the theme untouched.

A generated page is a ``.md`` file (handed to MkDocs in memory by
``edition.site``) whose front matter says ``edition: true`` and whose body is
the page's finished HTML fragment.  MkDocs must not run Markdown on it: a source
line such as ``*stars*``, ``# hash`` or ``{{ x }}`` has to reach the reader
exactly as printed.  Before/after for such a page::

    ---                                   <article ...>
    title: Chapter 1                        <p id="p1">*stars* &lt;b&gt;</p>
    edition: true              ==>        </article>   (no <em>, no <b>)
    toc: [{id: p1, title: "A", level: 2}]
    ---
    <p id="p1">*stars* &lt;b&gt;</p>

``on_page_markdown`` stashes the HTML and hands Markdown an empty string (and
skips Markdown's set-up for the page); ``on_page_content`` returns the stash, builds ``page.toc`` from the front
matter (``[{id, title, level, children}]``, titles plain text, escaped here),
and does for the fragment what MkDocs' Markdown pass does for a Markdown page:
records the ids it contains (so links *to* it are checked) and checks every
relative ``href``/``src`` in it against the site's files and anchors, logging
at the levels set in ``validation:`` (``warn`` fails a strict build).  Links
inside fragments are final, relative ``.html`` URLs and are left as written.

Hand-written pages (no ``edition: true``) go through Markdown as usual.

Search: Material's search plugin collects the index; for generated pages the
hook decides what goes in, by the page's ``edition_search`` front matter
(edition/search_index.py): one entry per passage ("passages", chapters), one
per person entry ("persons"), nothing ("none": build reports, the A-Z index
of persons), or, for other pages, Material's own sections of a lighter copy of
the page (``search_html``: passage numbers and note markers dropped, elements
marked ``data-search-exclude`` cut out, inline tags removed).  After the build
``on_post_build`` has edition/site_assets.py rewrite the index compactly for
the edition's search worker and remove theme files the site does not load.
Each page's entries are kept by page (``_PAGE_SEARCH``): a ``serve`` rebuild that
leaves unchanged pages unwritten (``edition.site.PageReuse``) puts theirs back,
in page order, so its index is the one a full build makes.

Speed: Material renders the whole navigation into every page.  For a page that
is not itself in the navigation (the hundreds of person entries) that HTML
depends only on the page's directory, so templates/theme/main.html reuses it
from ``edition_nav_cache`` under the key ``edition_nav_key`` (set here; empty
for pages in the navigation, which are always rendered afresh).

Other ``page.meta`` keys of generated pages, used by templates/theme/main.html:
``edition_meta`` ([name, content] pairs -> ``<meta>``), ``edition_scripts``
(site-relative script paths) and ``edition_canonical`` (absolute URL; it
replaces MkDocs' own ``page.canonical_url``, so there is one canonical link).
"""
from __future__ import annotations

import functools
import hashlib
import html
import os
import logging
import posixpath
import re
from urllib.parse import unquote, urlsplit

from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.toc import get_toc

from edition import search_index
from edition.site_assets import ZIP_URL

log = logging.getLogger("mkdocs.hooks.edition")

_STASH = "_edition_html"


def is_edition_page(page) -> bool:
    return bool(page.meta.get("edition"))


def on_page_markdown(markdown, page, config, files):
    if not is_edition_page(page):
        return markdown
    setattr(page, _STASH, markdown)
    page.file.content_string = ""     # read: MkDocs never reads a page's source again; one copy fewer in memory
    # MkDocs calls page.render() next: for this page it only has to hand the
    # stashed HTML on (no Markdown instance is built for an empty text).
    page.render = functools.partial(_render_fragment, page)
    return ""


def _render_fragment(page, config, files) -> None:
    page.content = getattr(page, _STASH)


def on_page_content(html_, page, config, files):
    if not is_edition_page(page):
        return html_
    fragment = getattr(page, _STASH)
    page.toc = get_toc([_toc_token(entry) for entry in page.meta.get("toc") or []])
    if page.meta.get("edition_canonical"):
        page.canonical_url = page.meta["edition_canonical"]
    scan = _Scan(fragment)
    page.present_anchor_ids = scan.ids
    page.links_to_anchors = {}
    for url in dict.fromkeys(scan.urls):          # each distinct URL once
        _check_link(url, page, config, files)
    for script in page.meta.get("edition_scripts") or []:
        if files.get_file_from_path(script) is None:
            log.warning(f"Doc file '{page.file.src_uri}' asks for script '{script}', "
                        "which is not among the documentation files.")
    return fragment


# Per page indexed in this build: (its search entries, its (slug, short title) for the search filter or None).
_PAGE_SEARCH: dict[str, tuple[list, tuple | None]] = {}
_SEARCH_TEXTS: dict[str, str] = {}      # slug -> short title, for the search filter
_DOC_FILES: list = []                   # the pages of this build, in MkDocs' order (the index's order)


@event_priority(-100)  # after Material's search plugin has created its index
def on_config(config):
    _PAGE_SEARCH.clear()
    _DOC_FILES.clear()
    _SEARCH_TEXTS.clear()
    index = _search_index(config)
    if index is not None and hasattr(index, "add_entry_from_context"):
        index.add_entry_from_context = functools.partial(_recorded, index.add_entry_from_context, index)
    return config


def _search_index(config):
    search = config.plugins.get("material/search") or config.plugins.get("search")
    return getattr(search, "search_index", None)


def _recorded(add_entry, index, page) -> None:
    """Index the page (``_index_page``) and keep what it added, by page, for ``on_post_build``."""
    before = len(index.entries)
    pair = _index_page(add_entry, index, page)
    _PAGE_SEARCH[page.file.src_uri] = (index.entries[before:], pair)


def _index_page(add_entry, index, page) -> tuple | None:
    """Index a page the way its ``edition_search`` front matter asks (see edition/search_index.py);
    a chapter returns its text's ``(slug, short title)`` for the search filter."""
    if not is_edition_page(page):
        add_entry(page)
        return None
    kind = page.meta.get("edition_search") or "page"
    if kind == "none":
        return None
    if kind == "passages":
        context = page.meta.get("edition_search_context") or page.title
        index.entries.extend(search_index.passage_entries(page.content, page.url, context))
        return page.url.split("/")[1], page.meta.get("edition_search_text") or context
    if kind == "persons":
        index.entries.extend(search_index.person_entries(page.content, page.url, page.title))
        return None
    content = page.content
    page.content = search_html(content)
    try:
        add_entry(page)
    finally:
        page.content = content
    return None


@event_priority(-200)  # after every other plugin has seen the page
def on_post_page(output, page, config):
    """A generated page once written: its HTML is not needed again (the search index has its entries,
    the link check its ids and links), so it is let go; a long edition never holds every page at the end."""
    if is_edition_page(page):
        page.content = None
        if hasattr(page, _STASH):
            delattr(page, _STASH)
    return output


@event_priority(100)   # before Material's search plugin writes the index
def _gather_search(config):
    """The index in page order; a ``serve`` build that left pages as they were
    (``edition.site.PageReuse``) takes their entries from the build that wrote them."""
    reuse = getattr(config.plugins.get("edition/generated"), "reuse", None)
    records = dict(reuse.search) if reuse is not None else {}
    records.update(_PAGE_SEARCH)
    order = [f.src_uri for f in _DOC_FILES]
    index = _search_index(config)
    if index is not None and reuse is not None:
        index.entries = [entry for uri in order for entry in records.get(uri, ((), None))[0]]
    for uri in order:
        pair = records.get(uri, ((), None))[1]
        if pair:
            _SEARCH_TEXTS.setdefault(*pair)
    if reuse is not None:
        reuse.search = {uri: records[uri] for uri in order if uri in records}


@event_priority(-200)  # after Material's search and offline plugins wrote the index
def _finish_search(config):
    from edition.site_assets import finish_search
    finish_search(config.site_dir, list(_SEARCH_TEXTS.items()))


on_post_build = CombinedEvent(_gather_search, _finish_search)


_SEARCH_DROP = re.compile(
    r'<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>.*?</\1>'
    r'|<a\b[^>]*\sclass="[^"]*\b(?:pnum|footnote-backref)\b[^"]*"[^>]*>.*?</a>'
    r'|<sup\b[^>]*>\s*<a\b[^>]*\sclass="[^"]*\bfootnote-ref\b[^"]*"[^>]*>.*?</a>\s*</sup>',
    re.S)
_SEARCH_INLINE = re.compile(r"</?(?:a|span|em|strong|i|b|cite|mark|abbr|small|q|time|dfn|sup|br)\b[^>]*>")
# Attributes matter to the index only on headings (their ids make the search sections).
_SEARCH_BARE = re.compile(r"<(?!h[1-6]\b)([a-z][a-z0-9]*)\s[^>]*>")


def search_html(fragment: str) -> str:
    """What the search index sees of a generated page.

    Left out: passage numbers, note markers and back links, and any element
    marked ``data-search-exclude`` (it must not contain an element of its own
    tag name: the cut ends at the first closing tag).

    >>> search_html('<p id="p1"><a class="pnum" href="#p1">1</a>A <a class="person" href="x">B</a>.</p>')
    '<p>A B.</p>'
    """
    return _SEARCH_BARE.sub(r"<\1>", _SEARCH_INLINE.sub("", _SEARCH_DROP.sub("", fragment)))


def on_env(env, config, files):
    _DOC_FILES[:] = files.documentation_pages()
    env.globals["edition_nav_cache"] = {}
    env.bytecode_cache = template_cache(os.path.dirname(config.config_file_path))
    return env


def template_cache(root: str):
    """Compiled Jinja2 templates kept between builds (like Python's __pycache__;
    checked against each template's source, so an edited template is recompiled)."""
    from jinja2 import FileSystemBytecodeCache

    class PathBytesCache(FileSystemBytecodeCache):
        """Jinja's key encodes the template's path as UTF-8, which fails for a non-ASCII
        project path under a non-UTF-8 locale (the path then holds surrogate escapes):
        the key is made from the path's bytes as the file system has them."""

        def get_cache_key(self, name: str, filename: str | None = None) -> str:
            key = hashlib.sha1(name.encode("utf-8", "surrogateescape"))
            if filename is not None:
                key.update(b"|" + os.fsencode(filename))
            return key.hexdigest()

    path = os.path.join(root, "build", "jinja-cache")
    os.makedirs(path, exist_ok=True)
    return PathBytesCache(path)


def on_page_context(context, page, config, nav):
    in_nav = getattr(nav, "_edition_in_nav", None)
    if in_nav is None:
        in_nav = nav._edition_in_nav = {p.file.src_uri for p in nav.pages}
    context["edition_nav_key"] = ("" if page.file.src_uri in in_nav
                                  else posixpath.dirname(page.url) or ".")
    return context


def _toc_token(entry: dict) -> dict:
    """Front-matter toc entry -> the token dict ``get_toc`` expects."""
    return {
        "level": int(entry.get("level", 2)),
        "id": str(entry["id"]),
        "name": html.escape(str(entry["title"]), quote=False),
        "children": [_toc_token(child) for child in entry.get("children") or []],
    }


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)(\s[^>]*)>")
_ATTR = re.compile(r"""\s(id|name|href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class _Scan:
    """Collect element ids and the URLs of ``a[href]`` / ``img[src]``.

    A regular-expression scan of start tags (the writer's attributes are always
    quoted and escaped), several times faster than ``html.parser``.
    """

    def __init__(self, fragment: str):
        self.ids: set[str] = set()
        self.urls: list[str] = []
        for tag_match in _TAG.finditer(fragment):
            tag = tag_match.group(1).lower()
            for key, dq, sq in _ATTR.findall(tag_match.group(2)):
                value = html.unescape(dq or sq)
                if key == "id" or (key == "name" and tag == "a"):
                    self.ids.add(value)
                elif (key == "href" and tag == "a") or (key == "src" and tag == "img"):
                    self.urls.append(value)


def _url_index(files) -> dict:
    """Map each file's site URL (``texts/getty/ch01.html``) to its File, cached per build."""
    index = getattr(files, "_edition_url_index", None)
    if index is None:
        index = {f.url: f for f in files}
        files._edition_url_index = index
    return index


def _check_link(url: str, page, config, files) -> None:
    links = config.validation.links
    src = page.file.src_uri
    kind, target, anchor, path = _resolved(url, posixpath.dirname(page.file.url))
    if kind == "external":
        return
    if kind == "absolute":
        log.log(links.absolute_links,
                f"Doc file '{src}' contains an absolute link '{url}'; the edition needs relative links.")
        return
    if kind == "anchor":
        page.links_to_anchors.setdefault(page.file, {}).setdefault(anchor, url)
        return
    if kind == "none":
        return
    if target == ZIP_URL:          # written by edition/site.py once MkDocs has built the site
        return
    target_file = _url_index(files).get(target)
    if target_file is None:
        level = links.not_found if posixpath.splitext(path)[1] else links.unrecognized_links
        log.log(level, f"Doc file '{src}' contains a link '{url}', but the target "
                       f"'{target}' is not found among documentation files.")
        return
    if anchor:
        page.links_to_anchors.setdefault(target_file, {}).setdefault(anchor, url)


@functools.lru_cache(maxsize=65536)
def _resolved(url: str, base: str) -> tuple[str, str, str, str]:
    """``(kind, site path of the target, anchor, path as written)`` of a link found on a page in ``base``.

    The same person or passage link recurs on many pages: it is parsed once.

    >>> _resolved("../../persons/y.html#yezhov-nikolai", "texts/getty")
    ('file', 'persons/y.html', 'yezhov-nikolai', '../../persons/y.html')
    """
    scheme, netloc, path, _query, anchor = urlsplit(url)
    if scheme or netloc:
        return "external", "", "", path
    if url.startswith(("/", "\\")):
        return "absolute", "", "", path
    if not path:
        return ("anchor" if anchor else "none"), "", anchor, path
    return "file", posixpath.normpath(posixpath.join(base, unquote(path))), anchor, path
