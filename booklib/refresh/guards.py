"""Run the chapters' `require(...)` guards on staged data, naming every sentence that would no
longer hold.

Each page that reads a refreshed table (its front matter's `booklib: reads:`) has its code
cells run, in a fresh Python process whose loader points at the staged folder
(BOOKLIB_DATA_DIR), the way the book build runs them. `require` is replaced there by one that
records a failing sentence and goes on, so one run names every sentence, not only the first;
a cell that then fails on data it was not written for is reported too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

PAGES = ["intro.md", "chapters/*.md"]


def pages_reading(tables: set[str], root: Path) -> list[str]:
    """The pages (relative to `root`) whose front matter declares one of `tables`."""
    found = []
    for pattern in PAGES:
        for page in sorted(root.glob(pattern)):
            text = page.read_text(encoding="utf-8")
            if not text.startswith("---"):
                continue
            front = yaml.safe_load(text.split("---", 2)[1]) or {}
            reads = (front.get("booklib") or {}).get("reads") or []
            if reads == "all" or reads == ["*"] or tables & set(reads):
                found.append(page.relative_to(root).as_posix())
    return found


def run(pages: list[str], data_dir: Path, root: Path) -> list[dict]:
    """Every guard failure and cell error of `pages` on `data_dir`: dicts with page, sentence
    (or error), function and cell."""
    if not pages:
        return []
    env = {**os.environ, "BOOKLIB_DATA_DIR": str(Path(data_dir).resolve())}
    env.pop("BOOKLIB_PAGE", None)
    env.pop("BOOKLIB_PAGE_READS", None)
    failures: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        runs = []  # one process a page, side by side
        for number, page in enumerate(pages):
            out = Path(tmp) / f"guards-{number}.json"
            runs.append((page, out, subprocess.Popen([sys.executable, "-m", "booklib.refresh.guards", str(out), page],
                                                     cwd=root, env=env, stdout=subprocess.DEVNULL,
                                                     stderr=subprocess.PIPE, text=True)))
        for page, out, process in runs:
            _, stderr = process.communicate()
            if process.returncode != 0 or not out.exists():
                failures.append({"page": page, "error": f"the guard run failed: {stderr.strip()[-2000:]}"})
            else:
                failures += json.loads(out.read_text(encoding="utf-8"))
    return failures


def _child(out: str, pages: list[str]) -> None:
    import inspect

    if os.environ.get("BOOKLIB_NO_NETWORK"):  # the tests' guard runs open no connection either
        import socket

        def refuse(*args, **kwargs):
            raise OSError("network access is blocked in this run (BOOKLIB_NO_NETWORK)")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

    import jupytext

    import booklib.prose as prose

    failures: list[dict] = []
    state = {"page": None, "cell": None}

    def recording_require(condition, sentence: str) -> None:
        if not condition:
            caller = inspect.stack()[1]
            failures.append({"page": state["page"], "cell": state["cell"], "sentence": sentence,
                             "function": f"{caller.frame.f_globals.get('__name__')}.{caller.function}"})

    prose.require = recording_require  # before any chapter module imports it
    for name, module in list(sys.modules.items()):
        if name.startswith("bookchapters") and hasattr(module, "require"):
            module.require = recording_require
    for page in pages:
        state["page"] = page
        namespace = {"__name__": "__main__"}
        cells = [c for c in jupytext.read(page).cells if c.cell_type == "code"]
        for number, cell in enumerate(cells, start=1):
            state["cell"] = number
            try:
                exec(compile(cell.source, f"{page} [code cell {number}]", "exec"), namespace)
            except Exception as error:  # noqa: BLE001 - reported, with the page and cell
                failures.append({"page": page, "cell": number, "error": f"{type(error).__name__}: {error}"})
    Path(out).write_text(json.dumps(failures, indent=2, ensure_ascii=False), encoding="utf-8")


def describe(failure: dict) -> str:
    if "sentence" in failure:
        return (f"{failure['page']} (code cell {failure['cell']}, {failure['function']}): the text says "
                f"{failure['sentence']}; the staged data no longer bear this out")
    where = f"{failure['page']} (code cell {failure['cell']})" if failure.get("cell") else failure["page"]
    return f"{where}: {failure['error']}"


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2:])
