"""The Methods appendix (chapters/appendix/methods.md): how the book's figures were gathered and
checked, counted from the data itself, so the description cannot drift from what the book holds.
"""

from __future__ import annotations

import pandas as pd

from booklib import formats as fmt
from booklib.data import MIN_SEARCH_QUERIES, split_ids
from booklib.prose import require

KINDS = ["primary_official", "secondary_analysis", "secondary_news", "seed_article"]


def primary_rows(table: pd.DataFrame, kinds: pd.Series) -> int:
    """Rows of `table` citing at least one primary official source."""
    cites_primary = table["source_id"].fillna("").map(lambda cell: any(kinds.get(s) == "primary_official" for s in split_ids(cell)))
    return int(cites_primary.sum())


def source_facts(sources: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The sources by kind, the mirrors, and how many rows of the tables cite a primary source."""
    kinds = sources.set_index("source_id")["kind"]
    counts = sources["kind"].value_counts()
    unknown = sorted(set(counts.index) - set(KINDS))
    require(not unknown, f"every source is of one of the four kinds {KINDS}")
    rows = sum(len(t) for t in tables.values())
    primary = sum(primary_rows(t, kinds) for t in tables.values())
    return {
        "me-sources": fmt.count(len(sources)),
        "me-primary-sources": fmt.count(counts.get("primary_official", 0)),
        "me-analysis-sources": fmt.count(counts.get("secondary_analysis", 0)),
        "me-news-sources": fmt.count(counts.get("secondary_news", 0)),
        "me-seed-sources": fmt.count(counts.get("seed_article", 0)),
        "me-mirrored": fmt.count(int(sources["mirror"].notna().sum())),
        "me-tables": fmt.count(len(tables)),
        "me-rows": fmt.count(rows),
        "me-primary-rows": fmt.count(primary),
        "me-primary-share": fmt.share(primary / rows),
    }


def ledger_rule_facts(claims: pd.DataFrame) -> dict[str, str]:
    """The ledger's search rule and how many claims it applies to."""
    unverifiable = int((claims["verdict"] == "unverifiable").sum())
    require(bool(claims.loc[claims["verdict"] == "unverifiable", "search_record"].notna().all()),
            "every unverifiable claim carries its search record")
    return {
        "me-min-queries": fmt.count(MIN_SEARCH_QUERIES),
        "me-unverifiable": fmt.count(unverifiable),
        "me-claims": fmt.count(len(claims)),
    }
