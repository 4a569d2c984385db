"""The claims ledger: honest verdicts, real figures, no dangling claim ids."""

from __future__ import annotations

import re

from booklib import load, split_ids
from conftest import REPO


def test_every_verdict_but_unverifiable_cites_a_non_seed_source():
    claims, sources = load("claims"), load("sources").set_index("source_id")
    for row in claims.itertuples():
        kinds = {sources.loc[s, "kind"] for s in split_ids(row.source_id)}
        if row.verdict != "unverifiable":
            assert kinds - {"seed_article"}, f"{row.claim_id}: verdict '{row.verdict}' cites only seed articles"


def test_claims_come_from_seed_articles():
    claims, sources = load("claims"), load("sources").set_index("source_id")
    assert len(claims) >= 80
    assert set(sources.loc[claims["article_source_id"].unique(), "kind"]) == {"seed_article"}
    assert claims["claim_id"].str[1:4].tolist() == claims["article_source_id"].str[-3:].tolist(), "claim ids name their article"


def test_every_linked_figure_exists_in_the_built_book(built_html):
    figures = set()
    for page in built_html.rglob("*.html"):
        figures |= set(re.findall(r'<figure[^>]*id="([^"]+)"', page.read_text(encoding="utf-8")))
    linked = set(load("claims")["figure"].dropna()) - {""}
    assert linked and linked <= figures, f"claims link to missing figures: {sorted(linked - figures)}"


def test_every_claim_id_cited_in_a_chapter_exists():
    known = set(load("claims")["claim_id"])
    for chapter in (REPO / "chapters").rglob("*.md"):
        cited = set(re.findall(r"\bC\d{3}-\d{2}\b", chapter.read_text(encoding="utf-8")))
        assert cited <= known, f"{chapter.name} cites unknown claims {sorted(cited - known)}"
