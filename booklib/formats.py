"""Numbers as the prose writes them; each formatter checks the unit of what it formats.

A value taken from a loaded table carries its column's unit (the schema's `unit`):
`quantity(measures["rate_pct"], at="M01_baseline_10")`. A formatter refuses a value
whose unit is not its own (a percent formatter given billions of dollars), and
scales where the unit says so (`jpy_tn` of a column in billion yen). A plain number,
computed by the chapter (a share, a count), is formatted as it is.

The words, separators and date forms belong to a `Language`; the chapters never
hold a format string, so another edition sets `BOOK_LANGUAGE` (en, ja, zh) and
formats the same facts in its own language.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass
from typing import Callable



# Between a number and its unit or per cent sign: a no-break space, so that a line end or a
# narrow table cell never prints "17.1" and "%" apart (LaTeX writes it as `~`).
UNIT_SPACE = "\u00a0"


# A unit after a number in any text (the prose's own "50 %", a table cell): the space before it
# is made a no-break space by `keep_units`, which the build applies to every page.
_UNIT_AFTER_NUMBER = re.compile(
    r"(?<=\d) (?=(?:%|percentage points?|per ?cent|trillion|billion|million|bn|tonnes|t|days?|yen|years?|months?|weeks?)(?!\w))")


def keep_units(text: str) -> str:
    """`text` with a no-break space (UNIT_SPACE) between each number and the unit after it: 50 %."""
    return _UNIT_AFTER_NUMBER.sub(UNIT_SPACE, text)


class UnitError(ValueError):
    """A formatter was given a value in a unit it does not write."""


@dataclass(frozen=True)
class Quantity:
    """A value with the unit of the table column it came from."""

    value: float
    unit: str | None
    origin: str  # table.column, for error messages


def quantity(column: pd.Series, at=None, how: str | None = None) -> Quantity:
    """One value of `column` (a column of a table from `load`) with its unit.

    `at`: the index label of the value; `how`: a reduction ("max", "min", "sum");
    neither: the column must hold exactly one value.
    """
    units = column.attrs.get("units")
    if units is None or column.name not in units:
        raise UnitError(f"column {column.name!r} has no recorded unit: take it from a table returned by load()")
    if at is not None and how is not None:
        raise ValueError("give `at` or `how`, not both")
    if at is not None:
        value = column.loc[at]
    elif how is not None:
        value = column.agg(how)
    elif len(column) == 1:
        value = column.iloc[0]
    else:
        raise ValueError(f"column {column.name!r} has {len(column)} values: say which with `at` or `how`")
    return Quantity(_number(value, column.name), units[column.name], f"{column.attrs.get('table', '?')}.{column.name}")


def in_unit_of(column: pd.Series, value: float) -> Quantity:
    """A value computed from `column` (a sum, a difference) in the column's unit, so that a
    formatter checks and scales it as it would a value read from the table."""
    units = column.attrs.get("units")
    if units is None or column.name not in units:
        raise UnitError(f"column {column.name!r} has no recorded unit: take it from a table returned by load()")
    return Quantity(_number(value, column.name), units[column.name], f"{column.attrs.get('table', '?')}.{column.name} (computed)")


def _number(value, what) -> float:
    import pandas as pd  # loaded on first use: the build side imports this module without pandas
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        raise ValueError(f"{what}: refusing to format a missing value")
    return float(value)


_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _english_lasting(months: int) -> str:
    """'a six-month', 'a one-year', 'an 18-month', 'an eight-month': the article goes with the words."""
    years, rest = divmod(months, 12)
    words = f"{_WORDS[years] if years < len(_WORDS) else years}-year" if not rest else \
        f"{_WORDS[months] if months < len(_WORDS) else months}-month"
    number = words.split("-")[0]
    if number.isdigit():  # said "eighty", "eleven", "eighteen": an
        vowel = number.startswith("8") or (len(number) in (2, 5) and number.startswith(("11", "18")))
    else:
        vowel = number[0] in "aeiou" and not number.startswith("one")
    article = "an" if vowel else "a"
    return f"{article} {words}"


@dataclass(frozen=True)
class Language:
    """How one language writes the book's numbers and dates."""

    code: str
    thousands: str
    decimal: str
    percent: str  # "{} %"
    points: str  # percentage points
    usd_bn: Callable[[str, float], str]  # (formatted billions, raw billions) -> words
    jpy_tn: Callable[[str, float], str]
    yen_per_usd: str
    days: Callable[[int], str]
    day: Callable[[dt.date], str]
    month: Callable[[dt.date], str]
    year_range_dash: str
    month_only: Callable[[dt.date], str]  # "January" in a span within one year
    fold: str  # a multiple as one word: "9-fold"
    lasting: Callable[[int], str]  # a length in months before a noun: "a six-month", "a one-year"

    def number(self, value: float, digits: int) -> str:
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousands)


