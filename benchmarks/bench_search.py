#!/usr/bin/env python3
"""Search speed as a reader feels it: last keystroke -> first result on screen.

Headless Debian Chromium (Playwright) opens a Getty chapter of a built site,
over HTTP (127.0.0.1) and from disk (file://), types each query of QUERIES
key by key (``--delay`` ms between keys, as a quick typist) into Material's
search box, and measures, in the page:

    ready   navigation start -> the search worker has built its index
            (on every page load; from disk, once the search box is opened);
    warm    last keystroke -> the results of the *final* query are on screen,
            typed once the index is ready (the usual case);
    cold    the same, typing as soon as the page has loaded (the index still
            being built: the worst case, the first search on a page).

"The results of the final query" is exact: the script counts the queries the
page sends to the search worker and waits for as many answers, then for the
results list to change.  Each figure is the median of ``--runs`` runs (max in
brackets).  With ``--baseline DIR`` a second site (e.g. built from main) is
measured the same way, alternating with the first, and ratios are printed.

    python benchmarks/bench_search.py                      # builds into build/bench-search-site
    python benchmarks/bench_search.py --site /tmp/s --baseline /tmp/main-site

Also printed: the size of search/search_index.json, its gzip size and the
number of entries.  No timed assertion anywhere: read the numbers.
"""
from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_directory  # noqa: E402

PAGE = "texts/getty/ch02.html"
QUERIES = ["Yezhov", "kulaks", "Kirov murder", '"central committee"', "famine in:khlevniuk",
           "Tukhachevsky"]

# Runs before any script of the page: records, with timestamps, every message
# the page sends to the search worker and every answer, and when the results
# list changes.  window.Worker is wrapped lazily, so the iframe-worker shim
# (which replaces window.Worker when the page is read from disk) is wrapped too.
INSTRUMENT = """
(() => {
  const log = window.__searchLog = {sent: [], answered: [], ready: null, changed: [], lastKey: 0};
  let Impl = window.Worker;
  function Wrapped(url, options) {
    const worker = new Impl(url, options);
    worker.addEventListener("message", event => {
      const type = event.data && event.data.type;
      if (type === 1) log.ready = performance.now();
      if (type === 3) log.answered.push(performance.now());
    });
    const post = worker.postMessage.bind(worker);
    worker.postMessage = message => {
      if (message && message.type === 2) log.sent.push(performance.now());
      return post(message);
    };
    return worker;
  }
  Object.defineProperty(window, "Worker", {configurable: true,
    get: () => Wrapped, set: value => { Impl = value; }});
  document.addEventListener("DOMContentLoaded", () => {
    const list = document.querySelector(".md-search-result__list");
    if (list) new MutationObserver(() => log.changed.push(performance.now()))
      .observe(list, {childList: true});
    const input = document.querySelector(".md-search__input");
    if (input) input.addEventListener("keyup", () => { log.lastKey = performance.now(); });
  });
})();
"""

RESULT = """
() => {
  const log = window.__searchLog;
  if (log.answered.length < log.sent.length || !log.sent.length) return null;
  const answer = log.answered[log.sent.length - 1];
  const shown = log.changed.filter(t => t >= answer);
  if (!shown.length) return null;
  return {latency: shown[0] - log.lastKey, ready: log.ready,
          items: document.querySelectorAll('.md-search-result__item').length};
}
"""


def measure(browser, base: str, query: str, delay: int, cold: bool) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route(lambda url: not (url.startswith("file:") or url.startswith("http://127.0.0.1")),
                  lambda route: route.abort())
    context.add_init_script(INSTRUMENT)
    page = context.new_page()
    try:
        page.goto(base + PAGE, wait_until="load")
        page.click(".md-search__input")       # from disk, Material loads the index only now
        if not cold:
            page.wait_for_function("window.__searchLog.ready !== null", timeout=30_000)
        page.keyboard.type(query, delay=delay)
        handle = page.wait_for_function(RESULT, timeout=30_000, polling=20)
        found = handle.json_value()
        return {"latency": found["latency"] / 1000, "ready": (found["ready"] or 0) / 1000,
                "items": found["items"]}
    except Exception as exc:  # noqa: BLE001 - a site whose search fails is a result too
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"}
    finally:
        context.close()


