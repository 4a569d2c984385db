"""The claims ledger: honest verdicts, real figures, no dangling claim ids."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from booklib import DataError, load, split_ids
from booklib.data import MIN_SEARCH_QUERIES, SEARCH_LANGUAGES, search_queries
from conftest import REPO, html_pages


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
    for page in html_pages(built_html):
        figures |= set(re.findall(r'<figure[^>]*id="([^"]+)"', page.read_text(encoding="utf-8")))
    linked = set(load("claims")["figure"].dropna()) - {""}
    assert linked and linked <= figures, f"claims link to missing figures: {sorted(linked - figures)}"


def test_every_claim_id_cited_in_a_chapter_exists():
    known = set(load("claims")["claim_id"])
    for chapter in (REPO / "chapters").rglob("*.md"):
        cited = set(re.findall(r"\bC\d{3}-\d{2}\b", chapter.read_text(encoding="utf-8")))
        assert cited <= known, f"{chapter.name} cites unknown claims {sorted(cited - known)}"


def test_every_unverifiable_claim_carries_its_search_record():
    """The issue's rule: queries in English, Chinese and Japanese (at least four, distinct), the closest
    documents with their URLs and why they do not settle the claim; the other verdicts leave it empty."""
    claims = load("claims")
    for row in claims.itertuples():
        if row.verdict != "unverifiable":
            assert not isinstance(row.search_record, str), f"{row.claim_id}: a search record on a '{row.verdict}' claim"
            continue
        queries = search_queries(row.search_record)
        assert len({q for _, q in queries}) >= MIN_SEARCH_QUERIES, row.claim_id
        assert set(SEARCH_LANGUAGES) <= {lang for lang, _ in queries}, row.claim_id
        assert re.search(r"Closest: .*https?://", row.search_record), row.claim_id
        assert re.search(r"Not settled: \S", row.search_record), row.claim_id


def copy_of_the_data(tmp_path, claim_id: str, **changes) -> tuple:
    """The book's data in tmp_path with one claim's cells changed."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    path = data / "claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["claim_id"] == claim_id)
    row.update(changes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data, rows.index(row) + 1


def test_the_loader_refuses_an_unverifiable_claim_without_its_search(tmp_path):
    data, number = copy_of_the_data(tmp_path, "C000-29", search_record="")
    with pytest.raises(DataError, match=rf"row {number} .*column 'search_record': is empty, but an unverifiable claim records its search"):
        load("claims", data)


def test_the_loader_refuses_a_search_without_japanese(tmp_path):
    record = load("claims").set_index("claim_id").loc["C000-29", "search_record"].replace('[ja] "', '[en] "')
    data, number = copy_of_the_data(tmp_path, "C000-29", search_record=record)
    with pytest.raises(DataError, match=rf"row {number} .*has no query in Japanese"):
        load("claims", data)


def test_the_loader_refuses_a_verdict_resting_on_seed_articles_only(tmp_path):
    data, number = copy_of_the_data(tmp_path, "C000-25", source_id="seed_000")
    with pytest.raises(DataError, match=rf"row {number} .*column 'source_id': verdict 'contradicted' cites only seed articles"):
        load("claims", data)


@pytest.mark.parametrize("verdict", ["partly supported", "unverifiable", "supported"])
def test_the_loader_refuses_a_claim_whose_figure_is_ruled_out_unless_contradicted(tmp_path, verdict):
    """C000-35's start figure holds and its end figure is wrong by more than a factor of two:
    the ledger's rule makes it contradicted, not partly supported."""
    data, number = copy_of_the_data(tmp_path, "C000-35", verdict=verdict)
    with pytest.raises(DataError, match=rf"row {number} .*column 'verdict': is '{verdict}', but the data rule out the claim's figure"):
        load("claims", data)


def test_every_claim_with_a_figure_ruled_out_is_contradicted():
    claims = load("claims")
    ruled_out = claims[claims["figure_ruled_out"].notna()]
    assert {"C000-12", "C000-35"} <= set(ruled_out["claim_id"])
    assert (ruled_out["verdict"] == "contradicted").all()