def _cjk_money(unit: str, oku_per_unit: float) -> Callable[[str, float], str]:
    """Chinese and Japanese count large sums in 億/亿 (10^8)."""
    def words(formatted: str, value: float) -> str:
        # The amount as rounded for the English edition (its `digits`), so that no edition is more precise than another.
        rounded = float(formatted.replace(",", "")) if formatted.replace(",", "").replace(".", "").lstrip("-").isdigit() else value
        return f"{rounded * oku_per_unit:,.0f}{unit}"
    return words


def _cjk_day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


LANGUAGES = {
    "en": Language(
        code="en", thousands=",", decimal=".", percent="{}" + UNIT_SPACE + "%", points="{}" + UNIT_SPACE + "percentage points",
        usd_bn=lambda text, _v: f"${text}{UNIT_SPACE}billion", jpy_tn=lambda text, _v: f"¥{text}{UNIT_SPACE}trillion",
        yen_per_usd="{}" + UNIT_SPACE + "yen",
        days=lambda n: f"{n:,}{UNIT_SPACE}day" if n == 1 else f"{n:,}{UNIT_SPACE}days",
        fold="{}-fold",
        day=lambda d: f"{d.day} {d:%B %Y}", month=lambda d: f"{d:%B %Y}", year_range_dash="–",
        month_only=lambda d: f"{d:%B}",
        lasting=lambda n: _english_lasting(n),
    ),
    "ja": Language(
        code="ja", thousands=",", decimal=".", percent="{}%", points="{}ポイント",
        usd_bn=_cjk_money("億ドル", 10), jpy_tn=lambda text, _v: f"{text}兆円",
        yen_per_usd="1ドル{}円",
        days=lambda n: f"{n:,}日", day=_cjk_day, month=lambda d: f"{d.year}年{d.month}月", year_range_dash="～",
        month_only=lambda d: f"{d.month}月", fold="{}倍",
        lasting=lambda n: f"{n // 12}年の" if n % 12 == 0 else f"{n}か月の",
    ),
    "zh": Language(
        code="zh", thousands=",", decimal=".", percent="{}%", points="{}个百分点",
        usd_bn=_cjk_money("亿美元", 10), jpy_tn=lambda text, _v: f"{text}万亿日元",
        yen_per_usd="1美元兑{}日元",
        days=lambda n: f"{n:,}天", day=_cjk_day, month=lambda d: f"{d.year}年{d.month}月", year_range_dash="—",
        month_only=lambda d: f"{d.month}月", fold="{}倍",
        lasting=lambda n: f"为期{n // 12}年的" if n % 12 == 0 else f"为期{n}个月的",
    ),
}


_OVERRIDE: list[str] = []


def language() -> Language:
    """The edition's language: BOOK_LANGUAGE, default English (or the language of an enclosing
    `in_language`)."""
    code = _OVERRIDE[-1] if _OVERRIDE else os.environ.get("BOOK_LANGUAGE", "en")
    if code not in LANGUAGES:
        raise ValueError(f"BOOK_LANGUAGE={code!r}: no such edition (known: {', '.join(LANGUAGES)})")
    return LANGUAGES[code]


