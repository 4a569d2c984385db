"""The code of the chapter "The US–Japan tariff talks, 2025–2026" (chapters/tariffs.md).

Each function takes the tables the page loads and returns the facts its prose glues
(formatted text under literal keys) or the tidy frame behind one of its figures. The
`require` calls guard the sentences the text makes, in the build and in the tests.

The front page (intro.md) repeats some of these facts in its key findings:
`front_page_facts` picks them from the same functions under the keys it pastes.
"""

from __future__ import annotations

import dataclasses
import re

import altair as alt
import pandas as pd

from booklib import formats as fmt
from booklib.i18n import N_, _, translate
from booklib.charts import date_x, label_values
from booklib.data import latest_vintage
from booklib.formats import Quantity, quantity
from booklib.prose import category_labels, in_reader_words, require

# Partners of the headline-rate figure, in the order of its panels.
PARTNERS = ["Japan", "China", "EU", "Korea", "United Kingdom"]
# US goods trade with Japan: the words for each flow, and their colours.
TRADE_FLOWS = category_labels("us_goods_trade", "flow")  # the schema's words (datapackage.json)
FLOW_COLORS = {"US imports from Japan": "#c8102e", "US exports to Japan": "#1f3a93", "US balance": "#8c8c8c"}
VEHICLES = "motor_vehicles_and_parts_hs87"
# The level of the 10-year yield a seed article claims Japan's sales pushed it to, and the
# size of the sale it claims (both are the article's numbers, not data).
CLAIMED_YIELD_PCT = 4.8
CLAIMED_SALE_USD_BN = 50.0
# The tariff timeline's events labelled on the chart: the steps a reader needs to follow the story.
KEY_EVENTS = ["tariff_02", "tariff_03", "tariff_09", "tariff_10", "tariff_11", "tariff_13",
              "tariff_15", "tariff_16", "tariff_18", "tariff_20", "tariff_22", "tariff_27"]
# The events of the court section, by their id in the events table.
COURT_EVENTS = {"cit": "tariff_06", "cafc": "tariff_12", "argued": "tariff_18", "ruling": "tariff_20"}
# The two series of the effective-rate figure (both additional to the duties paid in 2024, as its axis says).
MODEL_SERIES, TRACKER_SERIES = N_("Book model"), N_("tradewartracker estimate")


# Generic helpers (candidates for booklib) -------------------------------------------------

def negated(value: Quantity) -> Quantity:
    """The opposite of a quantity, with its unit (a deficit written as a positive sum)."""
    return dataclasses.replace(value, value=-value.value, origin=f"-{value.origin}")


def percent_as_given(value) -> str:
    """A rate with the decimals it has (10 %, 12.5 %); a missing rate is an empty cell."""
    if pd.isna(value):
        return ""
    return fmt.percent(value, digits=0 if float(value).is_integer() else 1)


def iso_day_or_never(value) -> str:
    """A date in the measures table as the data file writes it (2025-04-05); a missing date: never."""
    return _("never") if pd.isna(value) else fmt.iso_day(value)


def category_color(field: str, colors: dict[str, str], title: str | None = None) -> alt.Color:
    """A colour encoding with a fixed colour per category."""
    return alt.Color(field, title=title, scale=alt.Scale(domain=list(colors), range=list(colors.values())))


def day_month_x(field: str) -> alt.X:
    """A time axis of a few months: day and month labels."""
    return date_x(field, fmt="%d %b")


# The tariff path ---------------------------------------------------------------------------

# The Section 232 measures of 2026 that cap Japanese goods at the deal's rate, as the text lists them.
CAPPED_232_2026 = ["M18_metals_annex1c_japan", "M26_pharma_232_2026", "M34_drones_232_japan", "M27_polysilicon_232"]


