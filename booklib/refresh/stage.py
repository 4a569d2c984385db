"""Stage a refresh: parse each snapshot, merge its rows into a copy of the tables, validate the
copy with the book's own loader, and report the difference keyed by each table's primary key.

The staged folder (_build/refresh/ by default) holds `data/` (a full copy of the data folder with
the refreshed tables and any new sources rows), `snapshots/` (the raw files read) and
`report.json` (what `apply` needs). Nothing outside it is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from booklib.data import DataError, resource, split_ids, validate_all
from booklib.refresh.feeds import Feed, years_in_scope
from booklib.refresh.parsers import PARSERS, Parsed, RefreshError
from booklib.refresh.snapshots import Snapshot, kept_in_mirror

SNAPSHOT_HOME = Path("data") / "snapshots"  # where `apply` keeps each new source's snapshot (and raw file)


# Tables as text: untouched rows are written back byte for byte -----------------------------

@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[dict[str, str]]
    newline: str

    @classmethod
    def read(cls, name: str, path: Path) -> "Table":
        text = path.read_bytes().decode("utf-8")
        newline = "\r\n" if "\r\n" in text else "\n"
        rows = list(csv.reader(io.StringIO(text, newline="")))
        return cls(name, rows[0], [dict(zip(rows[0], r)) for r in rows[1:]], newline)

    def write(self, path: Path) -> None:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator=self.newline)
        writer.writerow(self.header)
        writer.writerows([[row.get(c, "") for c in self.header] for row in self.rows])
        path.write_bytes(out.getvalue().encode("utf-8"))


def number_text(value: Decimal | None) -> str:
    """As the tables write numbers: the shortest float text ('4.6', '1200.0', '7810.0')."""
    return "" if value is None else str(float(value))


def same_number(old: str, new: str) -> bool:
    if old == "" or new == "":
        return old == new
    return Decimal(old) == Decimal(new)


def period_cell(kind: str, period: str) -> str:
    """A parser's period as the table writes it: a `date` or `period` column as is, a `month`
    column as the month's first day, a `year` column as the year."""
    return {"date": period, "period": period, "month": f"{period}-01", "year": period}[kind]