class in_language:
    """`with in_language("en"):` formats (and translates) in that language, whatever BOOK_LANGUAGE
    says: for messages to the book's authors (an error, a failed `require`), which stay English."""

    def __init__(self, code: str):
        if code not in LANGUAGES:
            raise ValueError(f"{code!r}: no such edition (known: {', '.join(LANGUAGES)})")
        self.code = code

    def __enter__(self):
        _OVERRIDE.append(self.code)
        return LANGUAGES[self.code]

    def __exit__(self, *exc):
        _OVERRIDE.pop()
        return False


# The schema units each formatter writes, with the factor that brings them to its own unit.
PERCENT_UNITS = {"percent": 1.0, "percent ad valorem": 1.0, "percent of GDP": 1.0}
USD_BN_UNITS = {"billion US dollars": 1.0, "billion US dollars (nominal)": 1.0}
JPY_TN_UNITS = {"trillion yen": 1.0, "billion yen": 1e-3}
YEN_PER_USD_UNITS = {"yen per US dollar": 1.0}
COUNT_UNITS = {"persons": 1.0}


def _in_unit(value: float | Quantity, accepted: dict[str, float], formatter: str) -> float:
    if isinstance(value, Quantity):
        if value.unit not in accepted:
            raise UnitError(
                f"{formatter}() cannot write {value.origin}, whose unit is {value.unit!r} "
                f"(it writes {', '.join(map(repr, accepted))})"
            )
        return value.value * accepted[value.unit]
    return _number(value, formatter)


def percent(value: float | Quantity, digits: int = 0) -> str:
    """A value in percent: 15 % (with a no-break space, UNIT_SPACE)."""
    lang = language()
    return lang.percent.format(lang.number(_in_unit(value, PERCENT_UNITS, "percent"), digits))


def share(fraction: float, digits: int = 0) -> str:
    """A fraction (0.27) written as a percent: 27 %."""
    return percent(100 * _number(fraction, "share"), digits)


def points(value: float | Quantity, digits: int = 1) -> str:
    """A difference of two percentages: 2.5 percentage points."""
    lang = language()
    return lang.points.format(lang.number(_in_unit(value, PERCENT_UNITS, "points"), digits))


def _money(value: float | Quantity, units: dict[str, float], formatter: str, digits: int) -> str:
    """A sum in the formatter's own unit, in the words of the edition's language."""
    lang = language()
    amount = _in_unit(value, units, formatter)
    return getattr(lang, formatter)(lang.number(amount, digits), amount)


def usd_bn(value: float | Quantity, digits: int = 1) -> str:
    """Billions of US dollars: $550 billion."""
    return _money(value, USD_BN_UNITS, "usd_bn", digits)


def jpy_tn(value: float | Quantity, digits: int = 1) -> str:
    """Trillions of yen (a column in billion yen is scaled): ¥21.3 trillion."""
    return _money(value, JPY_TN_UNITS, "jpy_tn", digits)


def yen_per_usd(value: float | Quantity, digits: int = 2) -> str:
    """An exchange rate: 146.57 yen (per dollar)."""
    lang = language()
    return lang.yen_per_usd.format(lang.number(_in_unit(value, YEN_PER_USD_UNITS, "yen_per_usd"), digits))


def number(value: float | Quantity, digits: int = 1) -> str:
    """A plain number without unit words (a multiple, a ratio): 1.5."""
    lang = language()
    if isinstance(value, Quantity):
        raise UnitError(f"number() would drop the unit {value.unit!r} of {value.origin}: use its own formatter")
    return lang.number(_number(value, "number"), digits)


def fold(value: float, digits: int = 0) -> str:
    """A multiple as one word, number and suffix together: 9-fold (never "9 -fold")."""
    lang = language()
    if isinstance(value, Quantity):
        raise UnitError(f"fold() would drop the unit {value.unit!r} of {value.origin}: divide two values first")
    return lang.fold.format(lang.number(_number(value, "fold"), digits))


