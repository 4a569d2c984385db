"""Parsers of the official files: each asserts the layout and units it expects and fails loudly.

A parser takes the raw bytes of one file and the feed's options and returns a `Parsed`: the
observations (one `Observation` per series and period) and the latest period the file covers.
Every error is a `RefreshError` naming the feed, the file and the line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


class RefreshError(RuntimeError):
    """A feed cannot be refreshed: the message names the feed, the file and the line."""

    def __init__(self, feed: str, file: str, reason: str, line: int | None = None):
        self.feed, self.file, self.line, self.reason = feed, file, line, reason
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"feed {feed}: {where}: {reason}")


@dataclass(frozen=True)
class Observation:
    """One value of the file: `series` names what it measures (a holder, a partner and flow),
    `period` is an ISO date, month (YYYY-MM) or year (YYYY); `value` None means no value."""

    series: str
    period: str
    value: Decimal | None
    line: int


@dataclass
class Parsed:
    observations: list[Observation]
    latest: str  # the latest period the file covers (YYYY-MM-DD, YYYY-MM or YYYY)
    earliest: str
    notes: list[str] = field(default_factory=list)


_HTML = re.compile(rb"^\s*(<!doctype|<html|<\?xml|<head|<body|<title)", re.IGNORECASE)


def refuse_error_body(feed: str, name: str, raw: bytes) -> None:
    """An HTML or empty body where a data file was expected (servers answer some errors, e.g. a
    missing API key, with an HTML page under status 200)."""
    if not raw.strip():
        raise RefreshError(feed, name, "the body is empty, not a data file", 1)
    if _HTML.match(raw[:512]) or b"<html" in raw[:2048].lower():
        first = raw.strip().splitlines()[0][:120].decode("utf-8", "replace")
        raise RefreshError(feed, name, f"the body is an HTML page, not a data file (it begins {first!r}); "
                           "an error page returned with status 200?", 1)


def _text(feed: str, name: str, raw: bytes, encodings=("utf-8-sig",)) -> str:
    refuse_error_body(feed, name, raw)
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RefreshError(feed, name, f"cannot be decoded as {' or '.join(encodings)}")


def _number(feed: str, name: str, line: int, text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise RefreshError(feed, name, f"{text!r} is not a number", line) from None
    if not value.is_finite():
        raise RefreshError(feed, name, f"{text!r} is not a number", line)
    return value


# FRED -------------------------------------------------------------------------------------

FRED_DATE_HEADERS = ("observation_date", "DATE")  # FRED renamed DATE to observation_date


def fred_csv(feed: str, name: str, raw: bytes, options: dict) -> Parsed:
    """fredgraph.csv: a header `observation_date,<SERIES>` (formerly `DATE,<SERIES>`), then one
    `YYYY-MM-DD,value` a day; a missing value is `.` or empty."""
    series = options["series"]
    rows = list(csv.reader(io.StringIO(_text(feed, name, raw))))
    if not rows:
        raise RefreshError(feed, name, "has no header", 1)
    header = [cell.strip() for cell in rows[0]]
    if len(header) != 2 or header[0] not in FRED_DATE_HEADERS or header[1] != series:
        raise RefreshError(feed, name, f"header is {','.join(rows[0])!r}; expected 'observation_date,{series}' "
                           f"(or 'DATE,{series}')", 1)
    observations, previous = [], None
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != 2:
            raise RefreshError(feed, name, f"has {len(row)} fields, expected 2 (date, value)", number)
        day, text = row[0].strip(), row[1].strip()
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            raise RefreshError(feed, name, f"{day!r} is not a date (YYYY-MM-DD)", number) from None
        if previous is not None and date <= previous:
            raise RefreshError(feed, name, f"date {day} does not follow {previous} (dates must ascend, once each)", number)
        previous = date
        value = None if text in ("", ".") else _number(feed, name, number, text)
        observations.append(Observation(series, day, value, number))
    if not observations:
        raise RefreshError(feed, name, "has a header but no observations", 2)
    quoted = [o for o in observations if o.value is not None]
    if not quoted:
        raise RefreshError(feed, name, "has no value at all (every day is '.' or empty)")
    return Parsed(observations, latest=quoted[-1].period, earliest=observations[0].period)


# Treasury TIC ------------------------------------------------------------------------------

_MONTHS = {m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1)}


def _tab_rows(feed: str, name: str, raw: bytes) -> list[list[str]]:
    text = _text(feed, name, raw, ("utf-8-sig", "cp1252"))
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter="\t")]


def _holder_rows(feed, name, rows, start, holders, periods, found):
    observations = []
    for number in range(start, len(rows)):
        row = rows[number]
        if not row or not row[0]:
            continue
        label = row[0]
        if label == "Country" or label in _MONTHS or label.startswith("Notes"):
            break  # the next block, or the notes under the table (slt_table5.txt: 'Notes:')
        if label in holders:
            cells = row[1:1 + len(periods)]
            if len(cells) < len(periods):
                raise RefreshError(feed, name, f"row {label!r} has {len(cells)} values for {len(periods)} months", number + 1)
            for period, cell in zip(periods, cells):
                value = None if cell in ("", "n.a.", "-") else _number(feed, name, number + 1, cell)
                observations.append(Observation(holders[label], period, value, number + 1))
            found.add(label)
    return observations


def _tic_heading(feed: str, name: str, rows: list[list[str]], required: list[tuple[str, str, int]]) -> None:
    """A TIC file's heading (its first six lines) holds each phrase, or the file is refused with
    the complaint and line given beside it."""
    head = " ".join(" ".join(r) for r in rows[:6])
    for phrase, complaint, line in required:
        if phrase not in head:
            raise RefreshError(feed, name, complaint, line)


def _every_holder(feed: str, name: str, rows, start: int, holders: dict, periods: list[str], where: str, line: int) -> list:
    """The holders' rows of one block of a TIC file; a holder missing from it refuses the file."""
    found: set[str] = set()
    observations = _holder_rows(feed, name, rows, start, holders, periods, found)
    missing = sorted(set(holders) - found)
    if missing:
        raise RefreshError(feed, name, f"{where}has no row {', '.join(map(repr, missing))}", line)
    return observations