def measure_facts(measures: pd.DataFrame) -> dict[str, str]:
    """The rates and dates of the measures the text lists; `measures` indexed by measure_id."""
    rate, effective = measures["rate_pct"], measures["effective_date"]
    require(bool((rate[CAPPED_232_2026] == rate["M08_eo14345_allin"]).all())
            and bool((measures.loc[CAPPED_232_2026, "partner"] == "Japan").all()),
            "the Section 232 proclamations of 2026 cap Japanese goods at the deal's rate")
    require(measures.loc["M27_polysilicon_232", "status"] == "threatened",
            "the polysilicon tariff had not started on the latest document")
    return {
        "tar-measure-count": fmt.count(len(measures)),
        "tar-baseline-rate": fmt.percent(quantity(rate, at="M01_baseline_10")),
        "tar-baseline-date": fmt.day(effective["M01_baseline_10"]),
        "tar-japan-24": fmt.percent(quantity(rate, at="M02_japan_24")),
        "tar-announce-date": fmt.day(measures.loc["M02_japan_24", "announced_date"]),
        "tar-autos-rate": fmt.percent(quantity(rate, at="M12_autos_232")),
        "tar-autos-date": fmt.day(effective["M12_autos_232"]),
        "tar-steel-rate": fmt.percent(quantity(rate, at="M16_steelalu_232_50")),
        "tar-steel-date": fmt.day(effective["M16_steelalu_232_50"]),
        "tar-letter-rate": fmt.percent(quantity(rate, at="M05_letter_25")),
        "tar-allin-rate": fmt.percent(quantity(rate, at="M08_eo14345_allin")),
        "tar-allin-date": fmt.day(effective["M08_eo14345_allin"]),
        "tar-autos15-rate": fmt.percent(quantity(rate, at="M09_eo14345_autos15")),
        "tar-autos15-date": fmt.day(effective["M09_eo14345_autos15"]),
        "tar-s122-rate": fmt.percent(quantity(rate, at="M29_s122_10")),
        "tar-s122-start": fmt.day(effective["M29_s122_10"]),
        "tar-s122-end": fmt.day(measures.loc["M29_s122_10", "end_date"]),
        "tar-s301-rate": fmt.percent(quantity(rate, at="M33_s301_forcedlabor_final"), 1),
        "tar-s301-date": fmt.day(effective["M33_s301_forcedlabor_final"]),
        "tar-s301-announced": fmt.day(measures.loc["M33_s301_forcedlabor_final", "announced_date"]),
        "tar-metals-2026-date": fmt.day(effective["M17_metals_annex_2026"]),
        "tar-metals-ic-date": fmt.day(effective["M18_metals_annex1c_japan"]),
        "tar-pharma-date": fmt.day(effective["M26_pharma_232_2026"]),
        "tar-drones-date": fmt.day(effective["M34_drones_232_japan"]),
        "tar-poly-date": fmt.day(effective["M27_polysilicon_232"]),
    }


def measures_table(measures: pd.DataFrame) -> pd.DataFrame:
    """The measures as the page's table shows them, in date order: by the day each took effect (those
    that never did last), then by the day it was announced; indexed by measure_id; dates and rates
    written out, headers and categories in the schema's words."""
    from booklib.prose import reader_table

    shown = measures.sort_values(["effective_date", "announced_date"], na_position="last", kind="stable")
    shown = shown.assign(effective_date=shown["effective_date"].map(iso_day_or_never), rate_pct=shown["rate_pct"].map(percent_as_given))
    return reader_table(shown, "tariff_measures", ["effective_date", "partner", "scope", "rate_pct", "legal_basis", "instrument", "status"])


def headline_steps(headline: pd.DataFrame, end) -> pd.DataFrame:
    """Each partner's headline rates, the last carried to `end` so the steps run to the end; the
    legal basis of each in the reader's words."""
    columns = ["partner", "effective_date", "headline_rate_pct", "basis"]
    last = headline.sort_values("effective_date").groupby("partner").tail(1).assign(effective_date=pd.Timestamp(end))
    return in_reader_words(pd.concat([headline, last]).sort_values(["partner", "effective_date"])[columns], "headline_rates", ["basis"])


def headline_facts(headline: pd.DataFrame) -> dict[str, str]:
    """China's peak headline rate, far above every other partner's (the caption and description say so)."""
    rate = headline["headline_rate_pct"]
    china = rate[headline["partner"] == "China"]
    others = rate[headline["partner"] != "China"]
    require(china.max() > 2 * others.max(), "China's headline rate peaked far above the other partners'")
    return {"tar-china-peak": fmt.percent(quantity(china, how="max"))}


