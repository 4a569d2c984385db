"""The investment chapter (chapters/investment.md): the $550 billion US–Japan memorandum.

The facts its prose glues (the terms, the sum in yen on the days the text names, the
model's illustrative projects, the other partners' pledges, the projects named so far),
the checks that guard its sentences, and the tables behind its figures. Every function
takes the tables the page loads; the cash-flow model itself is `booklib.models.mou_waterfall`.
"""

from __future__ import annotations

import math

import pandas as pd

from booklib import formats as fmt
from booklib.i18n import N_, _, translate
from booklib.formats import Quantity, quantity
from booklib.models.mou_waterfall import Split, waterfall
from booklib.prose import in_reader_words, one_of, require

# The day the text says the memorandum was signed ("signed on 4 September 2025").
SIGNING_DAY = "2025-09-04"
# The project lists, by the first letter of project_id, and the words the chart shows for them.
STAGES = {"P": N_("Interest list (28 Oct 2025)"), "F": N_("First tranche (Feb 2026)"), "S": N_("Second tranche (Mar 2026)")}


def _term(terms: pd.DataFrame, term: str, unit: str | None = None) -> str:
    """The value of one row of mou_terms (as text), checking the unit the row states."""
    row = terms.set_index("term").loc[term]
    if unit is not None and row["unit"] != unit:
        raise ValueError(f"mou_terms {term}: unit {row['unit']!r}, expected {unit!r}")
    return row["value"]


def split_of(terms: pd.DataFrame) -> Split:
    """The cash-flow split the memorandum sets (US:Japan before and after recovery)."""
    return Split.from_terms(_term(terms, "cash_flow_split_before_recovery"), _term(terms, "cash_flow_split_after_recovery"))


def returns_sources(terms: pd.DataFrame, yields: pd.DataFrame) -> list[str]:
    """The sources of the returns figure: the two split terms and the benchmark yield."""
    from booklib import sources_of

    split = terms[terms["term"].isin(["cash_flow_split_before_recovery", "cash_flow_split_after_recovery"])]
    return sources_of(pd.concat([split, _benchmark_row(yields)]))


def terms_table(terms: pd.DataFrame) -> pd.DataFrame:
    """The terms as the page shows them: the columns a reader needs, in the schema's words."""
    from booklib.prose import reader_table

    return reader_table(terms, "mou_terms", ["term_id", "term", "value", "unit", "clause"])


def terms_facts(terms: pd.DataFrame, pledges: pd.DataFrame) -> dict[str, str]:
    """The sum, the tariff it bought, the selection deadline, the funding window and the split."""
    japan = pledges[pledges["partner"] == "Japan"].set_index("partner")
    return {
        "mou-total": fmt.usd_bn(float(_term(terms, "total_amount", "USD bn")), 0),
        "mou-tariff": fmt.percent(quantity(japan["tariff_rate_obtained_pct"], at="Japan")),
        "mou-deadline": fmt.day(_term(terms, "deadline", "date")),
        "mou-funding-days": fmt.days(int(_term(terms, "funding_deadline_days", "days"))),
        "mou-split-before": _term(terms, "cash_flow_split_before_recovery"),
        "mou-split-after": _term(terms, "cash_flow_split_after_recovery"),
    }


def yen_facts(terms: pd.DataFrame, rates: pd.DataFrame, pledges: pd.DataFrame, projects: pd.DataFrame) -> dict[str, str]:
    """The dollar sum in yen, and the rate, on the day of the deal, of the signing and of the
    first projects; checks that the press's round "80 trillion yen" matches only the first."""
    deal = pledges.loc[pledges["partner"] == "Japan", "announced_date"].min()
    first_projects = projects.loc[projects["project_id"].str[0] == "F", "announced_date"].min()
    days = {"deal": deal, "signing": pd.Timestamp(SIGNING_DAY), "first projects": first_projects}
    total = float(_term(terms, "total_amount", "USD bn"))
    by_day = rates.set_index("date")["jpy_per_usd"]
    rate = {name: quantity(by_day, at=day) for name, day in days.items()}
    yen = {name: Quantity(total * r.value, "billion yen", f"mou_terms.total_amount × {r.origin}") for name, r in rate.items()}
    trillions = {name: round(amount.value / 1000) for name, amount in yen.items()}
    require(trillions["deal"] == 80 and list(trillions.values()).count(80) == 1,
            'the round "80 trillion yen" of the press matches only the July rate')
    return {
        "mou-rate-deal": fmt.yen_per_usd(rate["deal"]),
        "mou-yen-deal": fmt.jpy_tn(yen["deal"]),
        "mou-rate-signing": fmt.yen_per_usd(rate["signing"]),
        "mou-yen-signing": fmt.jpy_tn(yen["signing"]),
        "mou-rate-first-projects": fmt.yen_per_usd(rate["first projects"]),
        "mou-yen-first-projects": fmt.jpy_tn(yen["first projects"]),
    }


