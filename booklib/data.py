"""Load the book's tidy tables, validated against `data/datapackage.json`.

The schema is a Frictionless Data Package (Table Schema fields, primaryKey,
foreignKeys, constraints) with one extra field property, `unit`. The checks
are our own thin code so that every problem is reported with the file, the
row, the column and the reason, and nothing is dropped or coerced silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from booklib.paths import REPO_ROOT, data_dir

SOURCE_KINDS_WITHOUT_URL = {"seed_article"}
# The claims ledger: an unverifiable claim records its search, at least this many distinct
# queries, in each of these languages, tagged `[en] "..."` (other tags, such as ko, are allowed).
SEARCH_LANGUAGES = {"en": "English", "zh": "Chinese", "ja": "Japanese"}
MIN_SEARCH_QUERIES = 4
_SEARCH_QUERY = re.compile(r'\[([a-z]{2})\] "([^"]+)"')
_SCRIPT = {"zh": re.compile(r"[\u4e00-\u9fff]"), "ja": re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"),
           "ko": re.compile(r"[\uac00-\ud7af]")}

_INTEGER = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BOOLEAN = {"true": True, "false": False}


class DataError(ValueError):
    """A table does not match its schema; the message lists every problem found."""


@dataclass(frozen=True)
class Problem:
    path: Path
    row: int | None  # 1-based data row (the header is line 1, so row N is line N+1)
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = [_display(self.path)]
        if self.row is not None:
            where.append(f"row {self.row} (line {self.row + 1})")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.reason}"


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def package(directory: Path | None = None) -> dict:
    """The parsed datapackage.json of `directory` (default: the book's data folder)."""
    return _read_package(str((directory or data_dir()) / "datapackage.json"))


@lru_cache(maxsize=8)
def _read_package(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def resource(table: str, directory: Path | None = None) -> dict:
    for res in package(directory)["resources"]:
        if res["name"] == table:
            return res
    known = ", ".join(r["name"] for r in package(directory)["resources"])
    raise DataError(f"no table named {table!r} in datapackage.json (known: {known})")


def table_names(directory: Path | None = None) -> list[str]:
    return [res["name"] for res in package(directory)["resources"]]


def split_ids(value: str, delimiter: str = ";") -> list[str]:
    """The items of a list cell such as 'a; b' -> ['a', 'b']."""
    return [item.strip() for item in value.split(delimiter) if item.strip()]


def sources_of(frame: pd.DataFrame) -> list[str]:
    """Every source_id the rows of `frame` cite, in first-seen order (for a figure's sources)."""
    return list(dict.fromkeys(s for cell in frame["source_id"].dropna() for s in split_ids(cell)))


def load(table: str, directory: Path | None = None) -> pd.DataFrame:
    """Return `table` as a typed DataFrame, or raise DataError naming every problem.

    The frame's `attrs` record the table's name and its columns' units (pandas carries
    them through selections), so a formatter can check the unit of a value it writes.
    During a book build, a page may load only the tables its front matter declares
    (`booklib: reads:`), so that editing a table re-executes exactly its readers.
    """
    _check_declared(table)
    return _load(table, directory)


# The documents a page uses, recorded while it runs: the sources of its figures and of the rows
# its tables show. The build adds those its text cites and glues the latest date under its title.
USED_SOURCES: set[str] = set()


def use_sources(source_ids) -> None:
    """Record documents the running page shows (`source_ids`: ids, or cells of ids separated by ';')."""
    for cell in source_ids:
        if isinstance(cell, str) and cell.strip():
            USED_SOURCES.update(split_ids(cell))


def latest_document(source_ids, directory: Path | None = None) -> pd.Timestamp | None:
    """The date of the latest of `source_ids` (sources.csv `date_published`), None if none is dated."""
    registry = _load("sources", directory).set_index("source_id")["date_published"]
    dates = pd.to_datetime(registry[registry.index.isin(set(source_ids))].astype("string"), format="ISO8601").dropna()
    return dates.max() if len(dates) else None


def documents_to(tables: list[str], directory: Path | None = None) -> pd.Timestamp | None:
    """The date of the latest document that the rows of `tables` cite: the largest
    `date_published` in sources.csv among the source_ids of their rows (None if they cite no
    dated document): the "Documents to" date of a page that shows no figure and cites nothing
    (the data dictionary), computed from the tables it declares."""
    if list(tables) == ["*"]:  # a page that reads every table (`booklib: reads: all`)
        tables = [r["name"] for r in package(directory)["resources"] if r["name"] != "sources"]
    cited: set[str] = set()
    for table in tables:
        frame = _load(table, directory)
        if "source_id" in frame.columns:
            for cell in frame["source_id"].dropna():
                cited.update(split_ids(cell))
    return latest_document(cited, directory)


def building_page() -> str | None:
    """The page a book build is executing (set by booklib.build.sphinx_ext), or None outside a build."""
    return os.environ.get("BOOKLIB_PAGE")


def _check_declared(table: str) -> None:
    page, declared = building_page(), os.environ.get("BOOKLIB_PAGE_READS")
    if page is None or declared is None or table == "sources":
        return  # outside a build, or the sources every figure cites
    if declared != "*" and table not in declared.split(","):
        raise DataError(
            f"page {page} loads table {table!r}, which its front matter does not declare: "
            f"add it to 'booklib: reads:' in {page}.md"
        )


def _load(table: str, directory: Path | None = None) -> pd.DataFrame:
    directory = (directory or data_dir()).resolve()
    res = resource(table, directory)  # an unknown table fails here, with the known names
    # The cache is keyed on every file's mtime: a foreign key may point at another table.
    stamp = tuple(
        (p, p.stat().st_mtime_ns) for p in sorted(directory.glob("*")) if p.is_file()
    )
    frame = _load_cached(table, str(directory), stamp).copy()
    frame.attrs = {"table": table, "units": {f["name"]: f.get("unit") for f in res["schema"]["fields"]}}
    return frame


@lru_cache(maxsize=64)
def _load_cached(table: str, directory: str, _stamp: tuple) -> pd.DataFrame:
    root = Path(directory)
    res = resource(table, root)
    frame, problems = _typed_frame(root / res["path"], res["schema"])
    if not problems:
        problems += _key_problems(root, res, frame)
    if problems:
        listing = "\n".join(f"  - {p}" for p in problems)
        raise DataError(
            f"{len(problems)} problem(s) in {_display(root / res['path'])}:\n{listing}"
        )
    return frame


def _read_rows(path: Path) -> tuple[list[str], list[list[str]], list[Problem]]:
    if not path.exists():
        return [], [], [Problem(path, None, None, "file does not exist")]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return [], [], [Problem(path, None, None, "file is empty (no header)")]
        rows, problems = [], []
        for number, row in enumerate(reader, start=1):
            if len(row) != len(header):
                problems.append(
                    Problem(path, number, None, f"has {len(row)} fields, the header has {len(header)}")
                )
            rows.append(row)
    return header, rows, problems


def _typed_frame(path: Path, schema: dict) -> tuple[pd.DataFrame, list[Problem]]:
    header, rows, problems = _read_rows(path)
    fields = {f["name"]: f for f in schema["fields"]}
    missing = [name for name in fields if name not in header]
    unexpected = [name for name in header if name not in fields]
    for name in missing:
        problems.append(Problem(path, None, name, "column is missing from the header"))
    for name in unexpected:
        problems.append(Problem(path, None, name, "column is not in the schema"))
    if problems:
        return pd.DataFrame(), problems

    columns: dict[str, list] = {name: [] for name in fields}
    for number, row in enumerate(rows, start=1):
        for name, text in zip(header, row):
            value, reason = _parse(text, fields[name])
            if reason:
                problems.append(Problem(path, number, name, reason))
            columns[name].append(value)
    frame = pd.DataFrame({name: _series(values, fields[name]) for name, values in columns.items()})
    return frame, problems


def _parse(text: str, field: dict):
    """Convert one cell; return (value, None) or (None, reason)."""
    constraints = field.get("constraints", {})
    if text != text.strip():
        return None, f"{text!r} has leading or trailing spaces"
    if text == "":
        if constraints.get("required"):
            return None, "is empty but required"
        return None, None
    kind = field.get("type", "string")
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            return None, f"{text!r} is not an integer"
        value = int(text)
    elif kind == "number":
        if not _NUMBER.fullmatch(text):
            return None, f"{text!r} is not a number (plain digits, no separators or units)"
        value = float(text)
    elif kind == "date":
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"{text!r} is not a valid date (YYYY-MM-DD)"
    elif kind == "boolean":
        if text not in _BOOLEAN:
            return None, f"{text!r} is not a boolean (true or false)"
        value = _BOOLEAN[text]
    elif kind in ("string", "list"):
        value = text
    else:
        raise DataError(f"schema error: field {field['name']!r} has unknown type {kind!r}")
    return value, _constraint_reason(value, text, field)


def _constraint_reason(value, text: str, field: dict) -> str | None:
    constraints = field.get("constraints", {})
    items = split_ids(text, field.get("delimiter", ";")) if field.get("type") == "list" else [value]
    if "enum" in constraints:
        for item in items:
            if item not in constraints["enum"]:
                allowed = ", ".join(map(str, constraints["enum"]))
                return f"{item!r} is not an allowed category (allowed: {allowed})"
    if "pattern" in constraints:
        for item in items:
            if not re.fullmatch(constraints["pattern"], str(item)):
                return f"{item!r} does not match the pattern {constraints['pattern']!r}"
    for bound, fails in (("minimum", lambda v, b: v < b), ("maximum", lambda v, b: v > b)):
        if bound in constraints:
            limit = constraints[bound]
            if field.get("type") == "date":
                limit = dt.date.fromisoformat(limit)
            if fails(value, limit):
                word = "before" if bound == "minimum" else "after"
                if field.get("type") != "date":
                    word = "below" if bound == "minimum" else "above"
                return f"{text!r} is out of range ({word} the {bound} {constraints[bound]})"
    return None


def _series(values: list, field: dict) -> pd.Series:
    kind = field.get("type", "string")
    if kind == "integer":
        return pd.Series(values, dtype="Int64")
    if kind == "number":
        return pd.Series(values, dtype="Float64")
    if kind == "date":
        return pd.to_datetime(pd.Series(values, dtype="object"))
    if kind == "boolean":
        return pd.Series(values, dtype="boolean")
    return pd.Series(values, dtype="string")


def _key_problems(root: Path, res: dict, frame: pd.DataFrame) -> list[Problem]:
    path = root / res["path"]
    schema = res["schema"]
    problems: list[Problem] = []
    key = schema.get("primaryKey")
    if key:
        key = [key] if isinstance(key, str) else key
        seen: dict[tuple, int] = {}
        for number, values in enumerate(frame[key].itertuples(index=False), start=1):
            values = tuple(values)
            if values in seen:
                shown = ", ".join(f"{k}={v}" for k, v in zip(key, values))
                problems.append(
                    Problem(path, number, ",".join(key), f"duplicate key ({shown}); first seen at row {seen[values]}")
                )
            else:
                seen[values] = number
    fields = {f["name"]: f for f in schema["fields"]}
    for fk in schema.get("foreignKeys", []):
        column = fk["fields"]
        target = fk["reference"]["resource"]
        target_column = fk["reference"]["fields"]
        known = set(_load(target, root)[target_column].dropna())
        delimiter = fields[column].get("delimiter", ";")
        for number, cell in enumerate(frame[column], start=1):
            if pd.isna(cell):
                continue
            items = split_ids(cell, delimiter) if fields[column].get("type") == "list" else [cell]
            for item in items:
                if item not in known:
                    problems.append(
                        Problem(path, number, column, f"unknown {target_column} {item!r} (not in {target}.csv)")
                    )
    if res["name"] == "sources":
        problems += _source_rule_problems(path, frame)
    if res["name"] == "claims":
        problems += _claim_rule_problems(root, path, frame)
    return problems


def search_queries(record) -> list[tuple[str, str]]:
    """The (language, query) pairs of a claim's search record: `Queries: [en] "..."; [zh] "..."`."""
    return _SEARCH_QUERY.findall(record) if isinstance(record, str) else []


def search_record_problem(record) -> str | None:
    """Why a search record does not show the search an unverifiable verdict needs, or None."""
    if not isinstance(record, str) or not record:
        return ("is empty, but an unverifiable claim records its search: 'Queries:' in "
                f"{', '.join(SEARCH_LANGUAGES.values())}, 'Closest:' documents with URLs, 'Not settled:' why")
    queries = search_queries(record)
    distinct = {text for _, text in queries}
    if len(distinct) < MIN_SEARCH_QUERIES:
        return f"names {len(distinct)} distinct queries; an unverifiable claim needs at least {MIN_SEARCH_QUERIES}"
    missing = [name for tag, name in SEARCH_LANGUAGES.items() if tag not in {lang for lang, _ in queries}]
    if missing:
        return f"has no query in {', '.join(missing)}"
    for lang, text in queries:
        if lang in _SCRIPT and not _SCRIPT[lang].search(text):
            return f"the [{lang}] query {text!r} is not written in that language's script"
    closest = record.partition("Closest:")[2].partition("Not settled:")[0]
    if not re.search(r"https?://\S+", closest):
        return "names no closest document with its URL ('Closest: ... https://...')"
    if not record.partition("Not settled:")[2].strip():
        return "does not say why the closest documents do not settle the claim ('Not settled: ...')"
    return None


def _claim_rule_problems(root: Path, path: Path, frame: pd.DataFrame) -> list[Problem]:
    """The ledger's three rules: a claim whose figure the data rule out is contradicted, however
    much else of it holds or cannot be checked; an unverifiable verdict shows its search; any
    other verdict cites at least one document that is not a seed article."""
    kinds = _load("sources", root).set_index("source_id")["kind"]
    problems = []
    for number, (verdict, ruled_out) in enumerate(zip(frame["verdict"], frame["figure_ruled_out"]), start=1):
        if isinstance(ruled_out, str) and ruled_out and verdict != "contradicted":
            problems.append(Problem(path, number, "verdict", f"is {verdict!r}, but the data rule out the claim's figure "
                                    f"(figure_ruled_out: {ruled_out!r}); such a claim is 'contradicted'"))
    for number, (verdict, sources, record) in enumerate(zip(frame["verdict"], frame["source_id"], frame["search_record"]), start=1):
        if verdict == "unverifiable":
            reason = search_record_problem(record)
            if reason:
                problems.append(Problem(path, number, "search_record", reason))
        elif all(kinds.get(s) == "seed_article" for s in split_ids(sources)):
            problems.append(Problem(path, number, "source_id", f"verdict {verdict!r} cites only seed articles; cite a document that shows it"))
    return problems


def _source_rule_problems(path: Path, frame: pd.DataFrame) -> list[Problem]:
    """A reader must be able to open every non-seed source, and each document is one entry in the bibliography."""
    problems = []
    first_row_of_url: dict[str, int] = {}
    for number, (kind, url) in enumerate(zip(frame["kind"], frame["url"]), start=1):
        if pd.isna(url):
            if kind not in SOURCE_KINDS_WITHOUT_URL:
                problems.append(Problem(path, number, "url", f"is empty, but a {kind} source needs a URL"))
        elif url in first_row_of_url:
            first = first_row_of_url[url]
            problems.append(Problem(path, number, "url", f"same document as row {first} ({frame['source_id'].iloc[first - 1]}); cite that row instead"))
        else:
            first_row_of_url[url] = number
    return problems


def validate_all(directory: Path | None = None) -> dict[str, int]:
    """Load every table; return {table: row count} or raise on the first bad table."""
    return {name: len(_load(name, directory)) for name in table_names(directory)}


def latest_vintage(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per `keys`: the official figure from the latest release, else the latest report.

    Series such as TIC holdings are revised; a table keeps every vintage it
    read (with its source), and a chart shows the best one.
    """
    sources = load("sources").set_index("source_id")
    first_source = frame["source_id"].map(lambda cell: split_ids(cell)[0])
    ranked = frame.assign(
        _official=first_source.map(sources["kind"]).eq("primary_official"),
        _published=first_source.map(sources["date_published"]).fillna(""),
    ).sort_values(["_official", "_published"])
    return ranked.groupby(keys, sort=True).tail(1).drop(columns=["_official", "_published"]).sort_values(keys).reset_index(drop=True)
