"""Nothing injected: source text, manifest strings, emendations and register entries are data.

The hostile fixture below is built twice as a whole edition by the command
line: once with every hostile line (raw HTML, Jinja, Markdown block and
inline syntax, ``javascript:`` links, bidi overrides, zero-width and
combining characters, a 5,000-character line) and once as its *clean twin*,
where each hostile line is replaced by plain words.  Every page of the two
sites must have the same elements with the same attributes (names, and values
except the few that carry text, like ``title``), so no element or attribute
came from source text; and every hostile line must reach its page as text.
The characters the model reserves (U+E000.. private use) are rejected with
``file:line:column`` and the code point, wherever they come from.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from edition.clean.inline import ESCAPE_RE
from edition.model import Block, Loc, token
from edition.render import InlineContext, render_inline
from edition.stages.load import BIDI_CONTROLS
from tests.projects import project, run_cli

# -- lines that must stay text in every source; each is one paragraph (wrap: none) ending in "End."
HOSTILE = [
    'Sentinel <img src=x onerror=alert(7)> and <script>alert(1)</script> End.',
    'Sentinel note:a"><img src=x onerror=alert(7)><i title=" End.',
    '</p></article><p onclick="alert(2)">closing tags</p> <div style="x">div</div> End.',
    '<!-- comment --> <![CDATA[ x ]]> &lt;already escaped&gt; &amp; &#60;script&#62; &#x3C; End.',
    '{{ config }} {% include "base.html" %} {# comment #} {{ 7*7 }} ${7*7} {%- raw %} End.',
    '# A Markdown heading End.',
    '## Second level ## End.',
    '> a block quote End.',
    '```html End.',
    '    indented code End.',
    '1. a numbered item End.',
    '* a star item End.',
    '+ a plus item End.',
    '===',
    '---',
    '***',
    'Setext heading End.',
    'word{: onclick="alert(3)" .evil #evil } End.',
    '*[HTML]: Hyper Text Markup Language End.',
    'A footnote[^1] and [^1]: its text End.',
    ': a definition End.',
    '!!! danger "Admonition" End.',
    '<div markdown="1">inside</div> <span markdown>x</span> End.',
    '[click](javascript:alert(4)) [data](data:text/html,<script>alert(5)</script>) <javascript:alert(6)> End.',
    '[rel](../../etc/passwd) [frag](#p1) ![image](x.png) [JaVaScRiPt](JAVASCRIPT:alert(1)) End.',
    'https://evil.example/bare www.evil.example End.',
    'Bidi abc\u202eevil\u202c \u2066isolate\u2069 \u200fmark\u200e \u061c End.',
    'Zero\u200bwidth\u200c\u200d\ufeffjoiner\u2060 End.',
    'Combining e\u0301 a\u0308\u0308\u0308 Z\u0337\u0336\u0335 \u0300leading End.',
    '\\*backslash\\* \\<b\\> \\\\ End.',
    'Reserved-looking note:x /person: link:https://evil.example/ End.',
    ' '.join(['long'] * 999) + ' End.',          # 4,999 + 5 characters
]
EMPHASIS = '*em* **strong** _under_ `code` ~~struck~~ End.'      # markup in a markdown source only
LINK = '[a real link](https://example.org/page) and <https://example.org/auto> End.'
EVIL_LINK = '[evil](https://evil.example/) End.'   # a link in a markdown source (by design), text in `none`
EXTRA_NONE = [EMPHASIS, LINK, EVIL_LINK]           # in a `markup: none` source these are text too


def witness(lines: list[str], twin: bool) -> str:
    out = ["Hostile Text", "", "CHAPTER ONE", ""]
    for i, line in enumerate(lines, start=1):
        controls = "".join(BIDI_CONTROLS.findall(line))        # the twin's report warns of them too
        out += [f"Plain line {i} here{controls} End." if twin else line, ""]
    out += [EMPHASIS, "", LINK, "", "Rykov spoke End.", ""]
    return "\n".join(out)


MANIFEST = """\
slug: {slug}
order: {order}
short_title: "{short}"
summary: "{summary}"
about: "{summary}"
source:
  seed: {slug}.txt
  sha256: {{sha256}}
