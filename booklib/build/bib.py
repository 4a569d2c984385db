"""references.bib is generated from data/sources.csv, so the two cannot disagree.

Run `python -m booklib.build.bib` (or `make bib`) after editing sources.csv; a test
fails while references.bib is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from booklib.data import REPO_ROOT, load
from booklib.sources import citation_labels, year_labels  # noqa: F401 (citation_labels: the labels the bib's entries get)

BIB_PATH = REPO_ROOT / "references.bib"
# What pybtex (which formats the bibliography for sphinxcontrib-bibtex, HTML and PDF alike) reads back
# as the character itself: `%` would start a comment, and an escaped `\$` or `\^` would print as typed,
# so `$` and `^` stay as they are (Sphinx escapes them for LaTeX). Braces and backslashes cannot be
# written so that pybtex reads them back: a source's publisher or title may not contain them.
_LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}"}
_UNWRITABLE = set("\\{}")
KIND_NOTE = {
    "primary_official": "Primary official source",
    "secondary_analysis": "Third-party analysis or summary (research body, law firm or other)",
    "secondary_news": "News report",
    "seed_article": "Seed article (claims checked in the claims ledger)",
}


def unescape(latex: str) -> str:
    """The text `_escape` wrote (its braces of protection removed), as pybtex prints it."""
    text = latex.replace(r"\textasciitilde{}", "~")
    for ch, escaped in _LATEX_SPECIAL.items():
        text = text.replace(escaped, ch)
    return text.replace("{", "").replace("}", "")


def _escape(text: str) -> str:
    if _UNWRITABLE & set(text):
        raise ValueError(f"{text!r}: a backslash or brace cannot be written to references.bib so that it prints as typed")
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _entry(row, year: str) -> str:
    fields = {
        # Double braces keep the capitals of names and titles as published.
        "author": "{" + _escape(row.publisher) + "}",
        "title": "{" + _escape(row.title) + "}",
        "year": year,
    }
    if isinstance(row.url, str):
        fields["url"] = row.url
    if isinstance(row.date_published, str):
        # As precise as the source: a day, a month (2024-07) or a year (booklib.build.bibstyle prints it so).
        fields["date"] = row.date_published
    fields["urldate"] = f"{row.date_accessed:%Y-%m-%d}"
    # The style prints urldate after the URL ("visited on"); without a URL only the note can say it.
    accessed = "" if isinstance(row.url, str) else f". Accessed {row.date_accessed:%Y-%m-%d}"
    fields["note"] = KIND_NOTE[row.kind] + accessed
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{row.bib_key},\n{body}\n}}\n"


def render(sources: pd.DataFrame) -> str:
    header = "% Generated from data/sources.csv by `python -m booklib.build.bib`; do not edit by hand.\n\n"
    entries = sources.drop_duplicates("bib_key").sort_values("bib_key")
    years = year_labels(entries)
    return header + "\n".join(_entry(row, years[row.bib_key]) for row in entries.itertuples(index=False))


def main() -> int:
    BIB_PATH.write_text(render(load("sources")), encoding="utf-8")
    print(f"wrote {BIB_PATH.relative_to(Path.cwd()) if BIB_PATH.is_relative_to(Path.cwd()) else BIB_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
