"""The export-controls chapter (chapters/export_controls.md): the measures both ways,
Japan's dependence on Chinese rare earths, and what a cut-off would cost.

The facts its prose glues, the checks that guard its sentences, and the tables behind
its figures and lists. Every function takes the tables the page loads; the cost line
itself is `booklib.models.rare_earth_scenarios.LinearLoss`.
"""

from __future__ import annotations

import re

import pandas as pd

from booklib import formats as fmt
from booklib.i18n import N_, _, translate
from booklib.formats import quantity
from booklib.prose import require
from booklib.models.rare_earth_scenarios import LinearLoss, ShareLine

# The two sides of the timeline, by who imposed the measure.
SIDES = {"China": N_("China's measures"), "Japan": N_("Japan's and US measures"), "United States": N_("Japan's and US measures")}
# NRI's two estimates (three months, one year), through which the book draws its line.
NRI_POINTS = ["nri_3m", "nri_12m"]


def _month(date) -> str:
    """A date's month as 2025-04, for comparing with a month the text names."""
    return str(pd.Timestamp(date).to_period("M"))


def measure_facts(measures: pd.DataFrame) -> dict[str, str]:
    """How many measures, how many China's, and the dates the text gives; checks what the
    text says of them (from 2022, the April 2025 licensing still in force, the October
    expansion suspended, the measures aimed at Japan in January 2026, the listing of June 2026)."""
    by_id = measures.set_index("measure_id")
    effective = by_id["effective_date"]
    require(effective.min().year == 2022, "the table holds measures from 2022")
    require(_month(effective["cn_2025_no18_7ree"]) == "2025-04" and by_id.loc["cn_2025_no18_7ree", "status"] == "in_force",
            "the April 2025 licensing of seven rare earths stayed")
    require(by_id.loc["cn_2025_no57_5ree", "status"] == "suspended", "the October 2025 expansion was suspended")
    require(all(_month(effective[m]) == "2026-01" for m in ["cn_2026_no1_japan_military", "cn_2026_dcs_antidumping"]),
            "China aimed its military end-user ban and the dichlorosilane investigation at Japan in January 2026")
    june = by_id.loc["cn_2026_06_japan_control_list"]
    require(june["target"] == "Japan" and june["kind"] == "entity_listing" and _month(june["effective_date"]) == "2026-06",
            "China put more Japanese entities on its export control list in June 2026")
    kinds = re.search(r"(\d+) types", by_id.loc["jp_2023_sme23", "items"])
    require(kinds is not None, "Japan's 2023 controls name a number of kinds of chip-making equipment")
    return {
        "ec-count": fmt.count(len(measures)),
        "ec-china-count": fmt.count(int((measures["imposer"] == "China").sum())),
        "ec-sme-kinds": fmt.count(int(kinds.group(1))),
        "ec-sme-date": fmt.day(effective["jp_2023_sme23"]),
        "ec-ree7-date": fmt.day(effective["cn_2025_no18_7ree"]),
        "ec-suspension-date": fmt.day(effective["cn_2025_no70_suspension"]),
        "ec-japan-military-date": fmt.day(effective["cn_2026_no1_japan_military"]),
        "ec-dcs-date": fmt.day(effective["cn_2026_dcs_antidumping"]),
        "ec-june-list-date": fmt.day(effective["cn_2026_06_japan_control_list"]),
    }


def timeline(measures: pd.DataFrame) -> pd.DataFrame:
    """The timeline figure's rows: each measure with its side, the columns the chart shows, kinds
    and statuses in the schema's words (the legend's and the tooltips')."""
    from booklib import label_values
    from booklib.prose import in_reader_words

    sides = measures.assign(side=label_values(measures["imposer"], SIDES))
    shown = sides[["effective_date", "side", "imposer", "target", "kind", "instrument", "status", "measure_id"]]
    return in_reader_words(shown, "export_control_measures", ["target", "kind", "instrument", "status"])


