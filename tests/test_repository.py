"""The book names itself and its home: Sphinx's project is the book's title (inventory, notebooks);
the `repository: url:` setting, empty until published, gives the header's link, the chapters'
launch links and the notebooks' first cell, and while empty none of them (fast tier, with the built
book where it exists)."""

from __future__ import annotations

import re
import textwrap
import zlib

import pytest

from booklib import citation
from booklib.build import repository
from booklib.build.notebooks import References, reader_notebook

from conftest import REPO

URL = "https://github.com/example/japan-book"
OPTIONS = {"use_repository_button": False, "launch_buttons": {}, "use_download_button": True}


def write_config(tmp_path, url: str):
    (tmp_path / "_config.yml").write_text(textwrap.dedent(f"""\
        title: x
        repository:
          url: "{url}"
          branch: main
          path_to_book: ""
        """), encoding="utf-8")
    return tmp_path


def test_the_repository_setting_is_empty_until_published():
    assert repository.settings(REPO)["url"] == "", "set it only when the repository is public"
    assert repository.where(REPO) == repository.NOT_PUBLISHED


def test_when_the_repository_is_set_the_header_links_it_and_chapters_offer_binder(tmp_path):
    repo = repository.settings(write_config(tmp_path, URL + "/"))
    options = repository.theme_options(OPTIONS, repo)
    assert options["repository_url"] == URL and options["use_repository_button"] is True
    assert options["launch_buttons"]["binderhub_url"] == repository.BINDER
    assert "colab_url" not in options["launch_buttons"], "Colab opens only .ipynb files; the pages are .md"


def test_when_the_repository_is_empty_there_is_no_link_and_no_launch_button(tmp_path):
    options = repository.theme_options({**OPTIONS, "repository_url": "x", "launch_buttons": {"binderhub_url": "b"}},
                                       repository.settings(write_config(tmp_path, "")))
    assert options["launch_buttons"] == {} and not options["use_repository_button"] and "repository_url" not in options


@pytest.mark.parametrize("url, said", [(URL, URL), ("", repository.NOT_PUBLISHED)])
def test_the_notebooks_first_cell_names_the_book_and_its_repository(url, said):
    notebook = reader_notebook({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, {},
                               References({}, {}, {}), "Japan between Washington and Beijing, 2025–2026", repository=url)
    first = notebook["cells"][0]["source"]
    assert first.startswith('# This notebook is a chapter of "Japan between Washington and Beijing, 2025–2026"')
    assert f"# The book's repository: {said}." in first


def launch_links(html: str) -> list[str]:
    return re.findall(r'href="(https://mybinder\.org[^"]*|https://colab[^"]*)"', html)


@pytest.mark.book
def test_the_built_book_names_itself_and_offers_no_launch_link_while_the_repository_is_empty(built_html):
    title = citation.read_cff(REPO)["title"]
    inventory = (built_html / "objects.inv").read_bytes()
    header = inventory.split(b"\n", 4)
    assert header[1].decode() == f"# Project: {title}", header[1]
    notebook = (built_html / "_sources" / "chapters" / "tariffs.ipynb").read_text(encoding="utf-8")
    assert "Project name not set" not in notebook and f'chapter of \\"{title}\\"' in notebook
    assert repository.NOT_PUBLISHED.split(" (")[0] in notebook
    for page in ("chapters/tariffs", "chapters/investment", "intro"):
        assert not launch_links((built_html / f"{page}.html").read_text(encoding="utf-8")), page


@pytest.mark.book
def test_with_a_repository_a_chapter_page_offers_binder(tmp_path):
    """The theme's own launch button, as the book configures it, on a chapter built with the repository set."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    write_config(src, URL)
    (src / "CITATION.cff").write_text((REPO / "CITATION.cff").read_text(encoding="utf-8"), encoding="utf-8")
    (src / "conf.py").write_text('extensions = ["myst_nb", "booklib.build.repository"]\nhtml_theme = "sphinx_book_theme"\n'
                                 f"html_theme_options = {OPTIONS!r}\nroot_doc = 'page'\nnb_execution_mode = 'off'\n",
                                 encoding="utf-8")
    (src / "page.md").write_text(textwrap.dedent("""\
        ---
        jupytext:
          text_representation: {extension: .md, format_name: myst}
        kernelspec: {display_name: Python 3, language: python, name: python3}
        ---
        # A chapter

        ```{code-cell} ipython3
        1 + 1
        ```
        """), encoding="utf-8")
    app = Sphinx(str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html", status=None)
    app.build()
    html = (tmp_path / "out" / "page.html").read_text(encoding="utf-8")
    assert launch_links(html) and launch_links(html)[0].startswith(f"{repository.BINDER}/v2/gh/example/japan-book/main")
    assert f'href="{URL}"' in html, "the header links the repository"
    assert app.config.project == citation.read_cff(REPO)["title"]
