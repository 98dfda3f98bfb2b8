"""Every text's PDF: content-addressed cache, a process pool, progress, and what the site shows.

    pdfs = produce_pdfs(edition, progress=print)      # {slug: PdfFile}
    pdfs["getty"].pages, pdfs["getty"].size           # shown on the landing and home pages
    data_files(pdfs)                                  # [DataFile("pdf/getty.pdf", b"%PDF...")]

A PDF is rendered again only when its key changes: the sha256 of the text's
print HTML, the print stylesheet, the fonts, the WeasyPrint version and the PDF
writer's own code.  The
cache lives in ``build/pdf-cache/<key>.pdf`` (+ ``.json`` with the page count
and the destinations' pages); it is written atomically, so an interrupted
render leaves no half file.  Misses render in a process pool (one process per
core, at most one per PDF), the longest first; a single miss renders in this
process.  A PDF is bytes for the site build (``DataFile``), never a file left
half-written in ``site/``.
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import multiprocessing
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..addresses import pdf_path
from ..model import Edition
from ..pages import DataFile
from .book import Book, BookWriter
from .typeset import typeset

CACHE_DIR = Path("build") / "pdf-cache"


@dataclass
class PdfFile:
    """One text's PDF and the facts the site shows about it."""

    slug: str
    path: Path                      # the cached file
    pages: int
    size: int
    destinations: dict[str, int] = field(default_factory=dict)   # named destination -> page
    rendered: bool = False          # False when it came from the cache
    seconds: float = 0.0

    @property
    def url(self) -> str:
        return pdf_path(self.slug)

    def page_of(self, destination: str) -> int | None:
        return self.destinations.get(destination)


def cache_key(book: Book, root: Path) -> str:
    """sha256 of everything the PDF depends on: print HTML, stylesheet, fonts, WeasyPrint version, and the
    writer's own code (``edition/pdf/*.py``: the index, outline and metadata are made after the HTML)."""
    import weasyprint
    digest = hashlib.sha256()
    digest.update(f"weasyprint {weasyprint.__version__}\n".encode())
    digest.update(book.html.encode("utf-8"))
    for entry in book.index:
        digest.update(f"{entry.name}|{entry.dates}|{' '.join(entry.destinations)}|".encode("utf-8"))
        digest.update("|".join(f"{dest} {surface}" for dest, surface in entry.mentions).encode("utf-8") + b"\n")
    digest.update((root / "templates" / "print" / "print.css").read_bytes())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + hashlib.sha256(source.read_bytes()).digest())
    for font in sorted((root / "docs" / "assets" / "fonts").glob("*.woff2")):
        digest.update(font.name.encode() + hashlib.sha256(font.read_bytes()).digest())
    return digest.hexdigest()


def produce_pdfs(edition: Edition, only: list[str] | None = None, progress: Callable[[str], None] | None = None,
                 workers: int | None = None) -> dict[str, PdfFile]:
    """The PDF of every text (or of ``only``), from the cache or rendered now."""
    root = Path(edition.root)
    cache = root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda message: None)
    writer = BookWriter(edition)
    books = {t.slug: writer.book(t) for t in edition.texts if not only or t.slug in only}
    keys = {slug: cache_key(book, root) for slug, book in books.items()}
    done: dict[str, PdfFile] = {}
    missing = []
    for slug, key in keys.items():
        cached = _from_cache(cache, slug, key)
        if cached:
            done[slug] = cached
            say(f"pdf {slug}: unchanged, {cached.pages} pages (cache)")
        else:
            missing.append(slug)
    missing.sort(key=lambda slug: -len(books[slug].html))          # the longest first
    base_url = root.as_uri() + "/"
    for slug, result, seconds in _render_all([books[s] for s in missing], base_url, workers, say):
        done[slug] = _to_cache(cache, slug, keys[slug], result, seconds)
    return {slug: done[slug] for slug in books}


def _render_all(books: list[Book], base_url: str, workers: int | None, say):
    """Render the books, in parallel when there is more than one and more than one core."""
    workers = min(workers or os.cpu_count() or 1, len(books))
    started = time.perf_counter()
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for book in books:
            say(f"pdf {book.slug}: rendering…")
            t = time.perf_counter()
            result = typeset(book, base_url)
            say(f"pdf {book.slug}: {result.pages} pages in {time.perf_counter() - t:.1f}s")
            yield book.slug, result, time.perf_counter() - t
        return
    context = multiprocessing.get_context("fork")
    from ..processes import die_with_parent
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                                initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_timed_typeset, book, base_url): book.slug for book in books}
        say(f"pdf: rendering {len(books)} PDF(s) in {workers} processes: {', '.join(futures.values())}")
        for n, future in enumerate(concurrent.futures.as_completed(futures), start=1):
            result, seconds = future.result()
            slug = futures[future]
            say(f"pdf {slug}: {result.pages} pages in {seconds:.1f}s "
                f"[{n}/{len(books)}, {time.perf_counter() - started:.0f}s elapsed]")
            yield slug, result, seconds


def _timed_typeset(book: Book, base_url: str):
    started = time.perf_counter()
    result = typeset(book, base_url)
    return result, time.perf_counter() - started


def _from_cache(cache: Path, slug: str, key: str) -> PdfFile | None:
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    if not (pdf.exists() and meta.exists()):
        return None
    facts = json.loads(meta.read_text(encoding="utf-8"))
    return PdfFile(slug, pdf, facts["pages"], pdf.stat().st_size, facts["destinations"])


def _to_cache(cache: Path, slug: str, key: str, result, seconds: float) -> PdfFile:
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    _write_atomically(pdf, result.pdf)
    _write_atomically(meta, json.dumps({"slug": slug, "pages": result.pages,
                                        "destinations": result.destinations}, sort_keys=True).encode())
    return PdfFile(slug, pdf, result.pages, len(result.pdf), result.destinations, rendered=True, seconds=seconds)


def _write_atomically(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        os.chmod(tmp, 0o644)             # mkstemp makes it private; these are published files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def data_files(pdfs: dict[str, PdfFile]) -> list[DataFile]:
    """The PDFs as files of the site (``pdf/<slug>.pdf``), read from the cache."""
    return [DataFile(pdf.url, pdf.path.read_bytes()) for pdf in pdfs.values()]



def write_pdfs(pdfs: dict[str, PdfFile], out: Path) -> list[Path]:
    """Copy the PDFs into ``out`` (``build_edition.py pdf``), each file replaced atomically."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for pdf in pdfs.values():
        target = out / f"{pdf.slug}.pdf"
        _write_atomically(target, pdf.path.read_bytes())
        written.append(target)
    return written
