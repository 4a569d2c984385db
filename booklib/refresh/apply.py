"""Apply a staged refresh: move the staged tables and sources.csv into data/, keep each new
source's snapshot metadata (and its raw file, unless a public mirror keeps it) under
data/snapshots/<source_id>/, and regenerate references.bib.

It refuses when the staging reported errors, or guard failures (unless forced): fix or scope
the sentences first, then stage again. It never edits prose and never commits.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from booklib.build.bib import render
from booklib.data import load, resource
from booklib.refresh.parsers import RefreshError
from booklib.refresh.snapshots import kept_in_mirror
from booklib.refresh.stage import SNAPSHOT_HOME


def apply(staged: Path, root: Path, force: bool = False) -> list[str]:
    """Copy the staged changes into `root`/data; return the paths written (relative to root)."""
    report_path = staged / "report.json"
    if not report_path.exists():
        raise RefreshError("apply", str(report_path), "no staged refresh here: run `make refresh` first")
    report = json.loads(report_path.read_text(encoding="utf-8"))
    if report["errors"]:
        raise RefreshError("apply", str(report_path), "the staging reported errors; fix them and stage again:\n  "
                           + "\n  ".join(report["errors"]))
    failures = report["guards"]["failures"]
    if failures and not force:
        raise RefreshError("apply", str(report_path), f"{len(failures)} guard(s) fail on the staged data; fix or scope "
                           "the sentences, stage again, or apply with FORCE=1 and fix them before the next build")
    staged_data, data = staged / "data", root / "data"
    written = []
    for table in report["tables"]:
        name = resource(table, staged_data)["path"]
        shutil.copyfile(staged_data / name, data / name)
        written.append(f"data/{name}")
    if report["new_sources"]:
        shutil.copyfile(staged_data / "sources.csv", data / "sources.csv")
        written.append("data/sources.csv")
        for entry in report["new_sources"]:
            meta = entry["snapshot"]
            folder = root / SNAPSHOT_HOME / entry["source_id"]
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / Path(meta["file"]).name
            if not kept_in_mirror(meta.get("origin")):
                shutil.copyfile(staged / "snapshots" / meta["file"], target)
                written.append(target.relative_to(root).as_posix())
            (folder / "snapshot.json").write_text(json.dumps({**meta, "file": target.name}, indent=2, ensure_ascii=False) + "\n",
                                                  encoding="utf-8")
            written.append((folder / "snapshot.json").relative_to(root).as_posix())
        bib = root / "references.bib"
        bib.write_text(render(load("sources", data)), encoding="utf-8")
        written.append("references.bib")
    return written
