"""The claims ledger (chapters/claims.md): the verdict counts its prose glues, the checks
that guard its sentences about the five seed articles and about the search behind each
unverifiable verdict, the tally behind the verdicts figure, the ledger table and the list
of search records. The front page's finding on the articles reuses the ledger's counts
through `front_page_facts`.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from booklib import formats as fmt
from booklib.i18n import N_, WEB_ADDRESS, _, translate
from booklib.data import MIN_SEARCH_QUERIES, SEARCH_LANGUAGES, search_queries, search_record_problem
from booklib.prose import free_text, markdown_list, require

# The four verdicts in the order the text explains them, with their colours in the figure.
VERDICTS = ["supported", "partly supported", "contradicted", "unverifiable"]
VERDICT_COLORS = ["#009e73", "#9ccf8f", "#c8102e", "#8c8c8c"]
# The article that reads like a dramatic account of the 2025 tariff talks.
DRAMATIC_ARTICLE = "seed_000"
# The articles on China's export controls and the commentary on the investment memorandum.
ACCURATE_ARTICLES = ["seed_002", "seed_003", "seed_004"]
# The claims the text names as settled by arithmetic against published totals.
ARITHMETIC_CLAIMS = ["C000-25", "C000-21"]
# One bullet per unverifiable claim in the list of search records.
SEARCH_RECORD_TEMPLATE = N_("**{claim_id}** {claim} *Searched:* {queries}. *Closest:* {closest} *Not settled:* {unsettled}")
LANGUAGE_NAMES = {**SEARCH_LANGUAGES, "ko": N_("Korean")}


def ledger_facts(claims: pd.DataFrame) -> dict[str, str]:
    """The counts the ledger's prose glues: claims, articles, each verdict, links to a figure."""
    counts = claims["verdict"].value_counts()
    return {
        "cl-count": fmt.count(len(claims)),
        "cl-articles": fmt.count(claims["article_source_id"].nunique()),
        "cl-supported": fmt.count(counts.get("supported", 0)),
        "cl-partly-supported": fmt.count(counts.get("partly supported", 0)),
        "cl-contradicted": fmt.count(counts.get("contradicted", 0)),
        "cl-unverifiable": fmt.count(counts.get("unverifiable", 0)),
        "cl-with-figure": fmt.count((claims["figure"].fillna("") != "").sum()),
        "cl-min-queries": fmt.count(MIN_SEARCH_QUERIES),
    }


def front_page_facts(claims: pd.DataFrame) -> dict[str, str]:
    """Finding 5 of the front page: the ledger's own counts of claims, contradicted and unverifiable
    (the last 'remain unsettled after a search in English, Chinese and Japanese')."""
    check_search_records(claims)
    ledger = ledger_facts(claims)
    return {
        "kf-claims": ledger["cl-count"],
        "kf-contradicted": ledger["cl-contradicted"],
        "kf-unverifiable": ledger["cl-unverifiable"],
    }


def check_articles(claims: pd.DataFrame) -> None:
    """Guard the sentences of the text about the seed articles and their verdicts."""
    require(claims["article_source_id"].nunique() == 5, "the ledger holds the claims of five seed articles")
    require(set(claims["verdict"]) <= set(VERDICTS), f"every claim has one of the four verdicts {VERDICTS}")
    dramatic = claims["article_source_id"] == DRAMATIC_ARTICLE
    for verdict in ("contradicted", "unverifiable"):
        of_verdict = claims["verdict"] == verdict
        require((dramatic & of_verdict).sum() > of_verdict.sum() / 2,
                f"the dramatic account of the tariff talks ({DRAMATIC_ARTICLE}) holds most of the {verdict} claims")
    accurate = claims["article_source_id"].isin(ACCURATE_ARTICLES)
    require(not (accurate & (claims["verdict"] == "contradicted")).any(),
            "the articles on export controls and the investment commentary are accurate on dated events "
            f"(no claim of {', '.join(ACCURATE_ARTICLES)} is contradicted)")


def check_search_records(claims: pd.DataFrame) -> None:
    """Guard the sentences of the method about searching and about arithmetic."""
    unverifiable = claims[claims["verdict"] == "unverifiable"]
    problems = {row.claim_id: search_record_problem(row.search_record) for row in unverifiable.itertuples()}
    require(not any(problems.values()),
            f"every unverifiable claim was searched with at least {MIN_SEARCH_QUERIES} distinct queries in "
            f"{_and(list(SEARCH_LANGUAGES.values()))}, and its record names the closest documents "
            f"({ {k: v for k, v in problems.items() if v} })")
    settled = claims.set_index("claim_id").loc[ARITHMETIC_CLAIMS]
    require(((settled["verdict"] == "contradicted") & settled["evidence"].str.startswith("Arithmetic")).all(),
            f"{' and '.join(ARITHMETIC_CLAIMS)} are contradicted by arithmetic against published totals, which their evidence shows")


def _and(words: list[str]) -> str:
    """English, Chinese and Japanese."""
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


def _links(text: str) -> str:
    """Bare URLs as short Markdown links named by their site, so a record wraps on a phone."""
    def link(match: re.Match) -> str:
        url = match.group(0).rstrip(").,;")
        site = re.sub(r"^www\.", "", url.split("/")[2])
        return f"[{site}]({url})" + match.group(0)[len(url):]
    return WEB_ADDRESS.sub(link, text)


def search_record_parts(record: str) -> tuple[str, str]:
    """A search record's closest documents and why they do not settle the claim (English, as recorded)."""
    closest, _sep, unsettled = record.partition("Closest:")[2].partition("Not settled:")
    return closest.strip(), unsettled.strip()


