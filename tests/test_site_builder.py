"""The site builder and MkDocs hooks on a tiny synthetic edition.

What a reader would see: source text that looks like markup (``<script>``,
``{{ x }}``, ``{% if %}``, ``*stars*``, ``# hash``) is shown literally; the page's
table of contents appears in the sidebar; head metadata is there once; a
broken link stops the build with a clear list and leaves the old site as it was;
two builds are byte-identical.
"""
from __future__ import annotations

import os

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from edition.pages import DataFile, NavItem, Page, Site, TocEntry
from edition.site import SiteBuildError, build_site, relative_url
from tests.golden import assert_golden

REPO = Path(__file__).resolve().parent.parent

CH01 = """<h1>Chapter One</h1>
<p id="p1"><a class="pnum" href="#p1" data-search-exclude>1</a>Literal &lt;script&gt;alert(1)&lt;/script&gt; {{ x }} {% if y %}yes{% endif %} *stars* _under_</p>
<h2 id="s1">Section &amp; more</h2>
<p id="p2"><a class="pnum" href="#p2">2</a># hash at line start
and <a href="ch02.html#q1">the next chapter</a>, <a class="person" data-person="stalin" href="../../persons/stalin.html">Stalin</a>, <a href="../../data/t.jsonl">data</a>.</p>
"""


def synthetic_site(ch01: str = CH01) -> Site:
    pages = [
        Page("texts/t/ch01.html", "Chapter <One> & Co", ch01,
             toc=[TocEntry("s1", "Section & <more>", 2)],
             meta=[("citation_title", 'Chapter "1" <One>'), ("citation_language", "en")],
             canonical="https://edition.example.org/texts/t/ch01.html",
             scripts=["assets/t.js"]),
        Page("texts/t/ch02.html", "Chapter Two", '<p id="q1">Two.</p>'),
        Page("persons/stalin.html", "Stalin, Iosif Vissarionovich", "<p>Entry.</p>"),
    ]
    nav = [NavItem("Home", "index.html"),
           NavItem("Text <T>", "", [NavItem("Chapter One", "texts/t/ch01.html"),
                                    NavItem("Chapter Two", "texts/t/ch02.html")]),
           NavItem("Persons", "persons/stalin.html")]
    return Site(pages, [DataFile("data/t.jsonl", b'{"id": "p1"}\n')], nav)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A minimal project: the real mkdocs.yml, theme, hooks and assets; its own docs/.
    Not a git checkout, so its build date is given (SOURCE_DATE_EPOCH)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "templates" / "theme", root / "templates" / "theme")
    (root / "edition").mkdir()
    shutil.copy(REPO / "edition" / "mkdocs_hooks.py", root / "edition")
    shutil.copytree(REPO / "docs" / "assets", root / "docs" / "assets")
    (root / "docs" / "assets" / "t.js").write_text("/* per-page script */\n")
    (root / "docs" / "index.md").write_text(
        "# Home\n\nRead [chapter one, passage 2](texts/t/ch01.md#p2).\n")
    return root


def tree_digest(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def article(html: str) -> str:
    return re.search(r"<article[^>]*>(.*?)</article>", html, re.S).group(1)


def test_fragment_is_shown_literally(project):
    out = build_site(synthetic_site(), project)
    body = article((out / "texts/t/ch01.html").read_text())
    assert "Literal &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "{{ x }} {% if y %}yes{% endif %} *stars* _under_" in body
    assert "# hash at line start" in body
    assert "<em>" not in body and "<script>" not in body
    assert_golden("site_builder/ch01_article.html", body.strip() + "\n")


def test_toc_titles_and_head_metadata(project):
    out = build_site(synthetic_site(), project)
    html = (out / "texts/t/ch01.html").read_text()
    toc = html[html.index('data-md-component="toc"'):]
    assert re.search(r'href="#s1"[^>]*>\s*<span class="md-ellipsis">\s*Section &amp; &lt;more&gt;', toc)
    assert "<title>Chapter &lt;One&gt; &amp; Co - " in html
    assert '<meta name="citation_title" content="Chapter &#34;1&#34; &lt;One&gt;">' in html
    assert html.count('rel="canonical"') == 1
    assert '<link rel="canonical" href="https://edition.example.org/texts/t/ch01.html">' in html
    assert '<script src="../../assets/t.js" defer></script>' in html
    assert "Text &lt;T&gt;" in html                    # nav section title, escaped
    assert (out / "data/t.jsonl").read_bytes() == b'{"id": "p1"}\n'


def test_hand_written_pages_still_use_markdown(project):
    out = build_site(synthetic_site(), project)
    home = (out / "index.html").read_text()
    assert '<a href="texts/t/ch01.html#p2">chapter one, passage 2</a>' in home


def test_broken_link_fails_and_keeps_previous_site(project):
    out = build_site(synthetic_site(), project)
    before = tree_digest(out)
    broken = CH01.replace("ch02.html#q1", "ch02.html#missing").replace(
        "../../persons/stalin.html", "../../persons/nobody.html")
    with pytest.raises(SiteBuildError) as failure:
        build_site(synthetic_site(broken), project)
    messages = "\n".join(failure.value.messages)
    assert "'ch02.html#missing'" in messages and "anchor '#missing'" in messages
    assert "persons/nobody.html" in messages
    assert tree_digest(out) == before
    leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith("site.")]
    assert leftovers == []


