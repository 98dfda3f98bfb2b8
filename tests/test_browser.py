"""The built edition in a real browser (Debian's Chromium via Playwright).

What a reader does: opens the home page and finds the five texts; reads a
chapter in the edition's own fonts (no request leaves the machine: the ``page``
fixture fails any test whose page contacts another host); moves to the next
and previous chapter; switches between light and dark.

Feature tests (notes, persons, citation) live in test_browser_features.py.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


def text_slugs() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "texts").glob("*/source.txt"))


def unit_pages(site: Path, slug: str) -> list[str]:
    """Site-relative URLs of a text's chapter-like pages (not landing or report)."""
    return sorted(p.relative_to(site).as_posix() for p in (site / "texts" / slug).glob("*.html")
                  if p.stem not in ("index", "report"))


def prose_page(site: Path, slug: str) -> str:
    """The first chapter-like page of a text that has prose paragraphs."""
    return next(url for url in unit_pages(site, slug)
                if '<p class="passage"' in (site / url).read_text(encoding="utf-8"))


def in_viewport(page, element_id: str) -> bool:
    return page.evaluate("""id => {
        const el = document.getElementById(id);
        if (!el) return false;
        const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
    }""", element_id)


def test_home_page_lists_the_five_texts(page, site_url):
    slugs = text_slugs()
    assert len(slugs) == 5, slugs
    page.goto(site_url + "index.html")
    hrefs = page.eval_on_selector_all(".md-content a[href]", "els => els.map(a => a.href)")
    linked = {slug for slug in slugs if any(f"/texts/{slug}/" in href for href in hrefs)}
    assert linked == set(slugs)
    page.locator(f'.md-content a[href*="texts/{slugs[0]}/"]').first.click()
    page.wait_for_url(re.compile(f"/texts/{slugs[0]}/"))
    assert page.locator(".md-content h1").first.is_visible()


def test_chapter_renders_with_self_hosted_fonts(page, site_url, built_site, request_log):
    chapter = prose_page(built_site, "khlevniuk")
    page.goto(site_url + chapter)
    loaded = page.evaluate("""async () => {
        await document.fonts.load('16px "Source Serif 4"', 'Кремль Ežov ć');
        await document.fonts.load('italic 16px "Source Serif 4"', 'a');
        await document.fonts.ready;
        return [...document.fonts].filter(f => f.status === 'loaded')
                                  .map(f => f.family.replace(/"/g, '') + ' ' + f.weight + ' ' + f.style);
    }""")
    assert "Source Serif 4 400 normal" in loaded and "Source Serif 4 400 italic" in loaded
    assert any(face.startswith("Source Sans 3") for face in loaded)
    body_font = page.eval_on_selector(".md-content p.passage", "p => getComputedStyle(p).fontFamily")
    assert body_font.startswith('"Source Serif 4"')
    ui_font = page.eval_on_selector(".md-nav", "n => getComputedStyle(n).fontFamily")
    assert ui_font.startswith('"Source Sans 3"')
    fonts = [u for u in request_log.urls if u.endswith(".woff2")]
    assert any("source-serif-4-cyrillic-400-normal" in u for u in fonts)
    assert fonts and all(u.startswith(site_url) for u in fonts)


def test_previous_and_next_chapter(page, site_url, built_site):
    chapters = unit_pages(built_site, "getty")
    start = site_url + chapters[1]
    page.goto(start)
    title = page.title()
    next_link = page.locator("a.md-footer__link--next")
    expected = next_link.evaluate("a => a.href")
    next_link.click()
    page.wait_for_url(expected)
    assert page.title() != title
    page.locator("a.md-footer__link--prev").click()
    page.wait_for_url(start)
    assert page.title() == title


def test_light_and_dark_toggle(page, site_url, built_site):
    page.goto(site_url + prose_page(built_site, "medvedev"))
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    background = lambda: page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert scheme() == "default"
    light = background()
    page.locator('form[data-md-component="palette"] label:visible').click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    assert background() != light
    page.reload()
    assert scheme() == "slate"            # the choice is remembered
    page.locator('form[data-md-component="palette"] label:visible').click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert background() == light


def test_a_request_to_another_host_is_caught(page, site_url, request_log):
    """The guard itself: a remote request is aborted and recorded (then forgiven here)."""
    page.goto(site_url + "index.html")
    page.evaluate("""() => new Promise(done => {
        const img = new Image();
        img.onload = img.onerror = () => done();
        img.src = 'https://cdn.example.invalid/probe.png';
    })""")
    assert request_log.remote() == ["https://cdn.example.invalid/probe.png"] * len(request_log.remote())
    assert request_log.remote()
    request_log.urls.clear()
    request_log.blocked.clear()


def test_previous_and_next_stay_within_a_text(page, site_url):
    """The last page of a text (its build report) offers no "next" into another text; its landing page no "previous"."""
    page.goto(f"{site_url}texts/furr/report.html")
    assert page.locator("a.md-footer__link--next").count() == 0
    assert page.locator("a.md-footer__link--prev").count() == 1
    page.goto(f"{site_url}texts/furr-abridged/index.html")
    assert page.locator("a.md-footer__link--prev").count() == 0
    assert "/texts/furr-abridged/" in page.locator("a.md-footer__link--next").evaluate("a => a.href")


def test_search_finds_a_passage(page, site_url):
    """Searching a rare word of the Medvedev text offers the essay that has it (search served locally)."""
    page.goto(f"{site_url}index.html")
    page.click("label.md-search__icon, .md-search__input")
    page.fill("input.md-search__input", "Kurnatovskiy")
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=45000)     # the index is built when the page opens: slow on a busy machine
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any("texts/medvedev/essay01.html" in h for h in hrefs), hrefs