def return_scenarios(terms: pd.DataFrame, invested: float, years: int, gross_returns_pct: list[float],
                     deemed_return_pct: float = 0.0) -> pd.DataFrame:
    """Illustrative projects, not data: `invested` funded by Japan and a level annual cash flow for
    `years` years sized so that the project earns each gross return; for each, Japan's return,
    its share of the cash and the (fractional) year it recovers its deemed allocation amount
    (its funding, plus `deemed_return_pct` a year on what it has not recovered), under the MOU split."""
    split, rows = split_of(terms), []
    for pct in gross_returns_pct:
        gross = pct / 100
        annual = invested * gross / (1 - (1 + gross) ** -years)
        result = waterfall(invested, [annual] * years, split=split, deemed_return=deemed_return_pct / 100)
        rows.append({
            "gross_return_pct": float(pct),
            "japan_return_pct": 100 * result.japan_irr if result.japan_irr is not None else None,
            "japan_share_of_cash_pct": 100 * result.cash["to_japan"].sum() / result.cash["project_cash"].sum(),
            "recovery_year": result.crossing_year,
        })
    return pd.DataFrame(rows)


def scenario_facts(scenarios: pd.DataFrame, shown_gross_pct: float, years: int) -> dict[str, str]:
    """The scenario the text describes; checks that Japan's return stays below the project's."""
    require(bool((scenarios["japan_return_pct"] < scenarios["gross_return_pct"]).all()),
            "Japan's return under the split stays below the project's own return")
    one_of(float(shown_gross_pct), scenarios["gross_return_pct"], "SHOWN_GROSS_PCT", "GROSS_RETURNS_PCT")
    shown = scenarios.set_index("gross_return_pct").loc[float(shown_gross_pct)]
    require(pd.notna(shown["recovery_year"]) and shown["recovery_year"] <= years,
            "the project the text describes pays Japan back within its life")
    return {
        "mou-shown-gross": fmt.percent(shown_gross_pct),
        "mou-shown-japan": fmt.percent(shown["japan_return_pct"], 1),
        "mou-shown-share": fmt.percent(shown["japan_share_of_cash_pct"]),
        "mou-shown-recovery": fmt.number(shown["recovery_year"], 1),
        "mou-years": fmt.number(years, 0),
    }


def return_lines(scenarios: pd.DataFrame, cost_pct: float) -> pd.DataFrame:
    """The returns figure's three lines, long: Japan's return under the split, the project's own,
    and what Japan's funding costs (`cost_pct`)."""
    japan = scenarios[["gross_return_pct"]].assign(series=JAPAN_SERIES, return_pct=scenarios["japan_return_pct"])
    gross = scenarios["gross_return_pct"]
    return pd.concat([japan, project_line(gross), cost_line(gross, cost_pct)], ignore_index=True)


def latest_pledges(pledges: pd.DataFrame) -> pd.DataFrame:
    """Each partner's latest pledge, with the tariff it obtained in words."""
    latest = pledges.sort_values("announced_date").groupby("partner").tail(1)
    tariff = [fmt.percent(quantity(latest["tariff_rate_obtained_pct"], at=i)) if pd.notna(r) else _("none attached")
              for i, r in latest["tariff_rate_obtained_pct"].items()]
    return latest.assign(tariff=tariff)


