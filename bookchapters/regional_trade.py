"""The regional-trade chapter (chapters/regional_trade.md): Japan's partners, the agreements,
RCEP's tariff cuts, China–Japan–Korea trade, China–Japan trade during the row, China–ASEAN and
the Belt and Road. Also the regional facts the front page (intro.md, finding 6) repeats:
`front_page_facts`.

Each function takes the tables the page loads and returns formatted facts (literal keys) or
the tidy frame a figure draws; the `require` calls guard the sentences the text makes.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from booklib import economy_color, label_values
from booklib import formats as fmt
from booklib.charts import annual_runs, tooltips, year_x
from booklib.i18n import N_, _, translate
from booklib.models.partner_trade import flows_by_partner, latest_run, reported_record, two_way_totals
from booklib.prose import category_labels, require

PARTNERS = ["China", "United States", "ASEAN", "Korea", "EU"]
EXPORTS_IMPORTS = ["exports", "imports"]


def _year(value) -> str:
    """A year as the text writes it: 2007."""
    return str(int(value))


def _signed(value: float) -> str:
    """A change with its sign, one decimal: +3.5, -0.4 (for chart descriptions)."""
    return ("+" if value >= 0 else "-") + fmt.number(abs(value), 1)


# --- Japan's trade partners -------------------------------------------------------------------

def _exports(flows: pd.DataFrame) -> pd.DataFrame:
    """Japan's exports to the US and to China, in the years both were read."""
    return flows[[("United States", "exports"), ("China", "exports")]].dropna()


def _export_lead(exports: pd.DataFrame) -> pd.Index:
    """The latest unbroken run of years in which Japan sold more to the US than to China."""
    lead = latest_run(exports[("United States", "exports")] > exports[("China", "exports")])
    require(len(lead) > 0, "the United States is again the larger market for Japan's exports")
    return lead


def partner_facts(trade: pd.DataFrame) -> dict[str, str]:
    """Two-way totals with China and the US, and the US lead as export market.
    `trade`: japan_trade_by_partner, one vintage per year, partner and flow (`latest_vintage`)."""
    value = trade["value_jpy_bn"]
    flows = flows_by_partner(trade)
    both = two_way_totals(flows, ["China", "United States"])
    china_ahead = both["China"] > both["United States"]
    exports = _exports(flows)
    lead = _export_lead(exports)
    figure = trade.set_index(["year", "partner", "flow"])["value_jpy_bn"]
    return {
        "rt-first-china-year": _year(china_ahead[china_ahead].index.min()),
        "rt-china-ahead-since": _year(latest_run(china_ahead)[0]),
        "rt-last-both-year": _year(both.index.max()),
        "rt-china-total-last": fmt.jpy_tn(fmt.in_unit_of(value, both["China"].iloc[-1])),
        "rt-us-total-last": fmt.jpy_tn(fmt.in_unit_of(value, both["United States"].iloc[-1])),
        "rt-2004-china-hk": fmt.jpy_tn(fmt.quantity(figure, at=(2004, "China_incl_HK", "total_trade"))),
        "rt-2004-us": fmt.jpy_tn(fmt.quantity(figure, at=(2004, "United States", "total_trade"))),
        "rt-us-export-lead-years": _("{first} to {last}", first=lead[0], last=lead[-1]) if len(lead) > 1 else _year(lead[0]),
        "rt-us-exports-last": fmt.jpy_tn(fmt.in_unit_of(value, exports[("United States", "exports")].iloc[-1])),
        "rt-china-exports-last": fmt.jpy_tn(fmt.in_unit_of(value, exports[("China", "exports")].iloc[-1])),
        "rt-exports-last-year": _year(exports.index.max()),
    }


def partner_levels(trade: pd.DataFrame) -> pd.DataFrame:
    """Japan's exports to and imports from the five partners, in trillion yen, for the chart."""
    levels = trade[trade["partner"].isin(PARTNERS) & trade["flow"].isin(EXPORTS_IMPORTS)]
    return levels.assign(value_jpy_trn=levels["value_jpy_bn"] / 1000)


def partner_shares(trade: pd.DataFrame) -> pd.DataFrame:
    """Each partner's share (per cent) of Japan's world exports and imports, in the years
    where both the partner's and the world's figure were read."""
    flows = trade[trade["flow"].isin(EXPORTS_IMPORTS)]
    world = flows[flows["partner"] == "World"].set_index(["year", "flow"])["value_jpy_bn"]
    shares = flows[flows["partner"].isin(PARTNERS)]
    total = world.reindex(pd.MultiIndex.from_frame(shares[["year", "flow"]])).to_numpy(dtype=float, na_value=float("nan"))
    shares = shares.assign(world_jpy_bn=total)[~pd.isna(total)]
    return shares.assign(share_pct=100 * shares["value_jpy_bn"].astype(float) / shares["world_jpy_bn"])