def with_unit(text: str, unit: str) -> str:
    """A formatted number and a unit word the prose names (tonnes, per cent), kept on one line
    (zh, ja: the unit, in their words, follows the number without a space: 6,357吨)."""
    return f"{text}{UNIT_SPACE}{unit}" if language().code == "en" else f"{text}{unit}"


def count(value: float | Quantity) -> str:
    """A whole count: 1,234."""
    amount = _in_unit(value, COUNT_UNITS, "count")
    if amount != int(amount):
        raise ValueError(f"count(): {amount} is not a whole number")
    return language().number(amount, 0)


def days(value: int) -> str:
    """A number of days: 150 days."""
    amount = _number(value, "days")
    if amount != int(amount):
        raise ValueError(f"days(): {amount} is not a whole number")
    return language().days(int(amount))


def lasting(months: int) -> str:
    """A length of time in months as the words before a noun, with the article: 'a six-month'
    (restriction), 'a one-year', 'an 18-month'. A sentence that names a duration a reader may
    change (a chapter's parameter) writes it with this, never typed."""
    amount = _number(months, "lasting")
    if amount != int(amount) or amount < 1:
        raise ValueError(f"lasting(): {amount} is not a whole number of months")
    return language().lasting(int(amount))


def _date(value) -> dt.date:
    # An ISO day, a date or a datetime (a pandas Timestamp is one) need no pandas: the build side
    # formats the as-of date without loading it.
    if isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime) and value == value:  # NaT is a datetime unequal to itself
        return value.date()
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    import pandas as pd

    if value is None or value is pd.NaT or value is pd.NA:
        raise ValueError("refusing to format a missing date")
    return pd.Timestamp(value).date()


def iso_day(value) -> str:
    """A date as a data table writes it: 2025-08-07 (the same in every language)."""
    return _date(value).isoformat()


def day(value) -> str:
    """A date: 7 August 2025."""
    return language().day(_date(value))


def month(value) -> str:
    """A month: August 2025."""
    return language().month(_date(value))


def period(start, end) -> str:
    """A span of whole months: 2025, December 2025, January–February 2026."""
    import pandas as pd  # loaded on first use: the build side imports this module without pandas
    first, last = pd.Timestamp(start), pd.Timestamp(end)
    if first.day != 1 or last != last + pd.offsets.MonthEnd(0) or last < first:
        raise ValueError(f"not a span of whole months: {first:%Y-%m-%d} to {last:%Y-%m-%d}")
    lang = language()
    if first.year == last.year and (first.month, last.month) == (1, 12):
        return str(first.year) if lang.code == "en" else f"{first.year}年"
    if (first.year, first.month) == (last.year, last.month):
        return lang.month(first.date())
    if lang.code != "en":  # the year leads: 2026年1月～2月, 2025年12月～2026年2月
        closing = lang.month_only(last.date()) if first.year == last.year else lang.month(last.date())
        return f"{lang.month(first.date())}{lang.year_range_dash}{closing}"
    opening = lang.month_only(first.date()) if first.year == last.year else lang.month(first.date())
    return f"{opening}{lang.year_range_dash}{lang.month(last.date())}"


def join_list(items) -> str:
    """Names in a row: "A, B, C" (en), "A、B、C" (zh, ja)."""
    return ("、" if language().code in ("zh", "ja") else ", ").join(str(i) for i in items)


def join_and(items) -> str:
    """A list in a sentence: "A, B and C" (en), "A、B和C" (zh), "A、BおよびC" (ja)."""
    items = [str(i) for i in items]
    if len(items) < 2:
        return "".join(items)
    code = language().code
    comma, last = {"en": (", ", " and "), "zh": ("、", "和"), "ja": ("、", "および")}[code]
    return comma.join(items[:-1]) + last + items[-1]


def day_span(start, end) -> str:
    """Two dates as a span: 1 January 2025 to 30 June 2026."""
    return f"{day(start)} to {day(end)}" if language().code == "en" else f"{day(start)}{language().year_range_dash}{day(end)}"
