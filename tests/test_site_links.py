"""The built edition as files: every internal link and anchor lands, nothing is
loaded from another host, and two builds are byte-identical.  (No browser.)"""
from __future__ import annotations

import hashlib
from pathlib import Path

from tests.linkcheck import broken_links, parse_site, remote_resources

ROOT = Path(__file__).resolve().parent.parent


def tree_digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_every_internal_link_and_anchor_lands(built_site):
    pages = parse_site(built_site)
    assert len(pages) > 20
    problems = broken_links(built_site, pages)
    assert not problems, f"{len(problems)} broken links, first ones:\n" + "\n".join(problems[:60])


def test_no_page_loads_anything_from_another_host(built_site):
    remote = remote_resources(built_site)
    assert not remote, "\n".join(remote[:60])


def test_every_page_has_one_canonical_address_once_an_address_is_set(addressed_site):
    for path in sorted(addressed_site.rglob("*.html")):
        if path.name == "404.html":
            continue
        html = path.read_text(encoding="utf-8")
        if "<title>Moved</title>" in html:          # forwarding page of a removed unit
            continue
        assert html.count('rel="canonical"') == 1, path.relative_to(addressed_site)


def test_fonts_are_self_hosted_and_small(built_site):
    fonts = sorted((built_site / "assets" / "fonts").glob("*.woff2"))
    families = {p.name.split("-")[0] + "-" + p.name.split("-")[1] for p in fonts}
    assert families == {"source-serif", "source-sans"}
    assert sum(p.stat().st_size for p in fonts) < 1_500_000
    assert (built_site / "assets" / "fonts" / "OFL-SourceSerif4.txt").is_file()


def test_two_builds_are_byte_identical(built_site, tmp_path):
    from edition.build import build

    second = tmp_path / "site"
    build(ROOT, second, pdf=False)
    first_digest, second_digest = tree_digest(built_site), tree_digest(second)
    differing = sorted(k for k in first_digest.keys() | second_digest.keys()
                       if first_digest.get(k) != second_digest.get(k))
    assert not differing, f"{len(differing)} files differ between two builds: {differing[:20]}"
