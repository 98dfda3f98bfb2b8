#!/usr/bin/env python3
"""Build the scholarly edition: five texts on Soviet politics of the 1930s.

A thin command line over ``edition.build``; run ``python build_edition.py --help``.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


class Terminated(BaseException):
    """SIGTERM (or SIGHUP), raised like KeyboardInterrupt so that clean-up code runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum, frame):
    raise Terminated(signum)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if not getattr(args, "command", None):
        parser().print_help()
        return 2
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _terminate)
    from edition.processes import collect_less_often
    collect_less_often()
    try:
        code = args.func(args)
        _ignore_signals()              # the work is done: a late signal changes nothing
        return code
    except KeyboardInterrupt:
        _ignore_signals()
        print(f"interrupted; {_site_state()}", file=sys.stderr)
        return 130
    except Terminated as exc:
        _ignore_signals()
        print(f"terminated by {signal.Signals(exc.signum).name}; {_site_state()}", file=sys.stderr)
        return 128 + exc.signum
    except BrokenPipeError:            # output piped into `head`: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:   # noqa: BLE001 - the one place that turns errors into messages
        _ignore_signals()
        return report_error(exc, args.debug)


def _ignore_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def _site_state() -> str:
    """What an interruption left: the site is always whole (edition.site.swap)."""
    site = sys.modules.get("edition.site")
    if site is not None and site.INSTALLED:
        return f"the new site was already installed at {site.INSTALLED[-1]}"
    return "site/ left as it was"


def report_error(exc: Exception, debug: bool) -> int:
    from edition.pipeline import BuildError
    if debug:
        raise exc
    if isinstance(exc, BuildError):
        problems = sum(1 for message in exc.messages if not message.startswith("("))
        print(f"error: the build stopped ({problems} problem(s)); site/ was left as it was:", file=sys.stderr)
        for message in exc.messages:
            print(f"  {message}", file=sys.stderr)
        if exc.hint:
            print(f"what to do: {exc.hint}", file=sys.stderr)
        return 2
    print(f"error: {type(exc).__name__}: {exc}\n(run again with --debug for the traceback)", file=sys.stderr)
    return 1


def cmd_build(args) -> int:
    from edition.build import build, progress_printer, summary_lines
    print("building the edition (pipeline, PDFs, pages, site)…" if not args.no_pdf else
          "building the edition (pipeline, pages, site; no PDFs)…", file=sys.stderr)
    edition = build(args.root, out=args.out, pdf=not args.no_pdf, progress=progress_printer(pdf=not args.no_pdf),
                    site_url=args.site_url, cache=not args.no_cache, pdf_progress=_say)
    if edition.options.get("site_url") == "" and not edition.options.get("unchanged"):
        print("note: no published address is set (build --site-url URL, EDITION_SITE_URL, or site_url in "
              "mkdocs.yml): citations use the address the reader has open; no canonical links, sitemap or "
              "robots.txt were written", file=sys.stderr)
    for line in summary_lines(edition):
        print(line)
    if edition.options.get("unchanged"):
        print("nothing changed since the last build (build/cache): the site was left as it is")
        return 0
    print(f"site written to {Path(args.out) if args.out else args.root / 'site'}; "
          "full reports: texts/<slug>/report.html in the site")
    return 0


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def cmd_pdf(args) -> int:
    from edition.build import pdfs, progress_printer
    from edition.pdf.produce import write_pdfs
    out = Path(args.out) if args.out else args.root / "site" / "pdf"
    made = pdfs(args.root, only=args.slugs or None, progress=progress_printer(), pdf_progress=_say)
    for path in write_pdfs(made, out):
        print(path)
    print("the site's pages show each PDF's size and page count after the next `build`", file=sys.stderr)
    return 0


def cmd_check(args) -> int:
    if args.schema:
        from edition.manifest import MANIFEST
        from edition.schema import describe
        print("texts/<slug>/edition.yml — keys, types and meaning:\n")
        print(describe(MANIFEST))
        from edition.metadata import EDITION
        print("\ntexts/edition.yml — the edition's own metadata:\n")
        print(describe(EDITION))
        try:
            from edition.persons import REGISTER_SCHEMA_DOC
            print("\ntexts/persons.yml:\n")
            print(REGISTER_SCHEMA_DOC)
        except ImportError:
            pass
        return 0
    from edition.build import check, progress_printer, summary_lines
    from edition.metadata import load_metadata, resolve_site_url
    load_metadata(args.root)                       # texts/edition.yml: file:line errors, exit 2
    resolve_site_url(args.root)                    # a malformed site_url / EDITION_SITE_URL
    edition = check(args.root, progress=progress_printer(), only=args.text or None)
    for line in summary_lines(edition):
        print(line)
    for text in edition.texts:
        for d in text.report.diagnostics[: args.warnings]:
            print(f"  {d}")
    print("check passed: manifests, witnesses and rules are consistent (nothing was written)")
    return 0


