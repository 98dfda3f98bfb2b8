"""Time the five PDF books against a bare WeasyPrint render of the same texts, side by side.

    .venv/bin/python benchmarks/bench_pdf.py [--rounds 1] [--text getty ...]

Edition:  ``edition.pdf.typeset`` of each text's print HTML (``edition.pdf.book``): title page,
          contents with page numbers, running heads, footnotes, margin passage numbers,
          hyphenation and justification, outline, name index (laid out after the book). No cache.
Baseline: WeasyPrint on the same text as plain paragraphs: every unit title an ``<h1>``
          starting a page, every passage and every note paragraph a ``<p>`` of its plain text
          (notes at the end of their unit), same page size, margins, fonts and font size; no notes
          machinery, no running heads, no numbers, no hyphenation, no index.

``--features`` instead lays out one text (default Khlevniuk, the most footnoted) as made, with
each costly feature switched off in turn (footnotes, hyphenation, justification, margin numbers,
running heads, raised note calls, widow and orphan control), with all of them off, and bare: what
each feature costs, and how far the book is from the baseline even with none of them.

Every render runs in a fresh process (``spawn``), baseline and edition alternating per text, so
each peak memory (the child's max RSS) is that of one render alone and drift hits both.  Prints
wall and CPU seconds and pages per text, the ratios of the totals (target <= 1.5; on a shared
machine the CPU ratio is the steadier one) and the highest peak memory
(target <= 1 GB).  Not a test.
"""
from __future__ import annotations

import argparse
import html
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_CSS = """
@page { size: 156mm 234mm; margin: 20mm 20mm 22mm 20mm; }
html { font-family: "Source Serif 4", serif; font-size: 10pt; line-height: 1.38; }
h1 { break-before: page; font-size: 17pt; font-weight: 400; }
"""


def bare_html(text, fonts_uri: str) -> str:
    """The baseline document of one text: plain paragraphs, the same fonts."""
    from edition.addresses import live_units
    faces = "".join(
        f'@font-face {{ font-family: "Source Serif 4"; font-style: {style}; font-weight: {weight}; '
        f'src: url("{fonts_uri}source-serif-4-{subset}-{weight}-{style}.ttf") format("truetype"); }}\n'
        for weight in (400, 700) for style in ("normal", "italic") for subset in ("latin", "latin-ext", "cyrillic"))
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><style>{faces}{BARE_CSS}</style>"
             "</head><body>"]
    for unit in live_units(text):
        parts.append(f"<h1>{html.escape(unit.title)}</h1>")
        parts.extend(f"<p>{html.escape(block.plain())}</p>" for block in unit.blocks)
        parts.extend(f"<p>{html.escape(block.plain())}</p>" for note in unit.notes for block in note.blocks)
    parts.append("</body></html>")
    return "".join(parts)