# What is at stake --------------------------------------------------------------------------

def japan_trade(trade: pd.DataFrame) -> pd.DataFrame:
    """US goods trade with Japan, the rows of us_goods_trade for that partner."""
    return trade[trade["partner"] == "Japan"]


def trade_facts(japan: pd.DataFrame) -> dict[str, str]:
    """2024 trade with Japan, the years found and the one partial year (`japan`: from `japan_trade`)."""
    y2024 = japan[japan["year"] == 2024].set_index("flow")["value_usd_bn"]
    partial = japan[japan["period_covered"] != "full year"]
    require(partial["year"].nunique() == 1 and partial["year"].iloc[0] == japan["year"].max(),
            "only the last year of US trade with Japan is partial")
    return {
        "tar-imports-2024": fmt.usd_bn(quantity(y2024, at="us_imports")),
        "tar-exports-2024": fmt.usd_bn(quantity(y2024, at="us_exports")),
        "tar-balance-2024": fmt.usd_bn(negated(quantity(y2024, at="us_balance"))),
        "tar-partial-period": covered(partial["period_covered"].iloc[0]),
        "tar-years-found": ", ".join(str(y) for y in sorted(japan["year"].unique())),
    }


def covered(period_covered: str) -> str:
    """The months a year of us_goods_trade covers, without the note: "full year", "2025-01 to 2025-11"
    (zh, ja: 全年, 2025年1月～11月, from the months themselves)."""
    text = period_covered.split(" (")[0]
    if fmt.language().code == "en":
        return text
    if text == "full year":
        return _("full year")
    first, last = re.fullmatch(r"(\d{4}-\d{2}) to (\d{4}-\d{2})", text).groups()
    return fmt.period(f"{first}-01", pd.Timestamp(f"{last}-01") + pd.offsets.MonthEnd(0))


def trade_bars(japan: pd.DataFrame) -> pd.DataFrame:
    """The trade figure's rows: flows and bases in words, the period without its note."""
    bars = japan.assign(
        flow=label_values(japan["flow"], TRADE_FLOWS),
        period=japan["period_covered"].map(covered),
    )[["year", "flow", "value_usd_bn", "period", "basis"]]
    return in_reader_words(bars, "us_goods_trade", ["basis"])


def mof_facts(japan_side: pd.DataFrame) -> dict[str, str]:
    """Japan's exports to the US as its Ministry of Finance counts them, and the share of cars."""
    value = japan_side.set_index(["year", "product_group"])["value_jpy_bn"]
    total, autos = (2024, "total_exports_to_us"), (2024, "motor_vehicles_and_parts")
    return {
        "tar-mof-2024-total": fmt.jpy_tn(quantity(value, at=total)),
        "tar-mof-2024-autos": fmt.jpy_tn(quantity(value, at=autos)),
        "tar-mof-2024-autos-share": fmt.share(value[autos] / value[total]),
        "tar-mof-2016-autos-share": fmt.share(value[(2016, "motor_vehicles")] / value[(2016, "total_exports_to_us")]),
    }


def import_mix(mix: pd.DataFrame) -> pd.DataFrame:
    """US imports from Japan by HS group, with each group's share and its name in words."""
    group = hs_group_names(mix["product_group"]).map(translate)
    return mix.assign(share_pct=100 * mix["imports_usd_bn"] / mix["imports_usd_bn"].sum(), group=group)


def hs_group_names(codes: pd.Series | None = None) -> pd.Series:
    """The HS groups of us_imports_japan_by_hs2 in English words (booklib.i18n extracts them as messages)."""
    if codes is None:
        from booklib import load

        codes = load("us_imports_japan_by_hs2")["product_group"].drop_duplicates()
    return (codes.str.replace(r"_hs(\d+)_(\d+)$", r" (HS \1, \2)", regex=True)
            .str.replace(r"_hs(\d+)$", r" (HS \1)", regex=True).str.replace("_", " ").str.capitalize())


