"""Prose helpers: tables for HTML and PDF."""

import re

import pandas as pd
import pytest

from booklib.prose import READER_VIEW, FilterableTable, markdown_list, markdown_table

FRAME = pd.DataFrame({"id": ["C1", "C2"], "verdict": ["supported", "contradicted"], "text": ["a | b", "c"]})
# Shown as a reader's view (as reader_table marks one): these tests are about the Markdown, not the words.
SHOWN = FRAME.copy()
SHOWN.attrs[READER_VIEW] = "test"


def test_markdown_table_escapes_pipes():
    text = markdown_table(SHOWN).data
    assert text.splitlines()[0] == "| id | verdict | text |"
    assert "a \\| b" in text and len(text.splitlines()) == 4


def test_markdown_list_formats_each_row():
    assert markdown_list(FRAME, "{id}: {verdict}").data == "- C1: supported\n- C2: contradicted"


def test_filterable_table_is_plain_html_for_the_page_script_and_markdown_for_the_pdf():
    """The filter, sort and facets are book-tables.js's, loaded once by every page: no script per table."""
    bundle = FilterableTable(FRAME, "claims-table")._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.count("<tr>") == 3 and 'id="claims-table"' in html
    assert "<script" not in html and "src=" not in html
    assert bundle["text/markdown"].startswith("| id | verdict | text |")


def test_filterable_table_tags_its_facet_links_its_cells_and_marks_its_key_columns():
    table = FilterableTable(FRAME, "t", facet_column="verdict", facet_order=["supported", "contradicted"],
                            links={"id": {"C1": "appendix/bibliography.html#cite-c1"}}, key_columns=["text"],
                            priorities={"id": 1})
    html = table.html()
    assert 'data-facet="verdict" data-facet-order="supported|contradicted"' in html
    assert '<td data-label="verdict" data-value="supported"><span class="book-verdict">supported</span></td>' in html
    assert '<a href="appendix/bibliography.html#cite-c1">C1</a>' in html and ">C2</td>" in html
    assert '<th data-column="text" data-key>' in html and '<th data-column="id" data-priority="1">' in html
    with pytest.raises(ValueError, match="no column"):
        FilterableTable(FRAME, "t", facet_column="theme")


def test_filterable_table_links_figures_and_escapes_text():
    frame = pd.DataFrame({"claim": ["<b>x</b> & y"], "figure": ["fig-a"]})
    bundle = FilterableTable(frame, "t", figure_column="figure", figure_pages={"fig-a": "tariffs.html"})._repr_mimebundle_()
    assert '<a class="book-figref" href="tariffs.html#fig-a">fig-a</a>' in bundle["text/html"]
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in bundle["text/html"]
    assert "{numref}`fig-a`" in bundle["text/markdown"]


def test_unknown_figure_label_is_refused():
    import pytest

    frame = pd.DataFrame({"figure": ["fig-nowhere"]})
    with pytest.raises(ValueError, match="fig-nowhere"):
        FilterableTable(frame, "t", figure_column="figure", figure_pages={}).html()


def test_figure_pages_finds_the_tariff_figures():
    from pathlib import Path

    from booklib.prose import figure_pages

    pages = figure_pages(Path(__file__).resolve().parent.parent / "chapters")
    assert pages["fig-tar-yield"] == "tariffs.html" and pages["fig-timeline-all"] == "appendix/timeline.html"


def test_dollar_amounts_are_not_math():
    frame = pd.DataFrame({"claim": ["Japan sold US$50bn and $1.1tn"]})
    frame.attrs[READER_VIEW] = "test"
    assert "US\\$50bn and \\$1.1tn" in markdown_table(frame).data
    assert markdown_list(frame, "{claim}").data == "- Japan sold US\\$50bn and \\$1.1tn"


def test_filterable_table_can_fall_back_to_a_list_for_the_pdf():
    bundle = FilterableTable(FRAME, "t", pdf_template="{id}: {verdict}")._repr_mimebundle_()
    assert bundle["text/markdown"] == "- C1: supported\n- C2: contradicted"


