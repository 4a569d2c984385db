"""The data release: one zip of the tables with a manifest of checksums."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import zipfile
from pathlib import Path

from booklib.citation import CitationError



def data_as_of(data_dir: Path) -> str:
    """The latest date on which a source of the data was read (sources.csv date_accessed)."""
    with open(Path(data_dir) / "sources.csv", encoding="utf-8", newline="") as f:
        days = [r.get("date_accessed", "") for r in csv.DictReader(f)]
    days = [d for d in days if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d or "")]
    return max(days) if days else "unknown"


def release_name(ed: dict) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', ed['title'].lower()).strip('-')}-data-{ed['version']}.zip"


def build_release(data_dir: Path, target: Path, ed: dict, commit: str) -> dict:
    """Write the data release zip: datapackage.json, every table it lists, sources.csv, a
    manifest (edition and its date, commit, data-as-of date, SHA-256 of each file) and SHA256SUMS.
    The zip is deterministic (sorted entries, fixed times). Raises CitationError naming a table
    the package lists but the folder lacks."""
    data_dir = Path(data_dir)
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = ["datapackage.json"] + [r["path"] for r in package["resources"]]
    if "sources.csv" not in names:
        names.append("sources.csv")
    missing = [n for n in names if not (data_dir / n).is_file()]
    if missing:
        raise CitationError(f"data release: {', '.join(missing)} listed in datapackage.json but missing from {data_dir}")
    files = {n: (data_dir / n).read_bytes() for n in sorted(set(names))}
    sums = {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    manifest = {"title": ed["title"], "edition": ed["version"], "released": ed["released"],
                "commit": commit, "data_as_of": data_as_of(data_dir), "license": ed["license"], "sha256": sums}
    files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    files["SHA256SUMS"] = "".join(f"{s}  {n}\n" for n, s in sums.items()).encode()
    # The edition's date, not the build day: two builds of one edition give the same zip.
    stamp = tuple(int(p) for p in ed["released"].split("-")) + (0, 0, 0)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, files[name])
    listed = set(zipfile.ZipFile(target).namelist())
    absent = [n for n in names if n not in listed]
    if absent:
        raise CitationError(f"data release {target.name}: {', '.join(absent)} missing from the zip")
    return manifest
