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
    booklib: {reads: READS}
    ---
    """)


def page(reads: str, body: str) -> str:
    return HEADER.replace("READS", reads) + body


def book_edition_files(root: Path) -> None:
    """The book's citation layer reads the edition from CITATION.cff and editions.yml beside the book."""
    for name in ("CITATION.cff", "editions.yml"):
        shutil.copy(REPO / name, root / name)


def write_book(root: Path) -> None:
    book_edition_files(root)
    (root / "_config.yml").write_text(textwrap.dedent("""\
        title: Cache test
        only_build_toc_files: true
        execute: {execute_notebooks: cache, cache: _build/.jupyter_cache}
        sphinx: {extra_extensions: [booklib.build.sphinx_ext], config: {nb_execution_show_tb: true}}
        """))
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: reads_rates\n  - file: reads_nothing\n  - file: dictionary\n")
    (root / "index.md").write_text("# Index\n")
    (root / "reads_rates.md").write_text(page("[rates]", "# Rates\n\n```{code-cell} ipython3\nfrom booklib import load\nprint('rows:', len(load('rates')))\n```\n"))
    (root / "dictionary.md").write_text(page("all", "# Dictionary\n\n```{code-cell} ipython3\nfrom booklib.dictionary import data_dictionary_markdown\nprint(len(data_dictionary_markdown()))\n```\n"))
    (root / "reads_nothing.md").write_text(page("[]", "# Nothing\n\n```{code-cell} ipython3\nprint('static', 6 * 7)\n```\n"))


def build(root: Path, data: Path, importtime: bool = False) -> str:
    """The build's log; with `importtime`, each module it imported too (python -X importtime)."""
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "--builder", "html"]
    if importtime:
        command = [sys.executable, "-X", "importtime", *command]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=root, env={**os.environ, "BOOKLIB_DATA_DIR": str(data)}, check=True,
    )
    return result.stdout + result.stderr


def imported(log: str) -> set[str]:
    """The top-level packages a build run with `importtime` tried to import (a failed import is listed too)."""
    return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in log.splitlines() if line.startswith("import time:")}


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

    noop = build(book, data, importtime=True)
    assert executed(noop) == set(), "a no-op rebuild must execute nothing"
    # The checks each build makes (data fingerprints, citation stamps) need no data or chart library.
    slow = imported(noop) & {"pandas", "altair", "vl_convert"}
    assert not slow, f"a no-op rebuild imports {sorted(slow)}"

    with (data / "rates.csv").open("a") as handle:
        handle.write("China,2025-05-14,10,3,true,test_primary\n")
    assert executed(build(book, data)) == {"reads_rates", "dictionary"}
    assert "rows: 4" in page.read_text(), "the chapter still shows the old data"


def test_the_build_environment_lacks_jupyterlabs_format_checkers():
    """jupyter-book's config imports jsonschema, which compiles rfc3987-syntax's grammars at import
    when it is installed (about 1.5 s of every build): JupyterLab, which brings it, has its own
    .venv-lab (`make lab`)."""
    import importlib.util

    assert importlib.util.find_spec("rfc3987_syntax") is None, "rfc3987-syntax is installed beside the build"


def test_a_cache_restored_from_another_folder_does_not_serve_stale_outputs(tmp_path):
    """The execution cache, copied to another checkout (as a CI cache would be), must not
    replay outputs computed from data that has since changed."""
    first, second, data = tmp_path / "first", tmp_path / "second", tmp_path / "data"
    first.mkdir()
    write_book(first)
    shutil.copytree(FIXTURES / "valid", data)
    build(first, data)
    second.mkdir()
    write_book(second)
    shutil.copytree(first / "_build" / ".jupyter_cache", second / "_build" / ".jupyter_cache")

    with (data / "rates.csv").open("a") as handle:
        handle.write("China,2025-05-14,10,3,true,test_primary\n")
    assert "reads_rates" in executed(build(second, data))
    assert "rows: 4" in (second / "_build" / "html" / "reads_rates.html").read_text(), "stale output from the restored cache"


def test_a_page_that_loads_an_undeclared_table_fails_naming_page_and_table(tmp_path):
    book, data = tmp_path / "book", tmp_path / "data"
    book.mkdir()
    write_book(book)
    shutil.copytree(FIXTURES / "valid", data)
    sneaky = book / "reads_nothing.md"
    sneaky.write_text(sneaky.read_text() + "\n```{code-cell} ipython3\nfrom booklib import load\nload('rates')\n```\n")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jupyter-book"), "build", str(book), "--builder", "html", "-W"],
        capture_output=True, text=True, cwd=book, env={**os.environ, "BOOKLIB_DATA_DIR": str(data)},
    )
    assert result.returncode != 0
    assert "page reads_nothing loads table 'rates', which its front matter does not declare" in result.stdout + result.stderr


def test_declared_reads_and_their_fingerprint(tmp_path):
    from booklib.build.sphinx_ext import data_fingerprint, declared_reads

    assert declared_reads(page("[rates, sources]", "# x\n")) == ["rates", "sources"]
    assert declared_reads(page("all", "# x\n")) == ["*"]
    assert declared_reads("# no front matter\n") is None
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", data)
    before = data_fingerprint(["rates"], data)
    (data / "rates.csv").write_text((data / "rates.csv").read_text() + "\n")
    assert data_fingerprint(["rates"], data) != before
    try:
        data_fingerprint(["no_such_table"], data)
    except ValueError as error:
        assert "no_such_table" in str(error)
    else:
        raise AssertionError("an unknown table in booklib: reads: must fail")


def test_an_edited_bibliography_rewrites_the_pages_that_cite_it(tmp_path):
    """sphinxcontrib-bibtex re-parses a changed .bib but rewrites no page: a page citing a new or
    edited entry would keep an empty or stale label until its own source changed."""
    book = tmp_path / "book"
    book.mkdir()
    book_edition_files(book)
    (book / "_config.yml").write_text(textwrap.dedent("""\
        title: Bibliography test
        only_build_toc_files: true
        bibtex_bibfiles: [references.bib]
        sphinx:
          extra_extensions: [booklib.build.sphinx_ext]
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


def test_an_edited_library_style_reaches_the_built_book_in_a_no_op_rebuild(tmp_path):
    """Sphinx copies static files only in a build that writes a page: an edit to a library
    stylesheet alone (here, the build's copies made stale as if the library had changed) must
    still reach the built book."""
    book = tmp_path / "book"
    book.mkdir()
    write_book(book)
    build(book, FIXTURES / "valid")
    served = book / "_build" / "html" / "_static" / "booklib" / "book-charts.css"
    for stale in (served, book / "_build" / "booklib_static" / "booklib" / "book-charts.css"):
        stale.write_text("/* an older style */\n")
    log = build(book, FIXTURES / "valid")
    assert served.read_text() == (REPO / "booklib" / "build" / "static" / "book-charts.css").read_text(), "the old style is still served"
    assert not executed(log), "a style change must not re-execute notebooks"
