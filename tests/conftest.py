"""Shared fixtures: a copy of the valid fixture data package, and the built HTML book."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HTML = REPO / "_build" / "html"


@pytest.fixture
def fixture_data(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/valid, to break one thing at a time."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", target)
    return target


@pytest.fixture(scope="session")
def built_html() -> Path:
    """The HTML book; built strictly here if `make html` has not built it."""
    if not (HTML / "intro.html").exists():
        subprocess.run(
            [str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO), "--builder", "html",
             "--warningiserror", "--nitpick", "--keep-going"],
            check=True,
            env={**os.environ, "BOOKLIB_DATA_DIR": str(REPO / "data")},
        )
    return HTML


def toc_pages() -> list[str]:
    """Every page the table of contents lists, as paths without suffix."""
    import yaml

    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(items):
        for item in items or []:
            if "file" in item:
                pages.append(item["file"])
            walk(item.get("sections"))
            walk(item.get("chapters"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


SLOW_MODULES = {"test_build": "book", "test_cache": "book", "test_pdf": "pdf", "test_browser": "browser",
                "test_rerun": "book", "test_lab": "lab", "test_browser_cite": "browser", "test_reproducible": "book",
                "test_browser_explorer": "browser", "test_reader_browser": "browser",
                "test_browser_share": "browser"}


def pytest_collection_modifyitems(items):
    """Mark the slow tiers, so `make check` (-m "not book and not pdf and not browser") skips
    them: whole modules that build, re-run notebooks, start JupyterLab or drive a browser, and any
    test using the built book."""
    for item in items:
        marker = SLOW_MODULES.get(item.module.__name__.rpartition(".")[2])
        if marker:
            item.add_marker(marker)
        elif "built_html" in item.fixturenames:
            item.add_marker("book")


# No network for the refresh tests: they replay stored files and recorded responses only.
NETWORK_FREE_MODULES = {"test_refresh", "test_refresh_gac"}


class NetworkBlocked(OSError):
    """A test tried to open a network connection."""


def block_network(monkeypatch) -> None:
    """Make any attempt to resolve a name or open a connection fail, here and in the guard runs
    (child processes) started meanwhile."""
    import socket

    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted in a test: {args[1:] if len(args) > 1 else args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("BOOKLIB_NO_NETWORK", "1")


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch):
    """No network in the modules of NETWORK_FREE_MODULES (their module-scoped fixtures call
    block_network themselves)."""
    if request.module.__name__.rpartition(".")[2] in NETWORK_FREE_MODULES:
        block_network(monkeypatch)
    yield


# The editions: the chapter-logic tests run in each (`pytestmark = pytest.mark.usefixtures("book_language")`).
BOOK_LANGUAGES = ("en", "zh", "ja")


@pytest.fixture(params=BOOK_LANGUAGES)
def book_language(request, monkeypatch):
    """BOOK_LANGUAGE set to each edition's language in turn: the library's words come from
    locales/<lang>/LC_MESSAGES/booklib.po and a table's free text from its data/<table>.po; a
    message either lacks fails the test (MissingTranslation), as it would fail the edition's build."""
    monkeypatch.setenv("BOOK_LANGUAGE", request.param)
    return request.param


EDITION_FOLDERS = ("zh", "ja")


def html_pages(root: Path):
    """The English pages of the built book: not the editions' copies under zh/ and ja/ (tests/test_editions.py)."""
    return (p for p in root.rglob("*.html") if p.relative_to(root).parts[0] not in EDITION_FOLDERS)
