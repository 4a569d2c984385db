"""The claims ledger's facts and the checks that guard its prose (bookchapters.claims), on the real data."""

from __future__ import annotations

import pytest

from booklib import formats as fmt
from booklib import i18n
from booklib.i18n import _, translate
from booklib.prose import free_text

from booklib import load
from booklib.prose import ProseError
from bookchapters import claims as ledger

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


@pytest.fixture(scope="module")
def claims():
    return load("claims")


def test_ledger_facts_are_the_counts_the_text_shows(claims):
    facts = ledger.ledger_facts(claims)
    assert facts == {
        "cl-count": "103", "cl-articles": "5", "cl-supported": "50", "cl-partly-supported": "24",
        "cl-contradicted": "13", "cl-unverifiable": "16", "cl-with-figure": "17", "cl-min-queries": "4",
    }


def test_a_verdict_no_claim_has_counts_zero(claims):
    assert ledger.ledger_facts(claims[claims["verdict"] != "contradicted"])["cl-contradicted"] == "0"


def test_front_page_repeats_the_ledgers_own_counts(claims):
    facts = ledger.ledger_facts(claims)
    assert ledger.front_page_facts(claims) == {
        "kf-claims": facts["cl-count"], "kf-contradicted": facts["cl-contradicted"], "kf-unverifiable": facts["cl-unverifiable"],
    }


def test_the_articles_bear_out_the_text(claims):
    ledger.check_articles(claims)


def test_a_sixth_article_breaks_the_five_articles(claims):
    extra = claims.copy()
    extra.loc[extra.index[0], "article_source_id"] = "seed_005"
    with pytest.raises(ProseError, match="five seed articles"):
        ledger.check_articles(extra)


def test_an_unknown_verdict_breaks_the_four_verdicts(claims):
    odd = claims.copy()
    odd.loc[odd.index[0], "verdict"] = "disputed"
    with pytest.raises(ProseError, match="four verdicts"):
        ledger.check_articles(odd)


@pytest.mark.parametrize("verdict", ["contradicted", "unverifiable"])
def test_the_dramatic_account_must_hold_most_of_the_verdict(claims, verdict):
    moved = claims.copy()
    moved.loc[(moved["article_source_id"] == ledger.DRAMATIC_ARTICLE) & (moved["verdict"] == verdict), "verdict"] = "supported"
    with pytest.raises(ProseError, match=f"most of the {verdict} claims"):
        ledger.check_articles(moved)


def test_a_contradicted_claim_in_an_accurate_article_breaks_the_text(claims):
    doctored = claims.copy()
    doctored.loc[doctored.index[(doctored["article_source_id"] == "seed_003")][0], "verdict"] = "contradicted"
    with pytest.raises(ProseError, match="accurate on dated events"):
        ledger.check_articles(doctored)


def test_verdict_tally_counts_each_claim_once_per_view(claims):
    tally = ledger.verdict_tally(claims, load("sources").set_index("source_id"))
    assert tally.groupby("view")["claims"].sum().to_dict() == {"By article": 103, "By theme": 103}
    label = {n: _("{article} ({date})", article=_("Article {number}", number=n), date=d)
             for n, d in [("000", _("undated")), ("001", "2025-05-05"), ("002", _("undated")), ("003", "2026-01-30"), ("004", _("undated"))]}
    assert set(tally.loc[tally["view"] == "By article", "group"]) == {
        label["000"], label["001"], label["002"], label["003"], label["004"],
    }
    assert "export controls" in set(tally["group"])


def test_ledger_table_has_no_missing_figure(claims):
    table = ledger.ledger_table(claims)
    assert list(table.columns) == ["claim_id", "article_source_id", "theme", "claim", "verdict", "evidence", "source_id", "figure"]
    assert table["figure"].notna().all() and (table["figure"] != "").sum() == 17


def test_the_search_records_bear_out_the_method(claims):
    ledger.check_search_records(claims)


@pytest.mark.parametrize("doctor, message", [
    (lambda r: r.replace('[zh] "', '[en] "'), "has no query in Chinese"),
    (lambda r: r.split(" Closest:")[0], "names no closest document"),
    (lambda r: r.replace("https://", "see "), "names no closest document"),
    (lambda r: r.split(" Not settled:")[0], "does not say why"),
    (lambda r: r.replace('[ja] "サムスン 半導体 パッケージング 工場 西安 移転 検討"', '[ja] "Samsung packaging Xian"'), "not written in that language's script"),
    (lambda r: r.replace('[en] "Samsung Suzhou chip packaging test plant China Xi\'an NAND fab 2025 investment"', ""), "names 3 distinct queries"),
])
def test_a_search_record_short_of_the_protocol_breaks_the_method(claims, doctor, message):
    doctored = claims.copy()
    row = doctored.index[doctored["claim_id"] == "C000-29"][0]
    doctored.loc[row, "search_record"] = doctor(doctored.loc[row, "search_record"])
    with pytest.raises(ProseError, match="at least 4 distinct queries in English, Chinese and Japanese") as error:
        ledger.check_search_records(doctored)
    assert message in str(error.value) and "C000-29" in str(error.value)