def mix_facts(mix: pd.DataFrame) -> dict[str, str]:
    """Vehicles' weight in the import mix, the largest group (`mix`: from `import_mix`)."""
    groups = mix.set_index("product_group")
    value = groups["imports_usd_bn"]
    require(value.idxmax() == VEHICLES, "vehicles and parts (HS 87) are the largest group of US imports from Japan")
    mfn_average = (mix["duty_paid_pct_of_value"] * mix["imports_usd_bn"]).sum() / mix["imports_usd_bn"].sum()
    return {
        "tar-hs87-value": fmt.usd_bn(quantity(value, at=VEHICLES)),
        "tar-hs87-share": fmt.percent(groups.loc[VEHICLES, "share_pct"]),
        "tar-mix-total": fmt.usd_bn(quantity(value, how="sum")),
        "tar-mfn-avg": fmt.percent(mfn_average, 1),
    }


# The effective tariff rate -----------------------------------------------------------------

def rate_on(path: pd.DataFrame, date) -> float | None:
    """The model's effective rate in force on `date` (a step series); None for a date after the
    path's end (the chapter's as-of date), on which the path says nothing: a measure that had not
    begun by then has no rate."""
    if pd.Timestamp(date) > path["date"].max():
        return None
    return float(path.loc[path["date"] <= pd.Timestamp(date), "effective_rate_pct"].iloc[-1])


# The steps the text names, each with the measure that made it and what the text says of it.
EFFECTIVE_STEPS = {
    "april": ("M01_baseline_10", "the baseline tariff of April 2025"),
    "steel": ("M16_steelalu_232_50", "the higher Section 232 duty on steel and aluminium"),
    "peak": ("M08_eo14345_allin", "the all-in rate"),
    "deal": ("M09_eo14345_autos15", "the deal's rate on cars"),
    "s122": ("M29_s122_10", "the Section 122 surcharge"),
}


def effective_facts(path: pd.DataFrame, measures: pd.DataFrame) -> dict[str, str]:
    """The model's effective rate at each step the text names (`path`: japan_effective_path;
    the steps are the effective dates of the measures that made them). A step whose measure began
    after the path's end (an earlier as-of date) stops the chapter, naming the sentence."""
    rate = path["effective_rate_pct"]
    on = {}
    for step, (measure, words) in EFFECTIVE_STEPS.items():
        on[step] = rate_on(path, measures.loc[measure, "effective_date"])
        if on[step] is None:
            with fmt.in_language("en"):  # the authors' message
                require(False, f"what {words} (from {fmt.day(measures.loc[measure, 'effective_date'])}) did to the average tariff, "
                        f"but the chapter runs to {fmt.day(path['date'].max())} (AS_OF), before that measure existed, so it has no rate")
    before, peak, latest = rate.iloc[0], rate.max(), rate.iloc[-1]
    peak_date = path.loc[rate.idxmax(), "date"]
    require(before < on["april"] < on["steel"] < peak == on["peak"],
            "the average tariff rose in steps to its peak, reached when the 15 % rate replaced the baseline")
    require(on["deal"] < peak and latest < peak, "the deal brought the average tariff down from its peak")
    return {
        "tar-eff-before": fmt.percent(before, 1),
        "tar-eff-april": fmt.percent(on["april"], 1),
        "tar-eff-steel": fmt.percent(on["steel"], 1),
        "tar-eff-peak": fmt.percent(peak, 1),
        "tar-eff-peak-date": fmt.day(peak_date),
        "tar-eff-deal": fmt.percent(on["deal"], 1),
        "tar-eff-s122": fmt.percent(on["s122"], 1),
        "tar-eff-latest": fmt.percent(latest, 1),
        "tar-eff-fold": fmt.fold(latest / before, 0),
        # What fig-tar-effective plots: the rate above the duties paid before 2025.
        "tar-eff-peak-added": fmt.percent(peak - before, 1),
        "tar-eff-latest-added": fmt.percent(latest - before, 1),
    }


