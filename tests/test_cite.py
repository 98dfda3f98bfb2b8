"""Citations: what Zotero reads from a page, what a reader copies, what a researcher downloads.

- The meta tags of every page are parsed the way Zotero's Embedded Metadata
  translator parses them (zotero/translators, "Embedded Metadata.js": item type
  from the tag names met in document order, fields from HIGHWIRE_MAPPINGS,
  authors from citation_author) and must give the intended item type: journal
  article (Furr), book and book section (Khlevniuk, Getty), report (Medvedev).
- The formatted citations of one passage, one note and the landing page of each
  real text are golden files (tests/golden/cite/<slug>.txt; `pytest --regen-golden`);
  tests/test_cite_formats.py checks the same forms against citeproc-js.
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
SITE = "https://edition.test/"
SLUGS = ["furr", "furr-abridged", "medvedev", "khlevniuk", "getty"]
META = {"title": "Soviet Politics of the 1930s: A Scholarly Edition", "version": "v-test", "editors": [],
        "publisher": None, "licence": "l", "language": "en"}
ACCESSED = (2026, 12, 4)


def edition_of(text: Text, site: str = SITE, root: str = "/nonexistent") -> Edition:
    """An edition holding ``text``, with a fixed address and version (golden files do not move with git)."""
    return Edition(root, [text], options={"site_url": site, "edition_meta": META})


def real_text(slug: str) -> Text:
    path = ROOT / "texts" / slug / "edition.yml"
    if not path.exists():
        pytest.skip(f"{path} not there yet")
    data, errors = load_manifest(path.read_text(encoding="utf-8"), str(path))
    assert not errors, errors
    text = Text(slug, data, str(path), f"texts/{slug}/source.txt")
    text.units = [Unit(u["slug"], u["title"], u["kind"], Loc(text.source_path, u["line"]), drop=u["drop"],
                       label=u["label"] or "") for u in data["units"]]
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
    "citation_publisher": "publisher", "citation_isbn": "ISBN", "citation_issn": "ISSN", "citation_abstract": "abstractNote",
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
    item = {"itemType": hw_type or hw_guess or "webpage"}      # no Highwire type: the translator's default
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
    if item["itemType"] == "webpage":                         # Dublin Core and Open Graph for a web page
        tags = dict(parser.tags)
        item["title"] = tags.get("DC.title") or tags.get("og:title")
        item["websiteTitle"] = tags.get("og:site_name")
        item["language"] = tags.get("DC.language")
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
            assert item["publicationTitle"] == "Cultural Logic" and item["ISSN"] == "1097-3087"


def test_zotero_reads_every_page_type_of_the_built_site(built_site):
    """Landing, chapter and person pages as Zotero's Embedded Metadata translator reads them."""
    def read(path: str) -> dict:
        return zotero_item((built_site / path).read_text(encoding="utf-8"))
    assert read("texts/khlevniuk/index.html")["itemType"] == "book"
    chapter_page = read("texts/getty/ch07.html")
    assert (chapter_page["itemType"], chapter_page["title"], chapter_page["bookTitle"]) == (
        "bookSection", "The Face of the Enemy, 1936",
        "The Road to Terror: Stalin and the Self-Destruction of the Bolsheviks, 1932–1939")
    assert read("texts/medvedev/essay04.html")["itemType"] == "report"
    furr = read("texts/furr/constitution.html")
    assert (furr["itemType"], furr["publicationTitle"]) == ("journalArticle", "Cultural Logic")
    person = read("persons/y.html")
    assert person == {"itemType": "webpage", "creators": [], "canonical": None, "title": "Persons: Y",
                      "websiteTitle": "Soviet Politics of the 1930s: A Scholarly Edition", "language": "en"}


