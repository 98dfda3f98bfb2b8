"""Search to the passage (issue 11, item 2), over HTTP and from disk.

What a reader sees: each result names the text and chapter (the page line)
and the passage (its number, "¶ 14") and links to it (``#p14``); words in
quotes are found side by side; the "Search in" buttons (or ``in:slug``) keep
one text; a person's name finds the person's entry first.  Also checked on
the index file: what is left out (build reports, the A-Z index of persons,
the passage snippets of person entries) and that every passage is in it.

Screenshots of the results (light and dark, desktop and phone) are written to
build/test-artifacts/ for a person to look at.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from edition.site_assets import entries

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "build" / "test-artifacts"


# ---------------------------------------------------------------- the index file
@pytest.fixture(scope="module")
def index(built_site) -> list[tuple[str, str, str]]:
    return entries(json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"])


def test_every_passage_of_a_chapter_has_its_own_entry(built_site, index):
    html = (built_site / "texts" / "khlevniuk" / "ch02.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'class="passage[^"]*" id="([pn][\d.]+)"', html))
    indexed = {loc.split("#")[1] for loc, _t, _x in index if loc.startswith("texts/khlevniuk/ch02.html#")}
    assert ids and ids == indexed
    page = [(t, x) for loc, t, x in index if loc == "texts/khlevniuk/ch02.html"]
    assert page and page[0][0].startswith("Khlevniuk") and "Chapter 2" in page[0][0]


def test_left_out_of_the_index(index):
    locations = [loc for loc, _t, _x in index]
    assert not any(loc.split("#")[0].endswith("/report.html") for loc in locations), "build reports indexed"
    assert "persons/index.html" not in {loc.split("#")[0] for loc in locations}, "A-Z person index indexed"
    yezhov = [(t, x) for loc, t, x in index if loc.endswith("#yezhov-nikolai")]
    assert len(yezhov) == 1 and "Yezhov" in yezhov[0][0]
    assert "¶" not in yezhov[0][1] and len(yezhov[0][1]) < 300     # identification, not the snippets
    texts = " ".join(x for _l, _t, x in index)
    assert 'class="pnum"' not in texts and "<mark>" not in texts and "&#8617;" not in texts


def test_pages_use_the_edition_search_worker(built_site):
    for page in ("index.html", "texts/getty/ch02.html", "persons/y.html"):
        html = (built_site / page).read_text(encoding="utf-8")
        config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>',
                                      html, re.S).group(1))
        assert config["search"].endswith("assets/search/worker.js"), (page, config["search"])
        assert (built_site / page).parent.joinpath(config["search"]).resolve().is_file()


# ---------------------------------------------------------------- in the browser
@pytest.fixture(params=["http", "file"])
def base(request, built_site):
    if request.param == "http":
        return request.getfixturevalue("site_url")
    return built_site.as_uri() + "/"


def open_search(page, base: str, start: str = "texts/getty/ch02.html"):
    page.goto(base + start)
    toggle = page.locator("label.md-header__button[for='__search']")
    if toggle.is_visible():
        toggle.click()
    else:
        page.click(".md-search__input")


def search(page, query: str):
    page.evaluate("window.__lastResults = null")
    page.fill(".md-search__input", "")
    page.keyboard.type(query, delay=20)
    page.wait_for_function(
        """q => {
            const meta = document.querySelector('.md-search-result__meta');
            return document.querySelector('.md-search__input').value === q && meta &&
                   !/Initializing|Type to start/.test(meta.textContent) &&
                   (document.querySelector('.md-search-result__item') || /No matching/.test(meta.textContent));
        }""", arg=query, timeout=20_000)
    # Earlier keystrokes' answers may still be arriving: wait until the list stays the same for 0.5 s.
    page.wait_for_function("""() => {
        const html = document.querySelector('.md-search-result__list').innerHTML;
        const now = performance.now(), seen = window.__lastResults;
        if (!seen || seen.html !== html) { window.__lastResults = {html, since: now}; return false; }
        return now - seen.since > 500;
    }""", polling=100, timeout=20_000)


def results(page) -> list[dict]:
    return page.eval_on_selector_all(".md-search-result__item", """items => items.map(item => ({
        page: item.querySelector('h1') && item.querySelector('h1').innerText,
        passages: [...item.querySelectorAll('a.md-search-result__link')]
            .filter(a => a.querySelector('.search-passage-number'))
            .map(a => ({href: a.href, number: a.querySelector('h2').textContent,
                        text: (a.querySelector('article p') || {}).textContent || ''})),
        links: [...item.querySelectorAll('a.md-search-result__link')].map(a => a.href),
    }))""")


@pytest.mark.browser
def test_result_names_text_and_chapter_and_links_to_the_passage(page, base):
    open_search(page, base)
    search(page, "Kurnatovskiy")
    found = results(page)
    assert found, "no results"
    first = found[0]
    assert first["page"].startswith("Medvedev, On Stalin and Stalinism") and "Essay" in first["page"]
    passage = first["passages"][0]
    number = re.search(r"#p(\d+)$", passage["href"]).group(1)
    assert passage["number"] == f"¶ {number}"
    assert "Kurnatovsk" in passage["text"]
    page.click(f".md-search-result__link[href$='#p{number}']")
    page.wait_for_function("id => location.hash === '#' + id", arg=f"p{number}")
    assert "Kurnatovsk" in page.locator(f"[id='p{number}']").inner_text()


@pytest.mark.browser
def test_phrase_search_keeps_passages_with_the_words_side_by_side(page, base):
    open_search(page, base)
    search(page, "right deviation")
    loose = sum(len(r["passages"]) for r in results(page))
    search(page, '"right deviation"')
    found = results(page)
    snippets = [p["text"] for r in found for p in r["passages"]]
    assert snippets and len(snippets) <= loose
    for text in snippets:
        assert re.search(r"right[\W_]+deviation", text, re.I), text


@pytest.mark.browser
def test_filter_by_text(page, base):
    open_search(page, base)
    search(page, "famine")
    assert any("/texts/getty/" in link for r in results(page) for link in r["links"])
    page.click(".edition-search-filter__button[data-text='khlevniuk']")
    page.wait_for_function("document.querySelector('.md-search__input').value === 'famine in:khlevniuk'")
    assert page.locator(".edition-search-filter__button[data-text='khlevniuk']").get_attribute("aria-pressed") == "true"
    search(page, "famine in:khlevniuk")
    links = [link for r in results(page) for link in r["links"]]
    assert links and all("/texts/khlevniuk/" in link for link in links), links
    page.click(".edition-search-filter__button[data-text='']")
    page.wait_for_function("document.querySelector('.md-search__input').value === 'famine'")


@pytest.mark.browser
def test_a_name_finds_the_person_entry_first(page, base):
    open_search(page, base)
    for query, entry in (("Yezhov", "yezhov-nikolai"), ("Ordzhonikidze", "ordzhonikidze-grigory")):
        search(page, query)
        first_links = results(page)[0]["links"]
        assert any(link.endswith(f"#{entry}") for link in first_links), (query, first_links)


@pytest.mark.browser
@pytest.mark.parametrize("scheme,width,height", [("light", 1280, 900), ("dark", 1280, 900),
                                                 ("light", 390, 844), ("dark", 390, 844)])
def test_search_results_screenshots(browser, site_url, scheme, width, height):
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": height},
                                  service_workers="block")
    context.route(lambda url: not url.startswith(site_url), lambda route: route.abort())
    try:
        page = context.new_page()          # the palette follows the system scheme (mkdocs.yml)
        open_search(page, site_url)
        search(page, '"central committee" in:getty')
        assert results(page)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"search-{scheme}-{'phone' if width < 600 else 'desktop'}.png"))
        body = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        assert body == ("slate" if scheme == "dark" else "default")
    finally:
        context.close()
