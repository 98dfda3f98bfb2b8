"""Archival references and the typography of notes, read through a witness's digit confusions.

Pure functions over plain text (no tokens).  Each takes a ``read`` function that gives every number a
printed value can stand for (``read("r6") == ["16", "26"]`` in Getty, where ``r`` is 1 or 2), and a
``change(before, after, rule)`` callback that logs one change (or refuses it, returning ``before``).

    archival       "RTsKhlDNI, f. 17, Op. 3 ,  d. 985,II. 3, 34."   -> "..., f. 17, op. 3, d. 985, ll. 3, 34."
                   "f. 5446, op. zza, d. 339, ll. 5-11."           -> "f. 5446, op. 22a, d. 339, ll. 5-11."
                   "f. 17, ap. r, d. 573, l. 23"                   -> "f. 17, op. [?], d. 573, l. 23"
    archival-part  "l. 5; d. 943,l. 10"                            -> "l. 5; d. 943, l. 10"
    year           "Moscow, 1ggo, 31"; "rgjj-1938"                -> "Moscow, 1990, 31"; "1933-1938"
    issue          "Izvestiia TsK KPSS, no. j, 1989"              -> "Izvestiia TsK KPSS, no. 3, 1989"
    title          "Irvestiia T r K KPSS, no. 1"                  -> "Izvestiia TsK KPSS, no. 1"
    note-spacing   "Izvestiia TsK  KPSS, no. 8 ,  1989"            -> "Izvestiia TsK KPSS, no. 8, 1989"
                   "New York, 1985,58-64"                          -> "New York, 1985, 58-64"

A reference is rewritten only as far as every part of it reads; what follows the first part that does
not read is left exactly as printed.  A value with more than one reading is marked unclear (``[?]``,
the witness reading kept) unless the same file is cited elsewhere with one reading only.
"""
from __future__ import annotations

import re
from typing import Callable

Read = Callable[[str], list]
Change = Callable[[str, str, str], str]

VAL = r"[0-9A-Za-z~]{1,6}(?: [0-9]{1,3}){0,2}"              # "d. 1 8 3": spaced digits
LMARK = r"(?:ll|l l|I l|l I|11|Il|lI|1l|l1|II|iI|il|l|1|I|i)"
LL_FORMS = frozenset({"ll", "l l", "I l", "l I", "11", "Il", "lI", "1l", "l1", "II", "iI", "il"})
PAGE = r"[0-9A-Za-z~]{1,6}(?: ?- ?[0-9A-Za-z~]{1,6})?"
PAGES = rf"{PAGE}(?: ?, ?{PAGE})*"
FOLIO = rf"(?P<sep>\s*[,.]\s*)(?P<l>{LMARK}) ?[.,] ?\s*(?P<lv>{PAGES})(?![0-9A-Za-z~])"

REFERENCE = re.compile(
    rf"(?:(?<![\w~])|(?<=[A-Z]{{3}}))[fi]\. ?(?P<f>{VAL})\s*[,.]\s*(?P<op>[oaO]p)(?:[.,] ?\s*| )(?P<o>{VAL})\s*[,.]\s*"
    rf"d\. ?\s*(?P<d>{VAL})(?=\s*[,.;()]|\s*$)(?:{FOLIO})?")
PART = re.compile(rf"(?<=[;,] )d\. ?(?P<d>{VAL})(?:{FOLIO})")


def read_value(value: str, read: Read, letter: bool = False) -> list[str]:
    """The readings of one fond, opis or delo number (none if it does not read as a number).

    >>> read_value("zza", lambda s: [s.replace("z", "2")], letter=True)
    ['22a']
    """
    value = value.replace(" ", "")
    if letter and len(value) >= 2 and value[-1] in "abcde" and value[:-1] and not value[:-1].isalpha() or \
            letter and len(value) >= 2 and value[-1] in "abcde" and set(value[:-1]) <= set("zZ"):
        return [r + value[-1] for r in read(value[:-1]) if r[:1] != "0"]    # op. 22a: a letter suffix
    return [r for r in read(value) if r[:1] != "0"]


def read_page(value: str, read: Read) -> str | None:
    """One folio ("56", "79ob": the verso), or None when it does not read as exactly one number."""
    stem, verso = (value[:-2], "ob") if value.endswith("ob") and len(value) > 2 else (value, "")
    readings = [r for r in read(stem) if r[:1] != "0"]
    return readings[0] + verso if len(readings) == 1 else None


