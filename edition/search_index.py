"""Search entries of generated pages: one per passage, one per person.

Material's search plugin would make one entry per section of a page (a whole
chapter's text under one heading, linked to the heading).  The edition hands
it, through ``edition/mkdocs_hooks.py``, one entry per page followed by one
per passage, so a result links to the passage (``#p14``) and shows its number:

    page entry     {"location": "texts/getty/ch02.html",
                    "title": "Getty & Naumov, The Road to Terror · Chapter 2: Party Discipline in 1932",
                    "text": ""}
    passage entry  {"location": "texts/getty/ch02.html#p3", "title": "¶ 3",
                    "text": "THE CENTRAL COMMITTEE plenum of January 1933 …"}

Material groups the passage entries under their page entry, so a result names
the text and chapter (page entry) and the passage (its number).  The number
is written "¶ 3" (``¶`` is its own word): no query word matches it, so it
does not pull every third paragraph into a search for "3".

Person entries (``persons/y.html#yezhov-nikolai``) carry the name (title)
and the one line of identification (text), nothing of the passage list, and a
document boost, so a search for a name finds the person's entry first.

Left out of every entry: passage numbers, note markers and back links, and
any element marked ``data-search-exclude``.  Pages left out entirely (page
``search = "none"``): the build reports (rule names and counts for editors)
and the A–Z index of persons (every name at once); the texts' printed
back-of-book indexes never reach the site (dropped as furniture, listed in
the build report).

Entry text is plain text, HTML-escaped (Material inserts it as HTML).
"""
from __future__ import annotations

import html
import re

PERSON_BOOST = 3           # lunr-style document boost of a person entry (see the worker)

_PASSAGE = re.compile(
    r'<(p|h[1-6]|div|blockquote)\b([^>]*\bclass="passage\b[^"]*"[^>]*)>(.*?)</\1>', re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_DROP = re.compile(
    r'<([a-z][a-z0-9]*)\b[^>]*\sdata-search-exclude\b[^>]*>.*?</\1>'
    r'|<a\b[^>]*\sclass="[^"]*\b(?:pnum|footnote-backref)\b[^"]*"[^>]*>.*?</a>'
    r'|<sup\b[^>]*>\s*<a\b[^>]*\sclass="[^"]*\bfootnote-ref\b[^"]*"[^>]*>.*?</a>\s*</sup>'
    r'|<span\b[^>]*\sclass="note-label"[^>]*>.*?</span>',
    re.S)
_BREAK = re.compile(r"<(?:br|/li|/tr|/td|/th|/p)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PERSON = re.compile(r'<section\b[^>]*\bclass="person-entry\b[^"]*"[^>]*\bid="([^"]+)"[^>]*>(.*?)</h2>(.*?)(?=<section\b[^>]*\bclass="person-entry\b|\Z)', re.S)
_IDENTIFICATION = re.compile(r'<p\b[^>]*\bclass="person-identification\b[^"]*"[^>]*>(.*?)</p>', re.S)


def plain(fragment: str) -> str:
    """HTML fragment -> the words a reader sees, escaped again for Material.

    >>> plain('<a class="pnum" href="#p1">1</a>A &amp; <a class="person" href="x">B</a><sup id="r"><a class="footnote-ref" href="#n">2</a></sup>.')
    'A &amp; B.'
    """
    text = _TAG.sub("", _BREAK.sub(" ", _DROP.sub("", fragment)))
    return html.escape(_SPACE.sub(" ", html.unescape(text)).strip(), quote=False)


def passage_label(pid: str) -> str:
    """``p14`` -> ``¶ 14``; a note passage ``n3`` -> ``¶ n3`` (as the margin shows it)."""
    return "¶ " + (pid[1:] if pid.startswith("p") else pid)


def passage_entries(fragment: str, url: str, context: str) -> list[dict]:
    """The page entry, then one entry per passage (``class="passage"`` with an id)."""
    entries = [{"location": url, "title": html.escape(context, quote=False), "text": ""}]
    for match in _PASSAGE.finditer(fragment):
        pid = _ID.search(match.group(2))
        text = plain(match.group(3))
        if pid and text:
            entries.append({"location": f"{url}#{pid.group(1)}",
                            "title": passage_label(pid.group(1)), "text": text})
    return entries


def person_entries(fragment: str, url: str, title: str) -> list[dict]:
    """The page entry, then one entry per ``section.person-entry``: name and identification."""
    entries = [{"location": url, "title": html.escape(title, quote=False), "text": ""}]
    for match in _PERSON.finditer(fragment):
        person_id, head, body = match.groups()
        name = plain(head[head.find("<h2"):] if "<h2" in head else head)
        identification = _IDENTIFICATION.search(body)
        entries.append({"location": f"{url}#{person_id}", "title": name,
                        "text": plain(identification.group(1)) if identification else "",
                        "boost": PERSON_BOOST})
    return entries