def world_totals(trade: pd.DataFrame) -> pd.DataFrame:
    """Japan's world exports and imports (the denominators of the shares, for the sources)."""
    return trade[(trade["partner"] == "World") & trade["flow"].isin(EXPORTS_IMPORTS)]


# A dash per partner, so the lines part without colour (the United States and the EU are both
# blues; a print in grey): solid, long dashes, dots, dash-dot, short dashes.
PARTNER_DASHES = [[1, 0], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4]]


PANEL_HEIGHT = 180
LABEL_PIXELS = 13  # the height a line-end label needs, with a pixel of air
# Vega rounds the axis up to a nice number (a maximum of 21.3 draws to 25): the gap is counted on
# a domain this much above the maximum, so that labels never touch however far the axis is rounded.
NICE_HEADROOM = 1.25


def end_label_positions(data: pd.DataFrame, value: str, height: int = PANEL_HEIGHT) -> pd.Series:
    """Where each partner's name goes at the end of its line (in the value's units; empty on the
    other rows): at its last value, moved apart where two names would overlap in a panel."""
    at = pd.Series(float("nan"), index=data.index)
    gap = LABEL_PIXELS * float(data[value].max()) * NICE_HEADROOM / height
    for _, panel in data.groupby("flow"):
        last = panel.loc[panel.groupby("partner")["year"].idxmax()].sort_values(value)
        placed: list[float] = []
        for index, y in zip(last.index, last[value].astype(float)):
            y = max(y, placed[-1] + gap) if placed else y
            placed.append(y)
            at[index] = y
    return at


def partner_lines(frame: pd.DataFrame, value: str, axis_title: str, tips: dict) -> alt.FacetChart:
    """Partners as lines over the years, one panel per flow: the shared form of the levels
    and shares figures. `tips`: the tooltip titles (see `tooltips`). Each partner has its colour
    and its dash (one legend shows both), and its name at the end of its line."""
    data = frame[list(dict.fromkeys(["year", "partner", "flow", value, *tips]))]
    data = data.assign(label_at=end_label_positions(data, value, PANEL_HEIGHT))
    color = economy_color("partner:N", title=N_("Partner"), economies=PARTNERS)
    dash = alt.StrokeDash("partner:N", title=N_("Partner"), scale=alt.Scale(domain=PARTNERS, range=PARTNER_DASHES))
    base = alt.Chart().encode(x=year_x("year"), y=alt.Y(f"{value}:Q").title(axis_title))
    lines = base.mark_line(point=alt.OverlayMarkDef(size=18)).encode(
        color=color, strokeDash=dash, tooltip=tooltips(data, tips))
    ends = (base.transform_filter("isValid(datum.label_at)")
            .mark_text(align="left", dx=6, fontSize=10)
            .encode(y="label_at:Q", text="partner:N", color=economy_color("partner:N", economies=PARTNERS).legend(None),
                    tooltip=tooltips(data, tips)))
    return (
        alt.layer(lines, ends, data=data)
        .properties(height=PANEL_HEIGHT)
        .facet(row=alt.Row("flow:N").title(None))
    )


def _ends(shares: pd.DataFrame, partner: str, flow: str) -> pd.Series:
    return shares[(shares["partner"] == partner) & (shares["flow"] == flow)].set_index("year")["share_pct"].sort_index()