def pledge_bars(latest: pd.DataFrame) -> pd.DataFrame:
    """The pledges figure's rows: the columns the chart shows, each pledge's vehicle in the reader's words."""
    bars = latest[["partner", "investment_commitment_usd_bn", "tariff", "announced_date", "vehicle"]]
    return in_reader_words(bars, "investment_pledges", ["vehicle"])


def pledge_facts(latest: pd.DataFrame, gdp: pd.DataFrame) -> dict[str, str]:
    """The EU's and Korea's pledges, and Japan's and the EU's as a share of their GDP; checks
    that both obtained Japan's rate and that only those two have a dollar GDP figure."""
    by_partner = latest.set_index("partner")
    pledge, tariff = by_partner["investment_commitment_usd_bn"], by_partner["tariff_rate_obtained_pct"]
    require(tariff["European Union"] == tariff["Japan"] == tariff["South Korea"],
            "the EU and Korea pledged for the same tariff rate as Japan")
    in_dollars = gdp.dropna(subset=["gdp_usd_bn"]).set_index("partner")["gdp_usd_bn"]
    require(sorted(in_dollars.index) == ["European Union", "Japan"],
            "a dollar GDP figure was read for Japan and the EU only")
    return {
        "mou-eu-pledge": fmt.usd_bn(quantity(pledge, at="European Union"), 0),
        "mou-korea-pledge": fmt.usd_bn(quantity(pledge, at="South Korea"), 0),
        "mou-gdp-share-japan": fmt.share(pledge["Japan"] / in_dollars["Japan"]),
        "mou-gdp-share-eu": fmt.share(pledge["European Union"] / in_dollars["European Union"]),
    }


def projects_by_stage(projects: pd.DataFrame) -> pd.DataFrame:
    """The named projects with the stage (interest list, first or second tranche) in words."""
    from booklib import label_values

    return projects.assign(stage=label_values(projects["project_id"].str[0], STAGES))


def project_facts(projects: pd.DataFrame) -> dict[str, str]:
    """How many projects the interest list named and for how much, how many the tranches
    selected; checks that most of the interest list is power generation and grids and that
    no project shows money disbursed."""
    interest = projects[projects["project_id"].str[0] == "P"]
    energy = interest["sector"].str.startswith("energy")
    require(interest.loc[energy, "amount_usd_bn"].sum() > interest["amount_usd_bn"].sum() / 2,
            "most of the interest list is in power generation and grids")
    require(set(projects["status"]) <= {"interest", "selected"}, "no document read shows money disbursed")
    return {
        "mou-interest-total": fmt.usd_bn(quantity(interest["amount_usd_bn"], how="sum"), 0),
        "mou-interest-count": fmt.count(len(interest)),
        "mou-tranche-count": fmt.count(len(projects) - len(interest)),
    }


def project_bars(projects: pd.DataFrame) -> pd.DataFrame:
    """The projects figure's rows: those with an amount, the columns the chart shows, in the reader's words."""
    bars = projects.dropna(subset=["amount_usd_bn"])[["project", "sector", "company", "amount_usd_bn", "stage"]]
    return in_reader_words(bars, "mou_projects", ["project", "sector", "company"])


def fdi_table(fdi: pd.DataFrame) -> pd.DataFrame:
    """Japan's direct-investment position in the US as the page lists it, by year."""
    from booklib.prose import reader_table

    return reader_table(fdi.sort_values("year"), "japan_fdi_position_us", ["year", "value_usd_bn", "basis", "country_attribution", "verified"])


# The scenario explorer of Japan's return ------------------------------------------------------
# The reader chooses the project's life, the deemed allocation amount and the cost of Japan's
# funding; the project's own return is the x axis. The deemed returns are illustrative rates,
# not SOFR plus the MOU's spread, which no document read gives.

