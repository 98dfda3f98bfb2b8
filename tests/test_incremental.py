"""Incremental, cached and parallel builds give the same site as a plain one (issue 13).

A small project (three real texts: Furr, its abridged printing, Medvedev; the
real register, templates and docs) is built once per module; each test then
builds again and compares trees byte for byte.

- a build with nothing changed writes nothing (every mtime and hash unchanged);
- an edit to one text's manifest reruns only that text's pipeline, changes only
  the pages that show it (its own pages, the persons pages, the search index,
  the sitemap...), and the result equals a clean build without any cache;
- parallel (a process per text) equals serial, byte for byte;
- broken cache entries (truncated, garbage) are ignored and rebuilt.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from edition.build import build
from edition.cache import Store, tree_fingerprint, write_atomically
from edition.clean.hyphenation import Vocabulary
from edition.model import Text
from edition.parallel import TextResult, _inconsistent
from tests.projects import point_method_page_at, site_machinery

REPO = Path(__file__).resolve().parent.parent
TEXTS = ("furr", "furr-abridged", "medvedev")
EDIT_LINE = 500          # texts/medvedev/source.txt:500, a paragraph naming Trotsky and Zinovyev


def make_project(dest: Path) -> Path:
    root = dest / "project"
    site_machinery(root)
    (root / "texts").mkdir()
    register = (REPO / "texts" / "persons.yml").read_text(encoding="utf-8").splitlines(keepends=True)
    others = tuple(f"  - {{text: {slug}," for slug in ("khlevniuk", "getty"))    # overrides of absent texts
    (root / "texts" / "persons.yml").write_text("".join(l for l in register if not l.startswith(others)),
                                                encoding="utf-8")
    for slug in TEXTS:
        shutil.copytree(REPO / "texts" / slug, root / "texts" / slug)
    # the OCR lexicon is made from the clean texts of the whole corpus (Khlevniuk among them), which
    # this small project lacks: its Medvedev is built uncorrected (the cache is what is tested here)
    manifest = root / "texts" / "medvedev" / "edition.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("\n  enabled: true\n", "\n  enabled: false\n", 1),
                        encoding="utf-8")
    for shared in ("edition.yml", "lexicon.yml"):               # the edition's own data, where there is some
        if (REPO / "texts" / shared).is_file():
            shutil.copy(REPO / "texts" / shared, root / "texts")
    point_method_page_at(root, "furr")
    return root


def snapshot(directory: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(directory).as_posix(): (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(directory.rglob("*")) if p.is_file()}


def digests(directory: Path) -> dict[str, str]:
    return {path: digest for path, (_, digest) in snapshot(directory).items()}


@pytest.fixture(scope="module")
def date():
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    yield
    if saved is None:
        del os.environ["SOURCE_DATE_EPOCH"]
    else:
        os.environ["SOURCE_DATE_EPOCH"] = saved


@pytest.fixture(scope="module")
def project(tmp_path_factory, date) -> Path:
    root = make_project(tmp_path_factory.mktemp("incremental"))
    edition = build(root, root / "site")
    assert edition.options["texts_run"] == list(TEXTS) or set(edition.options["texts_run"]) == set(TEXTS)
    return root


@pytest.fixture(scope="module")
def clean_build(project, tmp_path_factory) -> dict[str, str]:
    """The project as it is, built with no cache, one process: the reference."""
    out = tmp_path_factory.mktemp("clean") / "site"
    saved = os.environ.get("EDITION_JOBS")
    os.environ["EDITION_JOBS"] = "1"
    try:
        build(project, out, cache=False)
    finally:
        os.environ.pop("EDITION_JOBS") if saved is None else os.environ.__setitem__("EDITION_JOBS", saved)
    return digests(out)


def test_a_build_with_nothing_changed_writes_nothing(project):
    site = project / "site"
    before = snapshot(site)
    inode = site.stat().st_ino
    edition = build(project, site)
    assert edition.options.get("unchanged") is True
    assert snapshot(site) == before                  # every file: same mtime, same bytes
    assert site.stat().st_ino == inode               # not even swapped for a copy


def test_a_touched_site_is_rebuilt(project):
    """The stamp covers the tree: a file changed in site/ by hand is put right by the next build."""
    site = project / "site"
    target = site / "texts" / "furr" / "index.html"
    original = target.read_bytes()
    target.write_bytes(b"edited by hand")
    edition = build(project, site)
    assert not edition.options.get("unchanged")
    assert edition.options["texts_run"] == []        # the texts themselves come from the cache
    assert target.read_bytes() == original


def test_parallel_equals_serial(project, clean_build, tmp_path):
    saved = os.environ.get("EDITION_JOBS")
    os.environ["EDITION_JOBS"] = "3"
    try:
        out = tmp_path / "site"
        edition = build(project, out, cache=False)
    finally:
        os.environ.pop("EDITION_JOBS") if saved is None else os.environ.__setitem__("EDITION_JOBS", saved)
    assert set(edition.options["texts_run"]) == set(TEXTS)
    assert digests(out) == clean_build


def test_an_edit_to_one_text_reruns_only_that_text(project, clean_build, tmp_path):
    manifest = project / "texts" / "medvedev" / "edition.yml"
    before_text = manifest.read_text(encoding="utf-8")
    before_site = digests(project / "site")
    assert before_site == clean_build
    edited = before_text.replace(
        "emendations:\n",
        "emendations:\n"
        f'  - {{line: {EDIT_LINE}, original: "Gubkom which", replacement: "Gubkom, which", '
        'why: "test: a comma restored"}\n', 1)
    assert edited != before_text
    manifest.write_text(edited, encoding="utf-8")
    try:
        edition = build(project, project / "site")
        assert edition.options["texts_run"] == ["medvedev"]
        after = digests(project / "site")
        reference = tmp_path / "reference"
        build(project, reference, cache=False)
        assert after == digests(reference)                         # same as a clean build, byte for byte
        changed = {path for path in after if after[path] != before_site.get(path)}
        assert any(path.startswith("texts/medvedev/") for path in changed)
        assert not any(path.startswith(("texts/furr/", "texts/furr-abridged/")) for path in changed), changed
        page = next(p for p in changed if p.startswith("texts/medvedev/") and p.endswith(".html")
                    and "Gubkom, which" in (project / "site" / p).read_text(encoding="utf-8"))
        assert page
    finally:
        manifest.write_text(before_text, encoding="utf-8")
    edition = build(project, project / "site")                     # back as it was: from the cache
    assert edition.options["texts_run"] == []
    assert digests(project / "site") == clean_build


def test_broken_cache_entries_are_ignored(project, clean_build, tmp_path):
    entries = sorted((project / "build" / "cache" / "pipeline").glob("*.pickle"))
    assert len(entries) >= len(TEXTS)
    for n, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if n % 2 else b"not a pickle")
    out = tmp_path / "site"
    edition = build(project, out)
    assert set(edition.options["texts_run"]) == set(TEXTS)
    assert digests(out) == clean_build


def test_store_round_trip_and_misses(tmp_path):
    store = Store(tmp_path)
    store.save("k", "a", "1" * 8, {"x": 1})
    assert store.load("k", "a", "1" * 8) == {"x": 1}
    assert store.load("k", "a", "2" * 8) is None                    # another key
    path = tmp_path / "k" / f"a-{'1' * 8}.pickle"
    write_atomically(path, b"\x80\x05garbage")
    assert store.load("k", "a", "1" * 8) is None
    assert tree_fingerprint(tmp_path / "nowhere") is None


def _result(slug: str, vocabulary: dict, consulted: dict) -> TextResult:
    text = Text(slug=slug, manifest={}, manifest_path="", source_path="")
    return TextResult(text, vocabularies={"paragraphs": Vocabulary(vocabulary), "rejoin": Vocabulary({})},
                      lookups={"paragraphs": consulted, "rejoin": {}})


def test_a_cached_text_reruns_when_a_count_it_consulted_changes():
    """B consulted 'co-operation' (1, from A); A no longer has it, so B must run again; C consulted nothing."""
    a = _result("a", {}, {})
    b = _result("b", {"cooperation": 2}, {"co-operation": 1, "cooperation": 2})
    c = _result("c", {"word": 1}, {})
    assert _inconsistent({"a": a, "b": b, "c": c}, ["a", "b", "c"]) == {"b"}
    a_before = _result("a", {"co-operation": 1}, {})
    assert _inconsistent({"a": a_before, "b": b, "c": c}, ["a", "b", "c"]) == set()


def test_a_texts_result_key_covers_the_corpus_counts_it_consulted():
    """Same inputs, another count consulted (another text changed it): another result, another key (serve
    keeps a text's data files under it)."""
    from edition.parallel import result_key
    before = _result("b", {}, {"co-operation": 1})
    assert result_key("k", before) == result_key("k", _result("b", {"x": 5}, {"co-operation": 1}))
    assert result_key("k", before) != result_key("k", _result("b", {}, {"co-operation": 2}))
    assert result_key("k", before) != result_key("j", before)


def test_serve_memory_keeps_the_newest_entry_as_an_object(tmp_path):
    memory: dict = {}
    store = Store(tmp_path, memory)
    payload = {"x": [1]}
    store.save("k", "a", "1" * 8, payload)
    assert store.load("k", "a", "1" * 8) is payload                   # not unpickled again
    assert Store(tmp_path).load("k", "a", "1" * 8) == payload         # and on disk for the next process
    store.save("k", "a", "2" * 8, {"x": [2]})
    assert store.load("k", "a", "2" * 8) == {"x": [2]}
    assert store.load("k", "a", "1" * 8) == payload                   # older key: from disk


def test_serve_writes_cache_entries_once_idle(tmp_path):
    """While writes are deferred (``serve``), a saved entry is served from memory at once and written
    to disk when told (the newest of each name); an entry kept nowhere in memory is written at once."""
    from edition import cache
    store = Store(tmp_path, {})
    cache.defer_writes()
    try:
        store.save("k", "a", "1" * 8, {"x": 1})
        assert store.load("k", "a", "1" * 8) == {"x": 1}
        assert Store(tmp_path).load("k", "a", "1" * 8) is None           # not on disk yet
        store.save("k", "a", "2" * 8, {"x": 2})
        assert cache.write_deferred() == 1                               # the newest entry of "a" only
        assert Store(tmp_path).load("k", "a", "2" * 8) == {"x": 2}
        assert Store(tmp_path).load("k", "a", "1" * 8) is None
        assert cache.write_deferred() == 0
        Store(tmp_path).save("k", "b", "3" * 8, 3)
        assert Store(tmp_path).load("k", "b", "3" * 8) == 3
    finally:
        cache.write_now()


def _two_texts(root: Path) -> Path:
    """A corpus of two: ``damaged`` asks for OCR correction, ``clean`` is evidence for its lexicon."""
    for slug, enabled in (("damaged", "true"), ("clean", "false")):
        folder = root / "texts" / slug
        folder.mkdir(parents=True)
        (folder / "edition.yml").write_text(f"title: {slug}\nsource:\n  file: source.txt\nocr:\n  enabled: {enabled}\n",
                                            encoding="utf-8")
        (folder / "source.txt").write_text(f"The {slug} witness.\n", encoding="utf-8")
    return root


def test_every_text_key_covers_what_the_ocr_lexicon_reads_from_other_texts(tmp_path):
    """The lexicon reads the other texts' manifests (ocr.enabled) and clean witnesses: the corrected
    text's cache key changes with exactly those, not with the rest of another text's folder."""
    from edition.cache import Inputs
    root = _two_texts(tmp_path)
    key = Inputs.scan(root).text_key("damaged")
    clean = root / "texts" / "clean"

    (clean / "notes.txt").write_text("an editor's note, not read by the lexicon\n", encoding="utf-8")
    (clean / "edition.yml").write_text((clean / "edition.yml").read_text(encoding="utf-8")
                                       .replace("title: clean", "title: Clean"), encoding="utf-8")
    assert Inputs.scan(root).text_key("damaged") == key

    (clean / "source.txt").write_text("The clean witness, one word more.\n", encoding="utf-8")
    changed_witness = Inputs.scan(root).text_key("damaged")
    assert changed_witness != key

    (clean / "edition.yml").write_text((clean / "edition.yml").read_text(encoding="utf-8")
                                       .replace("enabled: false", "enabled: true"), encoding="utf-8")
    corrected_too = Inputs.scan(root).text_key("damaged")
    assert corrected_too != changed_witness
    (clean / "source.txt").write_text("A witness no longer read as evidence.\n", encoding="utf-8")
    assert Inputs.scan(root).text_key("damaged") == corrected_too     # not evidence: its witness is not read


def test_another_texts_clean_witness_changed_reruns_every_text(project, clean_build, tmp_path):
    """A clean witness is evidence for the OCR lexicon, which every text's pipeline uses (its report
    counts the words unknown to it): every text is run again, and the site equals a clean build."""
    import re
    folder = project / "texts" / "furr-abridged"
    manifest, witness = folder / "edition.yml", folder / "source.txt"
    before_manifest, before_witness = manifest.read_text(encoding="utf-8"), witness.read_bytes()
    edited = before_witness.replace(b"Something \n", b"Something entirely \n", 1)
    assert edited != before_witness
    witness.write_bytes(edited)
    manifest.write_text(re.sub(r"sha256: [0-9a-f]{64}", f"sha256: {hashlib.sha256(edited).hexdigest()}",
                               before_manifest, count=1), encoding="utf-8")
    try:
        edition = build(project, project / "site")
        assert set(edition.options["texts_run"]) == set(TEXTS)
        reference = tmp_path / "reference"
        build(project, reference, cache=False)
        assert digests(project / "site") == digests(reference)
    finally:
        manifest.write_text(before_manifest, encoding="utf-8")
        witness.write_bytes(before_witness)
    edition = build(project, project / "site")                     # back as it was: from the cache
    assert edition.options["texts_run"] == []
    assert digests(project / "site") == clean_build


def test_serve_rebuilds_only_the_changed_pages_and_equals_a_full_build(project, tmp_path, monkeypatch):
    """``serve`` after an edit: the writer renders only the pages whose values changed (``RenderMemo``),
    MkDocs renders only the files whose content changed (``PageReuse``), the others stay as written
    (same mtime), and the preview equals a full build of the same site, every page rendered again;
    an edited template makes everything be built again."""
    import edition.build as build_module
    from edition.build import regenerate
    from edition.rendered import RenderMemo
    from edition.site import PageReuse, run_mkdocs
    url = "http://127.0.0.1:8000/"
    preview, reference = tmp_path / "preview", tmp_path / "reference"
    reuse = PageReuse()
    manifest = project / "texts" / "medvedev" / "edition.yml"
    before_text = manifest.read_text(encoding="utf-8")

    def preview_build() -> dict[str, tuple[int, str]]:
        assert run_mkdocs(project / "mkdocs.yml", project / "docs", preview, regenerate(project),
                          strict=False, serve_url=url, reuse=reuse) == []
        return snapshot(preview)

    first = preview_build()
    assert reuse.kept == 0
    manifest.write_text(before_text.replace(
        "emendations:\n", "emendations:\n"
        f'  - {{line: {EDIT_LINE}, original: "Gubkom which", replacement: "Gubkom, which", why: "test"}}\n', 1),
        encoding="utf-8")
    try:
        second = preview_build()
        memo = build_module._RENDERED
        assert 0 < memo.rendered < memo.reused              # the pages of the edited essay alone
        monkeypatch.setattr(build_module, "_RENDERED", RenderMemo())
        site = regenerate(project)                          # the reference: every page rendered
        assert build_module._RENDERED.reused == 0
    finally:
        manifest.write_text(before_text, encoding="utf-8")
    assert 0 < reuse.kept < len(reuse.digests)
    run_mkdocs(project / "mkdocs.yml", project / "docs", reference, site, strict=False, serve_url=url)
    assert {path: digest for path, (_, digest) in second.items()} == digests(reference)
    rewritten = {path for path in second if second[path][0] != first[path][0]}
    assert any(p.startswith("texts/medvedev/") and "Gubkom, which" in (preview / p).read_text(encoding="utf-8")
               for p in rewritten if p.endswith(".html"))
    assert not any(p.startswith(("texts/furr/", "texts/furr-abridged/")) for p in rewritten), rewritten
    assert "search/search_index.json" in second           # whole: equal to the reference's (above)

    template = project / "templates" / "theme" / "main.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    try:
        preview_build()
    finally:
        template.write_text(template.read_text(encoding="utf-8")[:-1], encoding="utf-8")
    assert reuse.kept == 0
