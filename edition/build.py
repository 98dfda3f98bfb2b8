"""What the commands do, as functions: load, check, build, serve.

``build_edition.py`` is a thin command line over these.

    load_edition(root)           -> Edition after every pipeline stage
    check(root)                  -> Edition (validates, writes nothing)
    build(root, out, pdf=False)  -> Edition, with site/ rebuilt aside and swapped in
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from .model import Edition
from .pipeline import STAGES, run_pipeline


def progress_printer(stream=sys.stderr) -> Callable[[str, float], None]:
    """A progress display for long steps: one line per finished stage."""
    total = len(STAGES) + 2          # + writer and MkDocs
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
          progress=None, site_url: str | None = None) -> Edition:
    """Build the whole edition into ``out`` (default ``root/site``), atomically.

    Always every text: the shared pages (home, method, persons, data) need all
    of them (``check --text`` checks a few texts quickly).
    ``site_url``: the published address (else ``EDITION_SITE_URL``, else mkdocs.yml; see
    ``edition.metadata``); ``edition.options["site_url"]`` says which one was used ("" for none)."""
    from .metadata import load_metadata, resolve_site_url
    from .render import build_site_model
    from .site import build_site
    root = Path(root).resolve()
    address = resolve_site_url(root, site_url)
    options = {"site_url": address, "edition_meta": load_metadata(root)}
    edition = _pipeline_with_citations_aside(root, options, progress)
    started = time.perf_counter()
    site = build_site_model(edition)
    if progress:
        progress("render", time.perf_counter() - started)
    started = time.perf_counter()
    build_site(site, root, Path(out) if out else None, site_url=address)
    if progress:
        progress("mkdocs", time.perf_counter() - started)
    return edition


def _pipeline_with_citations_aside(root: Path, options: dict, progress) -> Edition:
    """Run the pipeline; meanwhile a second process formats the citations (citeproc is slow).

    The citations depend only on the manifests and the pages, known after the
    ``units`` stage; the writer then finds them ready.  Same output, sooner.
    The worker dies with the build (``_citation_worker``); if it fails, the
    citations are formatted here instead.
    """
    from . import cite
    edition = Edition(root=str(root), options=dict(options))
    run_pipeline(edition, progress=progress, until="units", defer_errors=True)
    if edition.errors or "fork" not in multiprocessing.get_all_start_methods():
        return run_pipeline(edition, progress=progress, start="footnotes")
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_citation_worker, args=(edition, send, os.getpid()),
                             name="edition-citations", daemon=True)
    worker.start()
    send.close()
    try:
        run_pipeline(edition, progress=progress, start="footnotes")
        try:
            ok, results = receive.recv()
        except EOFError:                       # the worker died: format here
            ok, results = False, None
        cite.adopt_citations(results if ok else cite.warm_citations(edition))
    finally:                                   # also on errors, Ctrl-C and SIGTERM: never leave it behind
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
    return edition


def _citation_worker(edition: Edition, send, parent: int) -> None:
    """The citation process: dies with its parent, leaves signals to it, sends its results."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # Ctrl-C reaches the whole group: the parent decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
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


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG),
    even by SIGKILL; then make sure the parent did not die before we asked."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):          # not Linux: the parent kills us in its `finally`
        pass
    if os.getppid() != parent:
        os._exit(1)


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
