"""Reading from disk with the network off (issue 11, item 1).

The browser tests open the built site as ``file://`` pages in a context where
every request that is not ``file:`` is aborted and recorded; a test fails on
any console error, uncaught page error, aborted or failed request.  A reader
there: opens the home page, goes to a chapter, sees a note's tooltip, follows
"Next" to the next chapter, opens the citation panel, goes to a person's entry
and searches.  Also checked without a browser: what the offline build ships
(the vendored shim, no source maps or lunr language files, the download zip).
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIM = ROOT / "docs" / "assets" / "vendor" / "iframe-worker" / "shim.js"
SHIM_SHA256 = "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"   # iframe-worker 1.0.4


# ---------------------------------------------------------------- without a browser
def test_vendored_shim_is_the_recorded_npm_file():
    assert hashlib.sha256(SHIM.read_bytes()).hexdigest() == SHIM_SHA256
    provenance = (SHIM.parent / "SOURCE.txt").read_text(encoding="utf-8")
    assert "iframe-worker 1.0.4" in provenance and SHIM_SHA256 in provenance
    assert "MIT" in (SHIM.parent / "LICENSE.txt").read_text(encoding="utf-8")


def test_pages_load_the_local_shim_and_no_remote_script(built_site):
    html = (built_site / "texts" / "getty" / "ch02.html").read_text(encoding="utf-8")
    assert 'src="../../assets/vendor/iframe-worker/shim.js"' in html
    assert "unpkg.com" not in html and "iframe-worker/shim\"" not in html
    assert (built_site / "search" / "search_index.js").read_text(encoding="utf-8").startswith("var __index = ")


def test_unused_theme_files_are_not_shipped(built_site):
    javascripts = built_site / "assets" / "javascripts"
    assert not list(built_site.rglob("*.map")), "source maps are shipped"
    assert not (javascripts / "lunr").exists(), "lunr language files / word-cut scripts are shipped"
    assert not (javascripts / "workers").exists(), "Material's lunr worker is shipped but never loaded"
    for asset in list(javascripts.glob("*.js")) + list((built_site / "assets" / "stylesheets").glob("*.css")):
        assert "sourceMappingURL" not in asset.read_text(encoding="utf-8")[-300:], asset


def test_download_zip_holds_the_site_and_is_linked_from_home(built_site):
    archive = built_site / "download" / "edition-site.zip"
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert 'href="download/edition-site.zip"' in home
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert names == sorted(names)
        assert {"edition/index.html", "edition/search/search_index.js",
                "edition/texts/getty/ch02.html", "edition/assets/vendor/iframe-worker/shim.js"} <= set(names)
        assert not any(n.endswith(".zip") for n in names)
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        files = {p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file()}
        assert {n[len("edition/"):] for n in names} == files - {"download/edition-site.zip"}
        assert z.read("edition/index.html") == (built_site / "index.html").read_bytes()


def test_zip_is_deterministic(tmp_path):
    from edition.site_assets import write_zip
    site = tmp_path / "site"
    (site / "b").mkdir(parents=True)
    (site / "b" / "x.html").write_text("x")
    (site / "a.html").write_text("a")
    first = write_zip(site, tmp_path / "one.zip").read_bytes()
    (site / "a.html").touch()                          # a new mtime changes nothing
    second = write_zip(site, tmp_path / "two.zip").read_bytes()
    assert first == second
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["edition/a.html", "edition/b/x.html"]


# ---------------------------------------------------------------- from disk, network off

class DiskReader:
    """A browser context for file:// pages: every other request is aborted; problems are collected."""

    def __init__(self, browser, site: Path, viewport=None, scheme="light"):
        self.site = site
        self.problems: list[str] = []
        self.context = browser.new_context(color_scheme=scheme, service_workers="block",
                                           viewport=viewport or {"width": 1280, "height": 900},
                                           permissions=["clipboard-read", "clipboard-write"])
        self.context.route(lambda url: not url.startswith("file:"), self._block)
        self.context.on("requestfailed", lambda r: self.problems.append(
            f"request failed: {r.url} ({r.failure})"))
        self.context.set_default_timeout(20_000)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))

    def _block(self, route):
        self.problems.append(f"blocked request off disk: {route.request.url}")
        route.abort()

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text} @ {message.location}")

    def goto(self, path: str):
        self.page.goto((self.site / path).as_uri())
        return self.page

    def close(self):
        self.context.close()