bibliography:
  type: book
  authors: [{{family: "{family}", given: Ann}}]
  title: "{title}"
  year: 1999
  language: en
  rights: "{summary}"
markup: {markup}
wrap: none
emendations:
  - {{line: 3, original: "CHAPTER", replacement: "{emend}", why: "{summary}"}}
furniture:
  - {{rule: title, lines: [1, 1], why: "{summary}"}}
units:
  - {{slug: ch01, kind: chapter, label: "{label}", title: "{title}", line: 3, match: '.*ONE'}}
"""
BAD = '<b onclick=\\"alert(1)\\">{{ x }}</b> *em* [l](javascript:alert(1))'
PERSONS = """\
persons:
  - id: rykov-aleksei
    name: {{family: Rykov, given: Aleksei}}
    identification: "{who}"
"""


def hostile_project(dest: Path, twin: bool) -> Path:
    texts = {}
    for order, (slug, markup) in enumerate([("marked", "markdown"), ("plain", "none")], start=1):
        lines = HOSTILE + ([] if markup == "markdown" else EXTRA_NONE)
        say = "Plain words" if twin else BAD
        manifest = MANIFEST.format(slug=slug, order=order, markup=markup, short=say, summary=say, family=say,
                                   title=say, label=say, emend="CHAPTERX" if twin else "<i>CHAPTER</i>")
        texts[slug] = (manifest, witness(lines, twin))
    who = "Plain words" if twin else BAD
    return project(dest, texts, PERSONS.format(who=who))


class Elements(HTMLParser):
    """Every start tag of a page with its attributes."""

    TEXT_ATTRIBUTES = {"title", "aria-label", "content", "alt", "value", "data-copy"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(sorted((name, "" if name in self.TEXT_ATTRIBUTES else value or "")
                                            for name, value in attrs))))

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    built = {}
    for name, twin in (("hostile", False), ("twin", True)):
        root = hostile_project(tmp_path_factory.mktemp(name) / "p", twin)
        result = run_cli(root, "build")
        assert result.returncode == 0, result.stderr
        built[name] = root / "site"
    return built


def test_no_element_or_attribute_comes_from_source_text(sites):
    pages = sorted(p.relative_to(sites["twin"]) for p in sites["twin"].rglob("*.html"))
    assert sorted(p.relative_to(sites["hostile"]) for p in sites["hostile"].rglob("*.html")) == pages
    assert len(pages) > 8
    for page in pages:
        hostile, twin = parse(sites["hostile"] / page), parse(sites["twin"] / page)
        assert hostile.tags == twin.tags, page


def test_every_hostile_line_reaches_its_page_as_text(sites):
    for slug, lines in (("marked", HOSTILE), ("plain", HOSTILE + EXTRA_NONE)):
        text = " ".join("".join(parse(sites["hostile"] / "texts" / slug / "ch01.html").text).split())
        for line in lines:
            expected = ESCAPE_RE.sub(r"\1", line) if slug == "marked" else line     # Markdown escapes
            assert " ".join(expected.split()) in text, (slug, line[:60])


def test_markup_none_makes_no_links_and_markdown_only_safe_ones(sites):
    plain = (sites["hostile"] / "texts" / "plain" / "ch01.html").read_text(encoding="utf-8")
    marked = (sites["hostile"] / "texts" / "marked" / "ch01.html").read_text(encoding="utf-8")
    article = lambda page: re.search(r"<article.*?</article>", page, re.S).group()  # noqa: E731
    assert 'class="external"' not in article(plain) and "<em>" not in article(plain)
    external = re.findall(r'<a class="external" href="([^"]*)"', article(marked))
    assert external == ["https://example.org/page", "https://example.org/auto"]
    for slug in ("plain", "marked"):
        tags = parse(sites["hostile"] / "texts" / slug / "ch01.html").tags
        names = {name for _, attrs in tags for name, _ in attrs}
        hrefs = [value for _, attrs in tags for name, value in attrs if name in ("href", "src")]
        assert not [n for n in names if n.startswith("on")]                  # no event handler attribute
        assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I) or "evil" in h]
        assert "img" not in {tag for tag, _ in tags}


# ------------------------------------------------------------ the reserved characters
def test_reserved_character_in_a_witness_is_rejected_with_line_column_and_code_point(tmp_path):
    lines = HOSTILE[:3] + ["Sentinel \ue000note:a\"><img src=x onerror=alert(7)><i title=\"\ue001 end."]
    texts = {"marked": (MANIFEST.format(slug="marked", order=1, markup="none", short="S", summary="S",
                                        family="F", title="T", label="L", emend="CHAPTER"),
                        witness(lines, twin=False))}
    root = project(tmp_path / "p", texts, PERSONS.format(who="W"))
    result = run_cli(root, "build")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "texts/marked/source.txt:11:10: reserved character U+E000" in result.stderr, result.stderr
    assert "texts/marked/source.txt:11:57: reserved character U+E001" in result.stderr
    assert not (root / "site").exists()


@pytest.mark.parametrize("where", ["manifest", "emendation", "register"])
def test_reserved_character_in_yaml_strings_is_rejected(tmp_path, where):
    forged = "\\ue000link:https://evil.example/\\ue001"              # a YAML escape: only the parser sees it
    manifest = MANIFEST.format(slug="marked", order=1, markup="none", short="S", summary="S", family="F",
                               title=forged if where == "manifest" else "T", label="L",
                               emend=forged if where == "emendation" else "CHAPTER")
    root = project(tmp_path / "p", {"marked": (manifest, witness(HOSTILE[:2], False))},
                   PERSONS.format(who=forged if where == "register" else "W"))
    result = run_cli(root, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    file = "texts/persons.yml:4" if where == "register" else "texts/marked/edition.yml:"
    assert file in result.stderr and "reserved character U+E000" in result.stderr, result.stderr


# ------------------------------------------------------------ the writer, directly
def test_token_values_are_escaped_in_attributes():
    ctx = InlineContext("texts/t/ch01.html", 'ch"01', person_url=lambda pid: f"persons/{pid}.html")
    out = str(render_inline("a" + token("note", 'x"><img src=x onerror=alert(1)>') + "b"
                            + token("person", 'p"><b') + "c" + token("/person"), ctx))
    assert "<img" not in out and "<b" not in out.replace("<b>", "")
    assert 'id="fnref:ch&quot;01-x&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in out
    assert 'data-person="p&quot;&gt;&lt;b"' in out


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x",
                                 "#p1", "../x.html", "ftp://x.org/", "https://x.org/a b"])
def test_a_link_token_makes_a_link_only_for_http_https_mailto(url):
    ctx = InlineContext("texts/t/ch01.html", "ch01")
    out = str(render_inline("see " + token("link", url) + "here" + token("/link") + " end", ctx))
    assert out == "see here end"


def test_a_safe_link_token_is_escaped():
    ctx = InlineContext("texts/t/ch01.html", "ch01")
    out = str(render_inline(token("link", 'https://x.org/?a="b"&c') + "x" + token("/link"), ctx))
    assert out == '<a class="external" href="https://x.org/?a=&quot;b&quot;&amp;c" rel="noopener">x</a>'
    assert Block("para", "x", Loc("f", 1)).plain() == "x"


def test_bidi_controls_are_kept_and_listed_in_the_report(sites):
    report = (sites["hostile"] / "texts" / "plain" / "report.html").read_text(encoding="utf-8")
    assert "W-BIDI-CONTROL" in report and report.count("bidirectional") == 4 and "U+202E" in report
    page = (sites["hostile"] / "texts" / "plain" / "ch01.html").read_text(encoding="utf-8")
    assert "abc\u202eevil\u202c" in page                    # nothing lost