LIVES = (10, 30, 5)  # the slider: shortest and longest life in years, and the step
DEEMED_RETURNS_PCT = (0, 2, 4, 6)
JAPAN_SERIES = N_("Japan's return")
PROJECT_SERIES = N_("The project's return")
# What Japan's funding costs it, drawn against its return. The amount Japan funds scales every
# cash flow alike and so changes neither its return nor its share (the waterfall is linear; a
# test shows it): what decides whether Japan gains is what that money costs. The benchmark is
# the ten-year US Treasury yield on the day of signing; the other two rates are illustrative.
ILLUSTRATIVE_COSTS_PCT = (2.0, 6.0)
COST_SERIES = N_("Cost of Japan's funding")
# Japan's line keeps the red of Japan's share of the cash below it.
SERIES_COLOURS = {JAPAN_SERIES: "#c8102e", PROJECT_SERIES: "#8c8c8c", COST_SERIES: "#1f3a93"}


def _benchmark_row(yields: pd.DataFrame) -> pd.DataFrame:
    """The row of the ten-year US Treasury yield on the day the memorandum was signed."""
    return yields[(yields["series_id"] == "DGS10") & (yields["date"] == pd.Timestamp(SIGNING_DAY))]


def funding_benchmark(yields: pd.DataFrame) -> Quantity:
    """The ten-year US Treasury yield on the day the memorandum was signed (% a year)."""
    return quantity(_benchmark_row(yields)["value_pct"])


def funding_costs(benchmark: Quantity) -> tuple[float, ...]:
    """The costs the menu offers, in order: the illustrative rates and the benchmark."""
    return tuple(sorted({*ILLUSTRATIVE_COSTS_PCT, benchmark.value}))


def funding_labels(benchmark: Quantity) -> tuple[str, ...]:
    """The menu's words for each cost."""
    return tuple(_("{rate}: the ten-year US Treasury yield on {day}", rate=fmt.percent(benchmark, 2), day=fmt.day(SIGNING_DAY))
                 if cost == benchmark.value else _("{rate} a year (illustrative)", rate=fmt.percent(cost))
                 for cost in funding_costs(benchmark))


def break_even_gross_pct(terms: pd.DataFrame, invested: float, years: int, cost_pct: float,
                         deemed_return_pct: float = 0.0) -> float:
    """The project's own return (% a year) at which Japan's return under the split equals
    `cost_pct`, by bisection (Japan's return rises with the project's)."""
    def japan_pct(gross_pct: float) -> float:
        value = return_scenarios(terms, invested, years, [gross_pct], deemed_return_pct)["japan_return_pct"].iloc[0]
        return -math.inf if pd.isna(value) else value

    low, high = cost_pct, 100.0
    if japan_pct(high) < cost_pct:
        raise ValueError(f"Japan's return stays below {cost_pct} % for every project return up to {high} % "
                         f"({years} years, deemed return {deemed_return_pct} %)")
    while high - low > 1e-6:
        middle = (low + high) / 2
        low, high = (middle, high) if japan_pct(middle) < cost_pct else (low, middle)
    return (low + high) / 2


def funding_facts(terms: pd.DataFrame, benchmark: Quantity, invested: float, years: int,
                  gross_returns_pct: list[float]) -> dict[str, str]:
    """The benchmark cost of Japan's funding, and the project return Japan needs to earn it;
    checks that the figure's project returns reach it, so the figure shows where Japan's return
    meets the ten-year Treasury yield, and that only its last drawn return lies beyond it."""
    needed = break_even_gross_pct(terms, invested, years, benchmark.value)
    drawn = sorted(gross_returns_pct)
    require(drawn[-2] < needed <= drawn[-1],
            "only a project at the right-hand edge of the figure earns Japan the ten-year Treasury yield")
    return {
        "mou-cost-benchmark": fmt.percent(benchmark, 2),
        "mou-break-even": fmt.percent(needed, 1),
    }


def deemed_labels() -> tuple[str, ...]:
    """The menu's words for each deemed return."""
    return tuple(_("Japan's funding only") if pct == 0 else _("Funding plus {rate} a year on what is not recovered", rate=fmt.percent(pct))
                 for pct in DEEMED_RETURNS_PCT)


