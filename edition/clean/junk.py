"""OCR specks at the end of a line: ``Sta- . ~.``, ``of - ~``, ``for - -``.

A hard-wrapped OCR line often ends in specks the scanner read as ``.``,
``~``, ``-`` or ``_`` after a space.  They stop a word broken at the line end
from being joined and a paragraph cut by a page break from being rejoined.
A real ellipsis (``. . .``) and a double-hyphen dash (``--``) are kept; a
lone full stop set off by a space is attached to its word.

Specks are removed only where they stand in the way: after a word broken at
the line end, or where the sentence goes on in the next line (which starts in
lowercase).  Elsewhere they may be a damaged note marker (``1937 . ~ ~`` is
"1937." with note 38) and are left for the notes stage.

    >>> strip_line_end_junk("on economic policy platforms, Sta- . ~.", "lin's faction")
    ('on economic policy platforms, Sta-', True)
    >>> strip_line_end_junk("and so on . . .", "and")
    ('and so on . . .', False)
    >>> strip_line_end_junk("loyalists fanned out .", "across the countryside")
    ('loyalists fanned out', True)
    >>> strip_line_end_junk("spy mania in 1937 . ~ ~", "The next")
    ('spy mania in 1937 . ~ ~', False)
"""
from __future__ import annotations

import re

JUNK_RE = re.compile(r"(?<=\S)(?:\s+[.~_-]+)+\s*$")
ELLIPSIS_RE = re.compile(r"\s*\.\s*\.\s*\.\s*")


def strip_line_end_junk(line: str, next_line: str) -> tuple[str, bool]:
    """Return the line without trailing specks, and whether anything changed.

    ``next_line`` is the next non-blank line of the same page (or "")."""
    m = JUNK_RE.search(line)
    if not m:
        return line, False
    junk = m.group(0)
    if ELLIPSIS_RE.fullmatch(junk) or junk.strip() in ("--", "---"):
        return line, False
    head = line[: m.start()]
    broken_word = head.endswith("-") and head[-2:-1].isalpha()
    goes_on = next_line.lstrip()[:1].islower()
    if broken_word or goes_on:
        return head, True
    return line, False
