"""How a reader names one passage: the number in the margin and the citation's locator.

One place for every writer (the site's margin numbers and citation panel,
the PDF, the data downloads).  Issued ids (``p14`` in ``texts/*/passages.tsv``)
are addresses and never change; the *number* shown and cited is derived here
from the order of the passages, so that a locator names one passage of the
item it cites:

- a journal article is cited as one item: its paragraphs are numbered
  continuously over the whole article, as the journal printed them; headings
  take no number.  Back matter the journal did not number (Additional Notes,
  Bibliography) is its own section: "Bibliography, para. 3".  Notes keep their
  printed numbers (the article numbers them once).
- a book or report is cited as the whole work: a passage is "chapter (or the
  section: Introduction, Essay 4, Appendix 1) plus passage", the paragraphs
  numbered within each page, headings unnumbered; notes by their printed
  number within the page.

    >>> a = addresses(text)["intro"]["p5"]          # Furr, introduction, paragraph 5
    >>> a.shown, a.locator(), a.reading()
    ('5', ('paragraph', '5'), '¶ 5')
    >>> a = addresses(getty)["ch07"]["p14"]         # a book: chapter plus passage
    >>> a.locator(), a.reading()
    (('chapter', '7, para. 12'), 'chap. 7, ¶ 12')

``locator(style)`` gives the CSL ``(label, locator)`` pair: the outer label is
a CSL term the styles abbreviate themselves; the inner words ("para.", "n.")
follow the style (MLA writes "par.").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Text, Unit, plain

PARA_WORD = {"chicago": "para.", "mla": "par.", "apa": "para.", "": "para."}
NOTE_WORD = {"chicago": "n.", "mla": "n.", "apa": "n.", "": "n."}
_CHAPTER = re.compile(r"Chapter\s+(\d+)$")


@dataclass(frozen=True)
class Address:
    """One passage as a reader names it."""

    pid: str
    unit: str
    kind: str            # "paragraph", "note" or "heading"
    number: str          # "14"; a note: "3" or "3, para. 2"; a heading: its text
    shown: str           # the margin number ("" for a heading: headings are unnumbered)
    scope_label: str     # "" (the passage numbering runs over the whole item), "chapter" or "section"
    scope: str           # "7" (chapter 7), "Introduction", "Bibliography"

    def inner(self, style: str = "") -> str:
        if self.kind == "paragraph":
            return f"{PARA_WORD[style]} {self.number}"
        if self.kind == "note":
            return f"{NOTE_WORD[style]} {self.number}"
        return f"“{self.number}”"

    def locator(self, style: str = "") -> tuple[str, str]:
        """The CSL ``(label, locator)`` of this passage in a citation of the whole item."""
        if not self.scope_label:
            if self.kind == "heading":
                return "section", self.number
            return self.kind, self.number
        return self.scope_label, f"{self.scope}, {self.inner(style)}"

    def reading(self) -> str:
        """Short form for people: "¶ 5", "n. 3", "chap. 7, ¶ 12", "Introduction, ¶ 2"."""
        own = {"paragraph": f"¶ {self.number}", "note": f"n. {self.number}"}.get(self.kind, f"“{self.number}”")
        if not self.scope_label:
            return own
        return f"{'chap. ' if self.scope_label == 'chapter' else ''}{self.scope}, {own}"


def cites_whole_article(text: Text) -> bool:
    kind = (text.manifest.get("bibliography") or {}).get("type")
    return kind in ("article-journal", "article", "document")


def unit_scope(text: Text, unit: Unit) -> tuple[str, str]:
    """``(label, name)`` of the part of the item a page is: ("", "") for the running text of an article."""
    if cites_whole_article(text):
        return ("", "") if unit.kind != "back" else ("section", unit.title)
    m = _CHAPTER.match(unit.label or "")
    if m:
        return "chapter", m.group(1)
    return "section", unit.label or unit.title


def address(text: Text, unit: Unit, pid: str) -> Address | None:
    """One passage's address (computes the whole text's: callers with many passages use ``addresses``)."""
    return addresses(text).get(unit.slug, {}).get(pid)


_CACHE: dict[int, tuple[Text, tuple, dict]] = {}


def addresses(text: Text) -> dict[str, dict[str, Address]]:
    """``{unit slug: {pid: Address}}`` for every passage and note paragraph of the live pages.

    Kept per text while its pages are unchanged (a cheap signature of them), so every writer may ask."""
    sig = tuple((u.slug, u.drop, u.kind, u.label, u.title, len(u.blocks), len(u.notes),
                 u.blocks[0].pid if u.blocks else None, u.blocks[-1].pid if u.blocks else None,
                 sum(len(n.blocks) for n in u.notes)) for u in text.units)
    kept = _CACHE.get(id(text))
    if kept is not None and kept[0] is text and kept[1] == sig:
        return kept[2]
    found = _compute(text)
    _CACHE[id(text)] = (text, sig, found)
    return found


def _compute(text: Text) -> dict[str, dict[str, Address]]:
    out: dict[str, dict[str, Address]] = {}
    count = 0
    previous_scope = None
    for unit in text.units:
        if unit.drop:
            continue
        label, scope = unit_scope(text, unit)
        if label or previous_scope != (label, scope):
            count = 0                              # each scope numbers from 1; an article runs on
        previous_scope = (label, scope)
        here: dict[str, Address] = {}
        for block in unit.blocks:
            if not block.pid:
                continue
            if block.kind == "heading":
                here[block.pid] = Address(block.pid, unit.slug, "heading", _heading_name(block), "", label, scope)
            else:
                count += 1
                here[block.pid] = Address(block.pid, unit.slug, "paragraph", str(count), str(count), label, scope)
        for note in unit.notes:
            for i, block in enumerate(note.blocks, 1):
                if block.pid:
                    number = note.label if i == 1 else f"{note.label}, para. {i}"
                    here[block.pid] = Address(block.pid, unit.slug, "note", number, block.pid, label, scope)
        out[unit.slug] = here
    return out


def _heading_name(block) -> str:
    name = " ".join(plain(block.text).split())
    return name if len(name) <= 60 else name[:60].rsplit(" ", 1)[0] + "…"


def margin_numbers(text: Text, unit: Unit) -> dict[str, str]:
    """``{pid: margin number}`` of one page ("" for a heading)."""
    return {pid: a.shown for pid, a in addresses(text).get(unit.slug, {}).items()}


# ---------------------------------------------------------------- pages and files of the site
def passage_label(pid: str | None) -> str:
    """The id as a label where no number is derived (``p14`` -> ``14``, ``p14a`` -> ``14a``).

    The number a reader sees and cites comes from ``addresses`` (``Address.shown``)."""
    if not pid:
        return ""
    return pid[1:] if pid[:1] == "p" and pid[1:2].isdigit() else pid


def unit_url(text: Text, unit: Unit) -> str:
    """Site-relative address of a unit's page: ``texts/getty/ch07.html``."""
    return f"texts/{text.slug}/{unit.slug}.html"


