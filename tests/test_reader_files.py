"""What a reader does in the checkout never changes a chapter they did not edit, nor breaks the
build: saving a chapter with jupytext (as `make lab` does) keeps its front matter, and a downloaded
notebook saved anywhere in the checkout is neither a page nor a file git offers to commit (fast tier)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import pytest
import yaml
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

from conftest import REPO, toc_pages

PAGES = toc_pages()
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def front_matter(text: str) -> dict:
    match = FRONT_MATTER.match(text)
    return yaml.safe_load(match.group(1)) if match else {}


def saved(page: Path, tmp_path: Path, config) -> str:
    """The page as jupytext writes it back after reading it (what Lab's autosave does) with `config`."""
    notebook = jupytext.read(page)
    target = tmp_path / page.name
    # In the format jupytext read it in, as Lab saves it (MyST for a notebook page, Markdown for a plain one).
    fmt = notebook.metadata["jupytext"]["text_representation"]["format_name"]
    jupytext.write(notebook, target, fmt=f"md:{fmt}", config=config)
    return target.read_text(encoding="utf-8")


def lab_config():
    """The jupytext configuration a chapter opened in Lab gets: the file jupytext finds from its folder up."""
    path = find_jupytext_configuration_file(str(REPO / "chapters"))
    assert path and Path(path).parent == REPO, f"jupytext finds {path}, not the repository's jupytext.toml"
    return load_jupytext_configuration_file(path)


@pytest.mark.parametrize("page", PAGES)
def test_saving_a_page_with_jupytext_keeps_its_front_matter_and_cells(page, tmp_path):
    source = next(REPO.glob(f"{page}.*"))
    before = source.read_text(encoding="utf-8")
    after = saved(source, tmp_path, lab_config())
    old, new = front_matter(before), front_matter(after)
    assert new.get("booklib") == old.get("booklib"), f"{page}: saving drops or changes `booklib:` ({new.get('booklib')!r})"
    representation = new.get("jupytext", {}).get("text_representation", {})
    assert "jupytext_version" not in representation, "saving with another jupytext would change the file"
    cells = lambda path: [(c.cell_type, c.source) for c in jupytext.read(path).cells]
    assert cells(tmp_path / source.name) == cells(source), f"{page}: saving changes the cells"


def test_without_the_settings_jupytext_drops_the_front_matter(tmp_path):
    """The case the settings prevent (jupytext's default filter), so the test above can fail."""
    page = REPO / "chapters" / "investment.md"
    assert front_matter(page.read_text())["booklib"]["reads"]
    assert "booklib" not in front_matter(saved(page, tmp_path, None))


def test_the_lab_settings_file_is_the_one_jupytext_reads():
    config = lab_config()
    assert "booklib" in config.notebook_metadata_filter.split(",")


def build_excludes() -> list[str]:
    from jupyter_book.config import get_final_config

    config, _ = get_final_config(user_yaml=REPO / "_config.yml", sourcedir=REPO,
                                 cli_config={"latex_individualpages": False})
    return config["exclude_patterns"]


@pytest.mark.parametrize("saved_as", ["chapters/tariffs.ipynb", "tariffs.ipynb", "intro.ipynb",
                                      "chapters/appendix/timeline.ipynb", "notebooks/claims (1).ipynb"])
def test_a_downloaded_notebook_saved_in_the_checkout_is_no_page_and_not_committed(saved_as):
    from sphinx.util.matching import Matcher

    assert Matcher(build_excludes())(saved_as), f"the build would read {saved_as} as a page"
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "--no-index", "-q", saved_as])
    assert ignored.returncode == 0, f"git would offer to commit {saved_as}"


def test_no_page_is_a_notebook_file():
    """Every page is a .md (the exclusion of *.ipynb would otherwise drop one)."""
    assert not [p for p in PAGES if not (REPO / f"{p}.md").exists()]


@pytest.mark.parametrize("front_matter, named", [("booklib:\n  reads: [no_such_table]\n", "no_such_table"),
                                                 ("booklib:\n  reads: 3\n", "must be a list"),
                                                 ("booklib: [unclosed\n", "")])
def test_a_data_error_is_reported_as_the_books_not_as_a_sphinx_bug(tmp_path, front_matter, named):
    """A data error once surfaced inside a Sphinx crash asking to report it as a Sphinx bug."""
    from types import SimpleNamespace

    from sphinx.errors import SphinxError

    from booklib.build import sphinx_ext

    page = tmp_path / "page.md"
    page.write_text(f"---\n{front_matter}---\n# A page\n", encoding="utf-8")
    env = SimpleNamespace(found_docs={"page"}, doc2path=lambda docname: str(page))
    with pytest.raises(SphinxError, match=rf"page: .*{re.escape(named)}") as raised:
        sphinx_ext._outdated_by_data(None, env, set(), set(), set())
    assert raised.value.category == "Data error"
    if named != "no_such_table":  # a front matter that cannot be read also stops the page's reading, named
        with pytest.raises(SphinxError, match="page: "):
            sphinx_ext._declare_page_data(None, "page", [page.read_text(encoding="utf-8")])


NOTEBOOK_PAGES = [p for p in PAGES if "kernelspec" in front_matter(next(REPO.glob(f"{p}.*")).read_text(encoding="utf-8"))]


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_saving_a_notebook_page_unedited_leaves_it_byte_identical(page, tmp_path):
    """Lab autosaves a chapter once its cells have run: the file must not change unless the reader
    edited it. The pages are kept in the form jupytext writes (with the book's jupytext.toml);
    after editing one by hand, `.venv/bin/jupytext --to md:myst <page>.md` rewrites it so."""
    source = REPO / f"{page}.md"
    assert saved(source, tmp_path, lab_config()) == source.read_text(encoding="utf-8"), \
        f"saving {page}.md in Lab would rewrite it: run `.venv/bin/jupytext --to md:myst {page}.md`"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_a_pages_kernelspec_is_the_one_lab_writes_back(page):
    """Lab writes the running kernel's spec (name, display name, language, in that order) into a
    chapter it saves; the Makefile registers the book's kernel for `make lab` under that name."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    display = re.search(r'ipykernel install .*--display-name "([^"]+)"', makefile).group(1)
    spec = front_matter((REPO / f"{page}.md").read_text(encoding="utf-8"))["kernelspec"]
    assert list(spec.items()) == [("name", "python3"), ("display_name", display), ("language", "python")]
