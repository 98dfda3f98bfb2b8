"""The citation panel and old addresses in a real browser (Debian's Chromium via Playwright).

1. A small site made here from a synthetic text whose ledger has an alias (a
   merge) and a move to another page, opened from file:// (no server): an old
   address lands on the new place; clicking a passage number opens the panel
   and a copy button copies the citation.
2. The built edition without a published address (``built_site``), served over HTTP and
   opened from disk: a passage URL lands on the paragraph; the panel and the landing page's
   "Cite this text" cite the address the reader has open.
3. The built edition with a published address (``addressed_site``), served over HTTP from
   127.0.0.1: the panel and the landing page cite the published address, not the one open.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from edition import cite
from edition.stages import ids
from tests.conftest import ADDRESS, serve_directory
from tests.test_cite import META
from tests.test_ids import PARAS, make_edition

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{unit}</title>
<script src="../../data/cite/demo/{unit}.js" defer></script>
<script src="../../assets/cite.js" defer></script></head>
<body><article class="md-typeset">{body}<div style="height:3000px"></div></article></body></html>
"""


@pytest.fixture
def small_site(tmp_path) -> Path:
    """texts/demo/ch01.html and ch02.html after a merge (ch01 p3 -> p2) and a move (ch01 p4 -> ch02 p0a)."""
    root = tmp_path / "root"
    ids.update(make_edition(root))
    paras = {k: list(v) for k, v in PARAS.items()}
    (l1, _, t1), (l2, _, t2) = paras["ch01"][1], paras["ch01"][2]
    paras["ch01"][1:3] = [(l1, "para", f"{t1} {t2}", l2 + 1)]
    paras["ch02"].insert(0, paras["ch01"].pop())
    ed = make_edition(root, paras)
    ids.update(ed)
    text = ed.texts[0]
    text.manifest["bibliography"] = {"type": "book", "authors": [{"family": "Getty", "given": "J. Arch"}],
                                     "title": "The Road to Terror", "year": 1999, "language": "en",
                                     "publisher": "Yale University Press", "rights": "r",
                                     "sentence_case": "The road to terror"}
    ed.options.update(site_url="", edition_meta=META)
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "assets" / "cite.js", site / "assets" / "cite.js")
    from edition.addresses import margin_numbers
    for unit in text.units:
        margin = margin_numbers(text, unit)
        script = site / cite.cite_script_path(text, unit)
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_bytes(cite.cite_script(ed, text, unit))
        body = "".join(f'<p class="passage" id="{b.pid}"><a class="pnum" href="#{b.pid}">'
                       f'{margin[b.pid] or "§"}</a>{b.text}</p>\n' for b in unit.blocks)
        body += "".join(f'<li><p class="passage" id="{n.pid}"><a class="pnum" href="#{n.pid}">{n.pid}</a>'
                        f'{n.blocks[0].text}</p></li>\n' for n in unit.notes)
        page = site / "texts" / "demo" / f"{unit.slug}.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(unit=unit.slug, body=body), encoding="utf-8")
    return site


def test_old_address_of_a_merged_passage_lands_on_the_survivor(page, small_site):
    page.goto((small_site / "texts/demo/ch01.html").as_uri() + "#p3")
    page.wait_for_function("location.hash === '#p2'")
    assert page.evaluate("document.getElementById('p2').getBoundingClientRect().top") < 100


def test_old_address_of_a_moved_passage_goes_to_its_new_page(page, small_site):
    page.goto((small_site / "texts/demo/ch01.html").as_uri() + "#p4")
    page.wait_for_url("**/ch02.html#p0a")
    assert page.locator("#p0a").inner_text().endswith("commission of the Politburo.")


def test_passage_number_opens_the_panel_and_copies(page, small_site):
    page.goto((small_site / "texts/demo/ch01.html").as_uri())
    page.click("#p2 > a.pnum")
    assert page.url.endswith("ch01.html#p2")                        # the address bar shows the passage
    panel = page.locator("aside.cite-panel[data-pid='p2']")
    assert page.locator("#p1 > a.pnum").inner_text() == "§"                # p1 is a heading: unnumbered
    assert panel.locator(".cite-title").inner_text() == "Cite passage ¶ 1"   # p2 is the first paragraph
    chicago = panel.locator("dd.cite-chicago .cite-text").inner_text()
    assert chicago.startswith("J. Arch Getty, The Road to Terror (Yale University Press, 1999), ")
    assert ", para. 1, " in chicago and "Soviet Politics of the 1930s: A Scholarly Edition, version v-test" in chicago
    assert chicago.endswith((small_site / "texts/demo/ch01.html").as_uri() + "#p2.")   # no address: the one open
    assert [t.inner_text() for t in panel.locator("dt").all()] == [
        "Link", "Chicago (note)", "Chicago (bibliography)", "MLA 9", "APA 7", "BibTeX", "RIS", "CSL-JSON"]
    assert "this edition’s passage numbers (not pages of the print)" in panel.locator(".cite-explain").inner_text()
    panel.locator("dd.cite-chicago > button.cite-copy").click()
    assert page.evaluate("window.EDITION_LAST_COPY") == chicago
    page.keyboard.press("Escape")
    assert page.locator("aside.cite-panel").count() == 0
    page.click("#n1 > a.pnum")
    assert page.locator("aside.cite-panel .cite-title").inner_text() == "Cite note 1"
    assert ", n. 1, " in page.locator("aside.cite-panel dd.cite-chicago .cite-text").inner_text()


