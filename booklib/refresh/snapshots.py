"""Raw responses kept as snapshots: the bytes as received, with their address (never a key),
fetch time, HTTP status and SHA-256, listed in the set's manifest.json.

A snapshot set is a folder: manifest.json and the files it lists. `make refresh` writes one
under _build/refresh/snapshots/; the test fixtures (tests/fixtures/refresh/) are one too, with
each file's origin (repository, path, commit, how it was trimmed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from booklib.refresh.feeds import Feed
from booklib.refresh.parsers import RefreshError, refuse_error_body

MANIFEST = "manifest.json"
TIMEOUT_SECONDS = 60


@dataclass
class Snapshot:
    feed: str
    file: str  # path inside the set
    address: str  # the address fetched, without any key
    fetched_at: str  # ISO 8601, UTC
    sha256: str
    raw: bytes = field(repr=False)
    status: int | None = None
    content_type: str | None = None
    origin: dict | None = None  # where a fixture or a supplied file came from

    @property
    def fetched_date(self) -> dt.date:
        return dt.date.fromisoformat(self.fetched_at[:10])

    def meta(self) -> dict:
        meta = {"feed": self.feed, "file": self.file, "address": self.address, "fetched_at": self.fetched_at,
                "sha256": self.sha256, "status": self.status, "content_type": self.content_type}
        if self.origin:
            meta["origin"] = self.origin
        return {k: v for k, v in meta.items() if v is not None}


def kept_in_mirror(origin: dict | None) -> bool:
    """Whether a snapshot's bytes are (a trimmed copy of) a file a public repository keeps: such a
    file is named, not copied into data/ (a test's doctored copy is no one's file but the test's)."""
    return bool(origin) and "repository" in origin and "doctored" not in origin


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def now_utc() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def fetch(feed: Feed, session=None) -> Snapshot:
    """GET the feed's endpoint (with its key from the environment, if it needs one). Refuses an
    error status, and an HTML page where a data file was expected."""
    import requests

    params = {}
    if feed.key_env:
        key = os.environ.get(feed.key_env)
        if not key:
            raise RefreshError(feed.name, feed.endpoint, f"needs an API key: set the environment variable {feed.key_env}")
        params[feed.key_param] = key
    http = session or requests
    try:
        response = http.get(feed.endpoint, params=params, timeout=TIMEOUT_SECONDS,
                            headers={"User-Agent": "booklib-refresh (official statistics for a policy report)"})
    except requests.RequestException as error:
        # The message of a failed request may carry the address with its key: name the feed's address only.
        raise RefreshError(feed.name, feed.endpoint, f"request failed ({type(error).__name__})") from None
    if response.status_code != 200:
        raise RefreshError(feed.name, feed.endpoint, f"answered HTTP {response.status_code}")
    content_type = response.headers.get("Content-Type", "")
    raw = response.content
    if "html" in content_type.lower():
        refuse_error_body(feed.name, feed.endpoint, raw)  # names the page's first line
        raise RefreshError(feed.name, feed.endpoint, f"answered {content_type!r}, not a data file", 1)
    refuse_error_body(feed.name, feed.endpoint, raw)
    return Snapshot(feed=feed.name, file=f"{feed.name}/{feed.file_name}", address=feed.endpoint, fetched_at=now_utc(),
                    sha256=sha256(raw), raw=raw, status=response.status_code, content_type=content_type or None)


def from_file(feed: Feed, path: Path) -> Snapshot:
    """A file the user supplies for a feed (one without automated access, or a download made by hand)."""
    raw = Path(path).read_bytes()
    stamp = dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.timezone.utc).replace(microsecond=0)
    return Snapshot(feed=feed.name, file=f"{feed.name}/{Path(path).name}", address=feed.endpoint,
                    fetched_at=stamp.isoformat().replace("+00:00", "Z"), sha256=sha256(raw), raw=raw,
                    origin={"supplied_file": str(path), "note": "file supplied with FILE=; fetched_at is its modification time"})


def write_set(snapshots: list[Snapshot], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for snap in snapshots:
        target = folder / snap.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(snap.raw)
    manifest = {"snapshots": [s.meta() for s in snapshots]}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def read_set(folder: Path) -> list[Snapshot]:
    """The snapshots of a set, each checked against the SHA-256 its manifest records."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    snapshots = []
    for meta in manifest["snapshots"]:
        path = folder / meta["file"]
        if not path.is_file():
            raise RefreshError(meta["feed"], str(path), "is listed in manifest.json but missing")
        raw = path.read_bytes()
        if sha256(raw) != meta["sha256"]:
            raise RefreshError(meta["feed"], str(path), f"SHA-256 {sha256(raw)} differs from the manifest's {meta['sha256']}")
        snapshots.append(Snapshot(raw=raw, **{k: meta.get(k) for k in
                                              ("feed", "file", "address", "fetched_at", "sha256", "status", "content_type", "origin")}))
    return snapshots
