"""`make refresh` for China's customs (GAC) tables, offline.

No real .xls of GAC's monthly commodity tables is stored where this book's tools reach
(research/search-log-2026-12.md, searches 5 and 6), so these tests write workbooks in the layout
a public converter of the real files relies on (Ex-Caliburn/funny: scripts/tools/
china_export_xls_to_json.js for the Statistics Express key-commodity table, customs_export_xls_to_json.js
for the Monthly Report main-commodity table): a title line, a unit line, two header lines, one
line per commodity, a note. Their 稀土 quantities are the book's own rows; the other commodities
carry placeholders. They are not fixtures and say nothing of GAC's numbers: they check that the
parser reads both tables in both layouts, that a table given as a file refreshes only the rows
its feed owns, and that every other shape is refused naming the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re

import pytest
import responses
import xlwt

from booklib.refresh.__main__ import main
from booklib.refresh.feeds import load_feeds
from booklib.refresh.parsers import RefreshError, gac_commodity_xls
from booklib.refresh.snapshots import Snapshot, sha256
from booklib.refresh.stage import stage
from conftest import REPO

DATA = REPO / "data"
FEEDS = load_feeds()
TITLES = {"gac_key_commodities": "全国出口重点商品量值表", "gac_main_commodities": "出口主要商品量值表"}
UNITS = {"gac_key_commodities": "单位：亿元人民币", "gac_main_commodities": "单位：万元人民币"}


def books_rows() -> dict[str, str]:
    """The book's GAC rows of rare earths to the world: {period: value as written}."""
    with (DATA / "china_rare_earth_exports.csv").open(encoding="utf-8", newline="") as f:
        return {r["period"]: r["value"] for r in csv.DictReader(f)
                if r["product"] == "rare_earths" and r["source_id"].startswith("gac_export_")}


