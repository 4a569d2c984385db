"""Sources as a reader meets them: cited as the text cites them, each a link to its bibliography entry.

A row of a table names its sources by `source_id` (data/sources.csv); a reader sees instead the
citation the text prints, "The White House, 2025l" (publisher and year, with a letter when a
publisher has several works in a year), linked to the entry of the bibliography. The same labels
are the bibliography's own (booklib/build/bibstyle.py), so a reader finds the entry by its name.
The source_id stays in the CSV downloads.
"""

from __future__ import annotations

import html
import os
import posixpath
import re

import pandas as pd

from booklib.data import load, split_ids

BIBLIOGRAPHY_DOC = "chapters/appendix/bibliography"


def _letters(n: int) -> str:
    """The n-th (from 0) year suffix: a, ..., z, aa, ab, ... (one publisher issues many works a year)."""
    return (_letters(n // 26 - 1) if n >= 26 else "") + chr(ord("a") + n % 26)


def year_labels(entries: pd.DataFrame) -> dict[str, str]:
    """{bib_key: year label}, with a, b, c... when one publisher has several works in a year.

    Author-year citations must tell works apart: "(MOF, 2025a; MOF, 2025b)", not "(MOF, 2025; MOF, 2025)".
    """
    year = entries["date_published"].map(lambda d: d[:4] if isinstance(d, str) else "n.d.")
    ordered = entries.assign(_year=year, _date=entries["date_published"].fillna("")).sort_values(["_date", "bib_key"])
    labels = {}
    for _, group in ordered.groupby(["publisher", "_year"], sort=False):
        several = len(group) > 1
        for n, (key, y) in enumerate(zip(group["bib_key"], group["_year"])):
            labels[key] = f"{y}{_letters(n)}" if several else y
    return labels


def citation_labels(sources: pd.DataFrame | None = None) -> dict[str, str]:
    """{bib_key: "Publisher, 2025a"}: a citation as the book's author-year style prints it."""
    entries = (sources if sources is not None else load("sources")).drop_duplicates("bib_key")
    years = year_labels(entries)
    return {key: f"{publisher}, {years[key]}" for key, publisher in zip(entries["bib_key"], entries["publisher"])}


def bib_keys(cell) -> list[str]:
    """The bibliography keys of a cell of source_ids ('a; b', a list, or one id), each once, in order;
    an unknown source_id is an error naming it."""
    if cell is None or cell is pd.NA or (isinstance(cell, float) and pd.isna(cell)):
        return []
    ids = split_ids(cell) if isinstance(cell, str) else list(cell)
    keys = dict(zip(load("sources")["source_id"], load("sources")["bib_key"]))
    unknown = [i for i in ids if i not in keys]
    if unknown:
        raise ValueError(f"source_id(s) not in data/sources.csv: {unknown}")
    return list(dict.fromkeys(keys[i] for i in ids))


def anchor(bib_key: str) -> str:
    """The anchor docutils makes of `cite-{key}` (bibtex_cite_id in _config.yml)."""
    return "cite-" + re.sub(r"[^a-z0-9]+", "-", str(bib_key).lower()).strip("-")


def bibliography_href(bib_key: str, page: str | None = None) -> str:
    """The address of a bibliography entry, relative to `page` (default: the page being built)."""
    page = os.environ.get("BOOKLIB_PAGE", "") if page is None else page
    return posixpath.relpath(BIBLIOGRAPHY_DOC, posixpath.dirname(page) or ".") + f".html#{anchor(bib_key)}"


def cite_markdown(cell) -> str:
    """MyST citing the sources of a cell: `{cite:p}` prints "(Publisher, 2025a; ...)", each a link to
    its entry, in the HTML and the PDF alike. Empty for a cell without sources."""
    keys = bib_keys(cell)
    return f"{{cite:p}}`{','.join(keys)}`" if keys else ""


def links_html(cell, page: str | None = None, separator: str = "; ") -> str:
    """HTML: each source of a cell as a link to its bibliography entry, labelled as the text cites it."""
    labels = citation_labels()
    return separator.join(
        f'<a class="book-source" href="{bibliography_href(key, page)}">{html.escape(labels[key])}</a>' for key in bib_keys(cell)
    )


def label_text(cell, separator: str = "; ") -> str:
    """Plain text: the citations of a cell's sources ("Publisher, 2025a; ..."), for a chart's tooltip."""
    labels = citation_labels()
    return separator.join(labels[key] for key in bib_keys(cell))