def test_page_head_gives_canonical_url_and_scripts_in_order(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: https://ed.example.net/sub\n", encoding="utf-8")
    text = real_text("khlevniuk")
    unit = chapter(text)
    meta, canonical, scripts = cite.page_head(Edition(str(tmp_path), [text]), text, unit,
                                              cite.page_path("khlevniuk", unit.slug))
    assert canonical == f"https://ed.example.net/sub/texts/khlevniuk/{unit.slug}.html"
    assert scripts == [f"data/cite/khlevniuk/{unit.slug}.js", "assets/cite.js"]    # data before the panel
    assert ("citation_public_url", canonical) in meta
    meta, canonical, scripts = cite.page_head(Edition(str(tmp_path / "none"), [text]), text, None,
                                              "texts/khlevniuk/index.html")
    assert canonical == "" and scripts == ["data/cite/khlevniuk/index.js", "assets/cite.js"]
    assert not [n for n, _ in meta if n == "citation_public_url"]            # no address: no absolute URL


# ---------------------------------------------------------------- formatted citations (golden)
def sample_unit(text: Text) -> Unit:
    """The text's first chapter with fourteen paragraphs and a note."""
    unit = chapter(text)
    unit.blocks = [Block("para", "x", Loc(text.source_path, 1), pid=f"p{i}") for i in range(1, 15)]
    unit.notes = [Note("n3", "3", [Block("para", "Ibid.", Loc(text.source_path, 2), pid="n3")], Loc(text.source_path, 2))]
    return unit


@pytest.mark.parametrize("slug", SLUGS)
def test_formatted_citations_golden(slug):
    text = real_text(slug)
    unit = sample_unit(text)
    out = []
    for pid in ("p14", "n3"):
        forms = cite.passage_forms(edition_of(text), text, unit, pid, SITE, ACCESSED)
        out.append(f"## {slug} {unit.slug}#{pid}\n")
        for key, form in forms.items():
            for field in ("text", "html", "intext", "entry"):
                if form.get(field):
                    out.append(f"[{key}.{field}]\n{form[field].rstrip()}\n")
    url = f"{SITE}{cite.page_path(slug, None)}"
    landing = cite.formatted({s: cite.csl_item(text, META, url, s, True) for s in cite.STYLES})
    out.append(f"## {slug} landing page\n")
    for key, form in landing.items():
        for field in ("text", "html", "intext"):
            if form.get(field):
                out.append(f"[{key}.{field}]\n{form[field].rstrip()}\n")
    assert_golden(f"cite/{slug}.txt", "\n".join(out))


def test_citations_carry_number_and_url_of_the_passage():
    text = real_text("getty")
    unit = sample_unit(text)
    url = f"{SITE}texts/getty/{unit.slug}.html#p14"
    forms = cite.passage_forms(edition_of(text), text, unit, "p14", SITE, ACCESSED)
    chicago = forms["chicago"]["text"]
    assert chicago.startswith("J. Arch Getty and Oleg V. Naumov, The Road to Terror: ")   # a book both wrote
    assert "“" not in chicago and " in " not in chicago                            # not a contributed chapter
    assert "chap. 1, para. 14, " in chicago and url in chicago
    assert "Soviet Politics of the 1930s: A Scholarly Edition, version v-test" in chicago
    assert forms["chicago-bib"]["label"] == "Chicago (bibliography)" and forms["chicago"]["label"] == "Chicago (note)"
    assert forms["mla"]["intext"] == "(Getty and Naumov, ch. 1, par. 14)"
    assert forms["apa"]["intext"] == "(Getty & Naumov, 1999, Chapter 1, para. 14)"
    assert "The road to terror: Stalin and the self-destruction of the Bolsheviks" in forms["apa"]["text"]
    assert url in forms["mla"]["text"] and url in forms["apa"]["text"] and "Retrieved" not in forms["apa"]["text"]
    bib = forms["bibtex"]["text"]
    assert bib.startswith(f"@book{{getty1999road-{unit.slug}-p14,") and "note = {chap. 1, para. 14." in bib
    assert f"url = {{{url}}}" in bib and "urldate = {2026-12-04}" in bib
    csl = json.loads(forms["csl"]["text"])[0]
    assert (csl["URL"], csl["type"], csl["id"]) == (url, "book", f"getty-{unit.slug}-p14")
    assert "label" not in csl and "container-author" not in csl
    assert csl["accessed"] == {"date-parts": [[2026, 12, 4]]}
    note = cite.passage_forms(edition_of(text), text, unit, "n3", SITE, ACCESSED)
    assert "chap. 1, n. 3, " in note["chicago"]["text"] and note["chicago"]["text"].endswith("#n3.")


def test_an_article_is_cited_with_its_own_paragraph_number_and_the_report_with_its_original():
    furr = real_text("furr")
    unit = sample_unit(furr)
    forms = cite.passage_forms(edition_of(furr), furr, unit, "p14", SITE, ACCESSED)
    assert "Cultural Logic, 2005, para. 14, " in forms["chicago"]["text"]
    assert forms["mla"]["intext"] == "(Furr, par. 14)" and forms["apa"]["intext"] == "(Furr, 2005, para. 14)"
    assert "issn = {1097-3087}" in forms["bibtex"]["text"] and "SN  - 1097-3087" in forms["ris"]["text"]
    med = real_text("medvedev")
    unit = sample_unit(med)
    forms = cite.passage_forms(edition_of(med), med, unit, "p14", SITE, ACCESSED)
    assert "(Original work published 1989)" in forms["apa"]["text"]
    assert "JPRS-UPA-89-042" in forms["chicago"]["text"] and "5 July 1989" in forms["mla"]["text"]
    csl = json.loads(forms["csl"]["text"])[0]
    assert csl["original-title"] == "O Staline i stalinizme: Istoricheskiye ocherki"
    assert csl["issued"] == {"date-parts": [[1989, 7, 5]]} and csl["number"] == "JPRS-UPA-89-042"


def test_source_text_in_citations_is_escaped_in_html_and_kept_in_text():
    text = real_text("furr")
    text.manifest["bibliography"]["title"] = "Stalin & <Reform>"
    text.manifest["bibliography"]["sentence_case"] = "Stalin & <reform>"
    unit = sample_unit(text)
    forms = cite.passage_forms(edition_of(text), text, unit, "p14", SITE)
    assert "Stalin &amp; &lt;Reform&gt;" in forms["chicago"]["html"] and "<Reform>" not in forms["chicago"]["html"]
    assert "Stalin & <Reform>" in forms["chicago"]["text"]
    assert r"title = {Stalin \& <Reform>}" in forms["bibtex"]["text"] and "urldate" not in forms["bibtex"]["text"]
    assert json.loads(forms["csl"]["text"])[0]["title"] == "Stalin & <Reform>"


# ---------------------------------------------------------------- landing page, downloads, data
def edition_with_passages(tmp_path) -> Edition:
    text = real_text("furr")
    for unit in text.units:
        unit.drop = unit.slug != "intro"
    unit = text.units[0]
    unit.blocks = [Block("para", "Stalin" + token("note", "n1") + " wanted " + token("person", "stalin-iosif")
                         + "secret" + token("/person") + " elections.", Loc(text.source_path, 12), line_end=13,
                         pid="p1")]
    unit.notes = [Note("n1", "1", [Block("para", "Ibid.", Loc(text.source_path, 380), pid="n1")],
                       Loc(text.source_path, 380), refs=["fnref:intro-n1"], pid="n1")]
    return edition_of(text, root=str(tmp_path))


def test_jsonl_has_one_line_per_passage(tmp_path):
    ed = edition_with_passages(tmp_path)
    files = {f.path: f.content for f in cite.data_files(ed)}
    lines = files["data/furr.jsonl"].decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0] == {"id": "p1", "text": "furr", "unit": "intro", "unit_title": "Introduction", "n": "1",
                          "locator": "¶ 1", "kind": "para", "content": "Stalin wanted secret elections.",
                          "notes": ["n1"], "persons": ["stalin-iosif"], "url": f"{SITE}texts/furr/intro.html#p1",
                          "source": "texts/furr/source.txt:12-13"}
    assert records[1]["kind"] == "note" and records[1]["note"] == "n1" and records[1]["cited_by"] == ["fnref:intro-n1"]
    assert files == {f.path: f.content for f in cite.data_files(ed)}                 # deterministic
    assert json.loads(files["data/furr.csl.json"])[0]["type"] == "article-journal"
    assert files["data/furr.bib"].startswith(b"@article{furr2005stalin,")
    assert files["data/furr.ris"].startswith(b"TY  - JOUR\n")
    ed.options["site_url"] = ""                                                        # no address: relative
    assert json.loads(cite.data_files(ed)[0].content.decode().splitlines()[0])["url"] == "texts/furr/intro.html#p1"


