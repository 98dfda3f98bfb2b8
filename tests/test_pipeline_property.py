"""Property: any witness goes through the whole pipeline and the writer without a crash,
and every character of it is accounted for.

Hypothesis writes random witnesses of one chapter and a Notes section: words
with non-ASCII letters, digits, Markdown and HTML characters, note markers
(``[3](#)``, ``<sup>4</sup>``), line-end hyphens, all-capital headings, blank-line
patterns (several blank lines, lines of spaces), tables, lists, note entries,
and now and then a character the model reserves (U+E000/U+E001), with either
markup (none, markdown) and either wrapping (hard, none).  For each:

- the pipeline (every stage, ids included) and the writer either succeed, or
  stop with a ``BuildError`` whose every message names ``file:line``; nothing
  else may be raised; a reserved character is always such an error, naming
  ``source.txt:line:column``;
- on success, every letter and digit of the witness (case aside) is in the
  edition: in a passage, a note, a note label or marker, or in the report as
  deliberately dropped (unit headings); as many of each as the witness has;
- no unit page body contains an element the writer does not make.
"""
from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from edition.build import load_edition
from edition.model import iter_tokens, plain
from edition.pipeline import BuildError
from edition.render import build_site_model
from tests.projects import REPO

MANIFEST = """\
slug: prop
order: 1
short_title: Property
summary: A generated witness.
source:
  seed: prop.txt
  sha256: {sha256}
bibliography:
  type: book
  authors: [{{family: Tester, given: Ann}}]
  title: Generated
  year: 2000
  language: en
  rights: Generated.
markup: {markup}
wrap: {wrap}
units:
  - {{slug: ch01, kind: chapter, title: Chapter One, line: 1, match: 'CHAPTER ONE'}}
  - {{slug: notes, kind: back, title: Notes, line: {notes_line}, match: 'NOTES SECTION'}}
headings:
  - {{pattern: '[A-Z][A-Z ]{{3,60}}', case: title, in_units: [ch01]}}
notes:
  style: endnotes-section
  section_unit: notes
  marker_patterns: ['\\[(\\d+)\\]\\(#\\)', '<sup>(\\d+)</sup>']
  entry_patterns: ['\\[(\\d+)\\]\\(#\\)\\s*']
"""
PERSONS = """\
persons:
  - id: rykov-aleksei
    name: {family: Rykov, given: Aleksei}
    identification: Chairman of the Council of People's Commissars
"""
RESERVED = "\ue000\ue001"
LETTERS = "abcdefghijklmnopqrstuvwxyzéöЖжßı"
word = st.one_of(
    st.text(alphabet=LETTERS + LETTERS.upper() + "0123456789", min_size=1, max_size=9),
    st.sampled_from(["Rykov", "Stalin", "*em*", "**strong**", "<b>", "{{ x }}", "{%", "&amp;", "#", "|",
                     "- ", "1.", "[1](#)", "[2](#)", "<sup>3</sup>", "[9](#)", "\\*", "—", "–", "\u200b",
                     "\u202e", "e\u0301", "'", '"', "(", ")", "[", "]", "!", "?", ".", ",", ";", ":"]),
    st.sampled_from(list(RESERVED)).filter(lambda _: True),
)
line = st.lists(word, min_size=1, max_size=10).map(" ".join).map(lambda s: s[:200])
hyphenated = st.tuples(st.text(alphabet=LETTERS, min_size=2, max_size=6),
                       st.text(alphabet=LETTERS, min_size=2, max_size=6)).map(lambda p: [p[0] + "-", p[1] + " end."])
heading = st.text(alphabet="ABCDEFGHIJKLMNOP ", min_size=4, max_size=30).map(str.strip).filter(
    lambda s: len(s) >= 4 and s not in ("CHAPTER ONE", "NOTES SECTION"))
table = st.lists(st.lists(st.text(alphabet=LETTERS + "0123456789 ", max_size=8), min_size=1, max_size=4),
                 min_size=1, max_size=4).map(lambda rows: ["| " + " | ".join(r) + " |" for r in rows])
bullets = st.lists(line, min_size=1, max_size=4).map(lambda items: ["- " + i for i in items])
block = st.one_of(st.lists(line, min_size=1, max_size=4), hyphenated, heading.map(lambda h: [h]), table, bullets)
gap = st.sampled_from([[""], [""], ["", ""], ["", "", ""], ["   "], ["", "  ", ""]])
note = st.tuples(st.integers(1, 9), line).map(lambda n: [f"[{n[0]}](#) {n[1]}"])