def _tic_parsed(observations: list) -> Parsed:
    quoted = sorted(o.period for o in observations if o.value is not None)
    return Parsed(observations, latest=quoted[-1], earliest=quoted[0])


def tic_mfhhis01(feed: str, name: str, raw: bytes, options: dict) -> Parsed:
    """mfhhis01.txt: tab-delimited, titled MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES,
    '(in billions of dollars)', 'HOLDINGS ... AT END OF PERIOD'; one block a year, latest first:
    a line of month names (Dec ... Jan), a line 'Country' with the year over each month, a rule,
    then one row per holder."""
    rows = _tab_rows(feed, name, raw)
    _tic_heading(feed, name, rows, [
        ("MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES", "does not begin with the title MAJOR FOREIGN HOLDERS OF TREASURY SECURITIES", 1),
        ("(in billions of dollars)", "does not state its unit '(in billions of dollars)' in its heading", 2),
        ("AT END OF PERIOD", "does not say its holdings are 'AT END OF PERIOD'", 3),
    ])
    holders = options["holders"]
    observations, blocks = [], 0
    for number, row in enumerate(rows):
        if row and row[0] == "Country" and len(row) > 1 and re.fullmatch(r"\d{4}", row[1] or ""):
            months = rows[number - 1][1:] if number else []
            years = [c for c in row[1:] if c]
            names = [c for c in months if c][:len(years)]
            if len(names) != len(years) or any(m not in _MONTHS for m in names):
                raise RefreshError(feed, name, f"the month line above 'Country' reads {names!r}; expected month names "
                                   "(Dec ... Jan) over each year", number)
            periods = [f"{y}-{_MONTHS[m]:02d}" for m, y in zip(names, years)]
            observations += _every_holder(feed, name, rows, number + 1, holders, periods, f"the block of {years[0]} ", number + 1)
            blocks += 1
    if not blocks:
        raise RefreshError(feed, name, "has no year block (a line 'Country' followed by years)")
    return _tic_parsed(observations)


