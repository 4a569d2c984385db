"""The feeds, as declared in feeds.yml (next to this module): one `Feed` per official file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FEEDS_PATH = Path(__file__).resolve().parent / "feeds.yml"


@dataclass(frozen=True)
class Feed:
    name: str
    endpoint: str
    table: str
    access: str = "http"
    key_env: str | None = None
    key_param: str = "key"
    parser: str | None = None
    options: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)
    value: str | None = None
    series_column: str | None = None  # the key column the parser's series fills (TIC: holder)
    period: str | None = None
    owns: str = r"(?!)"  # matches no source_id
    mode: str = "replace"
    scope: object = None
    release_id: str | None = None
    known: dict = field(default_factory=dict)
    max_lag_days: int | None = None
    source: dict = field(default_factory=dict)
    group: str | None = None
    covers: str = "history"  # history: the series up to the file's latest period; period: that period only
    adds: list | None = None  # the series (series_column values) a new row may have; None: any

    def owns_source(self, source_id: str) -> bool:
        return re.fullmatch(self.owns, source_id) is not None

    def owns_row(self, cell: str) -> bool:
        return any(self.owns_source(s.strip()) for s in cell.split(";") if s.strip())

    def release(self, latest: str) -> str:
        """The source_id of the release whose latest period is `latest`; a `known` key 'A/B' is
        every period from A to B (one source row for a run of monthly tables)."""
        for periods, source_id in self.known.items():
            first, _, last = str(periods).partition("/")
            if first <= latest <= (last or first):
                return source_id
        return self.release_id.format(latest=latest.replace("-", "_"))

    @property
    def period_column(self) -> str:
        """The key column holding the period: the tables name it after its kind (date, month, year)."""
        return self.period

    @property
    def file_name(self) -> str:
        return self.endpoint.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or self.name

    @property
    def automated(self) -> bool:
        return self.parser is not None and self.access == "http"


def load_feeds(path: Path = FEEDS_PATH) -> dict[str, Feed]:
    """{name: Feed}; an entry with `files:` becomes one feed per file, named `<entry>.<file>`."""
    declared = yaml.safe_load(path.read_text(encoding="utf-8"))["feeds"]
    feeds: dict[str, Feed] = {}
    for name, entry in declared.items():
        entry = dict(entry)
        files = entry.pop("files", None)
        known_release = entry.pop("known_release", None)
        if not files:
            feeds[name] = Feed(name=name, **entry)
            continue
        for file, extra in files.items():
            extra = dict(extra)
            own = extra.pop("owns")
            years = extra.pop("years", None)
            label = extra.pop("label")
            options = {**entry.get("options", {}), **extra}
            columns = {**entry.get("columns", {}), "partner": extra["partner"], "flow": extra["flow"]}
            scope = dict(entry.get("scope") or {})
            if years:
                scope["years"] = years
            source = {k: v.replace("{label}", label).replace("{file}", file) for k, v in entry["source"].items()}
            feeds[f"{name}.{file}"] = Feed(
                name=f"{name}.{file}", group=name,
                **{**{k: v for k, v in entry.items() if k not in ("options", "columns", "scope", "source")},
                   "endpoint": entry["endpoint"].format(file=file), "options": options, "columns": columns,
                   "scope": scope, "source": source, "owns": re.escape(own) + r"(_\d{4}_\d{2})?",
                   "release_id": own + "_{latest}", "known": {known_release: own} if known_release else {}})
    return feeds


def select(feeds: dict[str, Feed], names: list[str] | None) -> list[Feed]:
    """The feeds named (a group name selects its files); all automated feeds when none is named."""
    if not names:
        return [f for f in feeds.values() if f.automated]
    chosen = []
    for name in names:
        matched = [f for f in feeds.values() if f.name == name or f.group == name]
        if not matched:
            raise KeyError(f"no feed named {name!r} in feeds.yml (known: {', '.join(sorted({f.group or f.name for f in feeds.values()}))})")
        chosen += matched
    return chosen


def years_in_scope(spec: str, year: int) -> bool:
    """'2000, 2020-' -> 2000 and every year from 2020."""
    for part in str(spec).split(","):
        part = part.strip()
        if part.endswith("-"):
            if year >= int(part[:-1]):
                return True
        elif "-" in part:
            lo, hi = part.split("-")
            if int(lo) <= year <= int(hi):
                return True
        elif part and year == int(part):
            return True
    return False
