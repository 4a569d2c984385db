"""Editing a data table re-executes the chapters that load it, and only those."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import FIXTURES, REPO

REPO_DATA = REPO / "data"

HEADER = textwrap.dedent("""\
    ---
    jupytext:
      text_representation: {extension: .md, format_name: myst}
    kernelspec: {display_name: Python 3, language: python, name: python3}
    ---
    """)


def write_book(root: Path) -> None:
    (root / "_config.yml").write_text(textwrap.dedent("""\
        title: Cache test
        only_build_toc_files: true
        execute: {execute_notebooks: cache, cache: _build/.jupyter_cache}
        sphinx: {extra_extensions: [booklib.sphinx_ext]}
        """))
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: reads_rates\n  - file: reads_nothing\n  - file: dictionary\n")
    (root / "index.md").write_text("# Index\n")
    (root / "reads_rates.md").write_text(HEADER + "# Rates\n\n```{code-cell} ipython3\nfrom booklib import load\nprint('rows:', len(load('rates')))\n```\n")
    (root / "dictionary.md").write_text(HEADER + "# Dictionary\n\n```{code-cell} ipython3\nfrom booklib.dictionary import data_dictionary_markdown\nprint(len(data_dictionary_markdown()))\n```\n")
    (root / "reads_nothing.md").write_text(HEADER + "# Nothing\n\n```{code-cell} ipython3\nprint('static', 6 * 7)\n```\n")


def build(root: Path, data: Path) -> str:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "html"],
        capture_output=True, text=True, cwd=root, env={**os.environ, "BOOKLIB_DATA_DIR": str(data)}, check=True,
    )
    return result.stdout + result.stderr


def executed(log: str) -> set[str]:
    return {Path(line.split(":")[0]).stem for line in log.splitlines() if "Executing notebook" in line}


def test_data_change_reexecutes_only_the_chapters_that_load_it(tmp_path):
    book, data = tmp_path / "book", tmp_path / "data"
    book.mkdir()
    write_book(book)
    shutil.copytree(FIXTURES / "valid", data)
    page = book / "_build" / "html" / "reads_rates.html"

    assert executed(build(book, data)) == {"reads_rates", "reads_nothing", "dictionary"}
    assert "rows: 3" in page.read_text()

    assert executed(build(book, data)) == set(), "a no-op rebuild must execute nothing"

    with (data / "rates.csv").open("a") as handle:
        handle.write("China,2025-05-14,10,3,true,test_primary\n")
    assert executed(build(book, data)) == {"reads_rates", "dictionary"}
    assert "rows: 4" in page.read_text(), "the chapter still shows the old data"


def test_library_calls_that_load_tables_count_as_dependencies(tmp_path):
    from booklib.sphinx_ext import chapter_fingerprint

    data = tmp_path / "data"
    shutil.copytree(REPO_DATA, data)
    source = "x = japan_effective_path('2026-11-22')"
    before = chapter_fingerprint(source, data)
    schedule = data / "tariff_schedule_japan.csv"
    schedule.write_text(schedule.read_text() + "\n")
    assert chapter_fingerprint(source, data) != before
    assert chapter_fingerprint("print(1)", data) == ""


def test_an_edited_bibliography_rewrites_the_pages_that_cite_it(tmp_path):
    """sphinxcontrib-bibtex re-parses a changed .bib but rewrites no page: a page citing a new or
    edited entry would keep an empty or stale label until its own source changed."""
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(textwrap.dedent("""\
        title: Bibliography test
        only_build_toc_files: true
        bibtex_bibfiles: [references.bib]
        sphinx:
          extra_extensions: [booklib.sphinx_ext]
          config: {bibtex_reference_style: author_year}
        """))
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: cites\n  - file: bibliography\n")
    (book / "index.md").write_text("# Index\n")
    (book / "cites.md").write_text("# Cites\n\nAs shown {cite:p}`report_2026`.\n")
    (book / "bibliography.md").write_text("# Bibliography\n\n```{bibliography}\n```\n")
    bib = book / "references.bib"
    entry = "@misc{{report_2026,\n  author = {{{{{}}}}},\n  title = {{A report}},\n  year = {{2026}}\n}}\n"
    bib.write_text(entry.format("First Publisher"))
    page = book / "_build" / "html" / "cites.html"

    build(book, FIXTURES / "valid")
    assert "First Publisher" in page.read_text()
    bib.write_text(entry.format("Second Publisher"))
    build(book, FIXTURES / "valid")
    assert "Second Publisher" in page.read_text(), "the page still cites the old entry"