def read_pages(printed: str, read: Read) -> tuple[list[str], int]:
    """The folios of ``ll. ...`` read as far as they go: (normalised items, printed length used).

    >>> read_pages("3, 34", lambda s: [s] if s.isdigit() else [])
    (['3', '34'], 5)
    >>> read_pages("1-2, for the", lambda s: [s] if s.isdigit() else [])
    (['1-2'], 3)
    """
    items, ends = read_page_items(printed, read)
    return items, (ends[-1] if ends else 0)


def read_page_items(printed: str, read: Read, unclear: Callable[[str], str] | None = None, tail: str = ""
                    ) -> tuple[list[str], list[int]]:
    """The folios read as far as they go, with the printed end of each; a single folio with more than
    one reading ("r6": 16 or 26) is ``unclear(printed)`` when ``unclear`` is given, and ends the list."""
    items: list[str] = []
    ends: list[int] = []
    used = 0
    for m in re.finditer(r"(?:^| ?, ?)(?P<a>[0-9A-Za-z~]{1,6})(?: ?- ?(?P<b>[0-9A-Za-z~]{1,6}))?", printed):
        if m.start() != used:
            break
        first = m.group("a")
        if items and not any(c.isdigit() for c in first):
            break                                          # "ll. 1-2, for the": a word, not a folio
        if not items and not any(c.isdigit() for c in first) and len(first) > 3:
            break
        a = read_page(first, read)
        b = read_page(m.group("b"), read) if m.group("b") else ""
        if a is None and not m.group("b") and unclear and not re.match(r" ?[0-9A-Za-z~]", printed[m.end():] + tail) \
                and len([r for r in read(first) if r[:1] != "0"]) > 1:
            items.append(unclear(first))                  # "l. r6": l. [?]
            ends.append(m.end())
            break
        if a is None or b is None or (b and not _range_ok(a, b)):
            break
        items.append(f"{a}-{b}" if b else a)
        used = m.end()
        ends.append(used)
    return items, ends


def _range_ok(first: str, last: str) -> bool:
    """``27-29``, ``155-57`` and ``61-67ob`` are ranges; ``50-15`` is a misreading."""
    first, last = first.removesuffix("ob"), last.removesuffix("ob")
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return int(last) >= int(first)


def normalise_folio(m: re.Match, read: Read, unclear=None) -> list[tuple[str, int]] | None:
    """``,II. 3, 34`` -> [(``, ll. 3``, end of the first folio), (``, 34``, end of the next)], or None
    when there is no folio: the mark and first folio, then each further folio, are one change each.

    When no folio reads (``,ll. 27-20``), only the mark is normalised and the folios stay as printed.
    """
    if not m.group("l"):
        return None
    items, ends = read_page_items(m.group("lv"), read, unclear, m.string[m.end("lv"):m.end("lv") + 3])
    if not items:
        ll = "ll" if m.group("l") in LL_FORMS else "l"
        return [(f", {ll}. ", m.start("lv"))]
    ll = "ll" if len(items) > 1 or re.fullmatch(r"[0-9]+(ob)?-[0-9]+(ob)?", items[0]) or m.group("l") in LL_FORMS else "l"
    return [(f", {ll}. {items[0]}", m.start("lv") + ends[0])] + [
        (f", {item}", m.start("lv") + end) for item, end in zip(items[1:], ends[1:])]


def _apply(m: re.Match, head: str, head_end: int, folio, change: Change, rule: str) -> str:
    """The reference with its head and first folio as one change, each further folio as another, and
    what follows the last part read left as printed."""
    parts = list(folio or [])
    first_normal, first_end = (head + parts[0][0], parts[0][1]) if parts else (head, head_end)
    out = [change(m.string[m.start():first_end], first_normal, rule)]
    pos = first_end
    for normal, end in parts[1:]:
        out.append(change(m.string[pos:end], normal, rule))
        pos = end
    return "".join(out) + m.string[pos:m.end()]


