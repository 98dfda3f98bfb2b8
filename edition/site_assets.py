"""Finishing touches on the built site: the search index, unused theme files, the download zip.

``finish_search(site_dir, texts)`` (called by the MkDocs hooks after the build):

- rewrites Material's search index (``search/search_index.json`` and its copy
  for reading from disk, ``search/search_index.js``) into the compact form the
  edition's search worker (docs/assets/search/worker.js) reads: one entry per
  page, ``[url, title, [[anchor, text], ...], text?]``; a passage's title (its number)
  is left out, the worker makes it from the anchor::

      {"location": "texts/getty/ch02.html#p3", "title": "¶ 3", "text": "THE CENTRAL …"}
      ->  ["texts/getty/ch02.html", "<text> · Chapter 2: …", [["p3", "THE CENTRAL …"], …]]

  Texts lose any markup (hand-written pages); JSON is written as UTF-8;
- writes ``assets/search/texts.js``: the texts the search panel can filter by;
- deletes what the site never loads: Material's lunr worker, the source maps
  of its scripts and styles (1.3 MB), the 32 lunr language files and the
  Japanese/Thai word-cut scripts (700 KB).

``write_zip(site_dir, path)``: the whole site as one zip for reading offline,
deterministic (entries sorted, fixed timestamps, fixed permissions), so two
builds give the same bytes.

    write_zip(Path("site"), Path("site/download/edition-site.zip"))
    -> edition-site.zip holds every file of site/ but itself, under edition/
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

UNUSED = ("assets/javascripts/lunr", "assets/javascripts/workers")   # replaced by assets/search/worker.js
ZIP_URL = "download/edition-site.zip"
ZIP_FOLDER = "edition"                               # the folder a reader gets when unzipping
ZIP_TIME = (1980, 1, 1, 0, 0, 0)                     # zip's epoch: no build clock in the bytes
ZIP_LEVEL = 1                                        # deflate level: 8.3 MB in 1.3 s; level 6: 6.9 MB in 6 s
_PASSAGE_ANCHOR = re.compile(r"^[pn]\d")
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def finish_search(site_dir: Path, texts: list[tuple[str, str]]) -> None:
    site_dir = Path(site_dir)
    index = site_dir / "search" / "search_index.json"
    if index.exists():
        data = json.loads(index.read_text(encoding="utf-8"))
        data["docs"] = compact(data["docs"])
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        index.write_text(payload, encoding="utf-8")
        (site_dir / "search" / "search_index.js").write_text(f"var __index = {payload}", encoding="utf-8")
    for name in UNUSED:
        shutil.rmtree(site_dir / name, ignore_errors=True)
    for source_map in site_dir.glob("assets/*/*.map"):
        source_map.unlink()
        script = source_map.with_suffix("")            # main.min.css.map -> main.min.css
        if script.is_file():
            script.write_text(_without_source_map(script.read_text(encoding="utf-8")), encoding="utf-8")
    target = site_dir / "assets/search/texts.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    listing = json.dumps([{"slug": slug, "title": title} for slug, title in texts],
                         ensure_ascii=False, separators=(",", ":"))
    target.write_text(f"var __editionTexts = {listing};\n", encoding="utf-8")


def compact(docs: list[dict]) -> list[list]:
    """Material's flat entries -> ``[url, title, entries]`` per page, in their order.

    >>> compact([{"location": "a.html", "title": "A", "text": ""},
    ...          {"location": "a.html#p1", "title": "¶ 1", "text": "x"},
    ...          {"location": "a.html#s", "title": "S", "text": "<p>y</p>", "boost": 3}])
    [['a.html', 'A', [['p1', 'x'], ['s', 'y', 'S', 3]]]]
    """
    pages: dict[str, list] = {}
    for doc in docs:
        url, _, anchor = doc["location"].partition("#")
        text = _plain(doc.get("text", ""))
        page = pages.get(url)
        if page is None:
            page = pages[url] = [url, doc["title"], []]
            if not anchor:
                if text:
                    page.append(text)          # the page's own text, before its first heading
                continue
        entry = [anchor, text]
        if not (_PASSAGE_ANCHOR.match(anchor) and doc["title"].startswith("¶")) or doc.get("boost"):
            entry.append(doc["title"])
        if doc.get("boost"):
            entry.append(doc["boost"])
        page[2].append(entry)
    return list(pages.values())


def entries(docs: list) -> list[tuple[str, str, str]]:
    """``(location, title, text)`` of every entry of a search index (compact, or Material's flat form).

    >>> entries([["a.html", "A", [["p1", "x"], ["s", "y", "S", 3]], "intro"]])
    [('a.html', 'A', 'intro'), ('a.html#p1', '¶ 1', 'x'), ('a.html#s', 'S', 'y')]
    """
    out = []
    for doc in docs:
        if isinstance(doc, dict):
            out.append((doc["location"], doc["title"], doc.get("text", "")))
            continue
        out.append((doc[0], doc[1], doc[3] if len(doc) > 3 else ""))
        for entry in doc[2]:
            title = entry[2] if len(entry) > 2 else "¶ " + (entry[0][1:] if entry[0].startswith("p") else entry[0])
            out.append((f"{doc[0]}#{entry[0]}", title, entry[1]))
    return out


def _plain(text: str) -> str:
    """Entry text without markup, still escaped (``<p>a &amp; b</p>`` -> ``a &amp; b``)."""
    if "<" not in text:
        return text
    return html.escape(html.unescape(_SPACE.sub(" ", _TAG.sub(" ", text)).strip()), quote=False)


_SOURCE_MAP_LINE = re.compile(r"\n?(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^*]*\*/)\s*$")


def _without_source_map(script: str) -> str:
    """Drop the closing ``//# sourceMappingURL=`` (or CSS ``/*# … */``) line: the map is not shipped."""
    stripped, found = _SOURCE_MAP_LINE.subn("", script)
    return stripped + "\n" if found else script      # dropped already (a serve rebuild that kept the file)


def write_zip(site_dir: Path, path: Path) -> Path:
    """Zip every file under ``site_dir`` (but ``path``) into ``path``, reproducibly."""
    site_dir, path = Path(site_dir), Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    files = sorted((p for p in site_dir.rglob("*") if p.is_file() and p.resolve() != path.resolve()),
                   key=lambda p: p.relative_to(site_dir).as_posix())
    partial = path.with_name(path.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        for file in files:
            name = f"{ZIP_FOLDER}/{file.relative_to(site_dir).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            with open(file, "rb") as handle:
                archive.writestr(info, handle.read(), compresslevel=ZIP_LEVEL)
    os.replace(partial, path)
    return path
