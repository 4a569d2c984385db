"""The data library: valid tables load typed; every kind of bad input fails with file, row, column, reason."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from booklib import DataError, load, sources_of
from booklib.build.bib import BIB_PATH, render
from booklib.data import validate_all


def replace_line(path: Path, line_number: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_valid_table_loads_with_types(fixture_data):
    rates = load("rates", fixture_data)
    assert len(rates) == 3
    assert str(rates["rate_pct"].dtype) == "Float64"
    assert str(rates["round"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(rates["effective_date"])
    assert rates["in_force"].tolist() == [False, True, False]
    assert rates["round"].isna().tolist() == [False, False, True]


def expect_problem(directory: Path, table: str, *fragments: str) -> str:
    with pytest.raises(DataError) as caught:
        load(table, directory)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    return message


@pytest.mark.parametrize(
    ("line", "bad_line", "column", "reason"),
    [
        (2, "Japan,2025-04-05,ten,1,false,test_primary", "rate_pct", "'ten' is not a number"),
        (2, "Japan,2025-04-05,10%,1,false,test_primary", "rate_pct", "'10%' is not a number"),
        (2, "Japan,2025-04-05,10,1.5,false,test_primary", "round", "'1.5' is not an integer"),
        (2, "Japan,2025-02-30,10,1,false,test_primary", "effective_date", "'2025-02-30' is not a valid date"),
        (2, "Japan,05/04/2025,10,1,false,test_primary", "effective_date", "is not a valid date (YYYY-MM-DD)"),
        (2, "Japan,2024-12-31,10,1,false,test_primary", "effective_date", "out of range (before the minimum 2025-01-01)"),
        (2, "Japan,2025-04-05,-3,1,false,test_primary", "rate_pct", "out of range (below the minimum 0)"),
        (2, "Nippon,2025-04-05,10,1,false,test_primary", "partner", "'Nippon' is not an allowed category"),
        (2, "Japan,2025-04-05,10,1,yes,test_primary", "in_force", "'yes' is not a boolean"),
        (2, "Japan,2025-04-05,10,1,false,no_such_source", "source_id", "unknown source_id 'no_such_source'"),
        (3, "Japan,2025-08-07,15,2,true,test_primary; nope", "source_id", "unknown source_id 'nope'"),
        (2, "Japan,2025-04-05,,1,false,test_primary", "rate_pct", "is empty but required"),
        (2, "Japan,2025-04-05, 10,1,false,test_primary", "rate_pct", "leading or trailing spaces"),
    ],
)
def test_bad_cell_names_file_row_column_and_reason(fixture_data, line, bad_line, column, reason):
    replace_line(fixture_data / "rates.csv", line, bad_line)
    message = expect_problem(fixture_data, "rates", "rates.csv", f"row {line - 1} (line {line})", f"column '{column}'", reason)
    assert message.count("\n  - ") == 1, "exactly one problem expected"


def test_duplicate_key_names_both_rows(fixture_data):
    replace_line(fixture_data / "rates.csv", 3, "Japan,2025-04-05,15,2,true,test_primary")
    expect_problem(fixture_data, "rates", "rates.csv", "row 2 (line 3)", "column 'partner,effective_date'",
                   "duplicate key (partner=Japan, effective_date=2025-04-05", "first seen at row 1")


def test_ragged_row_is_not_padded(fixture_data):
    replace_line(fixture_data / "rates.csv", 4, "China,2025-04-10,125")
    expect_problem(fixture_data, "rates", "rates.csv", "row 3 (line 4)", "has 3 fields, the header has 6")


def test_missing_and_unexpected_columns(fixture_data):
    path = fixture_data / "rates.csv"
    text = path.read_text().replace("rate_pct", "rate")
    path.write_text(text)
    expect_problem(fixture_data, "rates", "column 'rate_pct': column is missing", "column 'rate': column is not in the schema")


def test_every_problem_is_listed_not_just_the_first(fixture_data):
    replace_line(fixture_data / "rates.csv", 2, "Nippon,2025-04-05,ten,1,false,test_primary")
    replace_line(fixture_data / "rates.csv", 4, "China,2025-04-10,125,x,false,test_primary")
    message = expect_problem(fixture_data, "rates", "3 problem(s)")
    assert re.search(r"row 1 .*partner", message) and re.search(r"row 3 .*round", message)


def test_non_seed_source_needs_url(fixture_data):
    replace_line(fixture_data / "sources.csv", 2, "test_primary,Test publisher,A test document,,2025-04-02,2026-11-22,primary_official,test_primary,,")
    expect_problem(fixture_data, "sources", "sources.csv", "row 1 (line 2)", "column 'url'", "a primary_official source needs a URL")


def test_two_source_rows_for_one_document_are_refused(fixture_data):
    with (fixture_data / "sources.csv").open("a", encoding="utf-8") as sources:
        sources.write("test_again,Test publisher,A test document,https://example.org/doc,2025-04-02,2026-11-22,primary_official,test_again,,\n")
    expect_problem(fixture_data, "sources", "sources.csv", "row 3 (line 4)", "column 'url'", "same document as row 1 (test_primary)")


def test_unknown_table_is_named(fixture_data):
    expect_problem(fixture_data, "nope", "no table named 'nope'")


def test_load_returns_a_copy(fixture_data):
    first = load("rates", fixture_data)
    first.loc[0, "rate_pct"] = 99
    assert load("rates", fixture_data).loc[0, "rate_pct"] == 10


# The book's own data.

def test_book_data_validates():
    counts = validate_all()
    assert counts["sources"] > 0 and counts["events"] > 0


def test_every_table_has_a_source_on_every_row():
    from booklib.data import package

    for res in package()["resources"]:
        if res["name"] == "sources":
            continue
        names = [f["name"] for f in res["schema"]["fields"]]
        assert "source_id" in names, f"{res['path']} has no source_id column"
        fks = [fk["fields"] for fk in res["schema"].get("foreignKeys", [])]
        assert "source_id" in fks, f"{res['path']}: source_id is not a foreign key to sources"
        required = next(f for f in res["schema"]["fields"] if f["name"] == "source_id")
        assert required.get("constraints", {}).get("required"), f"{res['path']}: source_id is not required"


def test_every_source_is_cited_by_a_row_or_a_chapter():
    """A source no row and no chapter cites is a bibliography entry for nothing; drop it or use it."""
    from booklib.data import table_names

    cited = set()
    for table in table_names():
        if table != "sources":
            frame = load(table)
            cited.update(sources_of(frame))
            if "article_source_id" in frame:
                cited.update(frame["article_source_id"].dropna())
    root = Path(__file__).resolve().parents[1]
    prose = "\n".join(p.read_text(encoding="utf-8") for p in [root / "intro.md", *root.glob("chapters/**/*.md")])
    # Whole identifiers only: a source whose id begins another id is not cited by it.
    cited.update(re.findall(r"[a-z0-9_]+", prose))
    uncited = [s for s in load("sources")["source_id"] if s not in cited]
    assert not uncited, f"sources.csv lists sources nothing cites: {uncited}"


def test_references_bib_is_generated_from_sources():
    assert BIB_PATH.read_text(encoding="utf-8") == render(load("sources")), "run `make bib`"
    from pybtex.database import parse_string

    parse_string(BIB_PATH.read_text(encoding="utf-8"), "bibtex")  # what sphinxcontrib-bibtex reads in every build
    keys = set(re.findall(r"^@\w+\{([^,]+),", BIB_PATH.read_text(), re.M))
    assert set(load("sources")["bib_key"]) <= keys


def test_works_of_one_publisher_in_one_year_get_distinct_year_labels():
    sources = pd.DataFrame({
        "bib_key": ["mof_b", "mof_a", "whitehouse", "undated"],
        "publisher": ["MOF", "MOF", "The White House", "MOF"],
        "title": ["B", "A", "Fact sheet", "Old"],
        "url": ["https://example.org/b", "https://example.org/a", "https://example.org/w", pd.NA],
        "date_published": ["2025-06-01", "2025-01-15", "2025-07-22", pd.NA],
        "date_accessed": pd.to_datetime(["2026-11-22"] * 4),
        "kind": ["primary_official"] * 4,
    })
    years = dict(re.findall(r"^@misc\{(\w+),.*?year = \{([^}]*)\}", render(sources), re.M | re.S))
    assert years == {"mof_a": "2025a", "mof_b": "2025b", "whitehouse": "2025", "undated": "n.d."}
    many = pd.concat([sources.iloc[[0]]] * 30, ignore_index=True).assign(bib_key=[f"mof_{n:02d}" for n in range(30)])
    suffixes = [year[4:] for year in dict(re.findall(r"^@misc\{(\w+),.*?year = \{([^}]*)\}", render(many), re.M | re.S)).values()]
    assert suffixes[:2] == ["a", "b"] and suffixes[25:] == ["z", "aa", "ab", "ac", "ad"]
    labels = re.findall(r"author = \{\{([^}]*)\}\}.*?year = \{([^}]*)\}", render(load("sources")), re.S)
    repeated = {label for label in labels if labels.count(label) > 1}
    assert not repeated, f"author-year labels that cannot be told apart: {sorted(repeated)[:5]}"


def test_latest_vintage_prefers_the_latest_official_release(fixture_data, monkeypatch):
    from booklib import latest_vintage

    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    sources = fixture_data / "sources.csv"
    sources.write_text(sources.read_text() + "test_newer,Test publisher,A later release,https://example.org/b,2025-06-01,2026-11-22,primary_official,test_newer,,\n")
    frame = pd.DataFrame({
        "month": ["2025-01", "2025-01", "2025-01", "2025-02"],
        "value": [1.0, 2.0, 3.0, 4.0],
        "source_id": ["test_seed", "test_primary", "test_newer", "test_seed"],
    })
    best = latest_vintage(frame, ["month"])
    assert best["value"].tolist() == [3.0, 4.0]


def test_sources_of_lists_each_cited_source_once_in_order():
    from booklib import sources_of

    frame = pd.DataFrame({"source_id": ["b; a", "a", None, "c"]})
    assert sources_of(frame) == ["b", "a", "c"]


def test_gac_monthly_rare_earth_exports_add_up_to_the_annual_totals():
    """China's monthly rare-earth exports were read from a transcription of GAC's tables, some months
    in whole tonnes; their sum must equal the year's total from GAC's December table within that
    rounding, so a slipped or misplaced month shows here."""
    exports = load("china_rare_earth_exports")
    rare_earths = exports[(exports["product"] == "rare_earths") & (exports["destination"] == "world")]
    months = rare_earths[rare_earths["period_type"] == "month"]
    totals = rare_earths[rare_earths["period_type"] == "year"].set_index("period")["value"]
    for year in ("2024", "2025"):
        in_year = months[months["period"].str.startswith(year)]
        assert len(in_year) == 12, f"{year}: {len(in_year)} months"
        assert abs(in_year["value"].sum() - totals[year]) <= 0.5 * 12, (year, in_year["value"].sum(), totals[year])


def test_mof_monthly_sums_agree_with_annual_releases():
    """Rows summed from transcribed MOF monthly files must match the annual figures read elsewhere.

    The monthly values were copied by hand from a mirror of MOF's time-series CSVs; a slip in one
    month would show here as a gap against the annual release of the same statistics.
    """
    trade = load("japan_trade_by_partner")
    value = trade.set_index(["year", "partner", "flow", "source_id"])["value_jpy_bn"]
    pairs = [  # (year, partner, flow, monthly-sum source, annual-release source, tolerance in bn yen)
        (2024, "United States", "exports", "mof_customs_ts_usa_exports", "mof_2024_final_via_motono_blog", 0.05),
        (2024, "United States", "imports", "mof_customs_ts_usa_imports", "mof_2024_final_via_motono_blog", 0.05),
        # The final-figure tabulation gives 107,097.9; the monthly file sums to 107,087.9 (see sources.csv).
        (2024, "World", "exports", "mof_customs_ts_world_exports", "mof_2024_final_via_motono_blog", 10.05),
        (2024, "World", "imports", "mof_customs_ts_world_imports", "mof_2024_final_via_motono_blog", 0.05),
        (2020, "United States", "exports", "mof_customs_ts_usa_exports", "xinhua_mebk_2021_01_21_trade_2020", 2.0),
        (2023, "United States", "exports", "mof_customs_ts_usa_exports", "mof_2023_prelim_via_lifeisfun", 10.0),
        (2024, "China", "exports", "mof_customs_ts_china_exports", "mof_2024_final_via_motono_blog", 0.05),
        (2024, "China", "imports", "mof_customs_ts_china_imports", "mof_2024_final_via_motono_blog", 0.05),
        (2021, "China", "exports", "mof_customs_ts_china_exports", "jiji_yomiuri_2022_01_20_trade_2021", 0.05),
        (2023, "China", "imports", "mof_customs_ts_china_imports", "mof_2023_prelim_via_lifeisfun", 10.0),
        # Both figures are rounded to 0.1 bn (5,792.56 summed against 5,792.5 reported).
        (2018, "Korea", "exports", "mof_customs_ts_korea_exports", "mainichi_2019_08_04_japan_korea_trade", 0.15),
        (2018, "Korea", "imports", "mof_customs_ts_korea_imports", "mainichi_2019_08_04_japan_korea_trade", 0.15),
        # Preliminary releases against the revised monthly data (at most 3.8 bn, 0.13 %, apart).
        (2019, "Korea", "exports", "mof_customs_ts_korea_exports", "globalkorea_2020_01_japan_korea_trade_2019", 1.0),
        (2019, "Korea", "imports", "mof_customs_ts_korea_imports", "globalkorea_2020_01_japan_korea_trade_2019", 2.0),
        (2020, "Korea", "exports", "mof_customs_ts_korea_exports", "asiae_2021_01_21_japan_korea_trade_2020", 1.0),
        (2020, "Korea", "imports", "mof_customs_ts_korea_imports", "asiae_2021_01_21_japan_korea_trade_2020", 4.0),
        (2023, "EU", "exports", "mof_customs_ts_eu_exports", "mof_2023_prelim_via_lifeisfun", 0.5),
        (2020, "EU", "exports", "mof_customs_ts_eu_exports", "xinhua_mebk_2021_01_21_trade_2020", 2.0),
        # A preliminary release of January 2005 against the revised monthly data (0.1 % apart).
        (2004, "EU", "exports", "mof_customs_ts_eu_exports", "chinadaily_2005_01_26_china_top_partner", 15.0),
        (2004, "EU", "imports", "mof_customs_ts_eu_imports", "chinadaily_2005_01_26_china_top_partner", 2.0),
    ]
    for year, partner, flow, monthly, annual, tolerance in pairs:
        gap = abs(value[(year, partner, flow, monthly)] - value[(year, partner, flow, annual)])
        assert gap <= tolerance, (year, partner, flow, gap)
    for series in ["mof_customs_ts_usa_exports", "mof_customs_ts_world_imports",
                   "mof_customs_ts_asean_exports", "mof_customs_ts_asean_imports",
                   "mof_customs_ts_korea_exports", "mof_customs_ts_korea_imports",
                   "mof_customs_ts_eu_exports", "mof_customs_ts_eu_imports"]:
        years = sorted(trade[trade["source_id"] == series]["year"])
        assert years == list(range(2000, 2025)), f"{series} should cover 2000-2024 without gaps"

    def two_way(year, partner, stem):
        return sum(value[(year, partner, f, f"mof_customs_ts_{stem}_{f}")] for f in ["exports", "imports"])

    # The ASEAN-Japan Centre puts 2007 two-way trade at "over 20 trillion yen", 13.0 % of Japan's trade.
    asean_2007 = two_way(2007, "ASEAN", "asean")
    assert asean_2007 > value[(2007, "ASEAN", "total_trade", "ajc_asean_japan_relations_2007")]
    assert round(100 * asean_2007 / two_way(2007, "World", "world"), 1) == 13.0
    # The Mainichi Shimbun puts Korea at 5.7 % of Japan's 2018 trade.
    assert round(100 * two_way(2018, "Korea", "korea") / two_way(2018, "World", "world"), 1) == 5.7
    # China is summed from two mirrors of the same MOF series, one for 2001-2019 and one for the other years.
    monthly_china = trade[(trade["partner"] == "China") & (trade["vintage"] == "revised_monthly_sum")]
    for flow in ["exports", "imports"]:
        years = monthly_china[monthly_china["flow"] == flow]["year"]
        assert years.is_unique and sorted(years) == list(range(2000, 2025)), f"China {flow}: one monthly sum a year, 2000-2024"


def test_jetro_china_japan_totals_agree_with_the_growth_rates_jetro_prints():
    """JETRO prints a year-on-year change beside each total; a slip in copying one total breaks two of them."""
    cjk = load("cjk_trade")
    jetro = cjk[cjk["reporting_basis"].str.startswith("JETRO (Japan's imports")].set_index("year")["value_usd_bn"]
    assert list(jetro.index) == list(range(2011, 2025))
    # Percent changes as printed in Table 1 of the 2022 and 2023 reports and in the 2024 and 2025 texts.
    printed = {2012: -3.3, 2013: -6.3, 2014: 0.2, 2015: -11.7, 2016: -0.6, 2017: 9.3, 2018: 7.4,
               2019: -3.7, 2020: -0.2, 2021: 15.2, 2022: -4.6, 2023: -10.4, 2024: -3.3}
    for year, change in printed.items():
        assert round(100 * (jetro[year] / jetro[year - 1] - 1), 1) == change, year


def test_reported_2025_changes_agree_with_japans_levels():
    """The 2025 changes the press reported for Japan's trade with China must follow from the levels the
    book holds: the 2025 preliminary release against the 2024 monthly sums (which match MOF's final 2024)."""
    changes = load("china_japan_trade_changes")
    reported = changes[(changes["reporter"] == "Japan") & (changes["partner"] == "China")
                       & (changes["period_start"] == "2025-01-01") & (changes["period_end"] == "2025-12-31")]
    levels = load("japan_trade_by_partner").set_index(["year", "partner", "flow", "vintage"])["value_jpy_bn"]
    assert set(reported["flow"]) == {"exports", "imports"}
    for flow, change in zip(reported["flow"], reported["value"]):
        computed = 100 * (levels[(2025, "China", flow, "preliminary")] / levels[(2024, "China", flow, "revised_monthly_sum")] - 1)
        assert round(computed, 1) == change, (flow, computed, change)


def test_kosis_korea_china_sums_agree_with_published_figures():
    """Korea's China trade, summed here from 228 transcribed KOSIS months, must match the annual
    figures published elsewhere; a slip in one month would show as a gap."""
    cjk = load("cjk_trade")
    kosis = cjk[cjk["source_id"] == "kosis_kcs_korea_china_monthly"].pivot(index="year", columns="flow", values="value_usd_bn")
    assert list(kosis.index) == list(range(2001, 2020)), "2001-2019 without gaps"
    assert ((kosis["korea_exports"] + kosis["korea_imports"] - kosis["total"]).abs() <= 0.0015).all()
    # Incheon Institute: 1,342 (exports) and 2,206 (total) hundred-million dollars in 2011.
    assert round(kosis.loc[2011, "korea_exports"], 1) == 134.2 and round(kosis.loc[2011, "total"], 1) == 220.6
    # KITA via KBS World: the 2018 surplus with China was 55.6 billion dollars.
    assert round(kosis.loc[2018, "korea_exports"] - kosis.loc[2018, "korea_imports"], 1) == 55.6
    # The trade ministry's preliminary 2018 exports to China, 162.2 billion (Korea Herald, 1 Jan 2019).
    assert abs(kosis.loc[2018, "korea_exports"] - 162.2) <= 0.1
    # The journal's "MOFCOM country data" figure for 2019 (2,434.3 hundred-million dollars) is Korea's count.
    journal = cjk[(cjk["source_id"] == "fx361_2020_11_11_cjk_fta_trade") & (cjk["pair"] == "China-Korea")]
    assert abs(journal["value_usd_bn"].iloc[0] - kosis.loc[2019, "total"]) <= 0.005


# Tables of measures whose rows the book states as law: each must rest mostly on the
# governments' own texts. A row counts as primary if one of its sources is primary_official
# (the rule the Methods appendix counts by, bookchapters.methods.primary_rows).
MEASURE_TABLES = ["tariff_measures", "export_control_measures", "headline_rates"]


def _primary_share(name: str, kinds: pd.Series) -> tuple[int, int]:
    from bookchapters.methods import primary_rows

    table = load(name)
    return primary_rows(table, kinds), len(table)


@pytest.mark.parametrize("name", MEASURE_TABLES)
def test_each_measure_table_rests_at_least_90_percent_on_primary_sources(name):
    kinds = load("sources").set_index("source_id")["kind"]
    primary, rows = _primary_share(name, kinds)
    assert rows and primary / rows >= 0.9, f"{name}: {primary} of {rows} rows cite a primary_official source"


def test_all_rows_together_rest_at_least_75_percent_on_primary_sources():
    from bookchapters.methods import primary_rows
    from booklib.data import table_names

    kinds = load("sources").set_index("source_id")["kind"]
    tables = [load(name) for name in table_names() if name != "sources"]
    tables = [t for t in tables if "source_id" in t]
    primary = sum(primary_rows(t, kinds) for t in tables)
    rows = sum(len(t) for t in tables)
    assert primary / rows >= 0.75, f"{primary} of {rows} rows cite a primary_official source"