def tracker_rows(estimates: pd.DataFrame) -> pd.DataFrame:
    """The tradewartracker's estimates for Japan (its additional rate, step by step)."""
    return estimates[estimates["estimate_id"].str.startswith("twt_japan_20")]


def effective_series(path: pd.DataFrame, tracker: pd.DataFrame) -> pd.DataFrame:
    """The model's rate above the duties paid before 2025 beside the tracker's (`tracker`: from
    `tracker_rows`), as two named step series."""
    model = pd.DataFrame({"date": path["date"], "additional_pct": path["effective_rate_pct"] - path["effective_rate_pct"].iloc[0],
                          "series": MODEL_SERIES})
    published = pd.DataFrame({"date": tracker["as_of_date"], "additional_pct": tracker["rate_pct"],
                              "series": TRACKER_SERIES})
    return pd.concat([model, published])


def tracker_facts(tracker: pd.DataFrame, path: pd.DataFrame, measures: pd.DataFrame) -> dict[str, str]:
    """The tracker (`tracker_rows`) and the model on the day the all-in rate took effect, and the tracker's last step."""
    rate = tracker.set_index("as_of_date")["rate_pct"]
    deal_date = measures.loc["M08_eo14345_allin", "effective_date"]
    return {
        "tar-twt-deal": fmt.percent(quantity(rate, at=deal_date), 1),
        "tar-twt-last-date": fmt.day(rate.index.max()),
        "tar-model-deal-additional": fmt.percent(rate_on(path, deal_date) - path["effective_rate_pct"].iloc[0], 1),
    }


# The financial lever -----------------------------------------------------------------------

def tic_holdings(treasury: pd.DataFrame) -> pd.DataFrame:
    """Japan's and China's Treasury holdings by month, the latest release of each month; checks
    that no month is missing between each one's first and last (the lines would bridge a gap)."""
    holdings = latest_vintage(treasury, ["month", "holder"])
    holdings = holdings[holdings["holder"].isin(["Japan", "China"])]
    for _, months in holdings.groupby("holder")["month"]:
        expected = pd.date_range(months.min(), months.max(), freq="MS")
        require(len(months) == len(expected) and set(months) == set(expected),
                "the holdings figure draws every month from its first to its last")
    return holdings


def tic_facts(holdings: pd.DataFrame) -> dict[str, str]:
    """Japan's holdings at the end of March and April 2025 and in the latest month (`holdings`: from `tic_holdings`)."""
    japan = holdings[holdings["holder"] == "Japan"].set_index("month")["value_usd_bn"]
    march, april, last = pd.Timestamp("2025-03-01"), pd.Timestamp("2025-04-01"), japan.index.max()
    require(japan[april] > japan[march], "Japan's Treasury holdings rose, not fell, from end-March to end-April 2025")
    return {
        "tar-tic-mar25": fmt.usd_bn(quantity(japan, at=march)),
        "tar-tic-apr25": fmt.usd_bn(quantity(japan, at=april)),
        "tar-tic-last-month": fmt.month(last),
        "tar-tic-last": fmt.usd_bn(quantity(japan, at=last)),
    }


def spring_yields(yields: pd.DataFrame) -> pd.DataFrame:
    """The daily 10-year yield from March to May 2025, the figure's data."""
    daily = yields.dropna(subset=["value_pct"])
    return daily[(daily["date"] >= "2025-03-01") & (daily["date"] <= "2025-05-31")]


def claimed_yield() -> pd.DataFrame:
    """The yield level the seed article claims, with its label, for a rule on the chart."""
    return pd.DataFrame({"value_pct": [CLAIMED_YIELD_PCT],
                         "label": [_("Level claimed in a seed article: {level}", level=fmt.percent(CLAIMED_YIELD_PCT, 1))]})


