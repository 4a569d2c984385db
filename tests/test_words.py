"""The words a reader meets around the numbers come from the schema, and every source is a link:
`booklib.prose.reader_table` / `reader_values`, `booklib.sources`, and the schema's titles and labels."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from booklib.data import load, package
from booklib.prose import FilterableTable, WordsError, reader_table, reader_values
from booklib.sources import cite_markdown, citation_labels, links_html


def with_words(fixture_data, titles: dict, labels: dict | None = None):
    """The fixture package with these titles ({column: title}) and labels ({value: label} of `partner`)
    on its `rates` table."""
    path = fixture_data / "datapackage.json"
    pkg = json.loads(path.read_text())
    fields = pkg["resources"][1]["schema"]["fields"]
    for field in fields:
        if field["name"] in titles:
            field["title"] = titles[field["name"]]
        if field["name"] == "partner" and labels is not None:
            field["categories"] = [{"value": v, "label": w} for v, w in labels.items()]
    path.write_text(json.dumps(pkg))


TITLES = {"partner": "Partner", "effective_date": "Effective", "rate_pct": "Rate", "source_id": "Sources"}


@pytest.fixture
def rates(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    with_words(fixture_data, TITLES, {"Japan": "Japan", "China": "the People's Republic"})
    return fixture_data


def test_reader_table_takes_headers_categories_and_sources_from_the_schema(rates):
    shown = reader_table(load("rates"), "rates", ["partner", "rate_pct", "source_id"])
    assert list(shown.columns) == ["Partner", "Rate", "Sources"]
    assert shown["Partner"].tolist() == ["Japan", "Japan", "the People's Republic"]
    # Each source cited as the text cites it: a {cite:p} role, a link in the HTML and the PDF.
    assert shown["Sources"].tolist() == ["{cite:p}`test_primary`", "{cite:p}`test_primary,test_seed`", "{cite:p}`test_primary`"]


def test_reader_values_keep_the_names_for_a_template_and_can_link_in_html(rates, monkeypatch):
    monkeypatch.setenv("BOOKLIB_PAGE", "chapters/tariffs")
    shown = reader_values(load("rates"), "rates", ["partner", "source_id"], sources="html")
    assert list(shown.columns) == ["partner", "source_id"]
    assert shown["source_id"].iloc[1] == (
        '<a class="book-source" href="appendix/bibliography.html#cite-test-primary">Test publisher, 2025</a>; '
        '<a class="book-source" href="appendix/bibliography.html#cite-test-seed">Test outlet, 2025</a>')


def test_a_column_without_a_title_fails_naming_table_and_column(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    with_words(fixture_data, {"partner": "Partner"}, {"Japan": "Japan", "China": "China"})
    with pytest.raises(WordsError, match=r"table rates: column 'rate_pct' has no title"):
        reader_table(load("rates"), "rates", ["partner", "rate_pct"])


def test_a_category_without_a_label_fails_naming_table_column_and_value(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    with_words(fixture_data, TITLES, {"Japan": "Japan"})
    with pytest.raises(WordsError, match=r"table rates: column 'partner' shows value\(s\) \['China'\] that have no label"):
        reader_table(load("rates"), "rates", ["partner"])


def test_enumerated_values_without_any_labels_fail(fixture_data, monkeypatch):
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    with_words(fixture_data, TITLES)
    with pytest.raises(WordsError, match=r"table rates: column 'partner'"):
        reader_values(load("rates"), "rates", ["partner"])


def test_a_column_the_schema_does_not_know_fails(rates):
    with pytest.raises(WordsError, match=r"table rates: column 'rate' is not in datapackage.json"):
        reader_table(load("rates").rename(columns={"rate_pct": "rate"}), "rates", ["rate"])


def test_an_unknown_source_fails_naming_it(rates):
    with pytest.raises(ValueError, match="no_such_source"):
        cite_markdown("test_primary; no_such_source")


def test_a_filterable_table_shows_titles_labels_and_source_links(rates, monkeypatch):
    monkeypatch.setenv("BOOKLIB_PAGE", "chapters/claims")
    table = FilterableTable(load("rates")[["partner", "rate_pct", "source_id"]], "t", table="rates",
                            pdf_template="{partner}: {rate_pct} {source_id}")
    html = table.html()
    assert re.findall(r"<th[^>]*>([^<]*)</th>", html) == ["Partner", "Rate", "Sources"]
    assert '<th data-column="rate_pct">Rate</th>' in html  # the page's scripts find a column by its name
    assert 'data-label="Sources"><a class="book-source" href="appendix/bibliography.html#cite-test-primary">Test publisher, 2025</a>' in html
    assert "test_primary<" not in html and ">the People&#x27;s Republic<" in html
    markdown = table._repr_mimebundle_()["text/markdown"]
    assert "- the People's Republic: 125.0 {cite:p}`test_primary`" in markdown


def test_every_label_names_an_allowed_value_and_every_title_is_words():
    for res in package()["resources"]:
        for field in res["schema"]["fields"]:
            enum = field.get("constraints", {}).get("enum")
            values = [c["value"] for c in field.get("categories", [])]
            if enum is not None:
                assert set(values) <= set(enum), f"{res['name']}.{field['name']}: labels for values it does not allow"
            assert all(c["label"].strip() and "_" not in c["label"] for c in field.get("categories", [])), f"{res['name']}.{field['name']}"
            assert "_" not in field.get("title", ""), f"{res['name']}.{field['name']}: title {field.get('title')!r}"


def test_chart_source_lists_are_labelled_as_the_text_cites_them():
    from booklib.charts import sources_disclosure

    html = sources_disclosure(["hudson_chou_2025_09"], "fig-x")
    assert f">{citation_labels()['hudson_chou_2025_09']}</a>" in html, "not a date padded to a day the source does not give"
    assert "2025-09-01" not in html


def test_links_are_relative_to_the_page(monkeypatch):
    monkeypatch.setenv("BOOKLIB_PAGE", "chapters/appendix/timeline")
    assert links_html("whitehouse_eo14345") == (
        '<a class="book-source" href="bibliography.html#cite-whitehouse-eo14345">The White House, 2025l</a>')
    assert cite_markdown(pd.NA) == ""