def test_broken_anchor_from_markdown_page_fails(project):
    (project / "docs" / "index.md").write_text("[x](texts/t/ch01.md#p99)\n")
    with pytest.raises(SiteBuildError, match="p99"):
        build_site(synthetic_site(), project)
    assert not (project / "site").exists()


def test_generated_page_may_not_overwrite_a_docs_file(project):
    site = synthetic_site()
    site.pages.append(Page("index.html", "Another home", "<p>x</p>"))
    with pytest.raises(SiteBuildError, match="index.md: a generated file would replace docs/index.md"):
        build_site(site, project)


def test_two_builds_are_byte_identical(project, tmp_path):
    first = tree_digest(build_site(synthetic_site(), project, tmp_path / "a" / "site", site_url="https://ed.test/"))
    second = tree_digest(build_site(synthetic_site(), project, tmp_path / "b" / "site", site_url="https://ed.test/"))
    assert first == second
    assert "sitemap.xml.gz" in first and "search/search_index.json" in first


def test_site_is_ready_for_a_static_host_with_and_without_an_address(project, tmp_path):
    import stat
    old = os.umask(0o077)                       # even under a strict umask: what a web server can read
    try:
        bare = build_site(synthetic_site(), project, tmp_path / "bare" / "site")
        addressed = build_site(synthetic_site(), project, tmp_path / "addressed" / "out", site_url="https://ed.test/x/")
    finally:
        os.umask(old)
    for tree in (bare, addressed):
        modes = {p.relative_to(tree).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [tree, *tree.rglob("*")]}
        wrong = {p: oct(m) for p, m in modes.items() if m != (0o755 if (tree / p).is_dir() else 0o644)}
        assert not wrong, wrong
        assert (tree / ".nojekyll").is_file()
    assert not (bare / "sitemap.xml").exists() and not (bare / "robots.txt").exists()
    assert (addressed / "robots.txt").read_text() == "User-agent: *\nAllow: /\n\nSitemap: https://ed.test/x/sitemap.xml\n"
    assert "<loc>https://ed.test/x/texts/t/ch02.html</loc>" in (addressed / "sitemap.xml").read_text()
    assert 'rel="canonical"' not in (bare / "index.html").read_text()


def test_relative_url():
    assert relative_url("texts/getty/ch01.html", "persons/yezhov.html#m3") == "../../persons/yezhov.html#m3"
    assert relative_url("texts/getty/ch01.html", "texts/getty/ch01.html#p4") == "#p4"
    assert relative_url("texts/getty/ch01.html", "texts/getty/ch02.html") == "ch02.html"
    assert relative_url("index.html", "texts/furr/index.html") == "texts/furr/index.html"


def test_link_checker_on_synthetic_site(project):
    from tests.linkcheck import broken_links, remote_resources
    out = build_site(synthetic_site(), project)
    assert broken_links(out) == []
    assert remote_resources(out) == []
    (out / "texts/t/ch02.html").write_text('<p><a href="ch01.html#nowhere">x</a> <a href="gone.html">y</a></p>')
    problems = broken_links(out)
    assert any("'ch01.html#nowhere': no id 'nowhere'" in p for p in problems)
    assert any("'gone.html': no file texts/t/gone.html" in p for p in problems)


def test_search_index_has_the_words_not_the_apparatus(project):
    import json
    out = build_site(synthetic_site(), project)
    from edition.site_assets import entries
    docs = entries(json.loads((out / "search/search_index.json").read_text())["docs"])
    ch01 = " ".join(text for location, _title, text in docs if location.startswith("texts/t/ch01.html"))
    assert "Literal &lt;script&gt;" in ch01 and "# hash at line start" in ch01
    assert "1Literal" not in ch01 and "2#" not in ch01          # passage numbers left out
    assert any(location == "texts/t/ch01.html#s1" for location, _title, _text in docs)


def test_serve_collects_garbage_between_rebuilds_not_during_one():
    """``serve``'s builder runs with the cyclic collector off; once idle, its idle work runs (the cache
    is written) and the cycles it left are freed."""
    import gc
    import time
    import weakref
    from edition.site import IdleCollector

    class Node:
        pass

    seen: dict = {}
    collector = IdleCollector(lambda: seen.setdefault("idle work", time.time()))
    collector.IDLE = 0.05

    @collector.between
    def rebuild() -> None:
        seen["enabled during the rebuild"] = gc.isenabled()
        cycle = Node()
        cycle.self = cycle                      # freed by the cyclic collector only
        seen["cycle"] = weakref.ref(cycle)

    was_enabled = gc.isenabled()
    try:
        rebuild()
        assert seen["enabled during the rebuild"] is False
        deadline = time.time() + 5
        while (seen["cycle"]() is not None or not gc.isenabled()) and time.time() < deadline:
            time.sleep(0.02)
        assert seen["cycle"]() is None          # collected once idle
        assert gc.isenabled()
        assert "idle work" in seen
    finally:
        gc.enable() if was_enabled else gc.disable()
