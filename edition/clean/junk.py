"""OCR specks at the end of a line: ``Sta- . ~.``, ``of - ~``, ``for - -``.

A hard-wrapped OCR line often ends in specks the scanner read as ``.``,
``~``, ``-`` or ``_`` after a space.  They stop a word broken at the line end
from being joined and a paragraph cut by a page break from being rejoined.
A real ellipsis (``. . .``) and a double-hyphen dash (``--``) are kept; a
lone full stop set off by a space is attached to its word.

    >>> strip_line_end_junk("on economic policy platforms, Sta- . ~.")
    ('on economic policy platforms, Sta-', True)
    >>> strip_line_end_junk("and so on . . .")
    ('and so on . . .', False)
    >>> strip_line_end_junk("loyalists fanned out .")
    ('loyalists fanned out.', True)
"""
from __future__ import annotations

import re

JUNK_RE = re.compile(r"(?<=\S)(?:\s+[.~_-]+)+\s*$")
ELLIPSIS_RE = re.compile(r"\s*\.\s*\.\s*\.\s*")


def strip_line_end_junk(line: str) -> tuple[str, bool]:
    """Return the line without trailing specks, and whether anything changed."""
    m = JUNK_RE.search(line)
    if not m:
        return line, False
    junk = m.group(0)
    if ELLIPSIS_RE.fullmatch(junk) or junk.strip() in ("--", "---"):
        return line, False
    head = line[: m.start()]
    if junk.strip() == ".":
        return head + ".", True
    return head, True