def measures_list(measures: pd.DataFrame) -> pd.DataFrame:
    """The measures as the page lists them: ISO dates, statuses in the schema's words, sources cited."""
    from booklib.prose import reader_values

    return reader_values(measures.assign(effective_date=measures["effective_date"].dt.date.astype(str)), "export_control_measures",
                         ["effective_date", "imposer", "target", "items", "instrument", "status", "source_id"])


def china_shares(imports: pd.DataFrame) -> pd.DataFrame:
    """China's share of Japan's rare-earth imports, as each source states it (the share figure's rows)."""
    shares = imports[(imports["source_country"] == "China") & (imports["measure"] == "share_pct")]
    return shares.assign(note=shares["note"].fillna(""))


def share_facts(shares: pd.DataFrame) -> dict[str, str]:
    """China's share in 2010 (customs), in 2024 (JOGMEC) and the lowest round figure for 2024;
    checks the text's summary: about four-fifths then, two-thirds to seven-tenths now."""
    exact = shares[shares["qualifier"] == "exact"]
    in_2010 = exact.loc[exact["year"] == 2010, "value"]
    jogmec = exact.loc[(exact["year"] == 2024) & (exact["period"] == "2024"), "value"]
    low = shares.loc[(shares["year"] == 2024) & (shares["qualifier"] == "about"), "value"].min()
    require(len(in_2010) == 1 and len(jogmec) == 1, "one customs share for 2010 and one JOGMEC share for 2024")
    require(75 <= in_2010.iloc[0] <= 85, "China supplied roughly four-fifths of Japan's rare-earth imports in 2010")
    require(65 <= jogmec.iloc[0] <= 75 and low < jogmec.iloc[0] < in_2010.iloc[0],
            "China's share fell to two-thirds to seven-tenths, with other statements rounding it lower")
    return {
        "ec-share-2010": fmt.percent(in_2010.iloc[0]),
        "ec-share-2024": fmt.percent(jogmec.iloc[0]),
        "ec-share-2024-low": fmt.percent(low),
    }


def magnet_months(exports: pd.DataFrame) -> pd.DataFrame:
    """China's monthly magnet exports to the world, the US and Japan (the magnets figure's rows)."""
    monthly = exports[(exports["period_type"] == "month") & (exports["product"] == "rare_earth_magnets")
                      & exports["destination"].isin(["world", "United States", "Japan"])]
    return monthly.assign(month=pd.to_datetime(monthly["period"] + "-01"), destination=monthly["destination"].replace({"world": "World"}))


def magnet_facts(monthly: pd.DataFrame) -> dict[str, str]:
    """Exports to the world in January and May 2025, and how many months have a figure for
    Japan; checks that they fell and that Japan's figures are few."""
    world = monthly[monthly["destination"] == "World"].set_index("period")["value"]
    require(world["2025-05"] < world["2025-01"], "China's magnet exports fell from January to May 2025")
    japan_months = int((monthly["destination"] == "Japan").sum())
    require(japan_months < len(world), "figures for Japan alone were found for only some months")
    return {
        "ec-magnets-jan": fmt.with_unit(fmt.number(world["2025-01"], 0), _("tonnes")),
        "ec-magnets-may": fmt.with_unit(fmt.number(world["2025-05"], 0), _("tonnes")),
        "ec-magnets-japan-months": fmt.count(japan_months),
    }


def _world_rare_earths(exports: pd.DataFrame, period_type: str) -> pd.DataFrame:
    """China's exports of rare earths (GAC's item, not magnets) to the world, by month or by year."""
    return exports[(exports["period_type"] == period_type) & (exports["product"] == "rare_earths")
                   & (exports["destination"] == "world")]


def rare_earth_months(exports: pd.DataFrame) -> pd.DataFrame:
    """China's monthly exports of rare earths to the world: the figure's rows."""
    monthly = _world_rare_earths(exports, "month")
    return monthly.assign(month=pd.to_datetime(monthly["period"] + "-01")).sort_values("month")


