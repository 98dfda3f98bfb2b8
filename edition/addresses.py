"""Where things are: the one place both writers (site, PDF) take ids, labels and addresses from.

Passages have the same number in the margin of a web page and of a PDF, and
a PDF names every passage with a destination built from the web address, so
``texts/getty/ch07.html#p14`` and ``pdf/getty.pdf#ch07-p14`` are the same
passage (notes likewise: ``#n12`` -> ``#ch07-n12``).

    >>> passage_label("p14"), passage_label("n12.2")
    ('14', 'n12.2')
    >>> pdf_destination("ch07", "p14"), pdf_locator("getty", "ch07", "p14")
    ('ch07-p14', 'pdf/getty.pdf#ch07-p14')
"""
from __future__ import annotations

from .model import Text, Unit


def passage_label(pid: str | None) -> str:
    """The passage number shown in the margin: ``p14`` -> ``14``, ``p14a`` -> ``14a``."""
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
def pdf_path(text_slug: str) -> str:
    """Site-relative address of a text's PDF: ``pdf/getty.pdf``."""
    return f"pdf/{text_slug}.pdf"


def pdf_destination(unit_slug: str, pid: str | None = None) -> str:
    """Named destination in the PDF: a unit's opening (``ch07``) or one passage (``ch07-p14``)."""
    return f"{unit_slug}-{pid}" if pid else unit_slug


def pdf_locator(text_slug: str, unit_slug: str, pid: str | None = None) -> str:
    """Site-relative address of a passage in the PDF: ``pdf/getty.pdf#ch07-p14``."""
    return f"{pdf_path(text_slug)}#{pdf_destination(unit_slug, pid)}"
