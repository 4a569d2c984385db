"""A chapter's downloaded notebook re-runs headless in a checkout and computes the page's numbers."""

from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO, toc_pages

CHAPTERS = [page for page in toc_pages() if page.startswith("chapters/") and "/appendix/" not in page]
MAX_NOTEBOOK_BYTES = 2_000_000
LEFTOVER_MYST = re.compile(r"\{(glue:\w+|numref|ref|cite:\w+|download)\}`|```\{")
PRINT_FACTS = "import json\nfrom booklib.prose import RECORDED\nprint(json.dumps(RECORDED))"


def downloaded(built_html, page: str) -> dict:
    return json.loads((built_html / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8"))


def page_facts(built_html, page: str) -> dict[str, str]:
    """The text facts the built page pasted (figures and Markdown source lines left aside)."""
    glued = json.loads((built_html.parent / "jupyter_execute" / f"{page}.glue.json").read_text(encoding="utf-8"))
    return {key: ast.literal_eval("".join(item["data"]["text/plain"])) for key, item in glued.items()
            if set(item["data"]) == {"text/plain"}}


def rerun(notebook: dict, cwd) -> dict[str, str]:
    """Run All, headless, in `cwd`; return the facts the run glued."""
    run = nbformat.reads(json.dumps(notebook), as_version=4)
    nbformat.validate(run)
    run.cells.append(nbformat.v4.new_code_cell(PRINT_FACTS))
    NotebookClient(run, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return json.loads("".join(output["text"] for output in run.cells[-1].outputs if output["output_type"] == "stream"))


@pytest.mark.parametrize("page", CHAPTERS)
def test_each_chapter_page_offers_its_notebook(built_html, page):
    html = (built_html / f"{page}.html").read_text(encoding="utf-8")
    assert f'href="../_sources/{page}.ipynb"' in html, "the page's download menu has no .ipynb"
    size = (built_html / "_sources" / f"{page}.ipynb").stat().st_size
    assert size < MAX_NOTEBOOK_BYTES, f"{page}.ipynb is {size:,} bytes"
    notebook = downloaded(built_html, page)
    prose = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    assert not LEFTOVER_MYST.findall(prose), f"MyST the notebook cannot show: {sorted(set(LEFTOVER_MYST.findall(prose)))}"
    figures = re.findall(r'<figure[^>]*id="(fig-[\w-]+)"', html)
    # Each figure's image: in the code cell that draws it, or attached where the page places it.
    drawn = {o.get("metadata", {}).get("booklib", {}).get("figure") for c in notebook["cells"] if c["cell_type"] == "code"
             for o in c.get("outputs", []) if "image/png" in o.get("data", {})}
    assert all(label in drawn or f"attachment:{label}.png" in prose for label in figures), "a figure of the page is missing"
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"][1:]
    assert code and all(c.get("outputs") for c in code if re.search(r"^(book_figure|markdown_table|glue_facts)\(", c["source"], re.M)), \
        "a cell that draws a figure or a table, or glues facts, has no output"


@pytest.mark.parametrize("page", CHAPTERS)
def test_the_downloaded_notebook_reruns_and_reproduces_the_pages_numbers(built_html, page):
    facts = rerun(downloaded(built_html, page), REPO / "chapters")
    assert facts == page_facts(built_html, page)


def test_it_also_reruns_from_the_repository_root(built_html):
    page = CHAPTERS[0]
    assert rerun(downloaded(built_html, page), REPO) == page_facts(built_html, page)


def test_the_claims_notebook_reruns_from_any_folder(built_html, tmp_path):
    """It once failed cryptically outside chapters/ or the repository root (its figure links were
    looked up from the working directory)."""
    page = "chapters/claims"
    for folder in (tmp_path, REPO / "data"):
        assert rerun(downloaded(built_html, page), folder) == page_facts(built_html, page), folder


def test_a_parameter_that_breaks_a_sentence_stops_the_run_naming_it(built_html):
    """The chapter's parameters sit at its top; a value the text no longer fits fails with the sentence, not a traceback from deep inside."""
    from nbclient.exceptions import CellExecutionError

    notebook = downloaded(built_html, "chapters/export_controls")
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code" and "SHOWN_MONTHS = 6" in c["source"])
    cell["source"] = cell["source"].replace("SHOWN_MONTHS = 6", "SHOWN_MONTHS = 18")
    with pytest.raises(CellExecutionError, match=r"the text says the restriction the text prices is within NRI's estimated durations; the data no longer bear this out"):
        rerun(notebook, REPO / "chapters")
