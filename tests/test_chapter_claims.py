"""The claims ledger's facts and the checks that guard its prose (bookchapters.claims), on the real data."""

from __future__ import annotations

import pytest

from booklib import load
from booklib.prose import ProseError
from bookchapters import claims as ledger


@pytest.fixture(scope="module")
def claims():
    return load("claims")


def test_ledger_facts_are_the_counts_the_text_shows(claims):
    facts = ledger.ledger_facts(claims)
    assert facts == {
        "cl-count": "103", "cl-articles": "5", "cl-supported": "50", "cl-partly-supported": "20",
        "cl-contradicted": "10", "cl-unverifiable": "23", "cl-with-figure": "15",
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
    assert set(tally.loc[tally["view"] == "By article", "group"]) == {
        "Article 000 (undated)", "Article 001 (2025-05-05)", "Article 002 (undated)",
        "Article 003 (2026-01-30)", "Article 004 (undated)",
    }
    assert "export controls" in set(tally["group"])


def test_ledger_table_has_no_missing_figure(claims):
    table = ledger.ledger_table(claims)
    assert list(table.columns) == ["claim_id", "article", "theme", "claim", "verdict", "evidence", "source_id", "figure"]
    assert table["figure"].notna().all() and (table["figure"] != "").sum() == 15
