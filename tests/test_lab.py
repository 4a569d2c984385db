"""`make lab`: JupyterLab (its own .venv-lab) starts on localhost, serves the chapters as notebooks,
runs their code in the book's .venv kernel, and stops."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import REPO


def make_variable(name: str) -> str:
    """A variable the Makefile sets with `NAME := value`."""
    line = next(l for l in (REPO / "Makefile").read_text().splitlines() if l.startswith(f"{name} :="))
    return line.split(":=", 1)[1].strip()


LAB_OPTIONS = make_variable("LAB_OPTIONS").split()
JUPYTER = REPO / make_variable("LAB_VENV") / "bin" / "jupyter"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """The REST API of a running JupyterLab server."""

    def __init__(self, port: int, token: str):
        self.base, self.token = f"http://127.0.0.1:{port}", token

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        request = urllib.request.Request(self.base + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
        return json.loads(text) if text else None


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab server on a free localhost port, started as `make lab` starts it (without a browser)."""
    if not JUPYTER.exists():
        pytest.fail(f"{JUPYTER} not found: `make {make_variable('LAB_VENV')}/.installed` installs JupyterLab for `make lab`")
    port, token = free_port(), secrets.token_hex(16)
    server = subprocess.Popen(
        [str(JUPYTER), "lab", *LAB_OPTIONS, "--no-browser",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    client = Lab(port, token)
    deadline = time.monotonic() + 90
    while True:
        try:
            client.api("/api/status")
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (server.stdout.read() if server.stdout else ""))
            time.sleep(0.5)
    yield client
    server.terminate()
    server.wait(timeout=30)
    assert server.returncode is not None, "JupyterLab did not stop"


def test_lab_lists_the_chapters_as_notebooks(lab):
    listing = {item["name"]: item["type"] for item in lab.api("/api/contents/chapters")["content"]}
    for chapter in ("tariffs.md", "investment.md", "export_controls.md", "regional_trade.md", "claims.md"):
        assert listing.get(chapter) == "notebook", f"{chapter} is served as {listing.get(chapter)}, not as a notebook"


def test_a_chapter_opens_with_its_code_cells(lab):
    notebook = lab.api("/api/contents/chapters/tariffs.md")
    assert notebook["type"] == "notebook"
    code = [cell["source"] for cell in notebook["content"]["cells"] if cell["cell_type"] == "code"]
    assert any("glue_facts(tar.measure_facts(measures))" in source for source in code)


def default_setting(lab, plugin: str, name: str):
    """A setting's default as the book's overrides.json sets it (the user has set nothing)."""
    return lab.api(f"/lab/api/settings/{plugin}")["schema"]["properties"][name]["default"]


def test_the_books_lab_settings_apply(lab):
    viewers = default_setting(lab, "@jupyterlab/docmanager-extension:plugin", "defaultViewers")
    assert viewers["markdown"] == "Jupytext Notebook", "a chapter would open as a text file"
    notification = "@jupyterlab/apputils-extension:notification"
    assert default_setting(lab, notification, "checkForUpdates") is False, "Lab would call out to the network"
    assert default_setting(lab, notification, "fetchNews") == "false", "Lab would call out to the network"


def test_the_only_kernel_is_the_books_python(lab):
    specs = lab.api("/api/kernelspecs")
    assert set(specs["kernelspecs"]) == {"python3"}, f"Lab offers {sorted(specs['kernelspecs'])}, not only the book's kernel"
    argv = specs["kernelspecs"]["python3"]["spec"]["argv"]
    assert Path(argv[0]) == Path(sys.executable), f"the chapters' kernel runs {argv[0]}, not the book's {sys.executable}"


async def execute(lab: Lab, kernel_id: str, session_id: str, cells: list[str], shown: list | None = None) -> tuple[list[str], str]:
    """Run each cell in turn over the kernel's websocket, as Lab does: the errors they raised, and what they printed."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    url = f"{lab.base.replace('http', 'ws', 1)}/api/kernels/{kernel_id}/channels?session_id={session_id}"
    socket_ = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {lab.token}"}))
    errors, printed = [], []
    try:
        for number, code in enumerate(cells, 1):
            msg_id = uuid.uuid4().hex
            socket_.write_message(json.dumps({
                "header": {"msg_id": msg_id, "session": session_id, "username": "test", "msg_type": "execute_request",
                           "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True},
            }))
            while True:  # the kernel is done with a cell when it reports idle for it on iopub
                message = json.loads(await asyncio.wait_for(socket_.read_message(), timeout=180))
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if message["msg_type"] == "stream" and message["content"]["name"] == "stdout":
                    printed.append(message["content"]["text"])
                if shown is not None and message["msg_type"] in ("display_data", "execute_result"):
                    shown.append(message["content"]["data"])
                if message["msg_type"] == "error":
                    errors.append(f"cell {number}: {message['content']['ename']}: {message['content']['evalue']}")
                if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                    break
    finally:
        socket_.close()
    return errors, "".join(printed)


def test_a_chapters_code_runs_in_the_books_kernel(lab):
    """Every code cell of a chapter, opened as Lab opens it, runs without error with the book's library."""
    path = "chapters/tariffs.md"
    cells = [cell["source"] for cell in lab.api(f"/api/contents/{path}")["content"]["cells"] if cell["cell_type"] == "code"]
    session = lab.api("/api/sessions", "POST", {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}})
    try:
        probe = "import sys, booklib; print(sys.prefix)"
        errors, printed = asyncio.run(execute(lab, session["kernel"]["id"], session["id"], [probe, *cells]))
    finally:
        lab.api(f"/api/sessions/{session['id']}", "DELETE")
    assert not errors, "\n".join(errors)
    assert printed.splitlines()[0] == sys.prefix, f"the kernel ran in {printed.splitlines()[0]}, not in the book's {sys.prefix}"
    assert len(cells) > 5 and any(re.search(r"\bload\(", c) for c in cells)