def test_page_script_is_safe_and_complete(tmp_path):
    ed = edition_with_passages(tmp_path)
    text = ed.texts[0]
    script = cite.cite_script(ed, text, text.units[0]).decode("utf-8")
    assert script.startswith("window.EDITION_CITE = {") and "</" not in script and "<i>" not in script
    data = json.loads(script[len("window.EDITION_CITE = "):-2])
    assert data["url"] == f"{SITE}texts/furr/intro.html"
    assert data["passages"] == {"p1": ["paragraph:", "1", "", "¶ 1"], "n1": ["note:", "1", "", "n. 1"]}
    assert set(data["templates"]) == {"paragraph:", "note:"}
    assert set(data["templates"]["paragraph:"]) == {"chicago", "chicago-bib", "mla", "apa", "bibtex", "ris", "csl"}
    assert cite.NUM in data["templates"]["note:"]["chicago"]["text"]
    landing = json.loads(cite.cite_script(ed, text, None).decode("utf-8")[len("window.EDITION_CITE = "):-2])
    assert cite.URL in landing["landing"]["mla"]["text"] and "templates" not in landing


def test_landing_page_offers_the_citation_and_the_downloads(tmp_path):
    ed = edition_with_passages(tmp_path)
    block = str(cite.text_citation(ed, ed.texts[0], "texts/furr/index.html"))
    assert '<h2 id="cite-furr">Cite this text</h2>' in block
    assert block.count('class="cite-copy"') == 6
    assert 'href="../../data/furr.csl.json" download' in block and 'href="../../data/furr.ris" download' in block
    assert f"{SITE}texts/furr/index.html" in block
    assert re.search(r'data-copy="[^"]*Cultural Logic', block)
    assert "this edition’s numbering, ¶, not a page of the print" in block
    ed.options["site_url"] = ""
    assert "https://" not in str(cite.text_citation(ed, ed.texts[0], "texts/furr/index.html"))


