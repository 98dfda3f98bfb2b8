"""Print HTML -> PDF bytes with WeasyPrint: the book, then its name index.

The name index lists, for each person, every page on which a passage
mentions them, once per page: not only the page where the passage begins,
but each page its words naming the person fall on (read from the book's
laid-out lines, ``passage_text_by_page``).  CSS ``target-counter`` could only
give the page where each passage begins, once per passage ("12, 12, 13"), so
the index is laid out after the book, as a second small document whose page
numbers continue the book's; its pages are appended to the book's and its
links go to the named destination of the first passage on that page naming
the person.

    typeset(book) -> Typeset(pdf=b"%PDF-1.7 ...", pages=498)

Output is deterministic: the dates come from the document (``dcterms.created``
and ``.modified``, the edition's version date), and WeasyPrint's file
identifier is derived from the content.
"""
from __future__ import annotations

import hashlib
import html
import logging
from dataclasses import dataclass

from .book import Book, IndexEntry

INDEX_NOTE = ("Page numbers refer to pages of this book on which a passage, or a note, mentions the person; "
                  "each number links to the first such passage on that page.")


@dataclass
class Typeset:
    pdf: bytes
    pages: int
    destinations: dict[str, int]        # named destination -> page number (1-based)


def typeset(book: Book, base_url: str) -> Typeset:
    """Lay out ``book`` and its name index; return the PDF and the page of every destination."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    document = weasyprint.HTML(string=book.html, base_url=base_url).render(font_config=fonts)
    pages = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    all_pages = list(document.pages)
    keep = [document]
    if book.index:
        # The book ends with an empty marker forced onto a recto (``#index-start``): the contents
        # give its page number to the index.  Its page is dropped; the index starts there.
        marker_page = pages.pop("index-start")
        assert marker_page == len(all_pages) and set(all_pages[-1].anchors) == {"index-start"}, \
            "the index-start marker must be alone on the book's last page"
        all_pages.pop()
        text_pages = passage_text_by_page(all_pages, {dest for entry in book.index for dest, _ in entry.mentions})
        index_html = name_index_html(book, pages, first_page=marker_page, text_pages=text_pages)
        index_doc = weasyprint.HTML(string=index_html, base_url=base_url).render(font_config=fonts)
        keep.append(index_doc)
        for number, page in enumerate(index_doc.pages, start=marker_page):
            for name in page.anchors:
                pages.setdefault(name, number)
        all_pages += index_doc.pages
    combined = document.copy(all_pages)
    identifier = hashlib.sha256(book.html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    pdf = combined.write_pdf(pdf_identifier=identifier)
    del keep
    return Typeset(pdf, len(all_pages), pages)


def name_index_html(book: Book, pages: dict[str, int], first_page: int,
                    text_pages: dict[str, dict[int, str]] | None = None) -> str:
    """The index as its own HTML document (the book's head and styles), numbered from ``first_page``."""
    head = book.html.split("<body", 1)[0]
    on_page: dict[int, str] = {}
    for name, page in pages.items():                 # document order: the first destination on each page
        on_page.setdefault(page, name)
    entries = "\n".join(_entry_html(entry, pages, text_pages or {}, on_page) for entry in book.index)
    return (f'{head}<body class="index-document">\n'
            f'<style>@page :first {{ counter-reset: page {first_page}; }}</style>\n'
            f'<section class="name-index">\n'
            f'<h1 class="index-title" id="name-index">Index of names</h1>\n'
            f'<p class="explainer">{html.escape(INDEX_NOTE)}</p>\n{entries}\n</section>\n</body>\n</html>\n')


def _entry_html(entry: IndexEntry, pages: dict[str, int], text_pages: dict[str, dict[int, str]],
                on_page: dict[int, str]) -> str:
    """One entry; each page number links to the first passage naming the person that begins on that
    page, else (the name sits in a passage begun on an earlier page) to the page's first destination."""
    begun_here: dict[int, str] = {}
    continued: dict[int, str] = {}
    for dest, surface in entry.mentions or [(d, "") for d in entry.destinations]:
        for page in mention_pages(dest, surface, pages, text_pages):
            if pages.get(dest) == page:
                begun_here.setdefault(page, dest)
            else:
                continued.setdefault(page, on_page.get(page, dest))
    first_on_page = {**continued, **begun_here}
    numbers = ", ".join(f'<a href="#{html.escape(dest)}">{page}</a>' for page, dest in sorted(first_on_page.items()))
    dates = f' <span class="dates">({html.escape(entry.dates)})</span>' if entry.dates else ""
    return f'<p class="entry">{html.escape(entry.name)}{dates} {numbers}</p>'


def _letters(text: str) -> str:
    """Letters and digits only, case-folded: "Ordzhoni-" + "kidze" on two lines -> "ordzhonikidze"."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def mention_pages(dest: str, surface: str, pages: dict[str, int],
                  text_pages: dict[str, dict[int, str]]) -> list[int]:
    """The pages on which the passage ``dest`` prints ``surface``; the page where the passage begins
    when the words are found on none (e.g. a name hyphenated across a page break)."""
    word = _letters(surface)
    by_page = sorted(text_pages.get(dest, {}).items())
    found = [page for page, text in by_page if word and word in text]
    # a name broken over a page break ("Aleksandr | Smirnov") is on the page where it begins
    found += [page for (page, text), (_, after) in zip(by_page, by_page[1:])     # (each side too short
              if len(word) > 1 and word in text[1 - len(word):] + after[:len(word) - 1]]   # to hold it all)
    if found:
        return sorted(set(found))
    return [pages[dest]] if dest in pages else []


def passage_text_by_page(pages, wanted: set[str]) -> dict[str, dict[int, str]]:
    """``{passage id: {page number: its letters on that page}}`` for the elements whose id is in
    ``wanted``, read from the laid-out boxes of ``pages`` (WeasyPrint pages, numbered from 1).

    A passage that runs over a page break has text on two pages; a footnote's paragraph is on the
    page of its footnote area."""
    from weasyprint.formatting_structure.boxes import TextBox
    found: dict[str, dict[int, list[str]]] = {}
    for number, page in enumerate(pages, start=1):
        stack = [(page._page_box, None)]
        while stack:
            box, owner = stack.pop()
            element = box.element
            if element is not None:
                ident = element.get("id")
                if ident in wanted:
                    owner = ident
            if isinstance(box, TextBox):
                if owner is not None:
                    found.setdefault(owner, {}).setdefault(number, []).append(box.text)
                continue
            children = getattr(box, "children", None)
            if children:
                stack.extend((child, owner) for child in reversed(children))
    return {ident: {number: _letters("".join(parts)) for number, parts in by_page.items()}
            for ident, by_page in found.items()}