def share_facts(shares: pd.DataFrame, trade: pd.DataFrame) -> dict[str, str]:
    """First and last shares of each partner as the text compares them, China's export peak,
    and the years Japan sold Korea more than it bought. `shares`: from `partner_shares`."""
    x = {p: _ends(shares, p, "exports") for p in PARTNERS}
    m = {p: _ends(shares, p, "imports") for p in PARTNERS}
    korea = trade[(trade["partner"] == "Korea") & (trade["vintage"] == "revised_monthly_sum")].pivot(index="year", columns="flow", values="value_jpy_bn")
    surplus_years = int((korea["exports"] > korea["imports"]).sum())
    return {
        "rt-us-export-share-first": fmt.percent(x["United States"].iloc[0]),
        "rt-us-export-share-first-year": _year(x["United States"].index[0]),
        "rt-us-export-share-last": fmt.percent(x["United States"].iloc[-1]),
        "rt-us-export-share-last-year": _year(x["United States"].index[-1]),
        "rt-us-import-share-first": fmt.percent(m["United States"].iloc[0]),
        "rt-us-import-share-first-year": _year(m["United States"].index[0]),
        "rt-us-import-share-last": fmt.percent(m["United States"].iloc[-1]),
        "rt-us-import-share-last-year": _year(m["United States"].index[-1]),
        "rt-china-export-share-first": fmt.percent(x["China"].iloc[0]),
        "rt-china-export-share-first-year": _year(x["China"].index[0]),
        "rt-china-export-share-peak": fmt.percent(x["China"].max()),
        "rt-china-export-share-peak-year": _year(x["China"].idxmax()),
        "rt-china-import-share-first": fmt.percent(m["China"].iloc[0]),
        "rt-china-import-share-first-year": _year(m["China"].index[0]),
        "rt-china-import-share-last": fmt.percent(m["China"].iloc[-1]),
        "rt-china-import-share-last-year": _year(m["China"].index[-1]),
        "rt-asean-export-share-first": fmt.percent(x["ASEAN"].iloc[0]),
        "rt-asean-export-share-first-year": _year(x["ASEAN"].index[0]),
        "rt-asean-export-share-last": fmt.percent(x["ASEAN"].iloc[-1]),
        "rt-asean-export-share-last-year": _year(x["ASEAN"].index[-1]),
        "rt-asean-import-share-first": fmt.percent(m["ASEAN"].iloc[0]),
        "rt-asean-import-share-last": fmt.percent(m["ASEAN"].iloc[-1]),
        "rt-korea-export-share-first": fmt.percent(x["Korea"].iloc[0]),
        "rt-korea-export-share-first-year": _year(x["Korea"].index[0]),
        "rt-korea-export-share-last": fmt.percent(x["Korea"].iloc[-1]),
        "rt-korea-export-share-last-year": _year(x["Korea"].index[-1]),
        "rt-korea-import-share-first": fmt.percent(m["Korea"].iloc[0]),
        "rt-korea-import-share-last": fmt.percent(m["Korea"].iloc[-1]),
        "rt-korea-surplus-years": _("{count} of the {total}", count=fmt.count(surplus_years), total=fmt.count(len(korea))),
        "rt-eu-export-share-first": fmt.percent(x["EU"].iloc[0]),
        "rt-eu-export-share-first-year": _year(x["EU"].index[0]),
        "rt-eu-export-share-last": fmt.percent(x["EU"].iloc[-1]),
        "rt-eu-export-share-last-year": _year(x["EU"].index[-1]),
        "rt-eu-import-share-first": fmt.percent(m["EU"].iloc[0]),
        "rt-eu-import-share-last": fmt.percent(m["EU"].iloc[-1]),
    }


# --- The agreements ---------------------------------------------------------------------------

ROLE_COLORS = {"member": "#1f3a93", "signatory": "#56b4e9", "negotiating": "#e69f00", "applicant": "#8c8c8c"}


def role_color() -> alt.Color:
    """The agreement roles in their fixed colours."""
    return alt.Color("role:N").title(N_("Role")).scale(domain=list(ROLE_COLORS), range=list(ROLE_COLORS.values()))


def membership_matrix(membership: pd.DataFrame) -> pd.DataFrame:
    """One square per economy and agreement, dates as text (blank when none), agreements in the schema's words."""
    from booklib.prose import in_reader_words

    matrix = membership.assign(signed=membership["signed_date"].fillna(""), in_force=membership["entry_into_force_date"].fillna(""))
    return in_reader_words(matrix[["agreement", "economy", "role", "signed", "in_force", "status"]], "fta_membership", ["agreement"])


def AGREEMENTS() -> dict[str, str]:
    """The agreements in the schema's words."""
    return category_labels("fta_membership", "agreement")


def rcep_applicants(membership: pd.DataFrame) -> list[str]:
    """The economies applying to join RCEP, in table order."""
    return membership[(membership["agreement"] == "RCEP") & (membership["role"] == "applicant")]["economy"].tolist()


def agreements_description(membership: pd.DataFrame) -> str:
    return _("Matrix of economies by agreement (RCEP, CPTPP, the ASEAN-China FTA and its upgrade, China-Japan-Korea talks "
             "and bilateral FTAs), coloured by member, signatory, negotiating or applicant; RCEP's applicants are {applicants}.",
             applicants=fmt.join_list(map(translate, rcep_applicants(membership))))


def _and(names: list[str]) -> str:
    """Economies named in a sentence, in the edition's words (NAME_COLUMNS)."""
    return fmt.join_and(map(translate, names))


