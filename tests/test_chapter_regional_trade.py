"""The regional-trade chapter's code (bookchapters/regional_trade.py) on the real data: a few
glued values, and each sentence the `require` calls guard shown able to fail."""

from __future__ import annotations

import pandas as pd
import pytest

from bookchapters import regional_trade as rt
from booklib import formats as fmt
from booklib import latest_vintage, load
from booklib.i18n import _, translate
from booklib.prose import ProseError

# Every test in each edition's language: the facts are compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


@pytest.fixture(scope="module")
def trade():
    return latest_vintage(load("japan_trade_by_partner"), ["year", "partner", "flow"])


@pytest.fixture(scope="module")
def events():
    return load("events").set_index("event_id")


@pytest.fixture(scope="module")
def reported():
    return load("china_japan_trade_changes")


def test_partner_facts(trade):
    facts = rt.partner_facts(trade)
    assert facts["rt-first-china-year"] == "2007"
    assert facts["rt-china-total-last"] == fmt.jpy_tn(45.5)
    assert facts["rt-2004-china-hk"] == fmt.jpy_tn(22.2)
    assert facts["rt-us-export-lead-years"] == _("{first} to {last}", first=2023, last=2025)


def _us_exports_below_china(trade, year):
    """A copy of `trade` in which Japan sold the US less than China in `year`."""
    doctored = trade.copy()
    china = doctored[(doctored["year"] == year) & (doctored["partner"] == "China") & (doctored["flow"] == "exports")]["value_jpy_bn"].iloc[0]
    us = (doctored["year"] == year) & (doctored["partner"] == "United States") & (doctored["flow"] == "exports")
    doctored.loc[us, "value_jpy_bn"] = china - 1
    return doctored


def test_the_us_export_lead_is_required(trade, reported, events):
    doctored = _us_exports_below_china(trade, 2025)
    with pytest.raises(ProseError, match="larger market for Japan's exports"):
        rt.partner_facts(doctored)
    with pytest.raises(ProseError, match="larger market for Japan's exports"):
        rt.front_page_facts(doctored, reported, events)


def test_shares_and_the_shared_chart(trade):
    shares = rt.partner_shares(trade)
    facts = rt.share_facts(shares, trade)
    assert facts["rt-us-export-share-first"] == fmt.percent(30)
    assert facts["rt-china-export-share-peak-year"] == "2020"
    assert facts["rt-korea-surplus-years"] == _("{count} of the {total}", count=25, total=25)
    assert len(shares) == len(rt.partner_levels(trade)) == 254
    spec = rt.partner_lines(shares, "share_pct", "Per cent", {"year": "Year", "share_pct": ("Per cent", ".1f")}).to_dict()
    assert spec["facet"]["row"]["field"] == "flow"


def test_agreement_and_commitment_facts(events):
    facts = rt.agreement_facts(load("fta_membership"), events)
    assert facts["rt-rcep-members"] == "14"
    assert facts["rt-rcep-applicants"] == fmt.join_and(map(translate, ["Hong Kong", "Sri Lanka", "Chile", "Bangladesh"]))
    assert facts["rt-uk-cptpp"] == fmt.day("2024-12-15")
    commitments = load("rcep_china_japan_commitments")
    assert rt.commitment_facts(commitments)["rt-china-lines-year11"] == fmt.percent(63)
    assert list(rt.rcep_schedule(commitments)["stage"])[0].startswith(translate("Before RCEP"))


def test_cjk_facts(events):
    cjk = load("cjk_trade")
    facts = rt.cjk_facts(cjk, events)
    assert facts["rt-cj-peak"] == fmt.usd_bn(392, 0)
    assert facts["rt-jk-years"] == _("{count} years from {first} to {last}", count=8, first=2009, last=2024)
    assert rt.lower_bound_facts(rt.cjk_totals(cjk)) == {
        "rt-cjk-lower-bounds": _("{pair}: {years}", pair=translate("China-Japan-Korea"), years=fmt.join_and([2018, 2023]))}


def test_the_seed_threshold_verdicts_are_required(events):
    cjk = load("cjk_trade")
    small = cjk.copy()
    small.loc[(small["pair"] == "China-Korea") & (small["year"] == 2024), "value_usd_bn"] = 10.0
    with pytest.raises(ProseError, match="trilateral trade exceeds"):
        rt.cjk_facts(small, events)
    large = cjk.copy()
    large.loc[large.index[(large["pair"] == "China-Japan") & (large["flow"] == "total")][0], "value_usd_bn"] = 450.0
    with pytest.raises(ProseError, match="no China-Japan figure reaches"):
        rt.cjk_facts(large, events)