def yield_facts(yields: pd.DataFrame) -> dict[str, str]:
    """April 2025's highest and lowest close, and the highest of the whole series read."""
    daily = yields.dropna(subset=["value_pct"]).set_index("date")["value_pct"]
    april = daily[(daily.index >= "2025-04-01") & (daily.index <= "2025-04-30")]
    require(daily.max() < CLAIMED_YIELD_PCT, "the 4.8 % of the seed article was not reached")
    return {
        "tar-yield-april-peak": fmt.percent(quantity(april, how="max"), 2),
        "tar-yield-april-peak-date": fmt.day(april.idxmax()),
        "tar-yield-april-low": fmt.percent(quantity(april, how="min"), 2),
        "tar-yield-series-max": fmt.percent(quantity(daily, how="max"), 2),
        "tar-yield-series-max-date": fmt.day(daily.idxmax()),
        "tar-yield-span": fmt.day_span(daily.index.min(), daily.index.max()),
    }


def bond_flow_facts(flows: pd.DataFrame) -> dict[str, str]:
    """Private net sales of foreign bonds in the first two weeks of April 2025."""
    weekly = (flows[flows["flow"] == "japanese_residents_net_purchase_foreign_long_term_bonds"]
              .sort_values("period_start").reset_index(drop=True))
    sales = weekly["value_usd_bn"]
    require(bool((sales.iloc[:2] < 0).all()) and -sales.iloc[:2].min() < CLAIMED_SALE_USD_BN,
            "Japanese investors made net sales of foreign bonds in two weeks of April 2025, well short of $50 billion")
    return {
        "tar-flow-week1": fmt.usd_bn(negated(quantity(sales, at=0))),
        "tar-flow-week1-end": fmt.day(weekly["period_end"].iloc[0]),
        "tar-flow-week2": fmt.usd_bn(negated(quantity(sales, at=1))),
    }


# The negotiation and the courts ------------------------------------------------------------

def tariff_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events of the tariff theme, in date order."""
    return events[events["theme"] == "tariffs"].sort_values("date")


def timeline_facts(tariff: pd.DataFrame) -> dict[str, str]:
    """The number of dated tariff events (`tariff`: from `tariff_events`)."""
    return {"tar-event-count": fmt.count(len(tariff))}


def timeline_description(tariff: pd.DataFrame) -> str:
    """The timeline figure's description, with the number of events it draws."""
    return _("Timeline of {count} tariff events from {first} to {last}, by actor: the US government, Japan, and the US courts.",
             count=fmt.count(len(tariff)), first=fmt.month("2025-03-01"), last=fmt.month("2026-09-01"))


def court_facts(events: pd.DataFrame, measures: pd.DataFrame) -> dict[str, str]:
    """The court rulings, the end of IEEPA collection, the Section 122 span and the Section 232 measures in force."""
    day = events.set_index("event_id")["date"]
    s122 = measures.loc["M29_s122_10"]
    s122_days = (s122["end_date"] - s122["effective_date"]).days + 1
    require(s122_days == 150, "the Section 122 surcharge ran until its 150 days ran out")
    in_force_232 = measures[(measures["legal_basis"] == "Section 232") & (measures["status"] == "in_force")]
    return {
        "tar-cit-date": fmt.day(day[COURT_EVENTS["cit"]]),
        "tar-cafc-date": fmt.day(day[COURT_EVENTS["cafc"]]),
        "tar-scotus-argued": fmt.day(day[COURT_EVENTS["argued"]]),
        "tar-scotus-date": fmt.day(day[COURT_EVENTS["ruling"]]),
        "tar-ruling-collection-end": fmt.day(measures.loc["M28_ieepa_terminated", "effective_date"]),
        "tar-s122-days": fmt.days(s122_days),
        "tar-232-in-force": fmt.count(len(in_force_232)),
    }