def agreement_facts(membership: pd.DataFrame, events: pd.DataFrame) -> dict[str, str]:
    """Members, dates and applicants of the agreements. `events` indexed by event_id."""
    rcep_members = membership[(membership["agreement"] == "RCEP") & (membership["role"] == "member")]
    uk = membership[(membership["agreement"] == "CPTPP") & membership["economy"].str.contains("United Kingdom")].iloc[0]
    acfta3 = membership[membership["agreement"] == "ACFTA_3.0"].iloc[0]
    acfta = membership[(membership["agreement"] == "ACFTA") & (membership["economy"] == "China")].iloc[0]
    unconfirmed = membership[membership["status"] != "verified"]
    return {
        "rt-rcep-members": fmt.count(len(rcep_members)),
        "rt-rcep-first-in-force": fmt.day(rcep_members["entry_into_force_date"].min()),
        "rt-uk-cptpp": fmt.day(uk["entry_into_force_date"]),
        "rt-acfta3-signed": fmt.day(acfta3["signed_date"]),
        "rt-acfta-in-force": fmt.day(acfta["entry_into_force_date"]),
        "rt-rcep-applicants": _and(rcep_applicants(membership)),
        "rt-rcep-applicants-date": fmt.day(events.loc["rt_25", "date"]),
        "rt-japan-bangladesh-epa-date": fmt.day(events.loc["rt_28", "date"]),
        "rt-unconfirmed": _("; ").join(_("{economy} ({agreement})", economy=translate(e), agreement=AGREEMENTS().get(a, a))
                                       for e, a in zip(unconfirmed["economy"], unconfirmed["agreement"])),
    }


# --- RCEP's tariff cuts -----------------------------------------------------------------------

def _china_japan(commitments: pd.DataFrame) -> pd.DataFrame:
    both = ["China", "Japan"]
    return commitments[commitments["importer"].isin(both) & commitments["exporter"].isin(both)]


def commitment_facts(commitments: pd.DataFrame) -> dict[str, str]:
    """The shares of tariff lines and of trade duty-free between China and Japan under RCEP."""
    pick = _china_japan(commitments).set_index(["importer", "exporter", "measure"])["value"]
    return {
        "rt-china-lines-before": fmt.percent(fmt.quantity(pick, at=("China", "Japan", "share_of_tariff_lines_zero_pct_before_rcep"))),
        "rt-china-lines-final": fmt.percent(fmt.quantity(pick, at=("China", "Japan", "share_of_industrial_tariff_lines_zero_pct_final"))),
        "rt-japan-lines-final": fmt.percent(fmt.quantity(pick, at=("Japan", "China", "share_of_tariff_lines_zero_pct_final"))),
        "rt-china-immediate-trade": fmt.percent(fmt.quantity(pick, at=("China", "Japan", "immediate_zero_pct_of_trade"))),
        "rt-japan-immediate-trade": fmt.percent(fmt.quantity(pick, at=("Japan", "China", "immediate_zero_pct_of_trade"))),
        "rt-china-lines-year1": fmt.percent(fmt.quantity(pick, at=("China", "Japan", "immediate_zero_pct"))),
        "rt-china-lines-year11": fmt.percent(fmt.quantity(pick, at=("China", "Japan", "cumulative_zero_pct_by_year_11"))),
    }


STAGES = {"": N_("Before RCEP"), "1": N_("Year 1"), "11": N_("Year 11"), "final": N_("Final year (about 20)")}
COUNTED_BY = {"reported": N_("official summary, as reported"), "derived_estimate": N_("Mizuho Research & Technologies estimate")}
LINES = {"industrial": N_("Industrial goods"), "all": N_("All goods")}


def rcep_schedule(commitments: pd.DataFrame) -> pd.DataFrame:
    """China's tariff lines duty-free for Japanese goods, stage by stage, in stage order;
    item counts of all goods and shares of industrial lines are kept apart (`lines`)."""
    cj = _china_japan(commitments)
    steps = cj[(cj["importer"] == "China") & cj["basis"].isin(["tariff_lines_item_count", "all_tariff_lines_item_count", "industrial_goods_tariff_lines"])]
    steps = steps[steps["measure"].str.contains("zero_pct") & ~steps["measure"].str.contains("of_trade")]
    agreement_year = steps["agreement_year"].fillna("")
    return steps.assign(
        stage=[_("{stage} ({year})", stage=_(STAGES[y]), year=reached) if pd.notna(reached) else _(STAGES[y])
               for y, reached in zip(agreement_year, steps["year_reached"])],
        stage_rank=agreement_year.map(list(STAGES).index),
        lines=steps["basis"].map(lambda b: LINES["industrial"] if b.startswith("industrial") else LINES["all"]),
        counted_by=label_values(steps["status"], COUNTED_BY),
    ).sort_values("stage_rank")


