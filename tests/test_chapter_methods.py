"""The Methods appendix's counts, computed from the real data (fast tier)."""

from __future__ import annotations

import pytest

from booklib import formats as fmt

from booklib import load
from booklib.data import table_names
from booklib.prose import ProseError
from bookchapters import methods

# Every test in each edition's language: facts compared with what the formatters write.
pytestmark = pytest.mark.usefixtures("book_language")


@pytest.fixture(scope="module")
def tables():
    return {name: load(name) for name in table_names() if name != "sources"}


def test_source_facts_count_the_sources_and_the_primary_rows(tables):
    sources = load("sources")
    facts = methods.source_facts(sources, tables)
    kinds = sources["kind"].value_counts()
    assert facts["me-sources"] == f"{len(sources):,}"
    assert facts["me-primary-sources"] == f"{kinds['primary_official']:,}"
    assert sum(int(facts[k].replace(",", "")) for k in ("me-primary-sources", "me-analysis-sources", "me-news-sources", "me-seed-sources")) == len(sources)
    rows = sum(len(t) for t in tables.values())
    assert facts["me-rows"] == f"{rows:,}" and 0 < int(facts["me-primary-rows"].replace(",", "")) < rows


def test_a_row_counts_as_primary_only_if_one_of_its_sources_is():
    import pandas as pd

    kinds = pd.Series({"a": "primary_official", "b": "secondary_news"})
    table = pd.DataFrame({"source_id": ["b;a", "b", None]})
    assert methods.primary_rows(table, kinds) == 1


def test_an_unknown_kind_of_source_breaks_the_methods_text(tables):
    sources = load("sources")
    sources.loc[0, "kind"] = "blog"
    with pytest.raises(ProseError, match="every source is of one of the four kinds"):
        methods.source_facts(sources, tables)


def test_an_unverifiable_claim_without_its_search_breaks_the_methods_text():
    claims = load("claims")
    assert methods.ledger_rule_facts(claims)["me-min-queries"] == "4"
    claims.loc[claims["verdict"] == "unverifiable", "search_record"] = None
    with pytest.raises(ProseError, match="every unverifiable claim carries its search record"):
        methods.ledger_rule_facts(claims)