def tic_slt_table5(feed: str, name: str, raw: bytes, options: dict) -> Parsed:
    """slt_table5.txt: tab-delimited; a heading 'Table 5: Major Foreign Holders of Treasury
    Securities', 'Holdings at end of time period', 'Billions of dollars' and a line 'Link: ...'
    naming the file; then one line 'Country' with a month (YYYY-MM) over each column, latest
    first (13 months), one row per holder, 'All Other', 'Grand Total', the 'Of Which: Foreign
    Official' rows, and a block 'Notes:' (heading lines padded with tabs, lines ending CRLF).
    Tested on the real file of the 2026-04 release (tests/fixtures/refresh)."""
    rows = _tab_rows(feed, name, raw)
    _tic_heading(feed, name, rows, [
        ("Major Foreign Holders of Treasury Securities", "does not begin with the title 'Table 5: Major Foreign Holders of Treasury Securities'", 1),
        ("Holdings at end of time period", "does not say its holdings are 'Holdings at end of time period'", 2),
        ("Billions of dollars", "does not state its unit 'Billions of dollars' in its heading", 3),
    ])
    for number, row in enumerate(rows):
        if row and row[0] == "Country":
            periods = [c for c in row[1:] if c]
            if not periods or not all(re.fullmatch(r"\d{4}-\d{2}", p) for p in periods):
                raise RefreshError(feed, name, f"the 'Country' line reads {periods!r}; expected months YYYY-MM", number + 1)
            if any(later <= earlier for later, earlier in zip(periods, periods[1:])):
                raise RefreshError(feed, name, f"the months of the 'Country' line ({', '.join(periods)}) do not run "
                                   "latest first, once each", number + 1)
            return _tic_parsed(_every_holder(feed, name, rows, number + 1, options["holders"], periods, "", number + 2))
    raise RefreshError(feed, name, "has no header line 'Country' with months")


# Japan Customs ----------------------------------------------------------------------------