def rcep_schedule_description(steps: pd.DataFrame) -> str:
    return _("Points of the share of China's tariff lines duty-free for Japanese goods: {points}.", points=_("; ").join(
        _("{lines}, {stage}: {value} per cent", lines=_(lines).lower() if fmt.language().code == "en" else _(lines), stage=stage,
          value=fmt.number(value, 0))
        for stage, lines, value in zip(steps["stage"], steps["lines"], steps["value"])))


# --- China–Japan–Korea ------------------------------------------------------------------------

SEED_THRESHOLD_USD_BN = 400  # The seeds' threshold (C000-24, C001-04).
# The words for a figure's status and for the BRI's periods and measures are the schema's (datapackage.json).
def FIGURE_STATUS() -> dict[str, str]:
    return category_labels("cjk_trade", "status")
PAIR_COLORS = {"China-Japan-Korea (trilateral)": "#8c8c8c", "China-Japan": "#e69f00", "China-Korea": "#009e73", "Japan-Korea": "#c8102e"}


def _china_japan_totals(cjk: pd.DataFrame) -> pd.DataFrame:
    return cjk[(cjk["pair"] == "China-Japan") & (cjk["flow"] == "total")]


def _jetro(cjk: pd.DataFrame) -> pd.Series:
    """JETRO's series adds each side's imports from the other: the one China-Japan series that runs unbroken to 2024."""
    china_japan = _china_japan_totals(cjk)
    return china_japan[china_japan["reporting_basis"].str.startswith("JETRO (Japan's imports")].set_index("year")["value_usd_bn"]


def _totals_2024(cjk: pd.DataFrame) -> pd.Series:
    return cjk[(cjk["flow"] == "total") & (cjk["year"] == 2024)].set_index("pair")["value_usd_bn"]


def check_seed_threshold(cjk: pd.DataFrame) -> None:
    """The verdicts on the seeds' $400 billion: true of the three together, not of China-Japan alone."""
    require(_jetro(cjk)[2024] + _totals_2024(cjk)["China-Korea"] > SEED_THRESHOLD_USD_BN, "trilateral trade exceeds the seed's $400bn")
    require(_china_japan_totals(cjk)["value_usd_bn"].max() < SEED_THRESHOLD_USD_BN, "no China-Japan figure reaches $400bn")


def cjk_facts(cjk: pd.DataFrame, events: pd.DataFrame) -> dict[str, str]:
    """Trade among China, Japan and Korea by the sources read, and the dates of the talks."""
    check_seed_threshold(cjk)
    usd = cjk["value_usd_bn"]
    tri = cjk[cjk["pair"].str.contains("trilateral")].set_index("year")["value_usd_bn"]
    china_japan = _china_japan_totals(cjk)
    jetro = _jetro(cjk)
    totals_2024 = _totals_2024(cjk)
    kita = cjk[(cjk["pair"] == "Japan-Korea") & (cjk["reporting_basis"] == "Korea International Trade Association (KITA)")].set_index("year")["value_usd_bn"]
    # Korea's own count of its China trade (KOSIS monthly sums): the one yearly China-Korea series read.
    korea_china = cjk[(cjk["source_id"] == "kosis_kcs_korea_china_monthly") & (cjk["flow"] == "total")].set_index("year")["value_usd_bn"]
    oped = china_japan[china_japan["source_id"] == "scmp_2025_04_01_wang_huiyao_cjk"]["value_usd_bn"]
    return {
        "rt-tri-2011": fmt.usd_bn(fmt.quantity(tri, at=2011), 0),
        "rt-tri-2018": fmt.usd_bn(fmt.quantity(tri, at=2018), 0),
        "rt-tri-2020": fmt.usd_bn(fmt.quantity(tri, at=2020), 0),
        "rt-tri-2023": fmt.usd_bn(fmt.quantity(tri, at=2023), 0),
        "rt-cj-peak": fmt.usd_bn(fmt.quantity(jetro, how="max"), 0),
        "rt-cj-peak-year": _year(jetro.idxmax()),
        "rt-cj-2024": fmt.usd_bn(fmt.quantity(jetro, at=2024), 0),
        "rt-cj-2024-oped": fmt.usd_bn(fmt.quantity(oped), 0),
        "rt-cj-max-any": fmt.usd_bn(fmt.quantity(china_japan["value_usd_bn"], how="max"), 0),
        "rt-ck-2024": fmt.usd_bn(fmt.quantity(totals_2024, at="China-Korea"), 0),
        "rt-jk-2024": fmt.usd_bn(fmt.quantity(totals_2024, at="Japan-Korea"), 0),
        "rt-jk-peak": fmt.usd_bn(fmt.quantity(kita, how="max"), 0),
        "rt-jk-peak-year": _year(kita.idxmax()),
        "rt-jk-years": _("{count} years from {first} to {last}", count=fmt.count(len(kita)), first=kita.index.min(), last=kita.index.max()),
        "rt-ck-kosis-first-year": _year(korea_china.index.min()),
        "rt-ck-kosis-first": fmt.usd_bn(fmt.in_unit_of(usd, korea_china.iloc[0]), 0),
        "rt-ck-kosis-peak-year": _year(korea_china.idxmax()),
        "rt-ck-kosis-peak": fmt.usd_bn(fmt.quantity(korea_china, how="max"), 0),
        "rt-ck-kosis-last-year": _year(korea_china.index.max()),
        "rt-cjk-summit-date": fmt.day(events.loc["rt_13", "date"]),
        "rt-cjk-ministers-date": fmt.day(events.loc["rt_16", "date"]),
        "rt-cjk-summit-refused-date": fmt.day(events.loc["rt_21", "date"]),
        "rt-china-korea-fta-talks-date": fmt.day(events.loc["rt_26", "date"]),
    }