def return_grid(terms: pd.DataFrame, invested: float, gross_returns_pct: list[float], costs_pct: tuple[float, ...]) -> pd.DataFrame:
    """Every scenario the explorer offers: Japan's return and share of the cash for each life and
    deemed return (by gross return), the project's own return, which no control changes, and
    each cost of Japan's funding (`costs_pct`), a level line."""
    low, high, step = LIVES
    rows = []
    for years in range(low, high + 1, step):
        for deemed in DEEMED_RETURNS_PCT:
            scenarios = return_scenarios(terms, invested, years, gross_returns_pct, deemed)
            rows.append(scenarios.assign(series=JAPAN_SERIES, return_pct=scenarios["japan_return_pct"],
                                         share_pct=scenarios["japan_share_of_cash_pct"], life_years=years, deemed_pct=deemed))
    columns = ["life_years", "deemed_pct", "funding_pct", "gross_return_pct", "series", "return_pct", "share_pct"]
    return pd.concat([*rows, project_line(gross_returns_pct), *(cost_line(gross_returns_pct, cost) for cost in costs_pct)],
                     ignore_index=True).reindex(columns=columns)


def project_line(gross_returns_pct: list[float]) -> pd.DataFrame:
    """The project's own return, which no control changes: the diagonal the figure draws."""
    gross = [float(p) for p in gross_returns_pct]
    return pd.DataFrame({"gross_return_pct": gross, "series": PROJECT_SERIES, "return_pct": gross})


def cost_line(gross_returns_pct: list[float], cost_pct: float) -> pd.DataFrame:
    """The level line of a cost of Japan's funding, at each gross return the figure draws."""
    return pd.DataFrame({"gross_return_pct": [float(p) for p in gross_returns_pct], "series": COST_SERIES,
                         "return_pct": float(cost_pct), "funding_pct": float(cost_pct)})


def return_explorer(grid: pd.DataFrame, cited: pd.DataFrame, years: int, benchmark: Quantity):
    """The explorer's controls over `grid` (from `return_grid`), checked: the grid covers every
    choice, and the default (`years` of life, the funding alone, the `benchmark` cost) draws
    `cited` (`return_lines` at the benchmark cost)."""
    from booklib.explorer import Control, Explorer

    controls = [Control("life_years", _("Life of the project (years)"), "range", LIVES),
                Control("deemed_pct", _("Deemed allocation amount"), "select", DEEMED_RETURNS_PCT, deemed_labels()),
                Control("funding_pct", _("What Japan's funding costs it"), "select", funding_costs(benchmark), funding_labels(benchmark))]
    explorer = Explorer("fig-mou-returns", grid, controls, {"life_years": years, "deemed_pct": 0, "funding_pct": benchmark.value})
    explorer.check_default(cited, on=["series", "gross_return_pct"], values=["return_pct"])
    return explorer


def return_table(grid: pd.DataFrame, shown_gross_pct: float, years: list[int]) -> pd.DataFrame:
    """Japan's return a year and, in brackets, its share of the cash, for the project the text
    describes: one row per deemed allocation amount, one column per life in `years`."""
    one_of(float(shown_gross_pct), sorted(set(grid["gross_return_pct"])), "SHOWN_GROSS_PCT", "GROSS_RETURNS_PCT")
    for life in years:
        one_of(life, sorted(set(grid["life_years"].dropna().astype(int))), "a life in TABLE_LIVES")
    japan = grid[(grid["series"] == JAPAN_SERIES) & (grid["gross_return_pct"] == float(shown_gross_pct)) & grid["life_years"].isin(years)]
    words = dict(zip(DEEMED_RETURNS_PCT, deemed_labels()))
    cells = japan.assign(
        amount=japan["deemed_pct"].map(words),
        life=japan["life_years"].astype(int).map(lambda life: _("{count} years", count=fmt.count(life))),
        cell=[_("{rate} ({share})", rate=fmt.percent(r, 1), share=fmt.percent(s)) for r, s in zip(japan["return_pct"], japan["share_pct"])],
    )
    table = cells.pivot(index="amount", columns="life", values="cell").reindex(index=list(words.values()))
    from booklib.prose import view_table

    lives = [_("{count} years", count=fmt.count(life)) for life in years]
    return view_table(table[lives].rename_axis("amount").rename_axis(None, axis=1).reset_index(), "investment_returns", lives)