def cmd_serve(args) -> int:
    from edition.build import regenerate, warm_up
    from edition.site import serve
    serve(lambda: regenerate(args.root), args.root, host=args.host, port=args.port,
          warm_up=lambda: warm_up(args.root))
    return 0


def cmd_names(args) -> int:
    from edition.build import load_edition
    from edition.persons import suggest
    edition = load_edition(args.root, until="persons")
    print(suggest(edition, limit=args.limit))
    return 0


def cmd_ids(args) -> int:
    from edition.build import load_edition, progress_printer
    edition = load_edition(args.root, until="ids", progress=progress_printer(), ids_update=True)
    print(edition.options["ids_summary"])
    print("review the ledgers with `git diff texts/*/passages.tsv` and commit them with the change")
    return 0


def cmd_corrections(args) -> int:
    from edition.build import load_edition, progress_printer
    edition = load_edition(args.root, until="correct", progress=progress_printer(), corrections_update=True)
    for text in edition.texts:
        if text.manifest["ocr"]["enabled"]:
            print(f"texts/{text.slug}/corrections.tsv: {len(text.report.corrections)} changes")
    print("review them with `git diff texts/*/corrections.tsv`, veto single changes in the manifest "
          "(ocr.veto), then run `ids --update` and commit")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build_edition.py",
        description="Build, check and preview the scholarly edition (texts/ -> site/).",
        epilog="Errors name file:line and exit 2; --debug shows the traceback.")
    p.add_argument("--debug", action="store_true", help="show a traceback on errors")
    p.add_argument("--root", type=Path, default=ROOT, metavar="DIR",
                   help="project folder holding texts/, templates/, docs/ and mkdocs.yml (default: this one)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="build the whole edition into site/ (built aside, then swapped in)")
    b.add_argument("--no-pdf", action="store_true",
                   help="skip the PDFs (site/pdf/<slug>.pdf; unchanged PDFs come from build/pdf-cache anyway)")
    b.add_argument("--out", help="write the site here instead of site/")
    b.add_argument("--site-url", metavar="URL",
                   help="the address the site will be published at (overrides EDITION_SITE_URL and site_url in "
                        "mkdocs.yml); citations, canonical links and the sitemap use it")
    b.add_argument("--no-cache", action="store_true",
                   help="ignore build/cache and redo everything (the result is the same, only slower)")
    b.set_defaults(func=cmd_build)

    f = sub.add_parser("pdf", help="make the PDF books of some or all texts (site/pdf/<slug>.pdf)")
    f.add_argument("slugs", nargs="*", metavar="SLUG", help="texts to make (default: all)")
    f.add_argument("--out", help="write the PDFs into this folder instead of site/pdf/")
    f.set_defaults(func=cmd_pdf)

    c = sub.add_parser("check", help="validate manifests, witnesses and rules; print the report; write nothing")
    c.add_argument("--schema", action="store_true", help="print the documented manifest schema and exit")
    c.add_argument("--warnings", type=int, default=20, metavar="N", help="show up to N warnings per text")
    c.add_argument("--text", action="append", metavar="SLUG",
                   help="check only this text (repeatable; a quick check while editing one manifest). "
                   "`build` always builds every text: the shared pages (home, persons, method) need all")
    c.set_defaults(func=cmd_check)

    s = sub.add_parser("serve", help="live preview: rebuild when texts/, templates/ or docs/ change")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("names", help="editorial help for the register of persons (texts/persons.yml)")
    n.add_argument("--suggest", action="store_true", required=True,
                   help="list recurring names not in the register and unresolved mentions with file:line")
    n.add_argument("--limit", type=int, default=200, help="how many suggestions to list")
    n.set_defaults(func=cmd_names)

    o = sub.add_parser("corrections", help="OCR corrections: rewrite texts/<slug>/corrections.tsv from the rules")
    o.add_argument("--update", action="store_true", required=True,
                   help="write the changes the rules make now, for review")
    o.set_defaults(func=cmd_corrections)

    i = sub.add_parser("ids", help="permanent passage ids: update the ledgers texts/<slug>/passages.tsv")
    i.add_argument("--update", action="store_true", required=True,
                   help="match the texts against the ledgers and record new, moved, merged and retired ids")
    i.set_defaults(func=cmd_ids)
    return p


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
