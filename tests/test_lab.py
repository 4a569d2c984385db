"""`make lab`: JupyterLab starts on localhost, serves the chapters as notebooks, and stops."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

JUPYTER = Path(sys.executable).parent / "jupyter"


def lab_options() -> list[str]:
    """The options `make lab` starts JupyterLab with, read from the Makefile."""
    line = next(l for l in (REPO / "Makefile").read_text().splitlines() if l.startswith("LAB_OPTIONS :="))
    return line.split(":=", 1)[1].split()


LAB_OPTIONS = lab_options()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab server on a free localhost port, started as `make lab` starts it (without a browser)."""
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [str(JUPYTER), "lab", *LAB_OPTIONS, "--no-browser",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str):
        request = urllib.request.Request(base + path, headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    deadline = time.monotonic() + 90
    while True:
        try:
            get("/api/status")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (server.stdout.read() if server.stdout else ""))
            time.sleep(0.5)
    yield get
    server.terminate()
    server.wait(timeout=30)
    assert server.returncode is not None, "JupyterLab did not stop"


def test_lab_lists_the_chapters_as_notebooks(lab):
    listing = {item["name"]: item["type"] for item in lab("/api/contents/chapters")["content"]}
    for chapter in ("tariffs.md", "investment.md", "export_controls.md", "regional_trade.md", "claims.md"):
        assert listing.get(chapter) == "notebook", f"{chapter} is served as {listing.get(chapter)}, not as a notebook"


def test_a_chapter_opens_with_its_code_cells(lab):
    notebook = lab("/api/contents/chapters/tariffs.md")
    assert notebook["type"] == "notebook"
    code = [cell["source"] for cell in notebook["content"]["cells"] if cell["cell_type"] == "code"]
    assert any("glue_facts(tar.measure_facts(measures))" in source for source in code)


def default_setting(lab, plugin: str, name: str):
    """A setting's default as the book's overrides.json sets it (the user has set nothing)."""
    return lab(f"/lab/api/settings/{plugin}")["schema"]["properties"][name]["default"]


def test_the_books_lab_settings_apply(lab):
    viewers = default_setting(lab, "@jupyterlab/docmanager-extension:plugin", "defaultViewers")
    assert viewers["markdown"] == "Jupytext Notebook", "a chapter would open as a text file"
    notification = "@jupyterlab/apputils-extension:notification"
    assert default_setting(lab, notification, "checkForUpdates") is False, "Lab would call out to the network"
    assert default_setting(lab, notification, "fetchNews") == "false", "Lab would call out to the network"