def text_url(text: Text) -> str:
    """Site-relative address of a text's landing page: ``texts/getty/index.html``."""
    return f"texts/{text.slug}/index.html"


def report_url(text: Text) -> str:
    return f"texts/{text.slug}/report.html"


def live_units(text: Text) -> list[Unit]:
    """The units the edition publishes (those the manifest drops left out), in reading order."""
    return [u for u in text.units if not u.drop]


# ---------------------------------------------------------------- the PDF of a text
# A PDF names every passage with a destination built from the web address, so
# ``texts/getty/ch07.html#p14`` and ``pdf/getty.pdf#ch07-p14`` are the same passage.
def pdf_path(text_slug: str) -> str:
    """Site-relative address of a text's PDF: ``pdf/getty.pdf``."""
    return f"pdf/{text_slug}.pdf"


def pdf_destination(unit_slug: str, pid: str | None = None) -> str:
    """Named destination in the PDF: a unit's opening (``ch07``) or one passage (``ch07-p14``)."""
    return f"{unit_slug}-{pid}" if pid else unit_slug


def pdf_locator(text_slug: str, unit_slug: str, pid: str | None = None) -> str:
    """Site-relative address of a passage in the PDF: ``pdf/getty.pdf#ch07-p14``."""
    return f"{pdf_path(text_slug)}#{pdf_destination(unit_slug, pid)}"