def cjk_totals(cjk: pd.DataFrame) -> pd.DataFrame:
    """Total trade by pair, with each unbroken annual run of one reporter labelled (`run`,
    `annual`) so a line joins only those; scattered years stay points."""
    totals = cjk[cjk["flow"] == "total"]
    totals = totals.assign(basis=totals["reporting_basis"], figure=label_values(totals["status"], FIGURE_STATUS()))
    return annual_runs(totals, ["pair", "basis"])


def lower_bound_facts(totals: pd.DataFrame) -> dict[str, str]:
    """The points drawn as lower bounds, for the caption. `totals`: from `cjk_totals`."""
    lower = totals[totals["status"] == "lower_bound"]
    return {"rt-cjk-lower-bounds": _("; ").join(
        _("{pair}: {years}", pair=translate(PAIR_SHORT.get(pair, pair)), years=fmt.join_and(sorted(years)))
        for pair, years in lower.groupby("pair")["year"])}


PAIR_SHORT = {"China-Japan-Korea (trilateral)": N_("China-Japan-Korea")}


def pair_color() -> alt.Color:
    return alt.Color("pair:N").title(None).scale(domain=list(PAIR_COLORS), range=list(PAIR_COLORS.values()))


def figure_shape() -> alt.Shape:
    """Circles for figures as reported, triangles for lower bounds (the legend names only those)."""
    status = FIGURE_STATUS()
    return alt.Shape("figure:N").title(None).scale(domain=list(status.values()), range=["circle", "triangle-up"]).legend(
        alt.Legend(values=[status["lower_bound"]]))


def cjk_description(totals: pd.DataFrame) -> str:
    runs = totals[totals["annual"]].groupby(["pair", "basis", "run"])["year"]
    return _("Points of trilateral and bilateral trade among China, Japan and Korea in billions of US dollars from {first} "
             "to {last}; lines join the annual runs {runs}.", first=totals['year'].min(), last=totals['year'].max(), runs=_("; ").join(
                 _("{pair} as reported by {basis}, {first}-{last}", pair=translate(pair), basis=translate(basis), first=years.min(),
                   last=years.max()) for (pair, basis, _run), years in runs))


# --- China and Japan during the row -----------------------------------------------------------

PARTNER_WORDS = {"China": N_("China"), "Japan": N_("Japan"), "United States": N_("the United States"), "World": N_("the world")}
COUNTED_IN = {"Japan": N_("Ministry of Finance, yen"), "China": N_("China's customs, US dollars")}
SERIES_WORDS = {"exports": N_("{reporter}'s exports to {partner}"), "imports": N_("{reporter}'s imports from {partner}")}


def series_name(reporter: str, flow: str, partner: str) -> str:
    """A reported series as the text names it: China's exports to Japan."""
    return translate(SERIES_WORDS[flow]).format(reporter=translate(reporter), partner=translate(PARTNER_WORDS[partner]))


def reported_changes(reported: pd.DataFrame) -> pd.DataFrame:
    """The year-on-year changes of china_japan_trade_changes, named as the text names them
    (`series`, `period`, `counted_in`; in the edition's language), ordered by period end, reporter
    and partner. The code finds a change by `key` (reporter, flow, partner, first and last month:
    the same in every edition), never by its words."""
    named = reported.assign(
        period=[fmt.period(start, end) for start, end in zip(reported["period_start"], reported["period_end"])],
        series=[series_name(reporter, flow, partner)
                for reporter, flow, partner in zip(reported["reporter"], reported["flow"], reported["partner"])],
        key=[change_key(*row) for row in zip(reported["reporter"], reported["flow"], reported["partner"],
                                             reported["period_start"], reported["period_end"])],
        counted_in=label_values(reported["reporter"], COUNTED_IN),
    )
    return named[named["measure"] == "change_yoy_pct"].sort_values(["period_end", "reporter", "partner"])