def test_site_url_comes_from_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: 'https://ed.example.net'  # the host\n",
                                         encoding="utf-8")
    assert cite.site_url(str(tmp_path)) == "https://ed.example.net/"
    assert cite.site_url(str(tmp_path / "nowhere")) == ""


def test_site_url_is_overridden_by_the_environment_and_the_command_line(tmp_path, monkeypatch):
    from edition.metadata import resolve_site_url
    from edition.pipeline import BuildError
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nsite_url: https://a.test/\n", encoding="utf-8")
    monkeypatch.setenv("EDITION_SITE_URL", "https://b.test/ed")
    assert resolve_site_url(tmp_path) == "https://b.test/ed/"
    assert resolve_site_url(tmp_path, "https://c.test") == "https://c.test/"
    monkeypatch.delenv("EDITION_SITE_URL")
    assert resolve_site_url(tmp_path) == "https://a.test/"
    with pytest.raises(BuildError, match="not a published address"):
        resolve_site_url(tmp_path, "edition.test/x")


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


def test_the_edition_names_editors_and_publisher_only_where_configured(tmp_path):
    from edition.metadata import load_metadata
    assert cite.consulted_in(META) == "Soviet Politics of the 1930s: A Scholarly Edition, version v-test"
    named = dict(META, editors=[{"family": "Roe", "given": "Ann"}], publisher="Press", publisher_place="Town")
    assert cite.consulted_in(named) == ("Soviet Politics of the 1930s: A Scholarly Edition, edited by Ann Roe, "
                                        "version v-test, Town: Press")
    meta = load_metadata(ROOT)                                    # the real texts/edition.yml
    assert meta["title"] == "Soviet Politics of the 1930s: A Scholarly Edition"
    assert meta["editors"] == [] and meta["publisher"] is None and meta["licence"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}|v?\d[\w.-]*", meta["version"])    # a tag or a commit date