def period_span(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period: YYYY, YYYY-MM, an ISO date, or a span 'YYYY-MM/YYYY-MM'."""
    first, _, last = period.partition("/")
    return _days(first)[0], _days(last or first)[1]


def _days(period: str) -> tuple[dt.date, dt.date]:
    if re.fullmatch(r"\d{4}", period):
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    if re.fullmatch(r"\d{4}-\d{2}", period):
        year, month = map(int, period.split("-"))
        first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        return dt.date(year, month, 1), first_next - dt.timedelta(days=1)
    day = dt.date.fromisoformat(period[:10])
    return day, day


def period_end(period: str) -> dt.date:
    return period_span(period)[1]


def covered(parsed: Parsed, period: str) -> bool:
    """Whether a row's period lies within the periods the file holds, so that its absence from
    the file means the file dropped it (a one-month table says nothing of other months)."""
    first, last = period_span(period)
    return period_span(parsed.earliest)[0] <= first and last <= period_end(parsed.latest)


# The difference --------------------------------------------------------------------------

@dataclass
class Change:
    kind: str  # new, changed, removed
    key: dict[str, str]
    old: str | None = None
    new: str | None = None
    source_id: str | None = None
    feed: str = ""


@dataclass
class FeedResult:
    feed: str
    table: str
    snapshot: Snapshot
    release: str
    latest: str
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    new_source: dict | None = None
    skipped_not_owned: int = 0
    not_added: list[str] = field(default_factory=list)  # new rows of a kind the feed does not add (`adds`)


def key_columns(table: str, directory: Path) -> list[str]:
    key = resource(table, directory)["schema"]["primaryKey"]
    return [key] if isinstance(key, str) else list(key)


# Merging one feed's file into its table -----------------------------------------------------

def _observation_rows(feed: Feed, parsed: Parsed) -> list[dict[str, str]]:
    rows = []
    for obs in parsed.observations:
        row = {column: str(text).replace("{latest}", parsed.latest) for column, text in feed.columns.items()}
        row[feed.period_column] = period_cell(feed.period, obs.period)
        if feed.series_column:
            row[feed.series_column] = obs.series
        row[feed.value] = number_text(obs.value)
        row["_period"] = obs.period
        rows.append(row)
    return rows


def _in_scope(feed: Feed, row: dict[str, str], owned_keys: set) -> bool:
    scope = feed.scope
    if scope == "existing":
        return True  # filtered against the table's keys by the caller
    scope = scope or {}
    if "from" in scope and row[feed.period_column] < str(scope["from"]):
        return False
    if "years" in scope and not years_in_scope(scope["years"], int(row[feed.period_column][:4])):
        return False
    return True


def merge(feed: Feed, table: Table, parsed: Parsed, snapshot: Snapshot, keys: list[str], published: dict[str, str]) -> FeedResult:
    """Merge the file's rows into `table` (in place): only rows the feed owns are touched."""
    release = feed.release(parsed.latest)
    result = FeedResult(feed.name, table.name, snapshot, release, parsed.latest)
    plain_key = [k for k in keys if k != "source_id"]
    owned = [r for r in table.rows if feed.owns_row(r["source_id"])]
    _check_freshness(feed, parsed, snapshot, owned)
    incoming = [r for r in _observation_rows(feed, parsed) if _in_scope(feed, r, set())]

    def key_of(row):
        return tuple(row[k] for k in plain_key)

    def shown(row):
        return {k: row[k] for k in keys if k in row}

    if feed.mode == "replace":
        by_key = {key_of(r): r for r in table.rows}
        owned_keys = {key_of(r) for r in owned}
        if feed.scope == "existing":
            incoming = [r for r in incoming if key_of(r) in owned_keys]
        seen = set()
        for new in incoming:
            key = key_of(new)
            seen.add(key)
            old = by_key.get(key)
            if old is None and feed.adds is not None and new[feed.series_column] not in feed.adds:
                result.not_added.append(f"{new[feed.series_column]} {new[feed.period_column]}")
            elif old is not None and not feed.owns_row(old["source_id"]):
                result.skipped_not_owned += 1
            elif old is not None:
                if same_number(old[feed.value], new[feed.value]):
                    result.unchanged += 1
                else:
                    result.changes.append(Change("changed", shown(old), old[feed.value], new[feed.value], release, feed.name))
                    old[feed.value], old["source_id"] = new[feed.value], release
            else:
                row = {c: new.get(c, "") for c in table.header}
                row["source_id"] = release
                _insert_in_order(table, row, [k for k in plain_key if k != feed.period_column], feed.period_column)
                by_key[key] = row
                result.changes.append(Change("new", shown(row), None, row[feed.value], release, feed.name))
        for row in list(owned):
            if key_of(row) not in seen and _in_scope(feed, row, set()) and covered(parsed, row[feed.period_column]):
                table.rows.remove(row)
                result.changes.append(Change("removed", shown(row), row[feed.value], None, row["source_id"], feed.name))
    else:
        incoming_by_key = {key_of(r): r for r in incoming}
        of_release = [r for r in owned if release in split_ids(r["source_id"])]
        if of_release:  # this release is in the table already: its rows must read the same
            for row in of_release:
                new = incoming_by_key.get(key_of(row))
                if new is None:
                    table.rows.remove(row)
                    result.changes.append(Change("removed", shown(row), row[feed.value], None, row["source_id"], feed.name))
                elif same_number(row[feed.value], new[feed.value]):
                    result.unchanged += 1
                else:
                    result.changes.append(Change("changed", shown(row), row[feed.value], new[feed.value], row["source_id"], feed.name))
                    row[feed.value] = new[feed.value]
        else:  # a new release: its rows that revise a value or extend a series
            latest_owned: dict[tuple, dict] = {}
            for row in sorted(owned, key=lambda r: _published(r, feed, published)):
                latest_owned[key_of(row)] = row
            last_period: dict[tuple, str] = {}
            for row in owned:
                series = tuple(row[k] for k in plain_key if k != feed.period_column)
                last_period[series] = max(last_period.get(series, ""), row[feed.period_column])
            for key, new in incoming_by_key.items():
                if new[feed.value] == "":
                    continue
                previous = latest_owned.get(key)
                series = tuple(new[k] for k in plain_key if k != feed.period_column)
                if previous is not None:
                    if same_number(previous[feed.value], new[feed.value]):
                        result.unchanged += 1
                        continue
                elif new[feed.period_column] <= last_period.get(series, ""):
                    continue  # a month the book does not keep
                row = {c: new.get(c, "") for c in table.header}
                row["source_id"] = release
                table.rows.append(row)
                old = previous[feed.value] if previous is not None else None
                result.changes.append(Change("new", shown(row), old, row[feed.value], release, feed.name))
    return result


def _insert_in_order(table: Table, row: dict, series: list[str], period: str) -> None:
    """Put a new row after the last row of its series with an earlier period (before the
    series' first row when none is earlier; at the end of a new series), so that rows already
    there keep their places and order."""
    same = [i for i, r in enumerate(table.rows) if all(r[k] == row[k] for k in series)]
    earlier = [i for i in same if table.rows[i][period] <= row[period]]
    place = earlier[-1] + 1 if earlier else (same[0] if same else len(table.rows))
    table.rows.insert(place, row)


def _published(row: dict, feed: Feed, published: dict[str, str]) -> str:
    ids = [s for s in split_ids(row["source_id"]) if feed.owns_source(s)]
    return max((published.get(s, "") for s in ids), default="")


def _check_freshness(feed: Feed, parsed: Parsed, snapshot: Snapshot, owned: list[dict]) -> None:
    name = snapshot.file
    lag = (snapshot.fetched_date - period_end(parsed.latest)).days
    if feed.max_lag_days is not None and lag > feed.max_lag_days:
        raise RefreshError(feed.name, name, f"is stale: its latest period {parsed.latest} ended {lag} days before it was "
                           f"fetched ({snapshot.fetched_at[:10]}); this feed allows {feed.max_lag_days}")
    if lag < -1:
        raise RefreshError(feed.name, name, f"claims a period {parsed.latest} after the day it was fetched ({snapshot.fetched_at[:10]})")
    if not owned or feed.covers == "period":
        return  # a one-period table may be any month's, older or newer than the rows held
    column = feed.period_column
    held = max(r[column] for r in owned)
    if period_end(parsed.latest) < period_end(held[:len(parsed.latest)] if feed.period != "year" else held):
        raise RefreshError(feed.name, name, f"ends at {parsed.latest}, before the {held} the table already holds from this "
                           "feed: an older file than the one read before?")
    if feed.mode == "replace":
        first = min(r[column] for r in owned)
        if period_cell(feed.period, parsed.earliest) > first:
            raise RefreshError(feed.name, name, f"begins at {parsed.earliest}, after the {first} the table holds from this feed")


# Staging every snapshot -----------------------------------------------------------------

@dataclass
class Staged:
    folder: Path
    results: list[FeedResult]
    errors: list[str]
    tables: list[str]


def stage(snapshots: list[Snapshot], feeds: dict[str, Feed], data_dir: Path, out: Path) -> Staged:
    """Parse and merge every snapshot into a copy of `data_dir` under `out`/data; validate it."""
    staged_data = out / "data"
    if staged_data.exists():
        shutil.rmtree(staged_data)
    staged_data.mkdir(parents=True)
    for path in data_dir.iterdir():
        if path.is_file():
            shutil.copy2(path, staged_data / path.name)
    sources = Table.read("sources", staged_data / "sources.csv")
    published = {r["source_id"]: r["date_published"] for r in sources.rows}
    tables: dict[str, Table] = {}
    results, errors = [], []
    for snap in snapshots:
        feed = feeds.get(snap.feed)
        try:
            if feed is None:
                raise RefreshError(snap.feed, snap.file, "is not a feed declared in feeds.yml")
            if feed.parser is None:
                raise RefreshError(feed.name, snap.file, "has no parser yet (see its note in feeds.yml); its rows stay as transcribed")
            parsed = PARSERS[feed.parser](feed.name, snap.file, snap.raw, feed.options)
            if feed.table not in tables:
                tables[feed.table] = Table.read(feed.table, staged_data / resource(feed.table, staged_data)["path"])
            result = merge(feed, tables[feed.table], parsed, snap, key_columns(feed.table, staged_data), published)
        except RefreshError as error:
            errors.append(str(error))
            continue
        if any(c.source_id == result.release for c in result.changes) and result.release not in published:
            result.new_source = source_row(feed, result, sources)
            sources.rows.append(result.new_source)
            published[result.release] = result.new_source["date_published"]
        results.append(result)
    for name, table in tables.items():
        table.write(staged_data / resource(name, staged_data)["path"])
    sources.write(staged_data / "sources.csv")
    try:
        validate_all(staged_data)
    except DataError as error:
        errors.append(f"the staged tables fail the book's validator (booklib.data): {error}")
    return Staged(out, results, errors, sorted(tables))


def source_row(feed: Feed, result: FeedResult, sources: Table) -> dict[str, str]:
    snap = result.snapshot
    urls = {r["url"] for r in sources.rows}
    url = snap.address if snap.address not in urls else f"{snap.address}#release={result.latest}"
    origin = snap.origin or {}
    mirror = f"{origin['repository']}:{origin['path']}@{origin['commit']}" if "repository" in origin else ""
    day = snap.fetched_at[:10]
    # A copy read in a mirror was accessed today; a fetched or supplied file when it was fetched.
    accessed = dt.date.today().isoformat() if mirror else day
    if mirror:
        how = (f"Read from a copy of the official file kept in a public repository (the mirror named), which "
               f"fetched it from the publisher at {snap.fetched_at}")
    elif "supplied_file" in origin:
        how = (f"Downloaded by hand from the page listed at {snap.address} and given to `make refresh` as a file "
               f"(modified {snap.fetched_at})")
    else:
        how = f"Fetched by `make refresh` from {snap.address} at {snap.fetched_at} (HTTP {snap.status or 'n/a'})"
    folder = f"{SNAPSHOT_HOME.as_posix()}/{result.release}"
    kept = (f"the file stays in the mirror, its metadata is kept as {folder}/snapshot.json" if kept_in_mirror(origin)
            else f"raw file kept as {folder}/{Path(snap.file).name}")
    note = (f"{how}; SHA-256 {snap.sha256}; {kept}. "
            f"Latest period in the file: {result.latest}. The file prints no release date: the date given is the day "
            "it was fetched, by which it was published.")
    if origin.get("doctored"):
        note += f" DOCTORED FOR A TEST: {origin['doctored']}"
    return {"source_id": result.release, "publisher": feed.source["publisher"],
            "title": feed.source["title"].replace("{latest}", result.latest), "url": url, "date_published": day,
            "date_accessed": accessed, "kind": "primary_official", "bib_key": result.release, "mirror": mirror, "note": note}


# The report ------------------------------------------------------------------------------

def _key_text(key: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in key.items())


def report_lines(staged: Staged) -> list[str]:
    lines = []
    by_table: dict[str, list[FeedResult]] = {}
    for result in staged.results:
        by_table.setdefault(result.table, []).append(result)
    for table, results in by_table.items():
        changes = [c for r in results for c in r.changes]
        counts = {kind: sum(c.kind == kind for c in changes) for kind in ("new", "changed", "removed")}
        feeds = ", ".join(f"{r.feed} (release {r.release}, latest {r.latest}, {r.unchanged} rows as before"
                          + (f"; not added, of a kind this feed does not add: {', '.join(r.not_added)}" if r.not_added else "")
                          + ")" for r in results)
        if not changes:
            lines.append(f"{table}: no change  [{feeds}]")
            continue
        lines.append(f"{table}: {counts['new']} new, {counts['changed']} changed, {counts['removed']} removed  [{feeds}]")
        for c in changes:
            if c.kind == "new":
                extra = f" (revises {c.old})" if c.old is not None else ""
                lines.append(f"  new      {_key_text(c.key)}: {c.new}{extra}  <- {c.source_id}")
            elif c.kind == "changed":
                lines.append(f"  changed  {_key_text(c.key)}: {c.old} -> {c.new}  <- {c.source_id}")
            else:
                lines.append(f"  removed  {_key_text(c.key)}: was {c.old}  ({c.source_id})")
    for result in staged.results:
        if result.new_source:
            lines.append(f"sources: new row {result.new_source['source_id']} ({result.new_source['url']})")
    return lines


def write_report(staged: Staged, guard_failures: list[dict], pages: list[str]) -> Path:
    report = {
        "tables": sorted({r.table for r in staged.results if r.changes}),
        "new_sources": [{"source_id": r.release, "snapshot": r.snapshot.meta()} for r in staged.results if r.new_source],
        "changes": [{"feed": r.feed, "table": r.table, "kind": c.kind, "key": c.key, "old": c.old, "new": c.new,
                     "source_id": c.source_id} for r in staged.results for c in r.changes],
        "errors": staged.errors,
        "guards": {"pages": pages, "failures": guard_failures},
    }
    path = staged.folder / "report.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
