"""Reproducible outputs: two clean builds of the same sources give byte-identical HTML (and PDF).

Each test clones the repository's current state (committed history plus the working tree's files)
into a temporary folder and builds it twice from clean, with SOURCE_DATE_EPOCH fixed as `make`
fixes it. Slow: every notebook is executed twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

JUPYTER_BOOK = str(Path(sys.executable).parent / "jupyter-book")
STRICT = ["--warningiserror", "--nitpick", "--keep-going"]


def clone(target: Path) -> Path:
    """The repository as it is now: its history (for dates and revisions) and its working files."""
    subprocess.run(["git", "clone", "--quiet", "--shared", str(REPO), str(target)], check=True)
    files = subprocess.run(["git", "-C", str(REPO), "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
        elif (target / name).exists():
            (target / name).unlink()
    return target


def environment(root: Path) -> dict:
    # From the clone, not the repository, which may gain a commit while the test runs.
    epoch = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True, text=True).stdout.strip()
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch or "0", "FORCE_SOURCE_DATE": "1", "PYTHONPATH": str(root)}
    env.pop("BOOKLIB_DATA_DIR", None)
    return env


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def build_twice(tmp_path: Path, builder: str, output: str) -> tuple[dict, dict]:
    root = clone(tmp_path / "book")
    runs = []
    for number in range(2):
        shutil.rmtree(root / "_build", ignore_errors=True)
        subprocess.run([JUPYTER_BOOK, "build", str(root), "--builder", builder, *STRICT], check=True, cwd=root,
                       env=environment(root), capture_output=True)
        runs.append(digests(root / "_build" / output))
        shutil.copytree(root / "_build" / output, tmp_path / f"build-{number + 1}")  # to compare by hand
    return runs[0], runs[1]


def differences(first: dict, second: dict) -> list[str]:
    return sorted(name for name in set(first) | set(second) if first.get(name) != second.get(name))


def test_two_clean_builds_give_byte_identical_html(tmp_path):
    first, second = build_twice(tmp_path, "html", "html")
    assert len(first) > 50
    assert not differences(first, second), f"files that differ between two clean builds: {differences(first, second)}"


@pytest.mark.pdf
@pytest.mark.skipif(not shutil.which("xelatex"), reason="needs TeX (installed by .ci/run)")
def test_two_clean_builds_give_a_byte_identical_pdf(tmp_path):
    first, second = build_twice(tmp_path, "pdflatex", "latex")
    assert "book.pdf" in first
    assert first["book.pdf"] == second["book.pdf"], f"the PDF differs between two clean builds; so do {differences(first, second)}"