@pytest.mark.parametrize("chapter", ["investment", "export_controls", "tariffs"])
def test_saving_a_chapter_in_lab_keeps_its_front_matter(lab, chapter):
    """Lab's autosave (jupytext) once dropped `booklib: reads: [...]`, and the next `make book` failed.
    A copy of the chapter is opened and saved as Lab does (GET the notebook model, PUT it back)."""
    import shutil

    import yaml

    folder = REPO / "_build" / "lab-save"
    folder.mkdir(parents=True, exist_ok=True)
    source = REPO / "chapters" / f"{chapter}.md"
    shutil.copyfile(source, folder / source.name)
    path = f"_build/lab-save/{source.name}"
    model = lab.api(f"/api/contents/{path}")
    assert model["type"] == "notebook"
    model["content"]["cells"][-1]["source"] += "\n"  # an edit, so that the save writes the file
    lab.api(f"/api/contents/{path}", "PUT", {"type": "notebook", "format": "json", "content": model["content"]})
    front = lambda text: yaml.safe_load(text.split("---\n", 2)[1])
    saved = (folder / source.name).read_text(encoding="utf-8")
    assert front(saved)["booklib"] == front(source.read_text(encoding="utf-8"))["booklib"]
    reopened = lab.api(f"/api/contents/{path}")["content"]
    assert [c["source"] for c in reopened["cells"][:-1]] == [c["source"] for c in model["content"]["cells"][:-1]]


def test_a_re_run_in_lab_shows_every_fact_the_chapter_glues(lab):
    """In Lab, only 8 of the investment chapter's 26 glued numbers were once visible."""
    path = "chapters/investment.md"
    cells = [cell["source"] for cell in lab.api(f"/api/contents/{path}")["content"]["cells"] if cell["cell_type"] == "code"]
    session = lab.api("/api/sessions", "POST", {"path": path, "type": "notebook", "name": "", "kernel": {"name": "python3"}})
    shown = []
    try:
        count = "import json; from booklib.prose import RECORDED; print(json.dumps(sorted(RECORDED)))"
        errors, printed = asyncio.run(execute(lab, session["kernel"]["id"], session["id"], [*cells, count], shown))
    finally:
        lab.api(f"/api/sessions/{session['id']}", "DELETE")
    assert not errors, "\n".join(errors)
    glued = json.loads(printed.splitlines()[-1])
    tables = "".join(d.get("text/html", "") for d in shown if 'class="booklib-facts"' in d.get("text/html", ""))
    visible = set(re.findall(r"<td><code>([\w-]+)</code></td>", tables))
    assert len(glued) >= 20 and visible == set(glued), f"not shown: {sorted(set(glued) - visible)}"