def normalise_references(text: str, read: Read, change: Change, unclear: Callable[[str], str],
                         known: dict | None = None) -> str:
    """Rewrite every readable archival reference of ``text`` in the form ``f. 17, op. 1, d. 573, l. 23``.

    >>> digits = {"r": "12", "z": "2", "j": "3", "I": "1", "o": "0"}
    >>> def read(s):
    ...     out = [""]
    ...     for ch in s:
    ...         opts = ch if ch.isdigit() else digits.get(ch, "")
    ...         if not opts: return []
    ...         out = [o + d for o in out for d in opts]
    ...     return out
    >>> normalise_references("RTsKhlDNI, f. 17, Op. j ,  d. 985,II. 3, 34.", read, lambda b, a, r: a, str)
    'RTsKhlDNI, f. 17, op. 3, d. 985, ll. 3, 34.'
    """
    known = known if known is not None else {}

    def repl(m: re.Match) -> str:
        f = read_value(m.group("f"), read)
        o = read_value(m.group("o"), read, letter=True)
        d = read_value(m.group("d"), read, letter=True)
        if len(f) == 1 and len(d) == 1 and len(o) > 1:
            seen = known.get((f[0], d[0]), set())
            attested = [x for x in o if x in seen]
            o = attested if len(attested) == 1 and len(seen) == 1 else o
        if not (f and o) or len(f) > 1:
            return m.group(0)                              # fond or opis unreadable: left as printed
        opis = o[0] if len(o) == 1 else unclear(f"{m.group('op')}. {m.group('o')}")
        if not d:                                          # "op. Iro, d. ra6": the delo is left as printed
            return change(m.string[m.start():m.end("o")], f"f. {f[0]}, op. {opis}", "archival") + \
                m.string[m.end("o"):m.end()]
        delo = d[0] if len(d) == 1 else unclear(f"d. {m.group('d')}")
        return _apply(m, f"f. {f[0]}, op. {opis}, d. {delo}", m.end("d"), normalise_folio(m, read, unclear), change,
                      "archival")
    return REFERENCE.sub(repl, text)


def normalise_parts(text: str, read: Read, change: Change) -> str:
    """A further file of the same reference, after ``;`` or ``,``: ``d. 943,l. 10`` -> ``d. 943, l. 10``.

    >>> normalise_parts("l. 5; d. 943,l. 10.", lambda s: [s] if s.isdigit() else [], lambda b, a, r: a)
    'l. 5; d. 943, l. 10.'
    >>> normalise_parts("died; d. 1938", lambda s: [s] if s.isdigit() else [], lambda b, a, r: a)
    'died; d. 1938'
    """
    def repl(m: re.Match) -> str:
        d = read_value(m.group("d"), read, letter=True)
        if len(d) != 1:
            return m.group(0)
        folio = normalise_folio(m, read)
        if folio is None:
            return m.group(0)
        return _apply(m, f"d. {d[0]}", m.end("d"), folio, change, "archival-part")
    return PART.sub(repl, text)


# ---------------------------------------------------------------- years
YEAR = re.compile(r"(?<![\w~'])(?P<y>[rlI1][g9][0-9A-Za-z]{2})(?![\w~])")


def read_years(text: str, read: Read, change: Change, unclear: Callable[[str], str]) -> str:
    """A year of the 1800s or 1900s printed with letters for digits.  No English word begins with rg, lg
    or Ig, so a token that does and reads as exactly one such year is that year; two readings are marked.

    >>> digits = {"r": "12", "g": "9", "j": "3", "o": "0", "q": "4", "l": "1"}
    >>> read = lambda s: [""] if not s else [a + b for a in (s[0] if s[0].isdigit() else digits.get(s[0], ""))
    ...                                      for b in read(s[1:])]
    >>> read_years("Moscow, 1ggo, 31; rgjj-1938; rgq1; Igor; 19gr", read, lambda b, a, r: a, lambda w: "[?]")
    'Moscow, 1990, 31; 1933-1938; 1941; Igor; 19gr'
    >>> read_years("Moscow, 19rj", read, lambda b, a, r: a, lambda w: "[?]")
    'Moscow, 19rj'
    """
    def repl(m: re.Match) -> str:
        y = m.group("y")
        if y.isdigit() or not any(c.isdigit() or c in "jqzg" for c in y[2:]):
            return y                                      # "Igor": a name, not a year
        readings = [r for r in read(y) if "1800" <= r <= "1999"]
        if not readings or y[:2].isdigit():
            return y                                      # "19gr" is the digits rule's
        return change(y, readings[0] if len(readings) == 1 else unclear(y), "year")
    return YEAR.sub(repl, text)


# ---------------------------------------------------------------- issue numbers
ISSUE = re.compile(r"(?<=,)(?P<sp>\s+)(?P<no>nos?\.) (?P<v>[0-9A-Za-z]{1,3})(?=\s*[,;.)]|\s*$)")