def test_a_claim_said_to_be_settled_by_arithmetic_must_show_it(claims):
    doctored = claims.copy()
    doctored.loc[doctored["claim_id"] == "C000-25", "evidence"] = "No source found."
    with pytest.raises(ProseError, match="contradicted by arithmetic against published totals"):
        ledger.check_search_records(doctored)


def test_the_front_page_refuses_unsearched_unverifiable_claims(claims):
    doctored = claims.copy()
    doctored.loc[doctored["verdict"] == "unverifiable", "search_record"] = ""
    with pytest.raises(ProseError, match="every unverifiable claim was searched"):
        ledger.front_page_facts(doctored)


def test_search_records_list_every_unverifiable_claim_with_its_languages_and_links(claims):
    records = ledger.search_records(claims)
    assert records["claim_id"].tolist() == claims.loc[claims["verdict"] == "unverifiable", "claim_id"].tolist()
    c004 = records.set_index("claim_id").loc["C004-06"]
    assert c004["queries"].startswith(translate("English") + " \u201cKorea rare earth separation plant")
    assert all(translate(name) + " \u201c" in c004["queries"] for name in ("Chinese", "Japanese", "Korean"))
    assert "[livedoor.com](https://news.livedoor.com/topics/detail/30524544/)" not in c004["closest"]
    assert "[news.livedoor.com](https://news.livedoor.com/topics/detail/30524544/)" in c004["closest"]
    targets = records["closest"].str.findall(r"\]\((https?://[^)\s]+)\)").explode()
    assert len(targets) >= len(records) and not targets.str.contains(r"[.,;]$").any(), "no punctuation swallowed into a link"
    # In every edition the links are the record's own addresses: a Chinese or Japanese bracket or stop ends one.
    recorded = {a for record in claims["search_record"].dropna() for a in i18n.web_addresses(record)}
    assert set(targets) <= recorded, sorted(set(targets) - recorded)[:3]
    assert (records["unsettled"].str.len() > 10).all()  # a reason, in any of the three languages


def test_the_search_record_list_folds_in_html_and_lists_every_record(claims):
    listing = ledger.search_record_list(claims).data
    assert listing.startswith('<details class="admonition hide above-output">') and listing.endswith("</details>")
    assert _("Show the {count} search records", count=16) in listing
    assert listing.count("\n- **C0") == 16 and "- **C004-06** " + free_text("claims", "claim", claims.set_index("claim_id").loc["C004-06", "claim"])[:20] in listing


def test_the_largest_partner_arithmetic_is_the_ministrys_own_totals(claims):
    """C001-05's evidence quotes two-way trade with China and the US in 2006 and 2007; each figure
    must be the sum of the MOF rows the book charts (fig-rt-partners), so text and data cannot drift."""
    from bookchapters import regional_trade as rt

    evidence = claims.set_index("claim_id").loc["C001-05", "evidence"]
    totals = rt.partner_levels(load("japan_trade_by_partner"))
    two_way = totals[totals["vintage"] == "revised_monthly_sum"].groupby(["year", "partner"])["value_jpy_bn"].sum()
    for year in (2006, 2007):
        for partner in ("China", "United States"):
            assert f"{two_way[(year, partner)]:,.1f} bn" in evidence, (year, partner, two_way[(year, partner)])
    assert two_way[(2006, "China")] < two_way[(2006, "United States")] and two_way[(2007, "China")] > two_way[(2007, "United States")]


def test_the_ledger_names_each_article_by_outlet_and_date_linked_to_its_bibliography_entry(claims):
    sources = load("sources").set_index("source_id")
    table = ledger.ledger_table(claims, sources)
    names = dict(zip(claims["article_source_id"], table["article_source_id"]))
    first = _("{article}: {outlet}, {date}", article=_("Article {number}", number="001"), outlet=translate("Sohu Cai Jing"), date="2025-05-05")
    assert names["seed_001"] == first
    assert names["seed_000"].endswith(_("undated")) and not any(n.startswith("seed_") for n in names.values())
    links = ledger.article_links(claims, sources, "appendix/bibliography.html")
    assert links[first] == "appendix/bibliography.html#cite-seed-001"
    assert len(links) == 5
    # The outlets in the edition's words (booklib.po): no English description of an unnamed outlet.
    assert ("Unknown" in names["seed_000"]) == (fmt.language().code == "en")
