"""Published addresses are stable across versions.

The previous release is the commit 2432b10 (its ledgers ``texts/*/passages.tsv`` and manifests say
which pages and passage ids it published).  Every page address of that release must still be a
page of the built edition, and every passage id it issued must still resolve on its page: directly
(an element with that id), or through the forwarding of moved passages (the page's alias map in
``data/cite/<text>/<unit>.js``, or the forwarding page left at the address of a removed page).
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RELEASE = "2432b10"


def at_release(path: str) -> str | None:
    done = subprocess.run(["git", "-C", str(ROOT), "show", f"{RELEASE}:{path}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


@pytest.fixture(scope="module")
def release():
    """``{text: {"pages": [unit slugs], "ids": [(unit, pid)]}}`` as the release published them."""
    if subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{RELEASE}^{{commit}}"]).returncode != 0:
        pytest.skip(f"the release commit {RELEASE} is not in this clone's history (shallow clone?)")
    out = {}
    for slug in ("furr", "furr-abridged", "medvedev", "khlevniuk", "getty"):
        manifest = yaml.safe_load(at_release(f"texts/{slug}/edition.yml"))
        ledger = at_release(f"texts/{slug}/passages.tsv")
        rows = [line.split("\t") for line in ledger.splitlines() if line and not line.startswith("#")][1:]
        notes_unit = (manifest.get("notes") or {}).get("section_unit")       # distributed, never a page
        out[slug] = {"pages": [u["slug"] for u in manifest["units"] if not u.get("drop") and u["slug"] != notes_unit],
                     "ids": [(r[0], r[1]) for r in rows if r[2] == "live"]}
    return out


def page_ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def aliases(site: Path, slug: str, unit: str) -> dict[str, str]:
    script = site / "data" / "cite" / slug / f"{unit}.js"
    if not script.exists():
        return {}
    return json.loads(script.read_text(encoding="utf-8")[len("window.EDITION_CITE = "):-2]).get("aliases", {})


def test_every_page_and_passage_the_last_release_published_still_resolves(built_site, release):
    problems, checked = [], 0
    for slug, published in release.items():
        for page in ["index", "report"] + published["pages"]:
            if not (built_site / "texts" / slug / f"{page}.html").is_file():
                problems.append(f"texts/{slug}/{page}.html: page gone")
        cache: dict[str, tuple[set[str], dict, str]] = {}
        for unit, pid in published["ids"]:
            checked += 1
            if unit not in cache:
                path = built_site / "texts" / slug / f"{unit}.html"
                html = path.read_text(encoding="utf-8") if path.exists() else ""
                cache[unit] = (page_ids(html), aliases(built_site, slug, unit), html)
            ids, moved, html = cache[unit]
            if pid in ids:
                continue
            target = moved.get(pid)
            if target is None and "var moved = " in html:                    # forwarding page of a removed page
                table = json.loads(re.search(r"var moved = (\{.*?\});", html).group(1))
                target = table.get(pid)
            if target is None:
                problems.append(f"texts/{slug}/{unit}.html#{pid}: not found and not forwarded")
                continue
            page, _, anchor = target.partition("#")
            other = built_site / "texts" / slug / (page or f"{unit}.html")
            if not other.exists() or anchor not in page_ids(other.read_text(encoding="utf-8")):
                problems.append(f"texts/{slug}/{unit}.html#{pid}: forwarded to {target}, which does not exist")
    assert checked > 7000
    assert not problems, f"{len(problems)} of {checked} addresses broken: {problems[:20]}"
    for page in ("index.html", "method.html"):
        assert (built_site / page).is_file()
