"""The bibliography's style: each entry labelled as the text cites it, dated as its source is.

sphinxcontrib-bibtex's author-year references (`bibtex_reference_style: author_year`) print a
citation as "The White House, 2025l", from the entry's author and year fields (the year carries
the letter that tells a publisher's works of one year apart, see booklib.build.bib). Its default
bibliography style, alpha, labels the same entry "[TheWHouse25]", which a reader cannot match to
the text. `BookStyle` (registered as the pybtex formatting style "book", chosen by
`bibtex_default_style` in sphinx_ext) labels it with the same words, and prints the date of
publication with the precision the source gives: a day (23 July 2025), a month (July 2024) or a
year (2024), never a day the source does not give.

Several works in one citation are separated by semicolons (`BookReferenceStyle`, registered as the
referencing style "book", chosen by `bibtex_reference_style`): with author-year's commas,
"[U.S. Census Bureau, 2017, U.S. Census Bureau, 2026b]" did not say where one work ends.
"""

from __future__ import annotations

import calendar
import re

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.unsrt import Style as UnsrtStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.formatting import toplevel
from pybtex.style.template import field, node, optional, optional_field, sentence

STYLE_NAME = "book"
REFERENCING_GROUP = "sphinxcontrib.bibtex.style.referencing"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _plain(latex: str) -> str:
    """The text of a field as booklib.build.bib wrote it, its braces and escapes undone (what pybtex's
    own LaTeX parser reads, which takes a tenth of a second an entry)."""
    from booklib.build.bib import unescape

    return unescape(latex)


def entry_label(entry) -> str:
    """"Publisher, 2025a": the entry's author and year as the author-year citations print them."""
    names = [_plain(str(person)) for person in entry.persons.get("author", [])]
    author = " and ".join(names) if len(names) < 3 else f"{names[0]} et al."
    year = _plain(entry.fields.get("year", "n.d."))
    return f"{author}, {year}" if author else year


def published(text: str) -> str:
    """A date of publication as precise as the source gives it: 2025-07-23 -> 23 July 2025,
    2024-07 -> July 2024, 2024 -> 2024."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"a date of publication must be YYYY, YYYY-MM or YYYY-MM-DD, not {text!r}")
    year, month, day = match.groups()
    if month is None:
        return year
    words = f"{calendar.month_name[int(month)]} {year}"
    return words if day is None else f"{int(day)} {words}"


@node
def published_date(children, context):
    """The entry's `date` field (the source's date, as precise as it is), else its year."""
    entry = context["entry"]
    if "date" in entry.fields:
        return Text(published(entry.fields["date"]))
    return field("year").format_data(context)


class BookLabelStyle(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield entry_label(entry)


class BookStyle(UnsrtStyle):
    default_label_style = STYLE_NAME
    # Authors then years, as the labels read.
    default_sorting_style = "author_year_title"

    def get_misc_template(self, e):
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[optional[field("howpublished")], published_date],
            sentence[optional_field("note")],
            self.format_web_refs(e),
        ]


def _semicolons():
    from sphinxcontrib.bibtex.style.referencing import BracketStyle

    return BracketStyle(sep="; ", sep2="; ", last_sep="; ")


def _reference_style():
    """Author-year references, several works in one citation separated by semicolons."""
    from dataclasses import dataclass, field

    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle

    @dataclass
    class BookReferenceStyle(AuthorYearReferenceStyle):
        bracket_parenthetical: object = field(default_factory=_semicolons)
        bracket_textual: object = field(default_factory=_semicolons)

    return BookReferenceStyle


def register() -> None:
    """Make the label, formatting and referencing styles known to pybtex under STYLE_NAME (idempotent)."""
    from pybtex.plugin import find_plugin
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    try:
        bibtex_plugin.find_plugin(REFERENCING_GROUP, STYLE_NAME)
    except ImportError:
        bibtex_plugin.register_plugin(REFERENCING_GROUP, STYLE_NAME, _reference_style())
    for group, cls in (("pybtex.style.labels", BookLabelStyle), ("pybtex.style.formatting", BookStyle)):
        try:
            if find_plugin(group, STYLE_NAME) is cls:
                continue
        except Exception:
            pass
        register_plugin(group, STYLE_NAME, cls, force=True)