def test_row_facts(reported, events):
    facts = rt.row_facts(rt.reported_changes(reported), events) | rt.record_facts(reported)
    assert facts["rt-row-jp-exports-2025"] == fmt.percent(0.4, 1)
    assert facts["rt-row-jp-exports-jan"] == fmt.percent(32)
    assert facts["rt-row-cn-imports-month"] == fmt.usd_bn(16.4)
    assert facts["rt-row-cn-imports-record-since"] == fmt.month("2022-09-01")
    assert facts["rt-row-trigger-date"] == fmt.day("2025-11-07")
    assert facts["rt-row-cn-imports-month-name"] == fmt.period("2025-12-01", "2025-12-31")


def test_the_row_changes_are_found_by_key_not_by_their_words(reported):
    changes = rt.reported_changes(reported)
    row = changes.set_index("key").loc["China exports Japan 2026-01/2026-02"]
    assert row["period"] == fmt.period("2026-01-01", "2026-02-28")
    assert row["series"] == rt.series_name("China", "exports", "Japan")


def test_the_directions_of_the_row_changes_are_required(reported, events):
    changes = rt.reported_changes(reported)
    flipped = changes.copy()
    japan_to_china_2025 = flipped["key"] == "Japan exports China 2025-01/2025-12"
    flipped.loc[japan_to_china_2025, "value"] = 0.4
    with pytest.raises(ProseError, match="Japan's exports to China went down in 2025"):
        rt.row_facts(flipped, events)
    faster = changes.copy()
    faster.loc[faster["key"] == "China exports Japan 2026-01/2026-02", "value"] = 30.0
    with pytest.raises(ProseError, match="grew more slowly than its exports overall"):
        rt.row_facts(faster, events)


def test_front_page_facts_for_the_front_page(trade, reported, events):
    assert rt.front_page_facts(trade, reported, events) == {
        "kf-china-ahead-since": "2007",
        "kf-us-export-lead-since": "2023",
        "kf-row-began": fmt.month("2025-11-01"),
        "kf-cn-imports-month": fmt.usd_bn(16.4),
        "kf-cn-imports-month-name": fmt.month("2025-12-01"),
        "kf-cn-imports-record-since": fmt.month("2022-09-01"),
        "kf-row-last-period": fmt.month("2026-02-01"),
    }


def test_asean_and_belt_and_road_facts():
    assert rt.asean_facts(rt.asean_totals(load("china_asean_trade")))["rt-asean-2025"] == fmt.usd_bn(1080, 0)
    facts = rt.bri_facts(load("bri_engagement"))
    assert facts["rt-bri-h1-headline"] == fmt.usd_bn(124, 0)
    assert facts["rt-bri-h2"] == fmt.usd_bn(90.3)


def test_the_belt_and_road_comparisons_are_required():
    bri = load("bri_engagement")
    small_first_half = bri.copy()
    small_first_half.loc[(small_first_half["period"] == "2025-H1") & (small_first_half["measure"] != "headline_total"), "value_usd_bn"] = 10.0
    with pytest.raises(ProseError, match="second half of 2025 added less"):
        rt.bri_facts(small_first_half)
    big_2024 = bri.copy()
    big_2024.loc[big_2024["period"] == "2024", "value_usd_bn"] = 100.0
    with pytest.raises(ProseError, match="2025 far exceeded 2024"):
        rt.bri_facts(big_2024)


def test_line_end_labels_keep_a_label_height_apart_on_the_rounded_axis():
    """Fig. 4.1 on a phone: 'United States' and 'EU' (imports, 12.9 and 12.3 trillion yen) touched.
    Names are moved apart by a label's height counted on the axis Vega rounds up (to 25 for 21.3)."""
    from bookchapters.regional_trade import LABEL_PIXELS, PANEL_HEIGHT, end_label_positions

    data = pd.DataFrame({"year": [2024, 2024, 2024], "partner": ["United States", "EU", "China"],
                         "flow": ["imports"] * 3, "value": [12.9, 12.3, 21.3]})
    at = end_label_positions(data, "value").sort_values()
    pixels = at.diff().dropna() * PANEL_HEIGHT / 25  # the axis Vega draws for a maximum of 21.3
    assert (pixels >= LABEL_PIXELS).all(), f"labels {pixels.round(1).tolist()} px apart"