def read_issues(text: str, read: Read, change: Change, unclear: Callable[[str], str]) -> str:
    """The issue number after ``, no.`` of a citation, where the OCR printed letters for its digits.

    >>> digits = {"j": "3", "I": "1", "r": "12"}
    >>> read = lambda s: [""] if not s else [a + b for a in (s[0] if s[0].isdigit() else digits.get(s[0], ""))
    ...                                      for b in read(s[1:])]
    >>> read_issues("KPSS, no. j, 1989; Studies, no. I; Review, no. 3", read, lambda b, a, r: a, lambda w: "[?]")
    'KPSS, no. 3, 1989; Studies, no. 1; Review, no. 3'
    >>> read_issues("Studies, 1991, no. r, 74-75; Trud, no. one", read, lambda b, a, r: a, lambda w: "[?]")
    'Studies, 1991, no. [?], 74-75; Trud, no. one'
    """
    def repl(m: re.Match) -> str:
        v = m.group("v")
        if v.isdigit():
            return m.group(0)
        readings = [r for r in read(v) if r and r[:1] != "0"]
        if not readings:
            return m.group(0)
        after = readings[0] if len(readings) == 1 else unclear(v)
        return m.group("sp") + m.group("no") + " " + change(v, after, "issue")
    return ISSUE.sub(repl, text)


# ---------------------------------------------------------------- typography of notes
SPACING = [
    # (what, pattern, replacement)
    ("space before a comma or semicolon",               # (at ^: after a token such as a [?] mark)
     re.compile(r"(?:(?<=[\w)\"'\]])|^)[ ]+(?=[,;](?:\s|$))"), ""),
    ("a range of years broken at a line end", re.compile(r"(?<=(?<![\w~])1[89][0-9][0-9])- (?=1[89][0-9][0-9]\b)"),
     "-"),
    ("a year run into its page by a full stop", re.compile(r"(?<=(?<![\w~.,])1[89][0-9][0-9])\.(?=[0-9]{1,3}-[0-9])"),
     ", "),
    ("space before a comma run into a number",          # "1989 ,4" but not "~991 ,157" (no 991,157)
     re.compile(r"(?:(?<=[A-Za-z)\"'\]])|(?<=(?<![\w~])1[89][0-9][0-9]))[ ]+(?=,[0-9])"), ""),
    ("space before the full stop that ends a note", re.compile(r"(?<=[0-9a-z)])[ ]+(?=\.[ ]*$)"), ""),
    ("an archive's name run into its fond", re.compile(r"(?<=[A-Z]{3})(?=f\. [0-9])"), ", "),
    ("a comma run into the next word",                  # not "zw,ooo" (20,000 misread)
     re.compile(r"(?<=[A-Za-z0-9)]),(?=[A-Za-z])(?![oOlIzZrgjq0-9]{3}(?![A-Za-z]))"), ", "),
    ("doubled space", re.compile(r"(?<=\S)[ ]{2,}(?=\S)"), " "),
    ("an initial's spaced full stop", re.compile(r"(?<![\w.])([A-Z]) \.(?= [A-Z])"), r"\1."),
    ("a volume or page run into the next number",
     re.compile(r"(?<![\w,.])([0-9]{1,4}),(?=(?:[0-9]{1,2}|[0-9]{4,})(?![0-9]))"), r"\1, "),
    ("a year run into the next number", re.compile(r"(?<![\w,.])(1[89][0-9][0-9]),(?=[0-9])"), r"\1, "),
]


def tidy_spacing(text: str, change: Change) -> str:
    """Spaces the OCR put in or left out around punctuation and numbers of a note.

    >>> tidy_spacing("TsK  KPSS, no. 8 ,  1989, 83; d. 590 , l. 2", lambda b, a, r: a)
    'TsK KPSS, no. 8, 1989, 83; d. 590, l. 2'
    >>> tidy_spacing("Oxford, 1990,484-89; 44,1996,344-73; 1,006,030", lambda b, a, r: a)
    'Oxford, 1990, 484-89; 44, 1996, 344-73; 1,006,030'
    >>> tidy_spacing("N .  Shvernik said . . . nothing", lambda b, a, r: a)
    'N. Shvernik said . . . nothing'
    >>> tidy_spacing("RTsKhIDNIf. 17, op. 2", lambda b, a, r: a)
    'RTsKhIDNI, f. 17, op. 2'
    >>> tidy_spacing("Revolution from Above, 1928- 1941; KPSS, no. 4, 1989.42-80", lambda b, a, r: a)
    'Revolution from Above, 1928-1941; KPSS, no. 4, 1989, 42-80'
    >>> tidy_spacing("RTsKhIDNI,f. 39; Moscow, 1990,31,37); New York, 1989 ,4 .", lambda b, a, r: a)
    'RTsKhIDNI, f. 39; Moscow, 1990, 31, 37); New York, 1989, 4.'
    """
    for _, pattern, replacement in SPACING:
        for _ in range(3):                                # "1990,31,37": each comma once the one before is done
            new = pattern.sub(lambda m, r=replacement: _logged(m, r, change), text)
            if new == text:
                break
            text = new
    return text


