"""The regional-trade chapter's code (bookchapters/regional_trade.py) on the real data: a few
glued values, and each sentence the `require` calls guard shown able to fail."""

from __future__ import annotations

import pandas as pd
import pytest

from bookchapters import regional_trade as rt
from booklib import latest_vintage, load
from booklib.prose import ProseError


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
    assert facts["rt-china-total-last"] == "¥45.5\u00a0trillion"
    assert facts["rt-2004-china-hk"] == "¥22.2\u00a0trillion"
    assert facts["rt-us-export-lead-years"] == "2023 to 2025"


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
    assert facts["rt-us-export-share-first"] == "30\u00a0%"
    assert facts["rt-china-export-share-peak-year"] == "2020"
    assert facts["rt-korea-surplus-years"] == "25 of the 25"
    assert len(shares) == len(rt.partner_levels(trade)) == 254
    spec = rt.partner_lines(shares, "share_pct", "Per cent", {"year": "Year", "share_pct": ("Per cent", ".1f")}).to_dict()
    assert spec["facet"]["row"]["field"] == "flow"


def test_agreement_and_commitment_facts(events):
    facts = rt.agreement_facts(load("fta_membership"), events)
    assert facts["rt-rcep-members"] == "14"
    assert facts["rt-rcep-applicants"] == "Hong Kong, Sri Lanka, Chile and Bangladesh"
    assert facts["rt-uk-cptpp"] == "15 December 2024"
    commitments = load("rcep_china_japan_commitments")
    assert rt.commitment_facts(commitments)["rt-china-lines-year11"] == "63\u00a0%"
    assert list(rt.rcep_schedule(commitments)["stage"])[0].startswith("Before RCEP")


def test_cjk_facts(events):
    cjk = load("cjk_trade")
    facts = rt.cjk_facts(cjk, events)
    assert facts["rt-cj-peak"] == "$392\u00a0billion"
    assert facts["rt-jk-years"] == "8 years from 2009 to 2024"
    assert rt.lower_bound_facts(rt.cjk_totals(cjk)) == {"rt-cjk-lower-bounds": "China-Japan-Korea: 2018 and 2023"}


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
    assert facts["rt-row-jp-exports-2025"] == "0.4\u00a0%"
    assert facts["rt-row-jp-exports-jan"] == "32\u00a0%"
    assert facts["rt-row-cn-imports-month"] == "$16.4\u00a0billion"
    assert facts["rt-row-cn-imports-record-since"] == "September 2022"
    assert facts["rt-row-trigger-date"] == "7 November 2025"


def test_the_directions_of_the_row_changes_are_required(reported, events):
    changes = rt.reported_changes(reported)
    flipped = changes.copy()
    japan_to_china_2025 = (flipped["series"] == "Japan's exports to China") & (flipped["period"] == "2025")
    flipped.loc[japan_to_china_2025, "value"] = 0.4
    with pytest.raises(ProseError, match="Japan's exports to China went down in 2025"):
        rt.row_facts(flipped, events)
    faster = changes.copy()
    faster.loc[(faster["series"] == "China's exports to Japan") & (faster["period"] == "January–February 2026"), "value"] = 30.0
    with pytest.raises(ProseError, match="grew more slowly than its exports overall"):
        rt.row_facts(faster, events)


def test_front_page_facts_for_the_front_page(trade, reported, events):
    assert rt.front_page_facts(trade, reported, events) == {
        "kf-china-ahead-since": "2007",
        "kf-us-export-lead-since": "2023",
        "kf-row-began": "November 2025",
        "kf-cn-imports-month": "$16.4\u00a0billion",
        "kf-cn-imports-month-name": "December 2025",
        "kf-cn-imports-record-since": "September 2022",
        "kf-row-last-period": "February 2026",
    }


def test_asean_and_belt_and_road_facts():
    assert rt.asean_facts(rt.asean_totals(load("china_asean_trade")))["rt-asean-2025"] == "$1,080\u00a0billion"
    facts = rt.bri_facts(load("bri_engagement"))
    assert facts["rt-bri-h1-headline"] == "$124\u00a0billion"
    assert facts["rt-bri-h2"] == "$90.3\u00a0billion"


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