def gac_table(feed: str, year: int, month: int, month_quantity, year_to_date=None, *, names_in_first_column=False,
              title=None, unit_line=None, month_label=None, item="稀土", quantity_unit="吨", cumulative_column=True) -> bytes:
    """An .xls in the layout of GAC's table `feed` for year/month (see the module's docstring)."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    first, column = (0, 0) if names_in_first_column else (1, 1)
    title = title or f"（3）{year}年{month}月{TITLES[feed]}（人民币值）"
    header = ["商品名称", "计量单位", month_label or f"{month}月", ""]
    if month > 1 and cumulative_column:
        header += [f"1至{month}月累计", ""]
    header += ["比去年同期±%", ""]
    lines = [[title], [unit_line or UNITS[feed]], header, ["", ""] + ["数量", "金额"] * ((len(header) - 2) // 2)]
    lines += [["农产品*", "-", "-", 6538140.1] + ["-", 1.0] * ((len(header) - 4) // 2),
              ["  水产品", "万吨", 39.4, 1289485.5] + [1.0, 1.0] * ((len(header) - 4) // 2),
              [item, quantity_unit, month_quantity, 33112.0] + ([year_to_date, 91732.1] if len(header) > 6 else []) + [5.1, -9.8],
              ["钢材", "万吨", 1045.6, 5201958.0] + [1.0, 1.0] * ((len(header) - 4) // 2),
              ["注：本表为初步统计数。"]]
    for offset, line in enumerate(lines):
        for position, value in enumerate(line):
            sheet.write(first + offset, column + position, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot(feed: str, raw: bytes, fetched_at: str) -> Snapshot:
    return Snapshot(feed=feed, file=f"{feed}/table.xls", address=FEEDS[feed].endpoint, fetched_at=fetched_at,
                    sha256=sha256(raw), raw=raw, origin={"layout": "written by tests/test_refresh_gac.py; not a real file"})


def parse(feed: str, raw: bytes):
    parsed = gac_commodity_xls(feed, "table.xls", raw, FEEDS[feed].options)
    return {(o.series, o.period): float(o.value) for o in parsed.observations}, parsed


ROWS = books_rows()
# The tables the book's rows were read from, one per kind: a key-commodity table with its
# year to date, one in December (the year), a main-commodity January (no year to date) and December.
REPLAYED = [
    ("gac_key_commodities", 2026, 2, ROWS["2026-02"], ROWS["2026-01/2026-02"], False, "2026-03-12T00:00:00Z"),
    ("gac_key_commodities", 2025, 12, ROWS["2025-12"], ROWS["2025"], True, "2026-01-20T00:00:00Z"),
    ("gac_main_commodities", 2024, 1, ROWS["2024-01"], None, False, "2024-02-28T00:00:00Z"),
    ("gac_main_commodities", 2024, 12, ROWS["2024-12"], ROWS["2024"], True, "2025-01-30T00:00:00Z"),
]


@pytest.mark.parametrize("feed, year, month, quantity, year_to_date, first_column, fetched", REPLAYED)
def test_both_tables_in_both_layouts_give_back_the_books_rows(feed, year, month, quantity, year_to_date, first_column, fetched):
    raw = gac_table(feed, year, month, float(quantity), float(year_to_date) if year_to_date else None,
                    names_in_first_column=first_column)
    values, parsed = parse(feed, raw)
    period = f"{year}-{month:02d}"
    expected = {("month", period): float(quantity)}
    if month == 12:
        expected[("year", str(year))] = float(year_to_date)
    elif year_to_date:
        expected[("cumulative", f"{year}-01/{period}")] = float(year_to_date)
    assert values == expected
    assert parsed.latest == parsed.earliest == period


def test_replaying_the_tables_stages_no_change(tmp_path):
    snapshots = [snapshot(feed, gac_table(feed, y, m, float(q), float(t) if t else None, names_in_first_column=first), fetched)
                 for feed, y, m, q, t, first, fetched in REPLAYED]
    staged = stage(snapshots, FEEDS, DATA, tmp_path / "out")
    assert staged.errors == []
    assert [(r.feed, r.release, r.unchanged, r.changes, r.not_added) for r in staged.results] == [
        ("gac_key_commodities", "gac_export_key_commodities_2025_2026", 2, [], []),
        ("gac_key_commodities", "gac_export_key_commodities_2025_2026", 2, [], []),
        ("gac_main_commodities", "gac_export_main_commodities_2024_2026", 1, [], []),
        ("gac_main_commodities", "gac_export_main_commodities_2024_2026", 2, [], []),
    ]
    for table in ("china_rare_earth_exports", "sources"):
        assert (tmp_path / f"out/data/{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes(), table


def test_a_month_of_the_other_table_is_never_touched(tmp_path):
    """February 2026 is the key-commodity table's row: the main-commodity table of that month,
    even with another number, leaves it as it is."""
    raw = gac_table("gac_main_commodities", 2026, 2, 4400.0, 10460.0)
    staged = stage([snapshot("gac_main_commodities", raw, "2026-04-01T00:00:00Z")], FEEDS, DATA, tmp_path / "out")
    assert staged.errors == []
    [result] = staged.results
    assert result.changes == [] and result.skipped_not_owned == 2 and result.not_added == []
    assert (tmp_path / "out/data/china_rare_earth_exports.csv").read_bytes() == (DATA / "china_rare_earth_exports.csv").read_bytes()


def test_make_refresh_takes_a_new_months_table_as_a_file(tmp_path, capsys):
    """`make refresh FEED=gac_key_commodities FILE=<the .xls>`: a table of a month the book does not
    have yet (August 2026; its numbers are the test's own) adds that month after July, with a
    sources row of its own, and leaves the year to date out, saying so."""
    path = tmp_path / "2026年8月全国出口重点商品量值表.xls"
    path.write_bytes(gac_table("gac_key_commodities", 2026, 8, 4000.5, 39000.25))
    fetched = dt.datetime(2026, 9, 9, 12, tzinfo=dt.timezone.utc).timestamp()
    os.utime(path, (fetched, fetched))  # a supplied file's time is its fetch time
    code = main(["stage", "--feed", "gac_key_commodities", "--file", str(path), "--no-guards", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "china_rare_earth_exports: 1 new, 0 changed, 0 removed" in printed
    assert "new      period=2026-08, product=rare_earths, destination=world: 4000.5  <- gac_export_key_commodities_2026_08" in printed
    assert "not added, of a kind this feed does not add: cumulative 2026-01/2026-08" in printed
    before = (DATA / "china_rare_earth_exports.csv").read_text(encoding="utf-8").splitlines()
    after = (tmp_path / "out/data/china_rare_earth_exports.csv").read_text(encoding="utf-8").splitlines()
    july = next(i for i, line in enumerate(before) if line.startswith("2026-07,month,rare_earths,world,"))
    assert after[:july + 1] == before[:july + 1] and after[july + 2:] == before[july + 1:]
    assert after[july + 1] == ("2026-08,month,rare_earths,world,4000.5,tonnes,gac_export_key_commodities_2026_08,"
                               "\"GAC key-commodity export table, 稀土 (rare earths, not magnets).\"")
    with (tmp_path / "out/data/sources.csv").open(encoding="utf-8", newline="") as f:
        [source] = [r for r in csv.DictReader(f) if r["source_id"] == "gac_export_key_commodities_2026_08"]
    assert source["publisher"] == "General Administration of Customs of the PRC (海关总署)"
    assert source["kind"] == "primary_official" and source["date_accessed"] == "2026-09-09"
    assert source["note"].startswith("Downloaded by hand from the page listed at http://www.customs.gov.cn/customs/302249/")
    assert sha256(path.read_bytes()) in source["note"]


@responses.activate
def test_make_refresh_names_the_feeds_it_cannot_fetch(tmp_path, capsys):
    responses.get(re.compile(r"https?://.*"), body="busy", status=503)
    assert main(["stage", "--no-guards", "--out", str(tmp_path / "out")]) == 1
    printed = capsys.readouterr().out
    assert ("Not fetched (no automated access): gac_key_commodities, gac_main_commodities; give each its file: "
            "make refresh FEED=<feed> FILE=<path>") in printed
    assert "Not read (no parser yet, see feeds.yml): census_imports_japan" in printed
    assert "ERROR feed fred_dgs10: https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10: answered HTTP 503" in printed


def test_a_file_needs_one_feed(tmp_path, capsys):
    path = tmp_path / "t.xls"
    path.write_bytes(gac_table("gac_key_commodities", 2026, 8, 1.0, 2.0))
    assert main(["stage", "--file", str(path), "--out", str(tmp_path / "out")]) == 1
    assert "FILE= needs one FEED= naming the feed it belongs to" in capsys.readouterr().err


FEED = "gac_key_commodities"


@pytest.mark.parametrize("changes, message", [
    ({"unit_line": "单位：百万美元"}, r"line 3: is the US-dollar version of the table"),
    ({"title": "（3）2026年8月全国出口重点商品量值表（美元值）"}, r"line 3: is the US-dollar version"),
    ({"unit_line": "单位：万元人民币"}, r"line 3: its unit line reads '单位：万元人民币'; expected '亿元人民币'"),
    ({"title": "（3）2026年8月出口主要商品量值表（人民币值）"}, r"line 2: its title reads .*; expected the table '全国出口重点商品量值表'"),
    ({"item": "稀土金属"}, r"has no row '稀土'"),
    ({"quantity_unit": "千克"}, r"line 8: has 0 rows '稀土' in '吨' \(units found: '千克'\); expected one"),
    ({"month_label": "7月"}, r"line 4: the month column reads '7月'; the title names 2026年8月"),
    ({"cumulative_column": False}, r"line 4: the table of 2026年8月 has no '累计' \(year to date\) column"),
    ({"month_quantity": "-"}, r"line 8: the row '稀土' has no quantity for 2026年8月"),
    ({"month_quantity": "4,000.5 t"}, r"line 8: '4000.5 t' is not a number"),
])
def test_each_wrong_shape_is_refused_naming_the_line(changes, message):
    arguments = {"month_quantity": 4000.5, "year_to_date": 39000.25, **changes}
    raw = gac_table(FEED, 2026, 8, arguments.pop("month_quantity"), arguments.pop("year_to_date"), **arguments)
    with pytest.raises(RefreshError, match=rf"feed {FEED}: table.xls[,:] {message}"):
        parse(FEED, raw)


def test_a_body_that_is_not_an_xls_workbook_is_refused():
    with pytest.raises(RefreshError, match=r"table.xls, line 1: the body is an HTML page"):
        parse(FEED, b"<!DOCTYPE html><html><body>412</body></html>")
    with pytest.raises(RefreshError, match=r"table.xls: is not an .xls workbook xlrd can read \(BadZipFile"):
        parse(FEED, b"PK\x03\x04 an xlsx or a zip")
    with pytest.raises(RefreshError, match=r"table.xls: is not an .xls workbook xlrd can read \(XLRDError: Unsupported format"):
        parse(FEED, "稀土,吨,4000.5".encode())