def _logged(m: re.Match, replacement: str, change: Change) -> str:
    """One spacing change, logged with a little of the text around it (so a reviewer can place it)."""
    after = m.expand(replacement)
    context_before = m.string[max(0, m.start() - 12):m.start()]
    context_after = m.string[m.end():m.end() + 8]
    before = context_before + m.group(0) + context_after
    if change(before, context_before + after + context_after, "note-spacing") == before:
        return m.group(0)
    return after


# ---------------------------------------------------------------- cited titles
TITLE_SLOT = re.compile(r"(?<![,\s])(?=,?\s+no\. ?[0-9zrIlogjq]|:\s|,\s+(?:[0-9]|(?:r[g9]|I9)[0-9zrIlogjq]{2}\b|"
                        r"(?:Moscow|Leningrad|New York|New Haven|Oxford|Cambridge|Princeton|London|Boston|Ithaca|"
                        r"Bloomington|Berkeley|Chicago|Paris)\b))")


def _letters(s: str) -> str:
    return re.sub(r"[^a-z']", "", s.lower().replace(";", "i"))


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; with ``limit``, ``limit + 1`` as soon as the distance must exceed it.

    >>> edit_distance("irvestiia", "izvestiia")
    1
    >>> edit_distance("pravda", "izvestiia", limit=1)
    2
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        if limit is not None and min(cur) > limit:
            return limit + 1                      # every path through this row costs more already
        prev = cur
    return prev[-1]


def restore_titles(text: str, titles: list[str], change: Change) -> str:
    """A cited title damaged by the OCR, where a number, year or place follows it, from a curated list.

    The words before ``, no. N`` (or ``, 19NN``, ``, 437``, ``, Moscow``, a subtitle's ``:``) are compared with each title, letters only; the title
    is restored when exactly one title is within one edit in five letters (none for a title under eight
    letters) and the printed words are not already the title.

    >>> restore_titles("See Irvestiia T r K KPSS, no. 1, 1989", ["Izvestiia TsK KPSS", "Voprosy istorii"],
    ...                lambda b, a, r: a)
    'See Izvestiia TsK KPSS, no. 1, 1989'
    >>> restore_titles("the Trud, no. 4", ["Trud", "Pravda"], lambda b, a, r: a)
    'the Trud, no. 4'
    """
    if not titles:
        return text
    wanted = [(t, _letters(t)) for t in titles]
    out, pos = [], 0
    for slot in TITLE_SLOT.finditer(text):
        end = slot.start()
        if end < pos:
            continue
        best = []
        for start in [m.start() for m in re.finditer(r"(?:(?<=^)|(?<=[\s(\"'\u201c]))\S", text[:end])]:
            if end - start > 48:
                continue
            printed = text[start:end]
            if not re.match(r"[A-Za-z]", printed) or re.search(r"[0-9,:()]", printed):
                continue                                  # a title has no number or comma in it
            got = _letters(printed)
            for title, letters in wanted:
                allowed = len(letters) // 5 if len(letters) >= 8 else 0
                if abs(len(got) - len(letters)) > allowed:
                    continue
                dist = edit_distance(got, letters, allowed)
                if dist <= allowed:
                    best.append((dist, -len(printed), title, start))
        if not best:
            continue
        best.sort()
        dist, _, title, start = best[0]
        if any(b[2] != title and b[0] == dist for b in best[1:]):
            continue                                      # two titles fit equally well: left as printed
        printed = text[start:end]
        if printed == title or start < pos:
            continue
        if not printed[:1].isupper() and printed[:1] != title[:1]:
            continue
        out.append(text[pos:start] + change(printed, title, "title"))
        pos = end
    out.append(text[pos:])
    return "".join(out)
