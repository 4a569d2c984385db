"""The reader's notebook of a page: prose as the page shows it, small, and re-runnable (fast tier)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

from booklib.build.notebooks import GUARD_SOURCE, References, guard_source, reader_notebook

REFS = References(figures={"fig-a": "Fig. 1.2"}, sections={"tariffs": "The tariff talks"},
                  citations={"wh_2025": "The White House, 2025a", "fr_2025": "Federal Register, 2025"})
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
GLUED = {
    "t-rate": {"data": {"text/plain": "'15 %'"}},
    "t-sum": {"data": {"text/plain": "'$550 billion'"}},
    "fig-a": {"data": {"image/png": PNG, "text/html": '<div class="book-chart" id="chart-fig-a">…</div>'}},
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
            code("glue_facts(facts())", [
                {"output_type": "display_data", "data": {"application/papermill.record/text/plain": "'15 %'"},
                 "metadata": {"scrapbook": {"name": "t-rate", "mime_prefix": "application/papermill.record/"}}},
                {"output_type": "display_data", "data": {"text/plain": "'$550 billion'"}, "metadata": {"scrapbook": {"name": "t-sum", "mime_prefix": ""}}},
                {"output_type": "display_data", "data": {"text/plain": "'4 September 2025'"}, "metadata": {"scrapbook": {"name": "t-day", "mime_prefix": ""}}},
            ]),
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
    assert code[0]["source"] == guard_source("The Book")
    assert [c["source"] for c in code[1:]] == ["glue_facts(facts())", "book_figure(chart)", "markdown_table(t)"]
    assert code[2]["outputs"] == [{"output_type": "display_data", "metadata": {"booklib": {"figure": "fig-a"}},
                                   "data": {"image/png": PNG}}], \
        "the cell that draws a figure carries it, as a static image (no interactive copy, no scripts)"
    table = code[3]["outputs"][0]["data"]
    assert table["text/markdown"] == "| a |\n| --- |\n| see Fig. 1.2 |"
    assert "<table>" in table["text/html"] and "<td>see Fig. 1.2</td>" in table["text/html"], "a table reads as HTML"
    assert set(reader["metadata"]) == {"kernelspec"}, "the build's own metadata (jupytext, source map) is dropped"


def test_a_figure_drawn_by_a_cell_above_is_not_repeated_at_its_place():
    """The image sits in the cell that draws it; the caption where the page places it says so (2 MB budget)."""
    notebook = executed_notebook()
    notebook["cells"][2], notebook["cells"][3] = notebook["cells"][3], notebook["cells"][2]
    reader = reader_notebook(notebook, GLUED, REFS, "The Book")
    drawing = next(c for c in reader["cells"] if c["source"] == "book_figure(chart)")
    assert drawing["outputs"][0]["data"] == {"image/png": PNG}
    caption = next(c for c in reader["cells"] if "**Fig. 1.2**" in c["source"])
    assert "attachments" not in caption and "(the image the code cell above draws)" in caption["source"]
    assert "The caption. *Source:* (The White House, 2025a; Federal Register, 2025)." in caption["source"]


def test_outputs_taken_from_the_execution_cache_are_read_back(tmp_path):
    """An incremental build once wrote notebooks without any code output (myst-nb writes the page it
    read, not the cached outputs it merged)."""
    from types import SimpleNamespace

    import nbformat
    from jupyter_cache import get_cache

    from booklib.build.notebooks import with_outputs

    run = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    run.cells[0].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    cache = get_cache(str(tmp_path / "cache"))
    (tmp_path / "page.ipynb").write_text(nbformat.writes(run), encoding="utf-8")
    cache.cache_notebook_file(str(tmp_path / "page.ipynb"), check_validity=False)
    read = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])))
    app = SimpleNamespace(srcdir=str(tmp_path), config=SimpleNamespace(nb_execution_cache_path="cache"))
    merged = with_outputs(app, read)
    assert "".join(merged["cells"][0]["outputs"][0]["data"]["text/plain"]) == "2"
    other = json.loads(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("2 + 2")])))
    assert with_outputs(app, other) == other, "no cached run of this code: the notebook as it is"


def test_the_facts_a_cell_glued_show_as_a_compact_table(reader):
    """A re-run once showed few of the new numbers: most facts were displayed by no cell."""
    cell = next(c for c in reader["cells"] if c["source"] == "glue_facts(facts())")
    (output,) = cell["outputs"]
    html = output["data"]["text/html"]
    assert "<th>key</th><th>value</th><th>unit</th>" in html
    for row in ("<td><code>t-rate</code></td><td>15 %</td><td>percent</td>",
                "<td><code>t-sum</code></td><td>$550 billion</td><td>US$ billion</td>",
                "<td><code>t-day</code></td><td>4 September 2025</td><td>date</td>"):
        assert row in html
    assert "t-sum   $550 billion  [US$ billion]" in output["data"]["text/plain"]


def test_in_jupyter_glue_facts_shows_its_facts_where_computed_once(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from booklib.prose import Facts

    monkeypatch.delenv("BOOKLIB_PAGE", raising=False)
    shell = InteractiveShell.instance()
    shown = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, metadata=None, **kw: shown.append(data))
    result = shell.run_cell("from booklib.prose import glue_facts\nglue_facts({'n-a': '7 %'})\nglue_facts({'n-b': '$3 billion', 'n-c': '12'})")
    assert result.success
    assert [sorted(d) for d in shown] == [["text/html", "text/plain"], ["text/html", "text/plain"]], "each call, once"
    assert "<td><code>n-b</code></td><td>$3 billion</td><td>US$ billion</td>" in shown[1]["text/html"]
    assert isinstance(result.result, Facts) and result.result == {"n-b": "$3 billion", "n-c": "12"}


def test_a_paste_without_glue_is_an_error_naming_the_key():
    notebook = executed_notebook()
    notebook["cells"][2]["source"] += " {glue:text}`t-missing`"
    with pytest.raises(KeyError, match="t-missing"):
        reader_notebook(notebook, GLUED, REFS, "The Book")


def test_outside_a_checkout_the_first_cell_says_what_it_needs(tmp_path):
    # -S and another folder: neither booklib nor bookchapters can be imported, as on a bare Jupyter.
    result = subprocess.run([sys.executable, "-S", "-c", guard_source("The Book")],
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
