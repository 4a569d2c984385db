"""references.bib is generated from data/sources.csv, so the two cannot disagree.

Run `python -m booklib.bib` (or `make bib`) after editing sources.csv; a test
fails while references.bib is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from booklib.data import REPO_ROOT, load

BIB_PATH = REPO_ROOT / "references.bib"
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
KIND_NOTE = {
    "primary_official": "Primary official source",
    "secondary_analysis": "Derived estimate by a research body",
    "secondary_news": "News report",
    "seed_article": "Seed article (claims checked in the claims ledger)",
}


def _escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def _entry(row) -> str:
    year = row.date_published[:4] if isinstance(row.date_published, str) else "n.d."
    fields = {
        # Double braces keep the capitals of names and titles as published.
        "author": "{" + _escape(row.publisher) + "}",
        "title": "{" + _escape(row.title) + "}",
        "year": year,
    }
    if isinstance(row.url, str):
        fields["url"] = row.url
    if isinstance(row.date_published, str) and len(row.date_published) == 10:
        fields["date"] = row.date_published
    fields["urldate"] = f"{row.date_accessed:%Y-%m-%d}"
    fields["note"] = f"{KIND_NOTE[row.kind]}. Accessed {row.date_accessed:%Y-%m-%d}"
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{{row.bib_key},\n{body}\n}}\n"


def render(sources: pd.DataFrame) -> str:
    header = "% Generated from data/sources.csv by `python -m booklib.bib`; do not edit by hand.\n\n"
    entries = sources.drop_duplicates("bib_key").sort_values("bib_key")
    return header + "\n".join(_entry(row) for row in entries.itertuples(index=False))


def main() -> int:
    BIB_PATH.write_text(render(load("sources")), encoding="utf-8")
    print(f"wrote {BIB_PATH.relative_to(Path.cwd()) if BIB_PATH.is_relative_to(Path.cwd()) else BIB_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