def rare_earth_facts(monthly: pd.DataFrame, exports: pd.DataFrame) -> dict[str, str]:
    """March, April and June 2025, the last month, and the 2024 and 2025 totals; checks that
    exports dipped in April 2025, peaked in June 2025 and that 2025's total exceeded 2024's."""
    tonnes = monthly.set_index("period")["value"]
    years = _world_rare_earths(exports, "year").set_index("period")["value"]
    require(tonnes["2025-04"] < tonnes["2025-03"], "rare-earth exports dipped in April 2025, when licensing began")
    require(tonnes.idxmax() == "2025-06", "June 2025 is the highest month of the series")
    require(years["2025"] > years["2024"], "the 2025 total exceeded 2024's")
    return {
        "ec-ree-mar-2025": fmt.with_unit(fmt.number(tonnes["2025-03"], 0), _("tonnes")),
        "ec-ree-apr-2025": fmt.with_unit(fmt.number(tonnes["2025-04"], 0), _("tonnes")),
        "ec-ree-jun-2025": fmt.with_unit(fmt.number(tonnes["2025-06"], 0), _("tonnes")),
        "ec-ree-2024": fmt.with_unit(fmt.number(years["2024"], 0), _("tonnes")),
        "ec-ree-2025": fmt.with_unit(fmt.number(years["2025"], 0), _("tonnes")),
        "ec-ree-last-month": fmt.month(monthly["month"].max()),
        "ec-ree-first-month": fmt.month(monthly["month"].min()),
    }


def front_page_facts(exports: pd.DataFrame) -> dict[str, str]:
    """The front page's finding on the April 2025 licensing, from the chapter's own facts; checks
    that magnets fell far more, in proportion, than rare earths as a whole."""
    magnets, rare_earths = magnet_months(exports), rare_earth_months(exports)
    world = magnets[magnets["destination"] == "World"].set_index("period")["value"]
    tonnes = rare_earths.set_index("period")["value"]
    magnet_fall = 1 - world["2025-05"] / world["2025-01"]
    rare_earth_dip = 1 - tonnes["2025-04"] / tonnes["2025-03"]
    require(magnet_fall > 2 * rare_earth_dip, "magnets fell far more, in proportion, than rare earths as a whole")
    chapter = {**magnet_facts(magnets), **rare_earth_facts(rare_earths, exports)}
    return {
        "kf-magnets-jan": chapter["ec-magnets-jan"],
        "kf-magnets-may": chapter["ec-magnets-may"],
        "kf-ree-apr": chapter["ec-ree-apr-2025"],
        "kf-ree-jun": chapter["ec-ree-jun-2025"],
    }


def cost_model(estimates: pd.DataFrame) -> LinearLoss:
    """The book's line through NRI's two estimates, against the GDP its one-year estimate implies."""
    nri = estimates.set_index("scenario_id").loc[NRI_POINTS]
    points = list(zip(nri["duration_months"].astype(int), nri["gdp_loss_jpy_trn"].astype(float)))
    return LinearLoss.fit(points, anchor_months=12, anchor_pct=float(nri.loc["nri_12m", "gdp_loss_pct"]))


