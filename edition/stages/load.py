"""Stage ``load``: read every manifest, verify every witness, read its lines.

All manifests are validated before anything stops, so one run lists every
problem (``texts/<slug>/edition.yml:LINE: what is wrong``).

    texts/getty/edition.yml + texts/getty/source.txt
    -> Text(slug="getty", manifest={...}, lines=[Line(1, " Preface "), ...])
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from ..manifest import load_manifest
from ..model import Edition, Line, Text
from ..pipeline import BuildError


def run(edition: Edition) -> None:
    root = Path(edition.root)
    errors: list[str] = []
    texts: list[Text] = []
    manifests = sorted((root / "texts").glob("*/edition.yml"))
    if not manifests:
        raise BuildError(f"{root / 'texts'}: no texts/<slug>/edition.yml found",
                         hint="run from the project root")
    for path in manifests:
        text = _load_text(root, path, errors)
        if text is not None:
            texts.append(text)
    _check_unique(texts, errors)
    if errors:
        raise BuildError(errors, hint="fix the manifests listed above; "
                         "`python build_edition.py check --schema` documents every key")
    texts.sort(key=lambda t: (t.manifest["order"], t.slug))
    only = edition.options.get("only")
    edition.texts = [t for t in texts if not only or t.slug in only]


def _load_text(root: Path, path: Path, errors: list[str]) -> Text | None:
    rel = path.relative_to(root).as_posix()
    data, problems = load_manifest(path.read_text(encoding="utf-8"), rel)
    errors.extend(str(p) for p in problems)
    if data is None or problems:
        return None
    slug = path.parent.name
    if data["slug"] != slug:
        errors.append(f"{rel}:{data.key_lines['slug']}: slug {data['slug']!r} differs from the folder "
                      f"name {slug!r}; they must be the same")
        return None
    source = path.parent / data["source"]["file"]
    source_rel = source.relative_to(root).as_posix()
    line = data["source"].key_lines["file"] if "file" in data["source"].key_lines else data.key_lines["source"]
    if not source.is_file():
        errors.append(f"{rel}:{line}: witness {source_rel} is missing; copy it verbatim from "
                      f"../shared/seeds/{data['source']['seed']}")
        return None
    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != data["source"]["sha256"]:
        errors.append(f"{rel}:{data['source'].key_lines['sha256']}: {source_rel} has sha256 {digest}, "
                      f"the manifest records {data['source']['sha256']}; the witness must stay byte-identical "
                      "to its seed (restore it; put corrections in 'emendations')")
        return None
    text = Text(slug=slug, manifest=data, manifest_path=rel, source_path=source_rel)
    text.lines = [Line(i, s) for i, s in enumerate(raw.decode("utf-8").split("\n"), start=1)]
    if text.lines and text.lines[-1].text == "":
        text.lines.pop()
    text.report.lines_in = len(text.lines)
    return text


def _check_unique(texts: list[Text], errors: list[str]) -> None:
    orders: dict[int, str] = {}
    for t in texts:
        other = orders.get(t.manifest["order"])
        if other:
            errors.append(f"{t.manifest_path}:{t.manifest.key_lines['order']}: order "
                          f"{t.manifest['order']} is also used by {other}")
        orders[t.manifest["order"]] = t.slug