def change_key(reporter: str, flow: str, partner: str, start, end) -> str:
    """A reported change's key: "China exports World 2026-01/2026-02" (months first to last)."""
    return f"{reporter} {flow} {partner.replace(' ', '_')} {pd.Timestamp(start):%Y-%m}/{pd.Timestamp(end):%Y-%m}"


def _change(change: pd.Series, key: str, direction: str) -> str:
    """A reported change without its sign, after checking it goes the way the text says."""
    value = float(change[key])
    if (value > 0) != (direction == "up"):
        reporter, flow, partner, span = key.split(" ")
        partner = partner.replace("_", " ")
        first, last = span.split("/")
        with fmt.in_language("en"):  # the authors' message
            period = fmt.period(f"{first}-01", pd.Timestamp(f"{last}-01") + pd.offsets.MonthEnd(0))
            require(False, f"{series_name(reporter, flow, partner)} went {direction} in {period}")
    return fmt.percent(abs(value), 1 if value % 1 else 0)


def row_facts(changes: pd.DataFrame, events: pd.DataFrame) -> dict[str, str]:
    """The changes the text cites, each checked for its direction, and China's record month.
    `changes`: from `reported_changes` of the table; `events` indexed by event_id."""
    change = changes.set_index("key")["value"]
    require(change["China exports Japan 2026-01/2026-02"] < change["China exports World 2026-01/2026-02"],
            "China's exports to Japan grew more slowly than its exports overall")
    return {
        "rt-row-cn-exports-2025": _change(change, "China exports Japan 2025-01/2025-12", "up"),
        "rt-row-cn-imports-2025": _change(change, "China imports Japan 2025-01/2025-12", "up"),
        "rt-row-jp-exports-2025": _change(change, "Japan exports China 2025-01/2025-12", "down"),
        "rt-row-jp-imports-2025": _change(change, "Japan imports China 2025-01/2025-12", "up"),
        "rt-row-jp-exports-jan": _change(change, "Japan exports China 2026-01/2026-01", "up"),
        "rt-row-jp-world-jan": _change(change, "Japan exports World 2026-01/2026-01", "up"),
        "rt-row-jp-us-jan": _change(change, "Japan exports United_States 2026-01/2026-01", "down"),
        "rt-row-cn-exports-janfeb": _change(change, "China exports Japan 2026-01/2026-02", "up"),
        "rt-row-cn-world-janfeb": _change(change, "China exports World 2026-01/2026-02", "up"),
        "rt-row-cn-us-janfeb": _change(change, "China exports United_States 2026-01/2026-02", "down"),
        "rt-row-trigger-date": fmt.day(events.loc["rt_22", "date"]),
    }


def record_facts(reported: pd.DataFrame) -> dict[str, str]:
    """China's record month of imports from Japan, and the last month any figure covers.
    `reported`: the table china_japan_trade_changes as loaded."""
    record = reported_record(reported, reporter="China", flow="imports", partner="Japan")
    return {
        "rt-row-cn-imports-month": fmt.usd_bn(record["value"], 1),
        "rt-row-cn-imports-month-name": record["period"],
        "rt-row-cn-imports-record-since": record["record_since"],
        "rt-row-last-period": record["figures_end"],
    }


def row_orders(changes: pd.DataFrame) -> tuple[list[str], list[str]]:
    """The chart's row order (Japan's count first, then China's; each side's trade with the
    other before its comparators) and its period order."""
    ranked = changes.assign(reporter_rank=label_values(changes["reporter"], {"Japan": 0, "China": 1}),
                            partner_rank=label_values(changes["partner"], {"China": 0, "Japan": 0, "United States": 1, "World": 2}))
    series = list(dict.fromkeys(ranked.sort_values(["reporter_rank", "partner_rank", "flow"])["series"]))
    return series, list(dict.fromkeys(changes["period"]))


def zero_grid_x(field: str, title: str) -> alt.X:
    """A quantitative x axis whose zero gridline is drawn dark (changes either side of none)."""
    return alt.X(f"{field}:Q").title(title).axis(gridColor=alt.condition("datum.value === 0", alt.value("#555"), alt.value("#e6e6e6")))


def row_description(changes: pd.DataFrame) -> str:
    return _("Dots of year-on-year changes: {changes}.", changes=_("; ").join(
        _("{series}, {period}: {change} per cent", series=s, period=p, change=_signed(v))
        for s, p, v in zip(changes["series"], changes["period"], changes["value"])))


# --- China–ASEAN and the Belt and Road --------------------------------------------------------

