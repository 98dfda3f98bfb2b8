"""Stage ``load``: read every manifest, verify every witness, read its lines.

All manifests are validated before anything stops, so one run lists every
problem (``texts/<slug>/edition.yml:LINE: what is wrong``).  Every input file
(manifests, witnesses, ``texts/persons.yml``, the ledgers) is checked here to
be UTF-8 (``file:line`` and byte offset) and free of the characters the model
reserves (``file:line:column`` and code point, see ``edition.inputs``); line
ranges of the manifest (verse, furniture, restorations, not_footnotes) must lie
inside the witness.  A text whose manifest or witness cannot be read is left
out of the later stages, which still run on the others (and on a text whose
only problem is a line range); the build stops after them.

    texts/getty/edition.yml + texts/getty/source.txt
    -> Text(slug="getty", manifest={...}, lines=[Line(1, " Preface "), ...])
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..inputs import read_utf8, reserved
from ..manifest import load_manifest
from ..model import Edition, Line, Text
from ..pipeline import BuildError

HINT = ("fix the files listed above; `python build_edition.py check --schema` documents every key "
        "of the manifests and of texts/persons.yml")


def run(edition: Edition) -> None:
    root = Path(edition.root)
    errors: list[str] = []
    texts: list[Text] = []
    manifests = sorted((root / "texts").glob("*/edition.yml"))
    if not manifests:
        raise BuildError(f"{root / 'texts'}: no texts/<slug>/edition.yml found",
                         hint="run from the project root, or give --root")
    for path in manifests:
        text = _load_text(root, path, errors)
        if text is not None:
            texts.append(text)
    _check_unique(texts, errors)
    errors.extend(_check_other_files(root))
    texts.sort(key=lambda t: (t.manifest["order"], t.slug))
    known = {p.parent.name for p in manifests}
    edition.options["known_texts"] = sorted(known)
    only = edition.options.get("only")
    if only:
        errors.extend(f"--text {slug}: no such text (texts/{slug}/edition.yml does not exist; known: "
                      f"{', '.join(sorted(known))})" for slug in only if slug not in known)
    edition.texts = [t for t in texts if not only or t.slug in only]
    if errors:
        edition.errors.extend(errors)
        edition.hints.append(HINT)


def _check_other_files(root: Path) -> list[str]:
    """The register and the ledgers, read later, checked for encoding and reserved characters now."""
    errors: list[str] = []
    for file in [root / "texts" / "persons.yml", *sorted((root / "texts").glob("*/passages.tsv"))]:
        if file.is_file():
            rel = file.relative_to(root).as_posix()
            content = read_utf8(file, rel, errors)
            if content is not None and file.suffix == ".tsv":
                errors.extend(reserved(content, rel))      # persons.yml: checked value by value (schema)
    return errors


def _load_text(root: Path, path: Path, errors: list[str]) -> Text | None:
    rel = path.relative_to(root).as_posix()
    content = read_utf8(path, rel, errors)
    data, problems = load_manifest(content, rel) if content is not None else (None, [])
    errors.extend(str(p) for p in problems)
    if data is None or problems:
        default = path.parent / "source.txt"           # still tell of a witness that cannot be read
        if default.is_file():
            read_utf8(default, default.relative_to(root).as_posix(), errors)
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
    decoded = read_utf8(source, source_rel, errors)
    if decoded is None:
        return None
    forged = reserved(decoded, source_rel)
    if forged:
        errors.extend(forged)
        return None
    text = Text(slug=slug, manifest=data, manifest_path=rel, source_path=source_rel)
    text.lines = [Line(i, s) for i, s in enumerate(decoded.split("\n"), start=1)]
    if text.lines and text.lines[-1].text == "":
        text.lines.pop()
    text.report.lines_in = len(text.lines)
    _warn_bidi_controls(text)
    errors.extend(_check_line_ranges(text))     # the text goes on: later stages may find more
    return text


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _warn_bidi_controls(text: Text) -> None:
    """Bidi embedding/override/isolate controls are kept (nothing lost) but change how the rest
    of their passage is shown (``abc<U+202E>evil`` reads "abclive"): each is listed in the report,
    so that an editor can remove it by emendation."""
    for line in text.lines:
        for m in BIDI_CONTROLS.finditer(line.text):
            text.report.warn("W-BIDI-CONTROL", text.loc(line.no), f"column {m.start() + 1}: bidirectional "
                             f"control U+{ord(m.group()):04X} changes how the rest of the passage is shown; "
                             "remove it by emendation unless the source means it")


def _check_line_ranges(text: Text) -> list[str]:
    """Every manifest line range lies inside the witness, first <= last.

    ``verse: [{lines: [3000, 3010]}]`` on a witness of 2,900 lines ->
    ``texts/x/edition.yml:41: verse lines [3000, 3010]: the witness has 2900 lines``"""
    m, last_line = text.manifest, len(text.lines)
    ranges = [("verse lines", v, v["lines"]) for v in m["verse"]]
    ranges += [("furniture lines", f, f["lines"]) for f in m["furniture"] if f["lines"]]
    ranges += [("restoration lines", r, r["lines"]) for r in m["restorations"]]
    ranges += [("notes.not_footnotes", e, [e["line"], e["last"] or e["line"]])
               for e in (m["notes"]["not_footnotes"] or [])]
    errors = []
    for what, entry, lines in ranges:
        where = f"{text.manifest_path}:{entry.line}: {what} {list(lines)}"
        if not 1 <= len(lines) <= 2:
            errors.append(f"{where}: give [first, last]")
        elif not 1 <= lines[0] <= lines[-1]:
            errors.append(f"{where}: the first line must be at least 1 and not after the last")
        elif lines[-1] > last_line:
            errors.append(f"{where}: past the end of {text.source_path}, which has {last_line} lines")
    return errors


def _check_unique(texts: list[Text], errors: list[str]) -> None:
    orders: dict[int, str] = {}
    for t in texts:
        other = orders.get(t.manifest["order"])
        if other:
            errors.append(f"{t.manifest_path}:{t.manifest.key_lines['order']}: order "
                          f"{t.manifest['order']} is also used by {other}")
        orders[t.manifest["order"]] = t.slug
