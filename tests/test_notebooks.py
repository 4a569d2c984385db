"""The reader's notebook of a page: prose as the page shows it, small, and re-runnable (fast tier)."""

from __future__ import annotations

import base64
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

from booklib.build.notebooks import GUARD_SOURCE, References, reader_notebook

REFS = References(figures={"fig-a": "Fig. 1.2"}, sections={"tariffs": "The tariff talks"},
                  citations={"wh_2025": "The White House, 2025a", "fr_2025": "Federal Register, 2025"})
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
GLUED = {
    "t-rate": {"data": {"text/plain": "'15 %'"}},
    "t-sum": {"data": {"text/plain": "'$550 billion'"}},
    "fig-a": {"data": {"image/png": PNG, "text/html": '<div class="book-chart">…</div>'}},
    "fig-a-source": {"data": {"text/markdown": "*Source:* {cite:p}`wh_2025,fr_2025`.", "text/plain": "<md>"}},
}


def executed_notebook() -> dict:
    markdown = lambda text: {"cell_type": "markdown", "metadata": {}, "source": text}
    code = lambda text, outputs: {"cell_type": "code", "metadata": {"tags": ["remove-cell"]}, "execution_count": 1,
                                  "source": text, "outputs": outputs}
    return {
        "nbformat": 4, "nbformat_minor": 4,
        "metadata": {"kernelspec": {"name": "python3"}, "jupytext": {}, "booklib": {"reads": ["x"]}, "source_map": [1]},
        "cells": [
            markdown("(tariffs)=\n# Tariffs"),
            code("glue_facts(facts())", [{"output_type": "execute_result", "data": {"text/plain": "{…}"}, "metadata": {}}]),
            markdown("A rate of {glue:text}`t-rate` and {glue:text}`t-sum` ({numref}`fig-a`), as {ref}`the chapter <tariffs>` "
                     "and {ref}`tariffs` say {cite:p}`wh_2025`.\n\n```{glue:figure} fig-a\n:name: fig-a\n\nThe caption. "
                     "{glue:md}`fig-a-source:myst`\n```\n\nAfter the figure."),
            code("book_figure(chart)", [{"output_type": "execute_result", "metadata": {},
                                         "data": {"text/html": GLUED["fig-a"]["data"]["text/html"], "image/png": PNG}}]),
            code("markdown_table(t)", [{"output_type": "execute_result", "metadata": {},
                                        "data": {"text/markdown": "| a |\n| --- |\n| see {numref}`fig-a` |", "text/html": "<table>"}}]),
            code("# booklib data fingerprint: abc", []),
        ],
    }


@pytest.fixture
def reader():
    return reader_notebook(executed_notebook(), GLUED, REFS, "The Book")


def test_prose_shows_what_the_page_shows(reader):
    text = "\n".join(c["source"] for c in reader["cells"] if c["cell_type"] == "markdown")
    assert "A rate of 15 % and \\$550 billion (Fig. 1.2), as the chapter and The tariff talks say (The White House, 2025a)." in text
    assert "**Fig. 1.2.** The caption. *Source:* (The White House, 2025a; Federal Register, 2025)." in text
    assert '<a id="tariffs"></a>' in text
    for role in ("{glue", "{numref}", "{ref}", "{cite", "```"):
        assert role not in text


def test_the_figure_sits_where_the_page_places_it_as_an_attachment(reader):
    sources = [c["source"] for c in reader["cells"]]
    figure = next(i for i, s in enumerate(sources) if s.startswith("![Fig. 1.2](attachment:fig-a.png)"))
    assert sources[figure - 1].startswith("A rate of") and sources[figure + 1] == "After the figure."
    assert reader["cells"][figure]["attachments"] == {"fig-a.png": {"image/png": PNG}}


def test_outputs_shown_otherwise_are_dropped_and_tables_resolved(reader):
    code = [c for c in reader["cells"] if c["cell_type"] == "code"]
    assert code[0]["source"] == GUARD_SOURCE.format(title="The Book")
    assert [c["source"] for c in code[1:]] == ["glue_facts(facts())", "book_figure(chart)", "markdown_table(t)"]
    assert code[2]["outputs"] == [], "the chart is shown where the page places it, not twice"
    assert code[3]["outputs"][0]["data"] == {"text/markdown": "| a |\n| --- |\n| see Fig. 1.2 |"}
    assert set(reader["metadata"]) == {"kernelspec"}, "the build's own metadata (jupytext, source map) is dropped"


def test_a_paste_without_glue_is_an_error_naming_the_key():
    notebook = executed_notebook()
    notebook["cells"][2]["source"] += " {glue:text}`t-missing`"
    with pytest.raises(KeyError, match="t-missing"):
        reader_notebook(notebook, GLUED, REFS, "The Book")


def test_outside_a_checkout_the_first_cell_says_what_it_needs(tmp_path):
    # -S and another folder: neither booklib nor bookchapters can be imported, as on a bare Jupyter.
    result = subprocess.run([sys.executable, "-S", "-c", GUARD_SOURCE.format(title="The Book")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode != 0
    assert "re-runs inside a checkout of the book's repository: run `make book` there" in result.stderr
    assert result.stderr.count("File ") == 1, "a short message, not a traceback from deep inside"


def test_in_jupyter_a_figure_is_drawn_by_the_notebooks_own_vega_and_facts_are_recorded(monkeypatch):
    from booklib import book_figure
    from booklib.charts import VEGALITE_MIME
    from booklib.prose import RECORDED, glue_facts

    monkeypatch.delenv("BOOKLIB_PAGE", raising=False)
    frame = pd.DataFrame({"x": [1, 2], "y": [3.0, 4.0]})
    figure = book_figure(alt.Chart(frame).mark_line().encode(x="x:Q", y="y:Q", tooltip=["x:Q", "y:Q"]),
                         name="fig-n", title="T", sources=[_a_source()], description="D")
    bundle = figure._repr_mimebundle_()
    assert VEGALITE_MIME in bundle and "text/html" not in bundle, "JupyterLab would prefer an HTML that draws nothing"
    assert glue_facts({"n-fact": "7 %"}) == {"n-fact": "7 %"} and RECORDED["n-fact"] == "7 %"


def _a_source() -> str:
    from booklib import load

    return load("sources")["source_id"].iloc[0]


def test_the_date_line_and_web_only_text_read_as_plain_markdown():
    from booklib.build.notebooks import resolve

    text = resolve(":::{container} book-asof\nDocuments to 1 May 2026.\n:::\n\n```{only} html\nType in the box.\n```\n", {}, REFS)
    assert text == "*Documents to 1 May 2026.*\n\nType in the box.\n"