def asean_totals(asean: pd.DataFrame) -> pd.DataFrame:
    """China's total trade with ASEAN in US dollars, one (best) vintage per year."""
    from booklib import latest_vintage

    return latest_vintage(asean[asean["flow"] == "total"].dropna(subset=["value_usd_bn"]), ["year"])


def asean_facts(usd: pd.DataFrame) -> dict[str, str]:
    by_year = usd.set_index("year")["value_usd_bn"]
    return {
        "rt-asean-2002": fmt.usd_bn(fmt.quantity(by_year, at=2002), 0),
        "rt-asean-2025": fmt.usd_bn(fmt.quantity(by_year, at=2025), 0),
    }


with fmt.in_language("en"):  # the schema's English words (a chart's sort; its spec is translated as a whole)
    BRI_PERIODS = category_labels("bri_engagement", "period")
    BRI_MEASURES = category_labels("bri_engagement", "measure")


def bri_components(bri: pd.DataFrame) -> pd.DataFrame:
    """Contracts and investments by period (the headline total left out)."""
    return bri[bri["measure"] != "headline_total"]


def bri_facts(bri: pd.DataFrame) -> dict[str, str]:
    """The Belt and Road headline of the first half of 2025, its parts, and the whole years."""
    usd = bri["value_usd_bn"]
    headline = bri.set_index(["period", "measure"])["value_usd_bn"]
    by_period = bri_components(bri).pivot(index="period", columns="measure", values="value_usd_bn")
    total = by_period.sum(axis=1)
    second_half = total["2025"] - total["2025-H1"]
    require(second_half < total["2025-H1"], "the second half of 2025 added less than the first")
    require(total["2025"] > 1.5 * total["2024"], "2025 far exceeded 2024")
    return {
        "rt-bri-h1-headline": fmt.usd_bn(fmt.quantity(headline, at=("2025-H1", "headline_total")), 0),
        "rt-bri-h1-contracts": fmt.usd_bn(fmt.in_unit_of(usd, by_period.loc["2025-H1", "construction_contracts"])),
        "rt-bri-h1-investments": fmt.usd_bn(fmt.in_unit_of(usd, by_period.loc["2025-H1", "investments"])),
        "rt-bri-h1-sum": fmt.usd_bn(fmt.in_unit_of(usd, total["2025-H1"])),
        "rt-bri-2024-sum": fmt.usd_bn(fmt.in_unit_of(usd, total["2024"])),
        "rt-bri-2025-sum": fmt.usd_bn(fmt.in_unit_of(usd, total["2025"])),
        "rt-bri-h2": fmt.usd_bn(fmt.in_unit_of(usd, second_half)),
    }


def bri_bars(bri: pd.DataFrame) -> pd.DataFrame:
    components = bri_components(bri)
    return components.assign(period=label_values(components["period"], category_labels("bri_engagement", "period")),
                             measure=label_values(components["measure"], category_labels("bri_engagement", "measure")))


def bri_description(bri: pd.DataFrame) -> str:
    total = bri_components(bri).groupby("period")["value_usd_bn"].sum()
    return _("Stacked horizontal bars of Chinese construction contracts and investments in Belt and Road countries: {totals}.",
             totals=_(", ").join(_("{amount} billion US dollars in {period}", period=label,
                                   # zh, ja: the amount with its unit, as their formatter writes it (1,240亿美元)
                                   amount=fmt.number(total[p], 0) if fmt.language().code == "en" else fmt.usd_bn(total[p], 0))
                                 for p, label in category_labels("bri_engagement", "period").items()))


# --- The front page -----------------------------------------------------------------------------

def front_page_facts(trade: pd.DataFrame, reported: pd.DataFrame, events: pd.DataFrame) -> dict[str, str]:
    """The regional facts of the front page's sixth key finding, from the chapter's own code:
    China ahead in two-way trade since a year, the US the larger export market since a year
    (required), the month the row began, and China's record month of imports from Japan.
    `trade`: japan_trade_by_partner after `latest_vintage`; `reported`: china_japan_trade_changes;
    `events` indexed by event_id."""
    flows = flows_by_partner(trade)
    both = two_way_totals(flows, ["China", "United States"])
    record = record_facts(reported)
    return {
        "kf-china-ahead-since": _year(latest_run(both["China"] > both["United States"])[0]),
        "kf-us-export-lead-since": _year(_export_lead(_exports(flows))[0]),
        "kf-row-began": fmt.month(events.loc["rt_22", "date"]),
        "kf-cn-imports-month": record["rt-row-cn-imports-month"],
        "kf-cn-imports-month-name": record["rt-row-cn-imports-month-name"],
        "kf-cn-imports-record-since": record["rt-row-cn-imports-record-since"],
        "kf-row-last-period": record["rt-row-last-period"],
    }
