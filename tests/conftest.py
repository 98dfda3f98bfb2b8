"""Shared fixtures of the test suite.

- ``--regen-golden``: rewrite the golden files under tests/golden/ (tests/golden.py).
- ``built_site`` (session): the whole edition built once, HTML only, into a
  temporary directory, via the lead's ``edition.build.build(root, out, pdf=False)``
  (or an existing build: ``EDITION_SITE=site pytest``).
- ``site_url`` (session): that directory served over HTTP on 127.0.0.1 (free port).
- ``browser`` (session) / ``page``: Debian's /usr/bin/chromium driven by
  Playwright (never a downloaded browser).  Every request a page makes is
  recorded; any request that would leave this machine is aborted and fails the
  test.  Without /usr/bin/chromium the browser tests are skipped, except in CI
  (``CI`` set), where they fail.
"""
from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import golden

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "about", "file"}


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite the golden files under tests/golden/ instead of comparing")


def pytest_configure(config):
    golden.REGEN = config.getoption("--regen-golden")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


# ---------------------------------------------------------------- the built edition
@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole edition (HTML, no PDF) built once into a temporary ``site`` dir.

    ``EDITION_SITE=/path/to/site pytest ...`` tests an existing build instead."""
    if os.environ.get("EDITION_SITE"):
        return Path(os.environ["EDITION_SITE"]).resolve()
    if not (ROOT / "edition" / "build.py").exists():
        pytest.skip("edition/build.py (the lead's build API) is not there yet")
    from edition.build import build

    out = tmp_path_factory.mktemp("edition") / "site"
    build(ROOT, out, pdf=False)
    assert (out / "index.html").is_file(), f"no index.html in {out}"
    return out


ADDRESS = "https://soviet-politics.test/edition/"     # a published address for the tests (".test" is reserved)


@pytest.fixture(scope="session")
def addressed_site(tmp_path_factory) -> Path:
    """The whole edition built once more, with a published address (``build --site-url``)."""
    from edition.build import build

    out = tmp_path_factory.mktemp("addressed") / "site"
    build(ROOT, out, pdf=False, site_url=ADDRESS)
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature from http.server
        pass


def serve_directory(directory: Path):
    """Start a threaded HTTP server for ``directory``; return (server, base_url)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """Base URL (ending in /) of the built edition served on 127.0.0.1."""
    server, url = serve_directory(built_site)
    yield url
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------- the browser
def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.hostname in LOCAL_HOSTS or (parts.hostname or "").startswith("127.")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class RequestLog:
    """Every URL a page asked for; the non-local ones are aborted."""

    def __init__(self):
        self.urls: list[str] = []
        self.blocked: list[str] = []

    def remote(self) -> list[str]:
        return [u for u in self.urls if not is_local(u)] + self.blocked


@pytest.fixture
def request_log() -> RequestLog:
    return RequestLog()


@pytest.fixture
def page(browser, request_log):
    """A fresh page (light scheme, clipboard allowed); fails the test on any remote request."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900},
                                  permissions=["clipboard-read", "clipboard-write"],
                                  service_workers="block")
    context.on("request", lambda req: request_log.urls.append(req.url))

    def block(route):
        request_log.blocked.append(route.request.url)
        route.abort()

    context.route(lambda url: not is_local(url), block)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()
    remote = sorted(set(request_log.remote()))
    assert not remote, f"the page contacted hosts other than localhost: {remote}"