@pytest.fixture
def disk(browser, built_site):
    reader = DiskReader(browser, built_site)
    yield reader
    reader.close()
    assert reader.problems == [], "\n".join(reader.problems)


def chapter_with_notes(site: Path, slug: str = "khlevniuk") -> str:
    for p in sorted((site / "texts" / slug).glob("ch*.html")):
        if 'class="footnote-ref"' in p.read_text(encoding="utf-8"):
            return p.relative_to(site).as_posix()
    raise AssertionError(f"no chapter of {slug} has note markers")


@pytest.mark.browser
def test_from_disk_theme_scripts_run_and_tooltips_show(disk, built_site):
    page = disk.goto(chapter_with_notes(built_site))
    assert page.evaluate("document.documentElement.classList.contains('js')")
    marker = page.locator(".md-content sup[id] > a.footnote-ref").first
    note = (marker.get_attribute("href") or "").lstrip("#")
    marker.scroll_into_view_if_needed()
    marker.hover()
    tooltip = page.locator(".md-tooltip2").first
    tooltip.wait_for(state="visible")
    expected = page.evaluate("id => document.getElementById(id).innerText", note)
    words = re.findall(r"[A-Za-z]{4,}", expected)[:3]
    assert words and all(w in tooltip.inner_text() for w in words), (words, tooltip.inner_text())
    # The header shows the page title once scrolled (Material's header title script).
    page.mouse.wheel(0, 2000)
    page.wait_for_function("document.querySelector('[data-md-component=header-title]')"
                           ".classList.contains('md-header__title--active')")


@pytest.mark.browser
def test_from_disk_next_goes_to_the_next_chapter(disk, built_site):
    page = disk.goto("texts/getty/ch02.html")
    next_link = page.locator("a.md-footer__link--next")
    target = next_link.get_attribute("href")
    assert target.endswith("ch03.html"), target
    page.keyboard.press("End")
    next_link.click()
    page.wait_for_url(re.compile(r"/texts/getty/ch03\.html$"))
    assert "Repression" in page.locator(".md-content h1").inner_text()


@pytest.mark.browser
def test_from_disk_citation_panel_and_person_entry(disk, built_site):
    page = disk.goto("texts/getty/ch02.html")
    page.click("#p3 > a.pnum")
    panel = page.locator("aside.cite-panel[data-pid='p3']")
    panel.wait_for(state="visible")
    assert "ch02.html#p3" in panel.inner_text()
    page.keyboard.press("Escape")
    person = page.locator(".md-content a.person[data-person]").first
    person_id = person.get_attribute("data-person")
    person.click()
    page.wait_for_url(re.compile(rf"/persons/[a-z]\.html#{re.escape(person_id)}$"))
    assert page.locator(f"[id='{person_id}']").is_visible()


@pytest.mark.browser
def test_from_disk_search_finds_a_passage(disk, built_site):
    page = disk.goto("index.html")
    page.click(".md-search__input")
    page.keyboard.type("Kurnatovskiy", delay=30)
    link = page.locator(".md-search-result__link[href*='#p']").first
    link.wait_for()
    href = link.get_attribute("href")
    assert href.startswith("file://") and "texts/medvedev/essay01.html" in href, href
    link.click()
    passage = re.search(r"#(p\d+)$", href).group(1)
    page.wait_for_function("id => location.hash === '#' + id", arg=passage)
    assert "Kurnatovsk" in page.locator(f"[id='{passage}']").inner_text()
