#!/usr/bin/env python3
"""Forward-compatibility check: build the edition's pages with Zensical (non-blocking).

Material for MkDocs reaches end of life in May 2027 and names Zensical, which
reads mkdocs.yml, as its successor.  This check answers "would our generated
pages build with it, and how would the result differ?".  It never fails the
build or `make test`: it prints a report and exits 0 whatever happens (1 only
for a bug of the check itself, e.g. bad arguments).

Steps:

1. a throwaway virtualenv ``build/zensical-venv`` (never the project's venv)
   with ``pip install zensical==<version>`` (default 0.1.1); if that fails,
   the report says why (pip's last lines) and the check stops;
2. the edition pipeline runs and ``edition.site.write_sources`` writes the
   generated pages (front matter + finished HTML) next to a copy of docs/
   into ``build/zensical/docs``, with a copy of mkdocs.yml that carries the
   navigation MkDocs is otherwise handed in memory;
3. ``zensical build`` runs there, and the same sources are built with MkDocs
   (``edition.site.build_site``) for comparison;
4. the report compares the two sites page by page: pages missing on either
   side, passage ids, note markers, person links, literal source text turned
   into markup (Zensical runs no MkDocs hooks, so it sees our HTML as Markdown),
   search index, files for reading from disk.

    python tools/zensical_check.py [--version 0.1.1] [--dry-run]

The report is printed and written to ``build/zensical/report.txt``.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--version", default="0.1.1", help="Zensical version to install (default 0.1.1)")
    ap.add_argument("--venv", type=Path, default=ROOT / "build" / "zensical-venv")
    ap.add_argument("--out", type=Path, default=ROOT / "build" / "zensical")
    ap.add_argument("--dry-run", action="store_true",
                    help="no Zensical: write the sources, build them with MkDocs and compare that site "
                         "with itself (tests the check's own steps)")
    args = ap.parse_args(argv)
    lines: list[str] = [f"Zensical check ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}), "
                        f"zensical=={args.version}"]
    try:
        run_check(args, lines)
    except Exception as exc:  # noqa: BLE001 - non-blocking: any failure is a finding
        lines.append(f"check stopped: {type(exc).__name__}: {exc}")
    report = "\n".join(lines) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.txt").write_text(report, encoding="utf-8")
    print(report)
    return 0


def run_check(args, lines: list[str]) -> None:
    if args.dry_run:
        write_project(args.out, lines)
        m_site = args.out / "site-mkdocs"
        mkdocs_build(m_site, lines)
        compare(m_site, m_site, lines)
        return
    zensical = install(args.venv, args.version, lines)
    if zensical is None:
        return
    docs, config = write_project(args.out, lines)
    z_site = args.out / "site-zensical"
    shutil.rmtree(z_site, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run([str(zensical), "build", "--config-file", str(config)], cwd=args.out,
                          capture_output=True, text=True, timeout=1800)
    took = time.perf_counter() - started
    lines.append(f"zensical build: exit {proc.returncode} in {took:.1f} s")
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
    lines.extend("  | " + line for line in tail)
    m_site = args.out / "site-mkdocs"
    mkdocs_build(m_site, lines)
    if proc.returncode == 0 and z_site.exists():
        compare(m_site, z_site, lines)


def install(venv: Path, version: str, lines: list[str]) -> Path | None:
    zensical = venv / "bin" / "zensical"
    if zensical.exists() and _installed_version(venv) == version:
        lines.append(f"zensical {version} already installed in {venv}")
        return zensical
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                           f"zensical=={version}"], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        errors = [l for l in (proc.stdout + proc.stderr).splitlines()
                  if l.startswith("ERROR") or "No matching" in l]
        lines.append(f"RESULT: zensical=={version} does not install here (pip exit {proc.returncode}):")
        lines.extend("  | " + l for l in (errors or proc.stderr.splitlines()[-5:]))
        lines.append("No build was attempted.  Nothing in the edition depends on this check.")
        return None
    lines.append(f"installed zensical {_installed_version(venv)} into {venv}")
    return zensical


def _installed_version(venv: Path) -> str:
    proc = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import importlib.metadata as m; print(m.version('zensical'))"],
                          capture_output=True, text=True)
    return proc.stdout.strip()


def write_project(out: Path, lines: list[str]) -> tuple[Path, Path]:
    """build/zensical/docs (docs/ + generated sources) and build/zensical/mkdocs.yml (with the nav)."""
    import yaml

    from edition.build import load_edition
    from edition.render import build_site_model
    from edition.site import nav_config, write_sources
    site = build_site_model(load_edition(ROOT))
    docs = out / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(ROOT / "docs", docs)
    write_sources(site, docs)
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config.update(docs_dir="docs", site_dir="site-zensical", nav=nav_config(site.nav, pages))
    config["theme"]["custom_dir"] = str(ROOT / "templates" / "theme")
    config["hooks"] = [str(ROOT / "edition" / "mkdocs_hooks.py")]
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lines.append(f"sources: {len(pages)} pages in {docs} (generated by the pipeline + docs/), config {path}")
    global _SITE
    _SITE = site
    return docs, path


_SITE = None


def mkdocs_build(m_site: Path, lines: list[str]) -> None:
    from edition.site import build_site
    started = time.perf_counter()
    build_site(_SITE, ROOT, m_site)
    lines.append(f"mkdocs build (edition.site.build_site, for comparison): {time.perf_counter() - started:.1f} s")


_COUNTS = {
    "passage ids": re.compile(r'class="passage[^"]*" id="[pn][\d.]+"'),
    "note markers": re.compile(r'class="footnote-ref"'),
    "person links": re.compile(r'class="person"'),
    "<em> (markup from source text?)": re.compile(r"<em>"),
}


def compare(m_site: Path, z_site: Path, lines: list[str]) -> None:
    m_pages = {p.relative_to(m_site).as_posix() for p in m_site.rglob("*.html")}
    z_pages = {p.relative_to(z_site).as_posix() for p in z_site.rglob("*.html")}
    lines.append(f"pages: mkdocs {len(m_pages)}, zensical {len(z_pages)}; "
                 f"only mkdocs {len(m_pages - z_pages)}, only zensical {len(z_pages - m_pages)}")
    for name, group in (("only in the MkDocs site", m_pages - z_pages), ("only in the Zensical site", z_pages - m_pages)):
        if group:
            lines.append(f"  {name}: " + ", ".join(sorted(group)[:10]) + (" …" if len(group) > 10 else ""))
    totals = {key: [0, 0] for key in _COUNTS}
    differing = {key: [] for key in _COUNTS}
    for page in sorted(m_pages & z_pages):
        m_html = _main(m_site / page)
        z_html = _main(z_site / page)
        for key, pattern in _COUNTS.items():
            a, b = len(pattern.findall(m_html)), len(pattern.findall(z_html))
            totals[key][0] += a
            totals[key][1] += b
            if a != b:
                differing[key].append(f"{page} ({a} vs {b})")
    for key, (a, b) in totals.items():
        lines.append(f"{key}: mkdocs {a}, zensical {b}; pages differing {len(differing[key])}"
                     + (": " + ", ".join(differing[key][:6]) if differing[key] else ""))
    for path in ("search/search_index.json", "search/search_index.js", "assets/search/worker.js",
                 "assets/vendor/iframe-worker/shim.js"):
        lines.append(f"{path}: mkdocs {'yes' if (m_site / path).exists() else 'no'}, "
                     f"zensical {'yes' if (z_site / path).exists() else 'no'}")


def _main(path: Path) -> str:
    html = path.read_text(encoding="utf-8", errors="replace")
    match = re.search(r'<article class="md-content__inner[^>]*>(.*?)</article>\s*</div>', html, re.S)
    return match.group(1) if match else html


if __name__ == "__main__":
    sys.exit(main())
