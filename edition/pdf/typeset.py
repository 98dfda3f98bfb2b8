"""Print HTML -> PDF bytes with WeasyPrint: the book, then its name index.

The name index lists, for each person, every page on which a passage
mentions them, once per page.  CSS ``target-counter`` would print a page once
per passage ("12, 12, 13"), so the index is laid out after the book, from the
pages the book's layout gave each passage, as a second small document whose
page numbers continue the book's; its pages are appended to the book's and
its links go to the passages' named destinations.

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
        index_html = name_index_html(book, pages, first_page=marker_page)
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


def name_index_html(book: Book, pages: dict[str, int], first_page: int) -> str:
    """The index as its own HTML document (the book's head and styles), numbered from ``first_page``."""
    head = book.html.split("<body", 1)[0]
    entries = "\n".join(_entry_html(entry, pages) for entry in book.index)
    return (f'{head}<body class="index-document">\n'
            f'<style>@page :first {{ counter-reset: page {first_page}; }}</style>\n'
            f'<section class="name-index">\n'
            f'<h1 class="index-title" id="name-index">Index of names</h1>\n'
            f'<p class="explainer">{html.escape(INDEX_NOTE)}</p>\n{entries}\n</section>\n</body>\n</html>\n')


def _entry_html(entry: IndexEntry, pages: dict[str, int]) -> str:
    first_on_page: dict[int, str] = {}
    for dest in entry.destinations:
        page = pages.get(dest)
        if page is not None:
            first_on_page.setdefault(page, dest)
    numbers = ", ".join(f'<a href="#{html.escape(dest)}">{page}</a>' for page, dest in sorted(first_on_page.items()))
    dates = f' <span class="dates">({html.escape(entry.dates)})</span>' if entry.dates else ""
    return f'<p class="entry">{html.escape(entry.name)}{dates} {numbers}</p>'
