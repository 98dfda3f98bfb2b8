"""Decode the Markdown-like inline markup of a source into tokens.

Only for sources whose manifest says ``markup: markdown``: emphasis, strong,
links and autolinks become tokens (links only to http, https and mailto
addresses: ``[x](javascript:...)`` stays text as printed); everything else (``<sup>``, stray ``<``,
``{{``, ``#``) stays text, to be escaped by the writer.  Note markers
(``[12](#)``) are left for the notes stage.

    >>> from edition.model import plain
    >>> t = decode("see *Inoy Stalin* at <http://x.ru/a\\\\_b> or **bold**")
    >>> plain(t)
    'see Inoy Stalin at http://x.ru/a_b or bold'
"""
from __future__ import annotations

import re

from ..model import token

LINK_RE = re.compile(r"\[([^\[\]]+)\]\(((?:https?://|mailto:)[^()\s]+)\)", re.I)   # no javascript:, no #
AUTOLINK_RE = re.compile(r"<<?(https?://[^<>\s]+?)>>?", re.I)
STRONG_RE = re.compile(r"(?<!\\)\*\*(?=\S)(.+?)(?<=\S)(?<!\\)\*\*")           # \*\* stays two stars
EM_RE = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])(?<!\\)\*(?![\w*])")
ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


def _unescape_url(url: str) -> str:
    return ESCAPE_RE.sub(r"\1", url)


def decode(text: str) -> str:
    text = LINK_RE.sub(lambda m: token("link", _unescape_url(m.group(2))) + ESCAPE_RE.sub(r"\1", m.group(1))
                       + token("/link"), text)
    text = AUTOLINK_RE.sub(lambda m: token("link", _unescape_url(m.group(1))) + _unescape_url(m.group(1))
                           + token("/link"), text)
    text = STRONG_RE.sub(lambda m: token("strong") + m.group(1) + token("/strong"), text)
    text = EM_RE.sub(lambda m: token("em") + m.group(1) + token("/em"), text)
    return ESCAPE_RE.sub(r"\1", text)