def cost_facts(estimates: pd.DataFrame, model: LinearLoss, shown_months: int) -> dict[str, str]:
    """NRI's estimates, the line's monthly cost and GDP, the cost of the restriction the text
    prices, and the others' estimates; checks that NRI's points lie almost on a line through
    the origin, that the priced duration is within them, and that the others see far larger costs."""
    by_id = estimates.set_index("scenario_id")
    trn, pct = by_id["gdp_loss_jpy_trn"], by_id["gdp_loss_pct"]
    per_month = [trn[s] / by_id.loc[s, "duration_months"] for s in NRI_POINTS]
    require(abs(per_month[0] - per_month[1]) < 0.1 * max(per_month), "NRI's two points lie almost on a line through the origin")
    require(not model.is_extrapolation(shown_months), "the restriction the text prices is within NRI's estimated durations")
    require(min(pct["daiwa_re_12m"], pct["mizuho_12m"]) > 1.5 * pct["nri_12m"], "others see far larger costs than NRI")
    return {
        "ec-nri-12-trn": fmt.jpy_tn(quantity(trn, at="nri_12m"), 1),
        "ec-nri-12-pct": fmt.percent(quantity(pct, at="nri_12m"), 2),
        "ec-nri-3-trn": fmt.jpy_tn(quantity(trn, at="nri_3m"), 2),
        "ec-per-month": fmt.jpy_tn(model.per_month_jpy_trn, 2),
        "ec-gdp": fmt.jpy_tn(model.gdp_jpy_trn, 0),
        # The sentence names the duration it prices, so it is written from it: "a six-month restriction".
        "ec-shown-restriction": _("{lasting} restriction", lasting=fmt.lasting(shown_months)),
        "ec-model-shown": fmt.percent(model.loss_pct_of_gdp(shown_months), 2),
        "ec-daiwa": fmt.percent(quantity(pct, at="daiwa_re_12m"), 1),
        "ec-daiwa-metals": fmt.percent(quantity(pct, at="daiwa_re_metals_12m"), 1),
        "ec-mizuho": fmt.percent(quantity(pct, at="mizuho_12m"), 2),
    }


def cost_curve(model: LinearLoss, months: int) -> pd.DataFrame:
    """The book's line, month by month up to `months`."""
    curve = pd.DataFrame({"months": range(1, months + 1)})
    return curve.assign(loss_pct=[model.loss_pct_of_gdp(m) for m in curve["months"]], label="Book model through NRI's points")


def published_estimates(estimates: pd.DataFrame) -> pd.DataFrame:
    """The published estimates with a share of GDP, as points (with their sources), each scenario
    in the reader's words."""
    from booklib.prose import in_reader_words

    published = estimates.dropna(subset=["gdp_loss_pct"]).reset_index(drop=True)
    published = published.assign(months=published["duration_months"], loss_pct=published["gdp_loss_pct"], label=published["publisher"])
    return in_reader_words(published, "rare_earth_gdp_scenarios", ["scenario"])


def diversification_list(actions: pd.DataFrame) -> pd.DataFrame:
    """Japan's actions as the page lists them, with the amount and its unit in words."""
    def amount(value, unit) -> str:
        if pd.isna(value):
            return _("amount not stated")
        return fmt.with_unit(fmt.number(value, 0 if float(value).is_integer() else 1), translate(unit) if unit else unit)

    from booklib.prose import reader_values

    shown = actions.assign(amount=[amount(a, u) for a, u in zip(actions["amount"], actions["unit"].fillna(""))])
    return reader_values(shown, "diversification", ["date", "actor", "action", "amount", "source_id"])


# The scenario explorer of the cost --------------------------------------------------------------
# The reader chooses whose estimate to follow and the duration; each estimate is read as a line
# through the origin (the book's reading; the publishers' own models were not read).

BOOK_LINE = "nri_book_line"
# The estimates the explorer offers after the book's line, by scenario_id: the one-year
# estimates with a share of GDP, other than NRI's own (which the book's line reads).
OTHER_ESTIMATES = ["daiwa_re_12m", "daiwa_re_metals_12m", "mizuho_12m"]
LONGEST_MONTHS = 24


def estimate_lines(estimates: pd.DataFrame, model: LinearLoss) -> dict[str, tuple[str, object]]:
    """Each estimate the explorer offers: its words and its line (the book's line first)."""
    by_id = estimates.set_index("scenario_id")
    lines = {BOOK_LINE: (_("NRI: the book's line through its two estimates"), model)}
    for scenario in OTHER_ESTIMATES:
        row = by_id.loc[scenario]
        what = _("rare earths and rare metals") if "rare metals" in row["scenario"] else _("rare earths")
        lines[scenario] = (_("{publisher}: {what}, one year", publisher=translate(row['publisher']), what=what), ShareLine.fit([(int(row["duration_months"]), float(row["gdp_loss_pct"]))]))
    return lines