@st.composite
def witnesses(draw) -> tuple[list[str], str, str]:
    body: list[str] = ["CHAPTER ONE", "", "FIRST SECTION", ""]
    for _ in range(draw(st.integers(1, 8))):
        body += draw(block) + draw(gap)
    body += ["NOTES SECTION", ""]
    for _ in range(draw(st.integers(0, 4))):
        body += draw(note) + [""]
    if draw(st.integers(0, 9)):
        body = [ln for ln in body if not any(c in ln for c in RESERVED)]
    return body, draw(st.sampled_from(["markdown", "none"])), draw(st.sampled_from(["hard", "none"]))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("prop")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "texts" / "prop").mkdir(parents=True)
    (root / "texts" / "persons.yml").write_text(PERSONS, encoding="utf-8")
    return root


def write(root: Path, lines: list[str], markup: str = "markdown", wrap: str = "hard") -> None:
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    (root / "texts" / "prop" / "source.txt").write_bytes(raw)
    manifest = MANIFEST.format(sha256=hashlib.sha256(raw).hexdigest(), notes_line=lines.index("NOTES SECTION") + 1,
                               markup=markup, wrap=wrap)
    (root / "texts" / "prop" / "edition.yml").write_text(manifest, encoding="utf-8")


LOCATED = re.compile(r"^(texts/\S+?|\S+\.(yml|txt|tsv))(:\d+)+: |^\(not run because")
TAGS = re.compile(r"<(/?)([a-zA-Z0-9]+)")
WRITER_TAGS = {"p", "a", "sup", "em", "strong", "br", "h1", "h2", "h3", "h4", "article", "header", "section",
               "hr", "ol", "ul", "li", "span", "div", "table", "thead", "tbody", "tr", "td", "th", "aside",
               "nav", "blockquote", "details", "summary", "button", "code", "small", "figure", "caption",
               "cite", "dl", "dt", "dd", "abbr"}


def letters(text: str) -> Counter:
    return Counter(c for c in text.casefold() if c.isalnum())


def accounted(edition) -> Counter:
    """Letters and digits the edition shows or reports, from every place a source character can go."""
    out: Counter = Counter()
    for text in edition.texts:
        for unit in text.units:
            strings = [b.text if b.rows is None else " ".join(c for row in b.rows for c in row) for b in unit.blocks]
            for n in unit.notes:
                strings += [b.text for b in n.blocks] + [n.label]
            for s in strings:
                out += letters(plain(s))
                out += letters(" ".join(v for k, v in iter_tokens(s) if k in ("orphan", "link")))
                out += letters(" ".join(v[1:] for k, v in iter_tokens(s) if k == "note"))
            out += letters(" ".join(label for label, _ in unit.orphan_markers))
        for d in text.report.dropped:
            out += letters(d.text.removesuffix(" (shown as the page title)"))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(case=witnesses())
def test_any_witness_builds_or_fails_with_file_and_line(project, case):
    lines, markup, wrap = case
    write(project, lines, markup, wrap)
    forged = [(i, ln) for i, ln in enumerate(lines, 1) if any(c in ln for c in RESERVED)]
    try:
        edition = load_edition(project)
        site = build_site_model(edition)
    except BuildError as exc:
        event("stopped: " + ("reserved character" if forged else re.sub(r"^\S+: |'.*", "", exc.messages[0])[:40]))
        assert exc.messages and all(LOCATED.match(m) for m in exc.messages), exc.messages
        if forged:
            assert any(re.match(rf"texts/prop/source.txt:{forged[0][0]}:\d+: reserved character U\+E00[01]", m)
                       for m in exc.messages), exc.messages
        return
    assert not forged, "a reserved character went through"
    event("built")
    source = letters(re.sub(r"<sup>(\d+)</sup>", r"\1", "\n".join(lines)))   # the manifest's marker syntax
    shown = accounted(edition)
    missing = source - shown
    assert not missing, f"lost: {dict(missing)}"
    for page in site.pages:
        if page.url.startswith("texts/prop/ch01"):
            assert {t for _, t in TAGS.findall(page.html)} <= WRITER_TAGS, page.html