def shown_number(page, pid: str) -> str:
    return page.locator(f"#{pid} > a.pnum").inner_text()


def test_built_site_passage_url_lands_on_the_paragraph_and_cites_it(page, site_url):
    page.goto(site_url + "texts/khlevniuk/ch01.html#p5")
    top = page.evaluate("document.getElementById('p5').getBoundingClientRect().top")
    assert 0 <= top < 200
    n = shown_number(page, "p5")
    page.click("#p5 > a.pnum")
    panel = page.locator("aside.cite-panel[data-pid='p5']")
    chicago = panel.locator("dd.cite-chicago .cite-text").inner_text()
    assert chicago.startswith("Oleg V. Khlevniuk, Master of the House: Stalin and His Inner Circle, trans. ")
    assert f"chap. 1, para. {n}, " in chicago
    assert chicago.endswith(f"{site_url}texts/khlevniuk/ch01.html#p5.")     # no address set: the one open
    panel.locator("dd.cite-apa .cite-intext button.cite-copy").click()
    copied = page.evaluate("window.EDITION_LAST_COPY")
    assert copied == f"(Khlevniuk, 2009, Chapter 1, para. {n})"
    assert page.evaluate("navigator.clipboard.readText()") == copied


def test_built_site_from_disk_cites_the_file_it_was_opened_from(page, built_site):
    landing = built_site / "texts" / "furr-abridged" / "index.html"
    page.goto(landing.as_uri())
    mla = page.locator(".cite-text-block dd[data-cite='mla']")
    today = page.evaluate("""(() => { const d = new Date(); const m = ["Jan.", "Feb.", "Mar.", "Apr.", "May",
        "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]; return d.getDate() + " " + m[d.getMonth()] + " "
        + d.getFullYear(); })()""")
    text = mla.locator(".cite-text").inner_text()
    assert landing.as_uri() in text and text.endswith(f"Accessed {today}.")      # an undated item: accessed
    mla.locator("button.cite-copy").click()
    assert page.evaluate("window.EDITION_LAST_COPY") == text
    page.goto((built_site / "texts" / "getty" / "ch07.html").as_uri() + "#p14")
    page.click("#p14 > a.pnum")
    link = page.locator("aside.cite-panel dd.cite-link .cite-text").inner_text()
    assert link == (built_site / "texts" / "getty" / "ch07.html").as_uri() + "#p14"


@pytest.fixture(scope="module")
def addressed_url(addressed_site):
    server, url = serve_directory(addressed_site)
    yield url
    server.shutdown()
    server.server_close()


def test_with_an_address_the_panel_and_landing_cite_the_published_address(page, addressed_url):
    page.goto(addressed_url + "texts/getty/ch07.html#p14")
    n = shown_number(page, "p14")
    page.click("#p14 > a.pnum")
    panel = page.locator("aside.cite-panel[data-pid='p14']")
    published = f"{ADDRESS}texts/getty/ch07.html#p14"
    assert panel.locator("dd.cite-link .cite-text").inner_text() == published
    chicago = panel.locator("dd.cite-chicago .cite-text").inner_text()
    assert f"chap. 7, para. {n}, " in chicago and chicago.endswith(published + ".") and "127.0.0.1" not in chicago
    panel.locator("dd.cite-bibtex > button.cite-copy").click()
    copied = page.evaluate("window.EDITION_LAST_COPY")
    assert f"url = {{{published}}}" in copied and f"note = {{chap. 7, para. {n}." in copied
    page.goto(addressed_url + "texts/furr/index.html")
    bib = page.locator(".cite-text-block dd[data-cite='chicago-bib'] .cite-text").inner_text()
    assert bib.endswith(f"{ADDRESS}texts/furr/index.html.") and "Cultural Logic" in bib
