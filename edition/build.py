"""What the commands do, as functions: load, check, build, serve.

``build_edition.py`` is a thin command line over these.

    load_edition(root)           -> Edition after every pipeline stage
    check(root)                  -> Edition (validates, writes nothing)
    build(root, out, pdf=False)  -> Edition, with site/ rebuilt aside and swapped in
                                    (pdf=True: site/pdf/<slug>.pdf for every text, see edition.pdf)
    pdfs(root, only)             -> {slug: PdfFile}, the PDFs alone (``build_edition.py pdf``)
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Callable

from .model import Edition
from .pipeline import STAGES, run_pipeline
from .rendered import RenderMemo


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


def check(root: Path | str, progress=None, only: list[str] | None = None) -> Edition:
    """Run every stage (on the texts in ``only``, or all); write nothing."""
    return load_edition(root, only=only, progress=progress)


def build(root: Path | str, out: Path | str | None = None, pdf: bool = False,
          progress=None, site_url: str | None = None, cache: bool = True,
          pdf_progress: Callable[[str], None] | None = None) -> Edition:
    """Build the whole edition into ``out`` (default ``root/site``), atomically.

    Always every text: the shared pages (home, method, persons, data) need all
    of them (``check --text`` checks a few texts quickly).
    ``site_url``: the published address (else ``EDITION_SITE_URL``, else mkdocs.yml; see
    ``edition.metadata``); ``edition.options["site_url"]`` says which one was used ("" for none).
    With ``cache`` (the default) nothing is redone that has not changed
    (``edition.cache``): an unchanged edition leaves ``out`` untouched.
    With ``pdf``, every text's PDF is made first (or taken from its cache) and
    goes into the same aside-then-swap build as ``pdf/<slug>.pdf``.
    """
    from .metadata import load_metadata, resolve_site_url
    from .render import build_site_model
    from .site import build_site
    root = Path(root).resolve()
    address = resolve_site_url(root, site_url)
    caches = _build_cache(root, Path(out) if out else root / "site", pdf, address) if cache else None
    if caches is not None:
        stamp = caches.unchanged()
        if stamp is not None:
            from .site import clean_leftovers
            clean_leftovers(Path(out) if out else root / "site")
            return Edition(root=str(root), options={"unchanged": True, "site_url": address,
                                                     "summary_lines": stamp.get("summary", [])})
        caches.started()
    options = {"site_url": address, "edition_meta": load_metadata(root)}
    edition = _pipeline_with_citations_aside(root, options, progress, caches)
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
    build_site(site, root, Path(out) if out else None, site_url=address)
    if progress:
        progress("mkdocs", time.perf_counter() - started)
    if caches is not None:
        _save_citations(caches)
        caches.finished(summary_lines(edition))
    return edition


def _build_cache(root: Path, out: Path, pdf: bool, site_url: str):
    """The caches of one build; the key covers every input, the build date and the options."""
    from .cache import BuildCache
    from .site import build_epoch
    return BuildCache(root, out, [f"date={build_epoch(root)}", f"pdf={int(bool(pdf))}", f"site_url={site_url}"])


def _save_citations(caches) -> None:
    from . import cite
    if set(cite._CITEPROC) - set(caches.loaded_citations):
        caches.save_citations(dict(cite._CITEPROC))


def _pipeline_with_citations_aside(root: Path, options: dict, progress, caches=None) -> Edition:
    """Run the pipeline; meanwhile a second process formats the citations (citeproc is slow).

    The citations depend only on the manifests and the pages, known after the
    first stage group (``edition.parallel``); the writer then finds them ready.
    Same output, sooner.  With ``caches``, texts come from ``build/cache`` where
    nothing changed, and so do the citations formatted by earlier builds.
    The worker dies with the build (``edition.processes``); if it fails, the
    citations are formatted here instead.
    """
    from . import cite
    from .parallel import run_texts
    store, inputs = (caches.store, caches.inputs) if caches is not None else (None, None)
    if caches is not None:
        caches.loaded_citations = caches.load_citations()
        cite.adopt_citations(caches.loaded_citations)
    if "fork" not in multiprocessing.get_all_start_methods() or (caches is not None and caches.loaded_citations):
        edition = run_texts(str(root), None, progress, store, inputs, options=options)
        cite.warm_citations(edition)          # from the cache; only new citations are formatted here
        return edition
    context = multiprocessing.get_context("fork")
    workers: list = []

    def start_worker(joined: Edition) -> None:
        receive, send = context.Pipe(duplex=False)
        worker = context.Process(target=_citation_worker, args=(joined, send, os.getpid()),
                                 name="edition-citations", daemon=True)
        worker.start()
        send.close()
        workers.append((worker, receive))

    try:
        edition = run_texts(str(root), None, progress, store, inputs, after_first_group=start_worker,
                            options=options)
        results, ok = None, False
        if workers:
            try:
                ok, results = workers[0][1].recv()
            except EOFError:                   # the worker died: format here
                ok, results = False, None
        cite.adopt_citations(results if ok else cite.warm_citations(edition))
    finally:                                   # also on errors, Ctrl-C and SIGTERM: never leave it behind
        for worker, receive in workers:
            receive.close()
            if worker.is_alive():
                worker.kill()
            worker.join()
    return edition


def _citation_worker(edition: Edition, send, parent: int) -> None:
    """The citation process: dies with its parent, leaves signals to it, sends its results."""
    from .processes import die_with_parent
    die_with_parent(parent)
    from . import cite
    try:
        message = (True, cite.warm_citations(edition))
    except Exception:                          # noqa: BLE001 - the parent formats them itself
        message = (False, None)
    try:
        send.send(message)
    except (BrokenPipeError, OSError):
        pass
    finally:
        send.close()


_SERVED: dict = {}       # serve: the newest cache entries, kept as objects between rebuilds
_RENDERED = RenderMemo()  # serve: the pages the writer rendered last, by what their templates read


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
    """For ``serve``: rerun what changed (pipeline per text, from build/cache) and the writer; return the Site."""
    from .cache import BuildCache
    from .metadata import load_metadata, resolve_site_url
    from .render import build_site_model
    root = Path(root).resolve()
    caches = BuildCache(root, None, memory=_SERVED)
    options = {"site_url": resolve_site_url(root, None), "edition_meta": load_metadata(root)}
    edition = _pipeline_with_citations_aside(root, options, None, caches)
    edition.options["rendered"] = _RENDERED.start(root)       # the writer's memo: after the pipeline, never in a key
    site = build_site_model(edition)
    _RENDERED.finish()
    _save_citations(caches)
    return site


def warm_up(root: Path | str) -> None:
    """``serve``, idle after its first build (every text from build/cache): load what the first rebuild
    of a text needs, the OCR lexicon and the stages' memos, so that the first edit is as quick as the next."""
    from .cache import BuildCache
    from .clean.ocr_words import bigram_model_of
    from .memo import warm_memos
    from .parallel import lexicon_from_cache, preload
    from .stages.correct import edition_lexicon
    root = Path(root).resolve()
    caches = BuildCache(root, None, memory=_SERVED)
    lexicon_from_cache(caches.store, caches.inputs)
    preload(str(root))                                   # the word lists and the segmenter
    bigram_model_of(edition_lexicon(str(root)))
    warm_memos(str(caches.store.directory), caches.inputs.code)


def summary_lines(edition: Edition) -> list[str]:
    """The short report printed at the end of ``build`` and ``check``."""
    if "summary_lines" in edition.options:           # an unchanged build: the lines of the last one
        return list(edition.options["summary_lines"])
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
