"""The edition's own metadata and its published address: one validated place each.

- ``texts/edition.yml`` says what the edition is (title, publisher and editors
  only where configured, the licence of the editorial matter); schema below,
  ``check --schema`` prints it.  Nothing is invented: a key left out is printed
  nowhere (a project without the file is named by its mkdocs.yml site_name).
- The version is read from the repository, never from a clock: the tag on the
  commit that was built, else the date (UTC) of the last commit that changed
  the content (``site.CONTENT_PATHS``); ``SOURCE_DATE_EPOCH`` stands in when
  there is no git; with neither, there is no version.
- The published address (``site_url``): ``build --site-url URL``, else the
  environment variable ``EDITION_SITE_URL``, else ``site_url`` in mkdocs.yml,
  else none.  With none, citations use the address the reader has open
  (``docs/assets/cite.js``) and nothing absolute is written.

    >>> normalise_site_url("https://history.example/edition", "--site-url")
    'https://history.example/edition/'
"""
from __future__ import annotations

import datetime as _dt
import functools
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

from .manifest import PERSON
from .pipeline import BuildError
from .schema import Field, List, Map, validate_text

ENV_SITE_URL = "EDITION_SITE_URL"
METADATA_FILE = "texts/edition.yml"

EDITION = Map({
    "title": Field(str, "Title of the edition as a whole (the container a reader consulted the texts in); "
                   "must equal site_name in mkdocs.yml", required=True),
    "publisher": Field(str, "Publisher of the edition (leave out when there is none: none is printed)"),
    "publisher_place": Field(str, "Place of the publisher"),
    "editors": List(PERSON, "Editors of the edition (leave out when none are named: none are printed)"),
    "licence": Field(str, "Licence of the editorial matter (cleaning, structure, notes, index), as shown to readers",
                     required=True),
    "licence_url": Field(str, "Address of the licence text"),
    "language": Field(str, "Language of the edition's own apparatus (BCP 47)", default="en"),
}, "The edition's own metadata (texts/edition.yml)")


def load_metadata(root: str | Path) -> dict:
    """``texts/edition.yml`` of ``root``, validated, with ``version`` added; ``BuildError`` with file:line."""
    root = Path(root)
    path = root / METADATA_FILE
    if not path.exists():                      # a project without one (a test fixture): site_name, no more
        return {"title": _mkdocs_key(root, "site_name"), "licence": None, "licence_url": None, "language": "en",
                "publisher": None, "publisher_place": None, "editors": [], "version": repository_version(str(root))}
    data, errors = validate_text(path.read_text(encoding="utf-8"), EDITION, METADATA_FILE)
    if errors:
        raise BuildError([str(e) for e in errors], hint=f"correct {METADATA_FILE}")
    name = _mkdocs_key(root, "site_name")
    if name and name != data["title"]:
        raise BuildError(f"{METADATA_FILE}:{data.key_lines.get('title', data.line)}: title {data['title']!r} "
                         f"differs from site_name in mkdocs.yml ({name!r})", hint="make them the same")
    meta = dict(data)
    meta["editors"] = [dict(p) for p in data["editors"] or []]
    meta["version"] = repository_version(str(root))
    return meta


# ---------------------------------------------------------------- version
@functools.lru_cache(maxsize=8)
def repository_version(root: str) -> str:
    """``v1.2`` (a tag on the built commit) or ``2026-12-04`` (date of the last content commit), or ""."""
    from .site import CONTENT_PATHS
    tag = _git(root, "describe", "--tags", "--exact-match", "HEAD")
    if tag:
        return tag
    stamp = _git(root, "log", "-1", "--format=%ct", "--", *CONTENT_PATHS)
    if not stamp and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        stamp = os.environ["SOURCE_DATE_EPOCH"]
    if not stamp:
        return ""
    return _dt.datetime.fromtimestamp(int(stamp), _dt.timezone.utc).strftime("%Y-%m-%d")


def _git(root: str, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


# ---------------------------------------------------------------- the published address
def resolve_site_url(root: str | Path, given: str | None = None) -> str:
    """The published address (ending in "/"), or "" when none is set; see the module docstring."""
    if given:
        return normalise_site_url(given, "--site-url")
    if os.environ.get(ENV_SITE_URL, "").strip():
        return normalise_site_url(os.environ[ENV_SITE_URL].strip(), ENV_SITE_URL)
    configured = _mkdocs_key(Path(root), "site_url")
    return normalise_site_url(configured, "mkdocs.yml: site_url") if configured else ""


def normalise_site_url(url: str, where: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BuildError(f"{where}: {url!r} is not a published address (an http(s) URL without ?query or #fragment)",
                         hint="give the address the site will be served at, e.g. https://host/path/")
    return url if url.endswith("/") else url + "/"


def _mkdocs_key(root: Path, key: str) -> str:
    path = Path(root) / "mkdocs.yml"
    if not path.exists():
        return ""
    m = re.search(rf"^{key}:[ \t]*(?:'([^']*)'|\"([^\"]*)\"|([^#\n]*?))[ \t]*(?:#.*)?$",
                  path.read_text(encoding="utf-8"), re.M)
    return next((g for g in m.groups() if g), "").strip() if m else ""