def customs_ts(feed: str, name: str, raw: bytes, options: dict) -> Parsed:
    """A Japan Customs time-series file (d5*.csv exports, d6*.csv imports): heading
    '《region》  【月別】  （輸出）' (or （輸入）), the first column '総額' (total) whose amount
    ('金額') is in thousand yen ('(千円)'), then one line a month 'YYYY/MM'; '-' means no data.
    Returns the calendar years whose twelve months all have a value, summed and rounded to
    0.1 billion yen."""
    text = _text(feed, name, raw, ("utf-8-sig", "cp932"))
    rows = list(csv.reader(io.StringIO(text)))
    flow = {"exports": "（輸出）", "imports": "（輸入）"}[options["flow"]]
    title = rows[0][0] if rows and rows[0] else ""
    if f"《{options['region']}》" not in title or "【月別】" not in title or flow not in title:
        raise RefreshError(feed, name, f"heading is {title!r}; expected 《{options['region']}》 【月別】 {flow}", 1)
    header_line = next((i for i, r in enumerate(rows[:12]) if r and r[0].strip() == "Years/Months"), None)
    if header_line is None:
        raise RefreshError(feed, name, "has no unit line beginning 'Years/Months' in its first 12 lines")
    item_line = next((i for i, r in enumerate(rows[:header_line]) if len(r) > 1 and r[0].strip() == "報道発表品目名"), None)
    if item_line is None or rows[item_line][1].strip() != "総額":
        raise RefreshError(feed, name, "the first value column is not '総額' (total of all commodities)", (item_line or 0) + 1)
    if len(rows[header_line - 1]) < 2 or rows[header_line - 1][1].strip() != "金額":
        raise RefreshError(feed, name, "the first value column is not the amount '金額'", header_line)
    if rows[header_line][1].strip() != "(千円)":
        raise RefreshError(feed, name, f"the total's unit is {rows[header_line][1]!r}; expected '(千円)' (thousand yen)", header_line + 1)
    monthly: dict[int, dict[int, int]] = {}
    latest = earliest = None
    for number, row in enumerate(rows[header_line + 1:], start=header_line + 2):
        if not row or not row[0].strip():
            continue
        match = re.fullmatch(r"(\d{4})/(\d{2})", row[0].strip())
        if not match:
            raise RefreshError(feed, name, f"{row[0]!r} is not a month 'YYYY/MM'", number)
        cell = row[1].strip() if len(row) > 1 else ""
        if cell == "-":
            continue
        if not re.fullmatch(r"-?\d+", cell):
            raise RefreshError(feed, name, f"the total {cell!r} is not a whole number of thousand yen", number)
        year, month = int(match[1]), int(match[2])
        if month in monthly.setdefault(year, {}):
            raise RefreshError(feed, name, f"month {row[0].strip()} appears twice", number)
        monthly[year][month] = (int(cell), number)
        period = f"{year}-{month:02d}"
        latest = period if latest is None or period > latest else latest
        earliest = period if earliest is None or period < earliest else earliest
    if latest is None:
        raise RefreshError(feed, name, "has no month with a value")
    observations = []
    series = f"{options['partner']}|{options['flow']}"
    for year, months in sorted(monthly.items()):
        if len(months) == 12:
            total = sum(v for v, _ in months.values())
            value = (Decimal(total) / Decimal(1_000_000)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            observations.append(Observation(series, str(year), value, months[12][1]))
    return Parsed(observations, latest=latest, earliest=earliest)


# China customs (GAC) ----------------------------------------------------------------------

_GAC_MONTH = re.compile(r"(\d{4})年(\d{1,2})月")
_GAC_UNIT_LINE = re.compile(r"单位\s*[:：∶]")


def _gac_cells(row) -> list[str]:
    return [str(c).strip() for c in row]


def _gac_quantity(feed: str, name: str, line: int, cell) -> Decimal | None:
    """A quantity cell: a number (xlrd gives floats; repr is the shortest text of one), a text
    number (thousands commas allowed) or '-' / empty for none."""
    if isinstance(cell, float):
        return Decimal(repr(cell))
    text = str(cell).strip().replace(",", "")
    if text in ("", "-"):
        return None
    return _number(feed, name, line, text)


def gac_commodity_xls(feed: str, name: str, raw: bytes, options: dict) -> Parsed:
    """One of GAC's monthly export tables by commodity (.xls, RMB version): a title line holding
    'YYYY年M月' and the table's name (options `title`), a unit line '单位：<amount unit>' (options
    `amount_unit`: 亿元人民币 in the Statistics Express key-commodity table, 万元人民币 in the Monthly
    Report main-commodity table), a header line '商品名称 | 计量单位 | <month> | ... ' and a line
    '数量 | 金额 ...' under it, then one line per commodity down to a note '注：'. The table either
    begins with an empty line and has the names in its second column or begins with the title and
    has them in its first; a header with a '累计' (cumulative) column gives the year to date beside
    the month (January's Monthly Report has none). The row named options `item` in options
    `quantity_unit` gives the month ('month'), the year to date from January ('cumulative') or,
    in December, the year ('year'); a table after January without a '累计' column is refused.

    No real .xls of these tables is stored where this book's tools reach (research/search-log-2026-12.md,
    searches 5 and 6): the layout asserted here is the one a public converter of the real files
    relies on (Ex-Caliburn/funny, scripts/tools/china_export_xls_to_json.js and
    customs_export_xls_to_json.js, the repository whose transcriptions sources.csv cites), and
    tests/test_refresh_gac.py checks it on workbooks written in that layout from the book's rows."""
    import xlrd

    refuse_error_body(feed, name, raw)
    try:
        sheet = xlrd.open_workbook(file_contents=raw).sheet_by_index(0)
    except Exception as error:  # xlrd fails on other bytes with errors of many kinds (zip, struct, its own)
        raise RefreshError(feed, name, f"is not an .xls workbook xlrd can read ({type(error).__name__}: {error})") from None
    rows = [sheet.row_values(i) for i in range(sheet.nrows)]
    header = next((i for i, r in enumerate(rows[:10]) if any("商品名称" in str(c) for c in r)), None)
    if header is None:
        raise RefreshError(feed, name, "has no header line with '商品名称' (commodity) in its first 10 lines")
    cells = _gac_cells(rows[header])
    column = next(i for i, c in enumerate(cells) if "商品名称" in c)
    if len(cells) < column + 3 or "计量单位" not in cells[column + 1]:
        raise RefreshError(feed, name, "the column after '商品名称' is not '计量单位' (unit of quantity)", header + 1)
    above = [" ".join(_gac_cells(r)) for r in rows[:header]]
    title_line = next((i for i in range(header - 1, -1, -1) if _GAC_MONTH.search(above[i])), None)
    if title_line is None:
        raise RefreshError(feed, name, "has no title line with the month 'YYYY年M月' above its header", header + 1)
    title = above[title_line]
    if options["title"] not in title:
        raise RefreshError(feed, name, f"its title reads {title.strip()!r}; expected the table {options['title']!r}", title_line + 1)
    unit_line = next((i for i in range(header - 1, -1, -1) if _GAC_UNIT_LINE.search(above[i])), None)
    if unit_line is None:
        raise RefreshError(feed, name, "has no unit line '单位：...' above its header", header + 1)
    if "美元" in title or "美元" in above[unit_line] or "USD" in sheet.name.upper():
        raise RefreshError(feed, name, "is the US-dollar version of the table; the RMB version is read", unit_line + 1)
    if options["amount_unit"] not in above[unit_line]:
        raise RefreshError(feed, name, f"its unit line reads {above[unit_line].strip()!r}; expected {options['amount_unit']!r}",
                           unit_line + 1)
    under = _gac_cells(rows[header + 1]) if header + 1 < len(rows) else []
    if len(under) <= column + 2 or under[column + 2] != "数量":
        raise RefreshError(feed, name, "the line under the header does not begin its values with '数量' (quantity)", header + 2)
    match = _GAC_MONTH.search(title)
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise RefreshError(feed, name, f"its title names month {month}", title_line + 1)
    label = cells[column + 2]
    if not re.fullmatch(rf"{month}月(份)?", label):
        raise RefreshError(feed, name, f"the month column reads {label!r}; the title names {year}年{month}月", header + 1)
    year_to_date = any("累计" in c for c in cells[column + 3:])
    if month > 1 and not year_to_date:
        raise RefreshError(feed, name, f"the table of {year}年{month}月 has no '累计' (year to date) column", header + 1)
    found = []
    for number in range(header + 2, len(rows)):
        row = rows[number]
        text = str(row[column]).strip() if len(row) > column else ""
        if re.match(r"注\s*[:：]", text):
            break
        if text == options["item"]:
            found.append(number)
    if not found:
        raise RefreshError(feed, name, f"has no row {options['item']!r}")
    rows_in_unit = [n for n in found if str(rows[n][column + 1]).strip() == options["quantity_unit"]]
    if len(rows_in_unit) != 1:
        units = ", ".join(repr(str(rows[n][column + 1]).strip()) for n in found)
        raise RefreshError(feed, name, f"has {len(rows_in_unit)} rows {options['item']!r} in {options['quantity_unit']!r} "
                           f"(units found: {units}); expected one", found[0] + 1)
    number = rows_in_unit[0]
    row = rows[number]
    period = f"{year}-{month:02d}"
    observations = [Observation("month", period, _gac_quantity(feed, name, number + 1, row[column + 2]), number + 1)]
    if year_to_date:
        value = _gac_quantity(feed, name, number + 1, row[column + 4])
        if month == 12:
            observations.append(Observation("year", str(year), value, number + 1))
        elif month > 1:
            observations.append(Observation("cumulative", f"{year}-01/{period}", value, number + 1))
    if observations[0].value is None:
        raise RefreshError(feed, name, f"the row {options['item']!r} has no quantity for {year}年{month}月", number + 1)
    return Parsed(observations, latest=period, earliest=period)


PARSERS = {"fred_csv": fred_csv, "tic_mfhhis01": tic_mfhhis01, "tic_slt_table5": tic_slt_table5, "customs_ts": customs_ts,
           "gac_commodity_xls": gac_commodity_xls}
