"""Where the book's files are, without importing pandas: the Sphinx extension needs the data folder
on every build, and a no-op rebuild should not pay for pandas (booklib.data re-exports these)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The folder of tables; BOOKLIB_DATA_DIR overrides it (tests use fixtures)."""
    return Path(os.environ.get("BOOKLIB_DATA_DIR", REPO_ROOT / "data")).resolve()
