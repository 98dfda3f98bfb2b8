"""The built edition as a reader and a host receive it, with and without a published address.

- Without an address (the default build, ``built_site``): no file names a domain that is not the
  edition's (no placeholder such as edition.example.org, no canonical link, no sitemap, no
  robots.txt, no absolute URL in the meta tags); the build says so once.
- With an address (``addressed_site``, ``build --site-url``): canonical links, sitemap, robots.txt,
  the data downloads and the citation panel's data all use it.
- Either way: directories 755, files 644, ``.nojekyll``, a 404 page offering home and search.
- Passage numbers: Furr's paragraphs run through the article as the journal printed them;
  headings are unnumbered; no two passages of one cited item share a locator.
"""
from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path

from tests.conftest import ADDRESS

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = re.compile(rb"example\.(?:org|com|net)", re.I)
TOKENS = re.compile(rb"XXURLXX|XXNUMXX|888881|999991|XXSCOPE|XXACC")     # the panel's templates only
TEXT_FILES = {".html", ".js", ".json", ".jsonl", ".bib", ".ris", ".xml", ".txt", ".css"}


def files_of(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in TEXT_FILES]


def test_without_an_address_no_file_names_a_placeholder_or_an_absolute_edition_url(built_site):
    def template(p: Path) -> bool:
        return p.relative_to(built_site).as_posix().startswith(("data/cite/", "assets/cite.js"))
    hits = [f"{p.relative_to(built_site)}: {m.group().decode()}" for p in files_of(built_site)
            for m in [DOMAIN.search(p.read_bytes()) or (None if template(p) else TOKENS.search(p.read_bytes()))]
            if m]
    assert not hits, hits[:20]
    assert not (built_site / "sitemap.xml").exists() and not (built_site / "sitemap.xml.gz").exists()
    assert not (built_site / "robots.txt").exists()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in html and "citation_public_url" not in html, page
    record = json.loads((built_site / "data" / "furr.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert record["url"] == "texts/furr/intro.html#p1"


def test_with_an_address_every_page_and_download_uses_it(addressed_site):
    pages = [p for p in addressed_site.rglob("*.html") if p.name != "404.html"]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if "Moved" in html[:400]:                      # forwarding pages of removed units
            continue
        canon = re.findall(r'<link rel="canonical" href="([^"]+)"', html)
        assert canon == [ADDRESS + page.relative_to(addressed_site).as_posix()], page
    locs = re.findall(r"<loc>([^<]+)</loc>", (addressed_site / "sitemap.xml").read_text(encoding="utf-8"))
    assert len(locs) > 50 and all(u.startswith(ADDRESS) for u in locs)
    assert f"Sitemap: {ADDRESS}sitemap.xml" in (addressed_site / "robots.txt").read_text(encoding="utf-8")
    for line in (addressed_site / "data" / "getty.jsonl").read_text(encoding="utf-8").splitlines():
        assert json.loads(line)["url"].startswith(ADDRESS + "texts/getty/")
    script = (addressed_site / "data" / "cite" / "khlevniuk" / "ch01.js").read_text(encoding="utf-8")
    assert f'"url": "{ADDRESS}texts/khlevniuk/ch01.html"' in script
    landing = (addressed_site / "texts" / "furr" / "index.html").read_text(encoding="utf-8")
    assert f'<meta name="citation_public_url" content="{ADDRESS}texts/furr/index.html">' in landing
    assert not [p for p in files_of(addressed_site) if DOMAIN.search(p.read_bytes())]


def test_the_site_is_ready_for_any_static_host(built_site, addressed_site):
    for site in (built_site, addressed_site):
        wrong = [f"{p.relative_to(site)} {oct(stat.S_IMODE(p.stat().st_mode))}" for p in [site, *site.rglob("*")]
                 if stat.S_IMODE(p.stat().st_mode) != (0o755 if p.is_dir() else 0o644)]
        assert not wrong, wrong[:10]
        assert (site / ".nojekyll").is_file()
        page = (site / "404.html").read_text(encoding="utf-8")
        assert "Go to the home page" in page and 'name="q"' in page and 'role="search"' in page
    assert 'href="/edition/index.html">Go to the home page' in (addressed_site / "404.html").read_text(encoding="utf-8")


def test_the_build_says_once_that_no_address_is_set_and_refuses_a_malformed_one(tmp_path):
    bad = subprocess.run([sys.executable, str(ROOT / "build_edition.py"), "build", "--site-url", "edition/x",
                          "--out", str(tmp_path / "site")], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--site-url: 'edition/x' is not a published address" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "site").exists()


def test_furr_paragraphs_are_numbered_through_the_article_as_the_journal_printed_them(built_site):
    records = [json.loads(x) for x in (built_site / "data" / "furr.jsonl").read_text(encoding="utf-8").splitlines()]
    body = [r for r in records if r["kind"] != "note" and r["unit"] not in ("additional-notes", "bibliography")]
    assert [r["n"] for r in body] == [str(i) for i in range(1, len(body) + 1)]
    assert next(r for r in records if r["n"] == "5" and not r["locator"].count(","))["content"].startswith(
        "This article does not simply inform")
    intro = (built_site / "texts" / "furr" / "intro.html").read_text(encoding="utf-8")
    assert re.search(r'<p class="passage" id="p5"><a class="pnum" href="#p5"[^>]*>5</a>This article does not', intro)
    second = (built_site / "texts" / "furr" / "constitution.html").read_text(encoding="utf-8")
    first_id, first_n = re.search(r'id="(p\d+)"><a class="pnum" href="#p\d+"[^>]*>(\d+)</a>', second).groups()
    assert first_id == "p1" and int(first_n) == sum(1 for r in body if r["unit"] == "intro") + 1   # issued id kept
    headings = [r for r in records if r["kind"] == "heading"]
    assert headings and all(r["n"] == "" for r in headings)


def test_no_two_passages_of_one_cited_item_share_a_locator(built_site):
    for jsonl in sorted((built_site / "data").glob("*.jsonl")):
        records = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
        assert all(r["locator"] for r in records), jsonl.name
        shared = [k for k, n in Counter(r["locator"] for r in records).items() if n > 1]
        assert not shared, f"{jsonl.name}: {shared[:10]}"