def search_record_texts() -> list[tuple[str, str]]:
    """The texts of the search records a reader sees, as (context, text): messages of the claims catalog."""
    from booklib import load

    claims = load("claims")
    records = claims.loc[claims["verdict"] == "unverifiable", "search_record"]
    return [pair for record in records for pair in zip(("search_closest", "search_unsettled"), search_record_parts(record))]


def search_records(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per unverifiable claim: its queries by language, the closest documents
    (with links) and why they do not settle it, for `markdown_list` with SEARCH_RECORD_TEMPLATE."""
    rows = []
    for row in claims[claims["verdict"] == "unverifiable"].itertuples():
        record = row.search_record
        closest, unsettled = search_record_parts(record)
        rows.append({
            "claim_id": row.claim_id,
            "claim": free_text("claims", "claim", row.claim),
            # The queries as searched, in their languages; the documents and reasons in the edition's.
            "queries": "; ".join(f"{translate(LANGUAGE_NAMES[lang]) if lang in LANGUAGE_NAMES else lang} \u201c{text}\u201d"
                                 for lang, text in search_queries(record)),
            "closest": _links(free_text("claims", "search_closest", closest)),
            "unsettled": free_text("claims", "search_unsettled", unsettled),
        })
    return pd.DataFrame(rows, columns=["claim_id", "claim", "queries", "closest", "unsettled"])


def search_record_list(claims: pd.DataFrame):
    """The search records as one bullet per claim. In HTML they fold into a <details> element
    (raw HTML, which the PDF drops, so the PDF prints the list open)."""
    from IPython.display import Markdown

    records = search_records(claims)
    listing = markdown_list(records, translate(SEARCH_RECORD_TEMPLATE)).data
    fold = (
        f'<details class="admonition hide above-output">\n<summary aria-label="{_("Toggle the search records")}">'
        f'<p class="collapsed admonition-title">{_("Show the {count} search records", count=fmt.count(len(records)))}</p>'
        f'<p class="expanded admonition-title">{_("Hide the search records")}</p></summary>\n\n'
    )
    return Markdown(fold + listing + "\n\n</details>")


def article_label(article_source_id: str, sources: pd.DataFrame) -> str:
    """An article as the figure names it: Article 001 (2025-05-05), or (undated)."""
    published = sources.loc[article_source_id, "date_published"]
    return _("{article} ({date})", article=article_number(article_source_id), date=_("undated") if pd.isna(published) else published)


def article_number(article_source_id: str) -> str:
    """Article 001 (of seed_001)."""
    return _("Article {number}", number=article_source_id.removeprefix("seed_"))


def verdict_tally(claims: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Claims by verdict, once by article and once by theme (column `view`), for the verdicts figure.

    `sources` is the sources table indexed by source_id (for the articles' dates)."""
    groups = {
        N_("By article"): claims["article_source_id"].map(lambda s: article_label(s, sources)),
        N_("By theme"): claims["theme"].str.replace("_", " "),
    }
    return pd.concat([
        claims.assign(group=group).groupby(["group", "verdict"]).size().rename("claims").reset_index().assign(view=view)
        for view, group in groups.items()
    ])


def verdict_color() -> alt.Color:
    """The verdicts in their fixed order and colours."""
    return alt.Color("verdict:N").title(N_("Verdict")).scale(domain=VERDICTS, range=VERDICT_COLORS)


def article_name(article_source_id: str, sources: pd.DataFrame) -> str:
    """A seed article as the ledger names it: its number, as the verdicts figure gives it, its outlet and
    its date (Article 001: Sohu Cai Jing, 2025-05-05), or undated; the outlet is the publisher without
    its explanation in brackets (two articles of one outlet differ by their number)."""
    row = sources.loc[article_source_id]
    published = row["date_published"]
    outlet = translate(article_outlet(row["publisher"]))
    return _("{article}: {outlet}, {date}", article=article_number(article_source_id), outlet=outlet,
             date=_("undated") if pd.isna(published) or published == "" else published)


def article_outlet(publisher: str) -> str:
    """A seed article's outlet: its publisher without the explanation in brackets."""
    return re.sub(r"\s*\(.*$", "", str(publisher)).strip().rstrip(",")


def article_outlets() -> list[str]:
    """The outlets of the articles the ledger checks, in English (booklib.i18n extracts them as messages)."""
    from booklib import load

    articles = load("claims")["article_source_id"].unique()
    return sorted({article_outlet(p) for p in load("sources").set_index("source_id").loc[articles, "publisher"]})


def article_links(claims: pd.DataFrame, sources: pd.DataFrame, bibliography: str) -> dict[str, str]:
    """Each article's name in the ledger -> its entry in the bibliography page at `bibliography`
    (the entries' anchors are cite-<bib key>, as _config.yml's bibtex_cite_id makes them)."""
    from booklib.sources import anchor

    return {article_name(s, sources): f"{bibliography}#{anchor(sources.loc[s, 'bib_key'])}"
            for s in dict.fromkeys(claims["article_source_id"])}


def ledger_table(claims: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ledger as the page lists it: one row per claim, no missing figure; with `sources` (indexed
    by source_id), each claim's article named by outlet and date (`article_name`) in place of its
    source_id. The words a reader sees, titles, themes and citations, come from the schema:
    FilterableTable(..., table="claims"), whose `links` link each article to its bibliography entry."""
    article = claims["article_source_id"]
    if sources is not None:
        article = article.map(lambda s: article_name(s, sources))
    return claims.assign(article_source_id=article, figure=claims["figure"].fillna(""))[
        ["claim_id", "article_source_id", "theme", "claim", "verdict", "evidence", "source_id", "figure"]]
