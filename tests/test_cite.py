"""Citations: what Zotero reads from a page, what a reader copies, what a researcher downloads.

- The meta tags of every page are parsed the way Zotero's Embedded Metadata
  translator parses them (zotero/translators, "Embedded Metadata.js": item type
  from the tag names met in document order, fields from HIGHWIRE_MAPPINGS,
  authors from citation_author) and must give the intended item type: journal
  article (Furr), book and book section (Khlevniuk, Getty), report (Medvedev).
- The formatted citations of one passage and one note of each real text are
  golden files (tests/golden/cite/<slug>.txt; `pytest --regen-golden`).
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from edition import cite
from edition.manifest import load_manifest
from edition.model import Block, Edition, Loc, Note, Text, Unit, token
from tests.golden import assert_golden

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://edition.example.org/"
SLUGS = ["furr", "furr-abridged", "medvedev", "khlevniuk", "getty"]


def real_text(slug: str) -> Text:
    path = ROOT / "texts" / slug / "edition.yml"
    if not path.exists():
        pytest.skip(f"{path} not there yet")
    data, errors = load_manifest(path.read_text(encoding="utf-8"), str(path))
    assert not errors, errors
    text = Text(slug, data, str(path), f"texts/{slug}/source.txt")
    text.units = [Unit(u["slug"], u["title"], u["kind"], Loc(text.source_path, u["line"]), drop=u["drop"])
                  for u in data["units"]]
    return text


def chapter(text: Text) -> Unit:
    live = [u for u in text.units if not u.drop]
    return next((u for u in live if u.kind == "chapter"), live[0])


# ---------------------------------------------------------------- Zotero's reading of the meta tags
HIGHWIRE_MAPPINGS = {      # zotero/translators "Embedded Metadata.js"
    "citation_title": "title", "citation_publication_date": "date", "citation_cover_date": "date",
    "citation_date": "date", "citation_journal_title": "publicationTitle",
    "citation_journal_abbrev": "journalAbbreviation", "citation_inbook_title": "publicationTitle",
    "citation_book_title": "bookTitle", "citation_volume": "volume", "citation_issue": "issue",
    "citation_series_title": "series", "citation_conference_title": "conferenceName",
    "citation_conference": "conferenceName", "citation_dissertation_institution": "university",
    "citation_technical_report_institution": "institution", "citation_technical_report_number": "number",
    "citation_publisher": "publisher", "citation_isbn": "ISBN", "citation_abstract": "abstractNote",
    "citation_doi": "DOI", "citation_public_url": "url", "citation_language": "language",
}


class _Metas(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []
        self.canonical = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")) and a.get("content"):
            self.tags.append((a.get("name") or a.get("property"), a["content"]))
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")


def zotero_item(html: str) -> dict:
    """Item type and fields as Embedded Metadata.js derives them from Highwire tags."""
    parser = _Metas()
    parser.feed(html)
    hw_type = hw_guess = None
    for names, _ in parser.tags:
        for tag in names.split():
            short = tag[tag.rfind("citation_"):] if "citation_" in tag else tag
            if short == "citation_journal_title":
                hw_type = "journalArticle"
            elif short == "citation_technical_report_institution":
                hw_type = "report"
            elif short in ("citation_conference_title", "citation_conference"):
                hw_type = "conferencePaper"
            elif short in ("citation_book_title", "citation_inbook_title"):
                hw_type = "bookSection"
            elif short == "citation_dissertation_institution":
                hw_type = "thesis"
            elif short in ("citation_title", "citation_series_title"):
                hw_guess = hw_guess or "journalArticle"
            elif short == "citation_isbn":
                hw_guess = "book"
    item = {"itemType": hw_type or hw_guess}
    for meta, field in HIGHWIRE_MAPPINGS.items():
        values = [c for n, c in parser.tags if n.endswith(meta)]
        if values:
            item[field] = ", ".join(values) if field == "ISBN" else values[0]
    creators = []
    for n, c in parser.tags:
        if n.endswith("citation_author"):
            last, _, first = c.partition(",")
            creators.append({"lastName": last.strip(), "firstName": first.strip()})
    item["creators"] = creators
    item["canonical"] = parser.canonical
    return item


def head_html(meta, canonical) -> str:
    """The <head> as templates/theme/main.html writes it (names and contents escaped)."""
    from html import escape
    tags = "".join(f'<meta name="{escape(n)}" content="{escape(c)}">\n' for n, c in meta)
    return f'<html><head>{tags}<link rel="canonical" href="{escape(canonical)}"></head><body></body></html>'


EXPECTED_TYPES = {"furr": ("journalArticle", "journalArticle"), "furr-abridged": ("journalArticle", "journalArticle"),
                  "medvedev": ("report", "report"), "khlevniuk": ("book", "bookSection"), "getty": ("book", "bookSection")}


@pytest.mark.parametrize("slug", SLUGS)
def test_zotero_reads_the_intended_item_type(slug):
    text = real_text(slug)
    unit = chapter(text)
    bib = text.manifest["bibliography"]
    for page_unit, expected in zip((None, unit), EXPECTED_TYPES[slug]):
        url = cite.page_path(slug, page_unit.slug if page_unit else None)
        meta = cite.page_meta(text, page_unit, SITE + url)
        item = zotero_item(head_html(meta, SITE + url))
        assert item["itemType"] == expected == cite.zotero_type(text, page_unit)
        assert [c["lastName"] for c in item["creators"]] == [a["family"] for a in bib["authors"]]
        assert item["creators"][0]["firstName"] == bib["authors"][0]["given"]
        if bib["year"]:
            assert item["date"].startswith(str(bib["year"]))
        else:                                     # no date in the witness: none is invented
            assert "date" not in item
        assert item["language"] == bib["language"]
        assert item["url"] == SITE + url
        if expected == "bookSection":
            assert item["title"] == unit.title and item["bookTitle"] == cite.full_title(bib)
        else:
            assert item["title"] == cite.full_title(bib)
        if slug in ("khlevniuk", "getty"):
            assert item["ISBN"] == bib["isbn"] and item["publisher"] == bib["publisher"]
        if slug == "medvedev":
            assert item["institution"] == "Joint Publications Research Service"
            assert item["number"] == "JPRS-UPA-89-042" and item["date"] == "1989/07/05"
        if slug == "furr":
            assert item["publicationTitle"] == "Cultural Logic"


def test_page_head_gives_canonical_url_and_scripts_in_order(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: https://ed.example.net/sub\n", encoding="utf-8")
    text = real_text("khlevniuk")
    unit = chapter(text)
    meta, canonical, scripts = cite.page_head(Edition(str(tmp_path), [text]), text, unit,
                                              cite.page_path("khlevniuk", unit.slug))
    assert canonical == f"https://ed.example.net/sub/texts/khlevniuk/{unit.slug}.html"
    assert scripts == [f"data/cite/khlevniuk/{unit.slug}.js", "assets/cite.js"]    # data before the panel
    assert ("citation_public_url", canonical) in meta
    _, canonical, scripts = cite.page_head(Edition(str(tmp_path / "none"), [text]), text, None, "texts/x/index.html")
    assert canonical == "" and scripts == ["assets/cite.js"]


# ---------------------------------------------------------------- formatted citations (golden)
def sample_unit(text: Text) -> Unit:
    unit = chapter(text)
    unit.blocks = [Block("para", "x", Loc(text.source_path, 1), pid="p14")]
    unit.notes = [Note("n3", "3", [Block("para", "Ibid.", Loc(text.source_path, 2), pid="n3")], Loc(text.source_path, 2))]
    return unit


@pytest.mark.parametrize("slug", SLUGS)
def test_formatted_citations_golden(slug):
    text = real_text(slug)
    unit = sample_unit(text)
    out = []
    for pid in ("p14", "n3"):
        forms = cite.passage_forms(text, unit, pid, SITE)
        out.append(f"## {slug} {unit.slug}#{pid}\n")
        for key, form in forms.items():
            for field in ("text", "html", "intext", "entry"):
                if form.get(field):
                    out.append(f"[{key}.{field}]\n{form[field].rstrip()}\n")
    assert_golden(f"cite/{slug}.txt", "\n".join(out))


def test_citations_carry_number_and_url_of_the_passage():
    text = real_text("getty")
    unit = sample_unit(text)
    url = f"{SITE}texts/getty/{unit.slug}.html#p14"
    forms = cite.passage_forms(text, unit, "p14", SITE)
    assert forms["chicago"]["text"].startswith("J. Arch Getty and Oleg V. Naumov, “")   # names not initialised
    assert "para. 14" in forms["chicago"]["text"] and url in forms["chicago"]["text"]
    assert forms["mla"]["intext"] == "(Getty and Naumov, par. 14)"                      # no title added
    assert forms["apa"]["intext"] == "(Getty & Naumov, 1999, para. 14)"
    assert url in forms["mla"]["text"] and url in forms["apa"]["text"]
    assert "note = {para. 14}" in forms["bibtex"]["text"] and f"url = {{{url}}}" in forms["bibtex"]["text"]
    csl = json.loads(forms["csl"]["text"])[0]
    assert (csl["URL"], csl["locator"], csl["label"], csl["type"]) == (url, "14", "paragraph", "chapter")
    assert csl["container-title"].startswith("The Road to Terror")
    note = cite.passage_forms(text, unit, "n3", SITE)
    assert ", n. 3, " in note["chicago"]["text"] and note["chicago"]["text"].endswith("#n3.")
    assert "”," not in forms["chicago"]["text"] and ",”" in forms["chicago"]["text"]      # American punctuation


def test_source_text_in_citations_is_escaped_in_html_and_kept_in_text():
    text = real_text("furr")
    text.manifest["bibliography"]["title"] = "Stalin & <Reform>"
    unit = sample_unit(text)
    forms = cite.passage_forms(text, unit, "p14", SITE)
    assert "Stalin &amp; &lt;Reform&gt;" in forms["chicago"]["html"] and "<Reform>" not in forms["chicago"]["html"]
    assert "Stalin & <Reform>" in forms["chicago"]["text"]
    assert r"title = {Stalin \& <Reform>}" in forms["bibtex"]["text"]
    assert json.loads(forms["csl"]["text"])[0]["title"] == "Stalin & <Reform>"


def test_a_title_ending_in_a_question_mark_takes_no_extra_stop():
    text = real_text("khlevniuk")
    unit = sample_unit(text)
    unit.title = "Who Was Guilty?"
    forms = cite.passage_forms(text, unit, "p14", SITE)
    assert "“Who Was Guilty?” in" in forms["chicago"]["text"]
    assert "“Who Was Guilty?” Master" in forms["mla"]["text"]


# ---------------------------------------------------------------- landing page, downloads, data
def edition_with_passages(tmp_path) -> Edition:
    (tmp_path / "mkdocs.yml").write_text("site_url: https://edition.example.org/\n", encoding="utf-8")
    text = real_text("furr")
    for unit in text.units:
        unit.drop = unit.slug != "intro"
    unit = text.units[0]
    unit.blocks = [Block("para", "Stalin" + token("note", "n1") + " wanted " + token("person", "stalin-iosif")
                         + "secret" + token("/person") + " elections.", Loc(text.source_path, 12), line_end=13,
                         pid="p1")]
    unit.notes = [Note("n1", "1", [Block("para", "Ibid.", Loc(text.source_path, 380), pid="n1")],
                       Loc(text.source_path, 380), refs=["fnref:intro-n1"], pid="n1")]
    return Edition(str(tmp_path), [text])


def test_jsonl_has_one_line_per_passage(tmp_path):
    ed = edition_with_passages(tmp_path)
    files = {f.path: f.content for f in cite.data_files(ed)}
    lines = files["data/furr.jsonl"].decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"id": "p1", "text": "furr", "unit": "intro", "unit_title": "Introduction", "n": "1",
                          "kind": "para", "content": "Stalin wanted secret elections.", "notes": ["n1"],
                          "persons": ["stalin-iosif"], "url": "https://edition.example.org/texts/furr/intro.html#p1",
                          "source": "texts/furr/source.txt:12-13"}
    assert records[1]["kind"] == "note" and records[1]["note"] == "n1" and records[1]["cited_by"] == ["fnref:intro-n1"]
    assert files == {f.path: f.content for f in cite.data_files(ed)}                 # deterministic
    assert json.loads(files["data/furr.csl.json"])[0]["type"] == "article-journal"
    assert files["data/furr.bib"].startswith(b"@article{furr2005stalin,")


def test_page_script_is_safe_and_complete(tmp_path):
    ed = edition_with_passages(tmp_path)
    text = ed.texts[0]
    script = cite.cite_script(ed, text, text.units[0]).decode("utf-8")
    assert script.startswith("window.EDITION_CITE = {") and "</" not in script and "<i>" not in script
    data = json.loads(script[len("window.EDITION_CITE = "):-2])
    assert data["url"] == "https://edition.example.org/texts/furr/intro.html"
    assert data["notes"] == {"n1": "1"} and set(data["templates"]) == {"paragraph", "note"}
    assert set(data["templates"]["paragraph"]) == {"chicago", "mla", "apa", "bibtex", "csl"}
    assert cite.NUM in data["templates"]["note"]["chicago"]["text"]


def test_landing_page_offers_the_citation_and_the_downloads(tmp_path):
    ed = edition_with_passages(tmp_path)
    block = str(cite.text_citation(ed, ed.texts[0], "texts/furr/index.html"))
    assert '<h2 id="cite-furr">Cite this text</h2>' in block
    assert block.count('class="cite-copy"') == 4
    assert 'href="../../data/furr.csl.json" download' in block and 'href="../../data/furr.bib" download' in block
    assert "https://edition.example.org/texts/furr/index.html" in block
    assert re.search(r'data-copy="[^"]*Cultural Logic', block)


def test_site_url_comes_from_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: 'https://ed.example.net'  # the host\n",
                                         encoding="utf-8")
    assert cite.site_url(str(tmp_path)) == "https://ed.example.net/"
    assert cite.site_url(str(tmp_path / "nowhere")) == ""


def test_a_page_that_no_longer_exists_redirects_its_old_ids(tmp_path):
    from tests.test_ids import PARAS, make_edition
    from edition.stages import ids
    ids.update(make_edition(tmp_path))
    paras = {"ch01": PARAS["ch01"] + PARAS["ch02"]}                       # ch02 folded into ch01
    ed = make_edition(tmp_path, paras)
    ids.update(ed)
    pages = {f.path: f.content.decode("utf-8") for f in cite.gone_pages(ed, ed.texts[0])}
    assert list(pages) == ["texts/demo/ch02.html"]
    assert '"p1": "ch01.html#p4a"' in pages["texts/demo/ch02.html"]
    assert "location.replace(moved[id] || \"ch01.html\")" in pages["texts/demo/ch02.html"]