def _render_bare(document: str, base_url: str):
    import resource
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    started, cpu = time.perf_counter(), time.process_time()
    rendered = weasyprint.HTML(string=document, base_url=base_url).render(font_config=FontConfiguration())
    rendered.write_pdf()
    return (time.perf_counter() - started, time.process_time() - cpu, len(rendered.pages),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _render_book(book, base_url: str):
    import resource
    from edition.pdf.typeset import typeset
    started, cpu = time.perf_counter(), time.process_time()
    result = typeset(book, base_url)
    return (time.perf_counter() - started, time.process_time() - cpu, result.pages,
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# What each feature of the book costs: the book laid out with that feature switched off (a style
# sheet appended after the print style sheet), and with all of them off at once.
FEATURES_OFF = {
    "footnotes": ".fn { float: none !important; display: none !important; }",
    "hyphenation": "* { hyphens: manual !important; }",
    "justification": "* { text-align: left !important; }",
    "margin numbers": ".pnum { display: none !important; } .passage { position: static !important; }",
    "running heads": "@page :left { @top-left { content: none; } } @page :right { @top-right { content: none; } } "
                     "@page { @bottom-center { content: none; } }",
    "raised calls": "a.call, .call.lost-call { position: static !important; top: auto !important; }",
    "widows, orphans": "p, li, dd, blockquote { orphans: 1 !important; widows: 1 !important; }",
}


def _layout_only(document: str, base_url: str):
    """Lay out a document (no PDF written, no index): the time WeasyPrint spends on the layout."""
    import logging
    import resource
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    started, cpu = time.perf_counter(), time.process_time()
    rendered = weasyprint.HTML(string=document, base_url=base_url).render(font_config=FontConfiguration())
    return (time.perf_counter() - started, time.process_time() - cpu, len(rendered.pages),
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def cost_of_features(text, book, base_url: str, rounds: int) -> None:
    """Print the layout time of ``book`` with each feature off, against the bare document's."""
    from edition.pdf.book import font_dir
    documents = {"bare (baseline)": bare_html(text, font_dir(ROOT)), "book as made": book.html}
    for name, css in FEATURES_OFF.items():
        documents[f"book without {name}"] = book.html.replace("</head>", f"<style>{css}</style></head>", 1)
    everything = " ".join(FEATURES_OFF.values())
    documents["book without all of these"] = book.html.replace("</head>", f"<style>{everything}</style></head>", 1)
    times = {}
    print(f"{text.slug}: layout only (no PDF written, no name index), best of {rounds}, each in a fresh process")
    print(f"{'document':<36} {'wall s':>7} {'cpu s':>6} {'pages':>5} {'cpu/bare':>8}")
    for name, document in documents.items():
        best = None
        for _ in range(rounds):
            seconds, cpu, pages, _ = in_fresh_process(_layout_only, document, base_url)
            best = (seconds, cpu, pages) if best is None or cpu < best[1] else best
        times[name] = best
        ratio = best[1] / times["bare (baseline)"][1]
        print(f"{name:<36} {best[0]:7.1f} {best[1]:6.1f} {best[2]:5d} {ratio:8.2f}", flush=True)


def in_fresh_process(function, *args):
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(function, args)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="renders of each text and kind (default 1)")
    parser.add_argument("--text", action="append", help="only this text (repeatable)")
    parser.add_argument("--features", action="store_true",
                        help="instead: what each feature of the book costs (layout with it switched off; "
                             "default text khlevniuk)")
    args = parser.parse_args(argv)

    from edition.build import load_edition
    from edition.pdf.book import BookWriter, font_dir
    if args.features and not args.text:
        args.text = ["khlevniuk"]
    edition = load_edition(ROOT, only=args.text)
    writer = BookWriter(edition)
    base_url = ROOT.as_uri() + "/"
    if args.features:
        for text in edition.texts:
            cost_of_features(text, writer.book(text), base_url, args.rounds)
        return 0
    totals = {"bare": [0.0, 0.0], "book": [0.0, 0.0]}
    peak = 0
    print(f"{'text':<14} {'bare s':>7} {'cpu':>6} {'pages':>5} {'book s':>7} {'cpu':>6} {'pages':>5} "
          f"{'ratio':>6} {'cpu':>6} {'peak MB':>8}")
    for text in edition.texts:
        book = writer.book(text)
        bare = bare_html(text, font_dir(ROOT))
        best = {"bare": [1e9, 1e9], "book": [1e9, 1e9]}
        pages = {}
        for _ in range(args.rounds):
            for kind, function, document in (("bare", _render_bare, bare), ("book", _render_book, book)):
                seconds, cpu, count, rss_kb = in_fresh_process(function, document, base_url)
                best[kind] = [min(best[kind][0], seconds), min(best[kind][1], cpu)]
                pages[kind] = count
                peak = max(peak, rss_kb)
        for kind in totals:
            totals[kind] = [totals[kind][0] + best[kind][0], totals[kind][1] + best[kind][1]]
        print(f"{text.slug:<14} {best['bare'][0]:7.1f} {best['bare'][1]:6.1f} {pages['bare']:5d} "
              f"{best['book'][0]:7.1f} {best['book'][1]:6.1f} {pages['book']:5d} "
              f"{best['book'][0] / best['bare'][0]:6.2f} {best['book'][1] / best['bare'][1]:6.2f} "
              f"{peak / 1024:8.0f}", flush=True)
    wall = totals["book"][0] / totals["bare"][0]
    cpu = totals["book"][1] / totals["bare"][1]
    print(f"{'total':<14} {totals['bare'][0]:7.1f} {totals['bare'][1]:6.1f} {'':5} {totals['book'][0]:7.1f} "
          f"{totals['book'][1]:6.1f} {'':5} {wall:6.2f} {cpu:6.2f}")
    print(f"ratio book/bare: wall {wall:.2f}, cpu {cpu:.2f} (target <= 1.5); peak memory of one render "
          f"{peak / 1024:.0f} MB (target <= 1024 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