def cost_grid(estimates: pd.DataFrame, model: LinearLoss) -> pd.DataFrame:
    """Every scenario the explorer offers: the loss by month of restriction for each estimate,
    with the words of the marker at that month, and the longest duration the estimate itself
    covers (`estimated_to`: beyond it the line is an extrapolation, drawn dashed)."""
    rows = []
    for scenario, (words, line) in estimate_lines(estimates, model).items():
        for months in range(1, LONGEST_MONTHS + 1):
            loss = line.loss_pct_of_gdp(months)
            marker = (_("{count} month: {loss} of GDP", count=fmt.count(months), loss=fmt.percent(loss, 2)) if months == 1 else
                      _("{count} months: {loss} of GDP", count=fmt.count(months), loss=fmt.percent(loss, 2)))
            rows.append({"estimate": scenario, "months": months, "loss_pct": loss, "series": words,
                         "marker": marker + (_(" (extrapolated)") if line.is_extrapolation(months) else ""),
                         "estimated_to": line.longest_estimated_months})
    return pd.DataFrame(rows)


def cost_explorer(grid: pd.DataFrame, estimates: pd.DataFrame, model: LinearLoss, cited: pd.DataFrame, shown_months: int):
    """The explorer's controls over `grid` (from `cost_grid`), checked: the grid covers every
    choice, and the default (the book's line, `shown_months`) draws `cited` (`cost_curve`) up to
    its last month, as the line layer does (`curve_reach`)."""
    from booklib.explorer import Control, Explorer

    words = {scenario: text for scenario, (text, _) in estimate_lines(estimates, model).items()}
    controls = [Control("estimate", _("Estimate followed"), "select", tuple(words), tuple(words.values())),
                Control("months", _("Duration of the restriction (months)"), "range", (1, LONGEST_MONTHS, 1))]
    explorer = Explorer("fig-ec-cost", grid, controls, {"estimate": BOOK_LINE, "months": shown_months})
    reach = int(cited["months"].max())
    drawn = explorer.rows(on=["estimate"]).query("months <= @reach")
    explorer.check_default(cited, on=["months"], values=["loss_pct"], drawn=drawn)
    return explorer


def curve_reach(explorer, curve_months: int) -> str:
    """The line layer's filter: the chosen estimate's line to `curve_months`, or further when the
    chosen duration is longer."""
    return f"datum.months <= max({curve_months}, {explorer.control('months').param_name})"


def estimated_part(extrapolated: bool) -> str:
    """The line layer's filter for the part an estimate covers, or (`extrapolated`) the part beyond
    it; both hold the last estimated month, so the solid and the dashed line meet."""
    return "datum.months >= datum.estimated_to" if extrapolated else "datum.months <= datum.estimated_to"


def cost_table(grid: pd.DataFrame, months: list[int]) -> pd.DataFrame:
    """The loss under each estimate for a few durations, as the page's table lists them; a
    duration beyond what an estimate covers is marked as an extrapolation in its cells."""
    chosen = grid[grid["months"].isin(months)]
    # Beyond the months an estimate covers (not read from the marker's words, which are the edition's).
    cells = chosen.assign(cell=[fmt.percent(loss, 2) + (_(" (extrapolated)") if months > covered else "")
                                for loss, months, covered in zip(chosen["loss_pct"], chosen["months"], chosen["estimated_to"])])
    table = cells.pivot(index="series", columns="months", values="cell").reindex(list(dict.fromkeys(grid["series"])))
    from booklib.prose import view_table

    durations = [_("{count} months", count=fmt.count(m)) for m in table.columns]
    table.columns = durations
    return view_table(table.rename_axis("estimate").reset_index(), "rare_earth_costs", durations)