def index_size(site: Path) -> str:
    index = site / "search" / "search_index.json"
    if not index.exists():
        return "no search/search_index.json"
    from edition.site_assets import entries
    data = index.read_bytes()
    docs = len(entries(json.loads(data)["docs"]))
    extra = sum(p.stat().st_size for p in site.rglob("*") if p.suffix == ".map" or "lunr" in p.parts)
    return (f"{len(data) / 1e6:.2f} MB ({len(gzip.compress(data)) / 1e6:.2f} MB gzip), {docs} entries; "
            f"source maps + lunr language files shipped: {extra / 1e6:.2f} MB")


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.3f} s (max {max(values):.3f})" if values else "   no result"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, help="a built site (default: build one into build/bench-search-site)")
    ap.add_argument("--baseline", type=Path, help="a second built site to compare with (e.g. from main)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--delay", type=int, default=120, help="ms between keystrokes")
    ap.add_argument("--modes", default="http,file")
    ap.add_argument("--no-cold", action="store_true", help="skip the cold (index still building) runs")
    args = ap.parse_args(argv)
    site = args.site
    if site is None:
        from edition.build import build
        site = ROOT / "build" / "bench-search-site"
        print(f"building the edition into {site} …", file=sys.stderr)
        build(ROOT, site, pdf=False)
    sites = {"this": site.resolve()}
    if args.baseline:
        sites["baseline"] = args.baseline.resolve()
    servers = {name: serve_directory(path) for name, path in sites.items()}
    from playwright.sync_api import sync_playwright

    kinds = ["warm"] + ([] if args.no_cold else ["cold"])
    results: dict = {}
    broken: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for run in range(args.runs):
            for mode in args.modes.split(","):
                for query in QUERIES:
                    for kind in kinds:
                        for name in sites:        # alternate the sites: same machine load for both
                            base = servers[name][1] if mode == "http" else sites[name].as_uri() + "/"
                            if (name, mode) in broken:        # search does not work there: once is enough
                                r = {"error": broken[(name, mode)]}
                            else:
                                r = measure(browser, base, query, args.delay, kind == "cold")
                                if "error" in r:
                                    broken[(name, mode)] = r["error"]
                            results.setdefault((name, mode, kind), []).append(r)
                            results.setdefault((name, mode, kind, query), []).append(r)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
        browser.close()
    for server, _url in servers.values():
        server.shutdown()

    for name, path in sites.items():
        print(f"{name:9} {path}: index {index_size(path)}")
    print(f"\nlast keystroke -> results of the final query on screen ({args.runs} runs, "
          f"{args.delay} ms between keys; median, max)")
    for mode in args.modes.split(","):
        for kind in kinds:
            row = []
            for name in sites:
                ok = [r["latency"] for r in results[(name, mode, kind)] if "latency" in r]
                bad = [r["error"] for r in results[(name, mode, kind)] if "error" in r]
                row.append(f"{name}: {summary(ok)}" + (f" [{len(bad)} failed: {bad[0]}]" if bad else ""))
            ratio = ""
            if len(sites) == 2:
                a = [r["latency"] for r in results[("this", mode, kind)] if "latency" in r]
                b = [r["latency"] for r in results[("baseline", mode, kind)] if "latency" in r]
                if a and b:
                    ratio = f"   ratio this/baseline {statistics.median(a) / statistics.median(b):.2f}"
            print(f"  {mode:4} {kind:4}  " + "   ".join(row) + ratio)
        ready = [r["ready"] for r in results[("this", mode, "warm")] if r.get("ready")]
        print(f"  {mode:4} index ready after page start (this): {summary(ready)}")
    print("\nper query (this site, warm, median):")
    for mode in args.modes.split(","):
        for query in QUERIES:
            ok = [r["latency"] for r in results[("this", mode, "warm", query)] if "latency" in r]
            items = [r["items"] for r in results[("this", mode, "warm", query)] if "items" in r]
            print(f"  {mode:4} {query!r:24} {summary(ok)}  {items[-1] if items else 0} result groups")
    return 0


if __name__ == "__main__":
    sys.exit(main())