def test_glue_facts_refuses_a_value_that_is_not_formatted_text():
    from booklib.prose import glue_facts

    with pytest.raises(TypeError, match="fact 'tar-rate' is a float, not formatted text"):
        glue_facts({"tar-rate": 15.0})


def test_require_names_the_sentence_the_data_no_longer_bear_out():
    from booklib.prose import ProseError, require

    require(True, "the US leads")
    with pytest.raises(ProseError, match="the text says the US leads; the data no longer bear this out"):
        require(False, "the US leads")


def test_a_titled_table_is_a_table_directive_whose_title_may_hold_code():
    """A backtick fence's info string may not hold a backtick: the data dictionary's titles name files as code."""
    text = markdown_table(SHOWN, title="The columns of `claims.csv`").data
    assert text.startswith(":::{table} The columns of `claims.csv`\n\n| id | verdict | text |") and text.endswith("\n:::")
    assert markdown_table(SHOWN).data.startswith("| id |")


def test_the_data_dictionary_writes_a_description_in_angle_brackets_as_text():
    """claim_id's description, C<article>-<number>, was read as two HTML tags and showed as "C -"."""
    from booklib.dictionary import data_dictionary_markdown

    text = data_dictionary_markdown()
    assert "C\\<article>-\\<number>" in text and ":::{table} The columns of `claims.csv`" in text


def test_figure_pages_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    """The claims notebook once failed cryptically when run outside chapters/ or the repository root."""
    from pathlib import Path

    from booklib.prose import figure_pages

    chapters = Path(__file__).resolve().parent.parent / "chapters"
    expected = figure_pages(chapters)
    assert expected and expected["fig-tar-effective"] == "tariffs.html"
    for cwd in (tmp_path, chapters.parent, chapters / "appendix"):
        monkeypatch.chdir(cwd)
        assert figure_pages() == expected, cwd
    assert 'figure_pages=figure_pages()' in (chapters / "claims.md").read_text(encoding="utf-8")


def test_the_data_dictionary_points_to_the_pages_that_link_every_rows_sources():
    """Events and claims cite hundreds of sources, each linked from its row on the timeline and in
    the ledger; listed again in the dictionary they put the page over its weight budget."""
    from booklib.dictionary import data_dictionary_markdown

    sections = data_dictionary_markdown().split("\n### ")
    events = next(s for s in sections if s.startswith("`events.csv`"))
    assert "each linked from its row in {ref}`the timeline <timeline>`" in events
    assert "{cite:" not in events.split("| column |")[0]
    tariffs = next(s for s in sections if s.startswith("`tariff_measures.csv`"))
    assert "source(s):" in tariffs


def test_a_table_shown_without_the_schemas_words_fails_naming_its_columns():
    """markdown_table shows only a reader's view (reader_table, view_table): a frame under its
    column names ('claim_id', 'peak') would print them as headers."""
    import pandas as pd

    from booklib.prose import WordsError, markdown_table

    with pytest.raises(WordsError, match=r"'Peaks' is not a reader's view.*its columns: scenario, peak"):
        markdown_table(pd.DataFrame({"scenario": ["a"], "peak": ["1%"]}), title="Peaks")


def test_a_models_view_takes_its_headers_from_the_schema_and_names_a_column_without_one():
    import pandas as pd

    from booklib.prose import WordsError, markdown_table, view_table

    shown = view_table(pd.DataFrame({"estimate": ["IMF"], "6 months": ["0.1%"]}), "rare_earth_costs", ["6 months"])
    assert list(shown.columns) == ["Estimate", "6 months"]
    assert "| Estimate | 6 months |" in markdown_table(shown, title="Loss").data
    with pytest.raises(WordsError, match=r"view rare_earth_costs: column 'months' has no title"):
        view_table(pd.DataFrame({"estimate": ["IMF"], "months": [6]}), "rare_earth_costs")
    with pytest.raises(WordsError, match=r"no view named 'costs'"):
        view_table(pd.DataFrame({"estimate": ["IMF"]}), "costs")