def front_page_facts(measures: pd.DataFrame, mix: pd.DataFrame, path: pd.DataFrame,
                    treasury: pd.DataFrame, yields: pd.DataFrame) -> dict[str, str]:
    """The front page's findings 1–4 (cars, the average tariff, the ruling, Treasuries): the
    chapter's own facts under the keys the front page pastes; `measures` indexed by measure_id."""
    rates = measure_facts(measures)
    cars = mix_facts(import_mix(mix))
    average = effective_facts(path, measures)
    holdings = tic_facts(tic_holdings(treasury))
    bond_yield = yield_facts(yields)
    return {
        "kf-hs87-share": cars["tar-hs87-share"],
        "kf-autos15-rate": rates["tar-autos15-rate"],
        "kf-autos15-date": rates["tar-autos15-date"],
        "kf-eff-fold": average["tar-eff-fold"],
        "kf-eff-before": average["tar-eff-before"],
        "kf-eff-peak-added": average["tar-eff-peak-added"],
        "kf-eff-latest-added": average["tar-eff-latest-added"],
        "kf-eff-latest": average["tar-eff-latest"],
        "kf-s122-start": rates["tar-s122-start"],
        "kf-s122-rate": rates["tar-s122-rate"],
        "kf-tic-mar": holdings["tar-tic-mar25"],
        "kf-tic-apr": holdings["tar-tic-apr25"],
        "kf-yield-peak": bond_yield["tar-yield-april-peak"],
    }


# The scenario explorer of the effective rate -------------------------------------------------
# Each control edits the schedule the model reads (rows of tariff_schedule_japan); "enacted"
# leaves it as the data give it. The model then recomputes the path: nothing is computed in
# the browser, which only picks among these paths.

CARS, METALS, AFTER_RULING = "M12_autos_232", "M14_steel_232_25", ("M29_s122_10", "M33_s301_forcedlabor_final")
RECIPROCAL = "M08_eo14345_allin"
CONTROL_LABELS = {"cars": N_("Cars and parts"), "metals": N_("Steel and aluminium"), "ruling": N_("IEEPA tariffs and their replacement")}
# The scenarios the page's table lists, by (cars, metals, ruling).
TABLE_SCENARIOS = [("enacted", "enacted", "enacted"), ("kept_25", "enacted", "enacted"), ("enacted", "kept_25", "enacted"),
                   ("enacted", "enacted", "no_ruling"), ("enacted", "enacted", "s122_only"), ("enacted", "enacted", "nothing"),
                   ("none", "none", "enacted")]


def _rate(schedule: pd.DataFrame, measure: str, regime: str, which: str = "first") -> pd.Series:
    rows = schedule[(schedule["measure_id"] == measure) & (schedule["regime"] == regime)].sort_values("effective_date")
    return rows.iloc[0] if which == "first" else rows.iloc[-1]


def scenario_choices(schedule: pd.DataFrame) -> dict[str, dict[str, str]]:
    """The explorer's menus: for each control, its choices in words, from the schedule's own rates and dates."""
    car_add, car_floor = _rate(schedule, CARS, "add"), _rate(schedule, CARS, "floor")
    metal_first, metal_last = _rate(schedule, METALS, "add"), _rate(schedule, METALS, "add", "last")
    s122, s301 = _rate(schedule, AFTER_RULING[0], "add"), _rate(schedule, AFTER_RULING[1], "floor")
    allin = _rate(schedule, RECIPROCAL, "floor")
    pct = percent_as_given
    return {
        "cars": {"enacted": _("As enacted ({added} added, {allin} all-in from {day})", added=pct(car_add.rate_pct),
                              allin=pct(car_floor.rate_pct), day=fmt.day(car_floor.effective_date)),
                 "kept_25": _("{added} added throughout (no deal for cars)", added=pct(car_add.rate_pct)),
                 "none": _("No Section 232 car tariff")},
        "metals": {"enacted": _("As enacted ({first}, {last} from {day})", first=pct(metal_first.rate_pct), last=pct(metal_last.rate_pct),
                                day=fmt.day(metal_last.effective_date)),
                   "kept_25": _("{rate} throughout", rate=pct(metal_first.rate_pct)),
                   "none": _("No Section 232 metals tariff")},
        "ruling": {"enacted": _("As enacted (struck down; Section 122 {s122}, then Section 301 {s301} all-in)", s122=pct(s122.rate_pct),
                                s301=pct(s301.rate_pct)),
                   "s122_only": _("Struck down; Section 122 {s122} only, no Section 301 duty", s122=pct(s122.rate_pct)),
                   "no_ruling": _("Never struck down (the {rate} all-in rate stays)", rate=pct(allin.rate_pct)),
                   "nothing": _("Struck down, nothing replaces them")},
    }


