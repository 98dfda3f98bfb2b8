"""What the commands do, as functions: load, check, build, serve.

``build_edition.py`` is a thin command line over these.

    load_edition(root)           -> Edition after every pipeline stage
    check(root)                  -> Edition (validates, writes nothing)
    build(root, out, pdf=False)  -> Edition, with site/ rebuilt aside and swapped in
                                    (pdf=True: site/pdf/<slug>.pdf for every text, see edition.pdf)
    pdfs(root, only)             -> {slug: PdfFile}, the PDFs alone (``build_edition.py pdf``)
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Callable

from .model import Edition
from .pipeline import STAGES, run_pipeline


def progress_printer(stream=sys.stderr, pdf: bool = False) -> Callable[[str, float], None]:
    """A progress display for long steps: one line per finished stage."""
    total = len(STAGES) + 2 + pdf    # + writer and MkDocs (+ PDFs)
    seen = {"n": 0}

    def show(name: str, seconds: float) -> None:
        seen["n"] += 1
        if stream is not None:
            print(f"  [{seen['n']:2d}/{total}] {name:<11} {seconds:6.2f}s", file=stream, flush=True)
    return show


def load_edition(root: Path | str, only: list[str] | None = None,
                 progress: Callable[[str, float], None] | None = None, until: str | None = None,
                 **options) -> Edition:
    """Run the pipeline on the texts under ``root/texts`` (``options``: e.g. ``ids_update=True``)."""
    edition = Edition(root=str(Path(root).resolve()), options={"only": only, **options})
    return run_pipeline(edition, progress=progress, until=until)


def check(root: Path | str, progress=None) -> Edition:
    return load_edition(root, progress=progress)


def build(root: Path | str, out: Path | str | None = None, pdf: bool = False,
          progress=None, only: list[str] | None = None,
          pdf_progress: Callable[[str], None] | None = None) -> Edition:
    """Build the whole edition into ``out`` (default ``root/site``), atomically.

    With ``pdf``, every text's PDF is made first (or taken from the cache) and
    goes into the same aside-then-swap build as ``pdf/<slug>.pdf``."""
    from .render import build_site_model
    from .site import build_site
    root = Path(root).resolve()
    edition = _pipeline_with_citations_aside(root, only, progress)
    pdf_files = {}
    edition.options["pdf"] = pdf
    if pdf:
        from .pdf.produce import data_files, produce_pdfs
        started = time.perf_counter()
        pdf_files = produce_pdfs(edition, progress=pdf_progress)
        if progress:
            progress("pdf", time.perf_counter() - started)
    started = time.perf_counter()
    site = build_site_model(edition, pdf_files)
    if pdf_files:
        site.data_files.extend(data_files(pdf_files))
    if progress:
        progress("render", time.perf_counter() - started)
    started = time.perf_counter()
    build_site(site, root, Path(out) if out else None)
    if progress:
        progress("mkdocs", time.perf_counter() - started)
    return edition


def _pipeline_with_citations_aside(root: Path, only, progress) -> Edition:
    """Run the pipeline; meanwhile a second process formats the citations (citeproc is slow).

    The citations depend only on the manifests and the pages, known after the
    ``units`` stage; the writer then finds them ready.  Same output, sooner.
    """
    from . import cite
    edition = Edition(root=str(root), options={"only": only})
    run_pipeline(edition, progress=progress, until="units")
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if context is None:
        return run_pipeline(edition, progress=progress, start="footnotes")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        formatted = pool.submit(cite.warm_citations, edition)
        run_pipeline(edition, progress=progress, start="footnotes")
        cite.adopt_citations(formatted.result())
    return edition


def pdfs(root: Path | str, only: list[str] | None = None, progress=None,
         pdf_progress: Callable[[str], None] | None = None) -> dict:
    """Make the PDFs of ``only`` (default: every text) into the cache; return ``{slug: PdfFile}``."""
    from .pdf.produce import produce_pdfs
    edition = load_edition(root, only=only, progress=progress)
    if only:
        unknown = sorted(set(only) - {t.slug for t in edition.texts})
        if unknown:
            from .pipeline import BuildError
            raise BuildError([f"texts/{slug}: no such text" for slug in unknown],
                             hint="give the slugs of texts under texts/ (e.g. getty furr)")
    return produce_pdfs(edition, only=only, progress=pdf_progress)


def regenerate(root: Path | str):
    """For ``serve``: rerun the pipeline and the writer, return the new Site."""
    from .render import build_site_model
    return build_site_model(load_edition(root))


def summary_lines(edition: Edition) -> list[str]:
    """The short report printed at the end of ``build`` and ``check``."""
    from .render import report_summary
    lines = []
    for text in edition.texts:
        s = report_summary(text)
        notes = (f", notes {s['notes_linked']}/{s['notes']} linked, {s['notes_unanchored']} unanchored"
                 if s["notes"] else "")
        lines.append(f"{text.slug:<14} {s['lines_in']:>6} lines -> {s['units']:>3} pages, {s['passages']:>5} "
                     f"passages; furniture -{s['furniture_removed']}, rejoined {s['rejoined']}, "
                     f"emendations {s['emendations']}{notes}, warnings {s['warnings']}")
    return lines
