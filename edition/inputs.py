"""Reading the project's input files safely: UTF-8 and reserved characters.

Every input (manifests, witnesses, ``texts/persons.yml``, the ledgers) is
read as bytes and decoded here, so that a file that is not UTF-8 gives one
message with ``file:line`` and the byte offset instead of a bare
``UnicodeDecodeError``.  ``reserved(text, path)`` lists every character the
model reserves for itself: the whole Unicode Private Use Area U+E000-U+F8FF,
of which the document tree uses U+E000/U+E001 as token delimiters (a note
marker, a person link, emphasis) and the citation formatter U+E010-U+E012.
Such a character in a source would let source text forge a token, i.e.
markup, so it is rejected with ``file:line:column`` and its code point.

    >>> decode_utf8(b"ok\\nbad \\xff", "t.txt")
    (None, 't.txt:2: not UTF-8: byte 0xff at byte offset 7 (byte 5 of the line); save the file as UTF-8')
    >>> reserved("a\\n b\\ue000", "t.txt")
    ['t.txt:2:3: reserved character U+E000 (private use: the edition uses it internally); remove it']
"""
from __future__ import annotations

import re
from pathlib import Path

RESERVED_RE = re.compile("[\ue000-\uf8ff]")


def decode_utf8(raw: bytes, path: str) -> tuple[str | None, str | None]:
    """``(text, None)``, or ``(None, "path:line: not UTF-8: byte ... at byte offset N ...")``."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        return None, (f"{path}:{line}: not UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
                      f"(byte {exc.start - line_start + 1} of the line); save the file as UTF-8")


def read_utf8(file: Path, path: str, errors: list[str]) -> str | None:
    """The text of ``file``; a decoding problem is appended to ``errors`` (then None)."""
    text, problem = decode_utf8(file.read_bytes(), path)
    if problem:
        errors.append(problem)
    return text


NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}


def read_table(file: Path, path: str, header: list[str], cells: str, errors: list[str]) -> list[tuple[int, list[str]]]:
    """The rows of an editor's tab-separated table, after its header line: ``[(line, cells)]``.

    The file is read as UTF-8 and checked for reserved characters; a wrong header is reported and
    no row is returned; blank lines are skipped; a row with another number of cells is reported
    (``cells`` says what they are) and left out.

        form<TAB>reading<TAB>why  /  eenuinelv<TAB>genuinely<TAB>g read as e  ->  [(2, [eenuinelv, genuinely, ...])]
    """
    content = read_utf8(file, path, errors)
    if content is None:
        return []
    errors.extend(reserved(content, path))
    lines = content.split("\n")
    if lines[0].split("\t") != header:
        errors.append(f"{path}:1: the first line must be the header '{'<TAB>'.join(header)}'")
        return []
    rows: list[tuple[int, list[str]]] = []
    for no, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        row = raw.split("\t")
        if len(row) == len(header):
            rows.append((no, row))
        else:
            errors.append(table_row_problem(path, no, header, cells))
    return rows


def table_row_problem(path: str, no: int, header: list[str], cells: str) -> str:
    """The message for a row of a table that does not have its cells."""
    count = NUMBER_WORDS.get(len(header), str(len(header)))
    return f"{path}:{no}: a row needs {count} cells separated by tabs: {cells}"


def reserved(text: str, path: str, limit: int = 20) -> list[str]:
    """Every reserved character in ``text`` as ``path:line:column: ...`` (past ``limit``, a count)."""
    out: list[str] = []
    found = list(RESERVED_RE.finditer(text))
    for m in found[:limit]:
        line, column = _line_column(text, m.start())
        out.append(f"{path}:{line}:{column}: reserved character {describe(m.group())} "
                   "(private use: the edition uses it internally); remove it")
    if len(found) > limit:
        line, column = _line_column(text, found[limit].start())
        out.append(f"{path}:{line}:{column}: ... and {len(found) - limit} more reserved characters")
    return out


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def describe(char: str) -> str:
    return f"U+{ord(char):04X}"