def scenario_schedule(schedule: pd.DataFrame, cars: str, metals: str, ruling: str) -> pd.DataFrame:
    """The schedule with the measures a scenario changes: cars and metals ("enacted", "kept_25":
    the first rate stays, "none"), and what follows the ruling ("enacted", "no_ruling": the
    reciprocal all-in rate is never struck down and nothing replaces it, "s122_only": the Section
    122 surcharge but no Section 301 duty after it, "nothing": struck down and not replaced)."""
    measure, regime, rate = schedule["measure_id"], schedule["regime"], schedule["rate_pct"]
    drop = pd.Series(False, index=schedule.index)
    first_metal = _rate(schedule, METALS, "add").rate_pct
    drop |= {"enacted": False, "kept_25": (measure == CARS) & (regime == "floor"), "none": measure == CARS}[cars]
    drop |= {"enacted": False, "kept_25": (measure == METALS) & (rate != first_metal), "none": measure == METALS}[metals]
    replaced = measure.isin(AFTER_RULING)
    ruling_day = schedule.loc[replaced, "effective_date"].min()
    struck = (measure == RECIPROCAL) & (regime == "none") & (schedule["effective_date"] == ruling_day)
    drop |= {"enacted": False, "s122_only": measure == AFTER_RULING[1], "no_ruling": replaced | struck, "nothing": replaced}[ruling]
    return schedule[~drop]


def scenario_grid(schedule: pd.DataFrame, imports: pd.DataFrame, tracker: pd.DataFrame, end) -> pd.DataFrame:
    """Every scenario's path of the additional rate (the model on the edited schedule, on the
    dates the real schedule changes), and the tracker's rows, which no control changes."""
    from booklib.models.tariff_model import change_dates, effective_rate, import_weights

    dates, mix, rows = change_dates(schedule, "2025-01-01", end), import_weights(imports), []
    choices = scenario_choices(schedule)
    for cars in choices["cars"]:
        for metals in choices["metals"]:
            for ruling in choices["ruling"]:
                path = effective_rate(scenario_schedule(schedule, cars, metals, ruling), mix, dates)
                rows.append(effective_series(path, tracker.iloc[:0]).assign(cars=cars, metals=metals, ruling=ruling))
    return pd.concat([*rows, effective_series(path, tracker).query("series != @MODEL_SERIES")], ignore_index=True)


def scenario_table(grid: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """A few scenarios as the page's table lists them (each by what it changes from the measures
    as enacted): the peak and the latest additional rate."""
    words, rows = scenario_choices(schedule), []
    for cars, metals, ruling in TABLE_SCENARIOS:
        path = grid[(grid["cars"] == cars) & (grid["metals"] == metals) & (grid["ruling"] == ruling)]
        changed = [_("{control}: {choice}", control=translate(CONTROL_LABELS[column]), choice=words[column][choice])
                   for column, choice in zip(CONTROL_LABELS, (cars, metals, ruling)) if choice != "enacted"]
        rows.append({"scenario": _("; ").join(changed) or _("All measures as enacted"),
                     "peak": fmt.percent(path["additional_pct"].max(), 1),
                     "latest": fmt.percent(path.sort_values("date")["additional_pct"].iloc[-1], 1)})
    from booklib.prose import view_table

    return view_table(pd.DataFrame(rows), "tariff_scenarios")


def effective_explorer(grid: pd.DataFrame, schedule: pd.DataFrame, cited: pd.DataFrame):
    """The explorer's controls over `grid` (from `scenario_grid`), checked: the grid covers every
    choice, and the default (the measures as enacted) draws `cited`, the figure the text describes
    (`effective_series` of the model's path and the tracker)."""
    from booklib.explorer import Control, Explorer

    choices = scenario_choices(schedule)
    controls = [Control(column, translate(label), "select", tuple(choices[column]), tuple(choices[column].values()))
                for column, label in CONTROL_LABELS.items()]
    explorer = Explorer("fig-tar-effective", grid, controls, {"cars": "enacted", "metals": "enacted", "ruling": "enacted"})
    explorer.check_default(cited, on=["series", "date"], values=["additional_pct"])
    return explorer
