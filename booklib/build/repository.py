"""The book names itself and its home (a Sphinx extension's config step, connected by sphinx_ext).

- Sphinx's `project` is the book's title (CITATION.cff): the inventory (objects.inv) and the
  downloadable notebooks' first line name the book, not "Project name not set".
- The book's repository is one setting, `repository: url:` in _config.yml (with `branch:` and
  `path_to_book:`), empty until the repository is published. When set, the site's header links to
  it and each chapter page offers a launch link (Binder, which opens the chapter's .md as a notebook
  with the repository's requirements.txt, jupytext included); the notebooks' first cell and the
  README name it. When empty, no page offers a launch link, and the notebooks say the address is
  not yet published. Colab is not offered: it opens only .ipynb files, and the pages are .md.
"""

from __future__ import annotations

from pathlib import Path

BINDER = "https://mybinder.org"
NOT_PUBLISHED = "not yet published (the `repository: url:` setting of _config.yml is empty)"


def settings(root: Path) -> dict[str, str]:
    """The `repository:` setting of _config.yml: url ('' until published), branch, path_to_book."""
    import yaml

    config = yaml.safe_load((Path(root) / "_config.yml").read_text(encoding="utf-8")) or {}
    repo = config.get("repository") or {}
    return {"url": str(repo.get("url") or "").strip().rstrip("/"), "branch": str(repo.get("branch") or "main"),
            "path_to_book": str(repo.get("path_to_book") or "")}


def where(root: Path) -> str:
    """The repository's address, or a sentence saying it is not yet published."""
    return settings(root)["url"] or NOT_PUBLISHED


def theme_options(options: dict, repo: dict[str, str]) -> dict:
    """The theme's options with the repository button and launch links when the repository is set,
    and without any when it is empty (the book's _config.yml sets launch_buttons: {})."""
    options = dict(options)
    if not repo["url"]:
        options.update(use_repository_button=False, launch_buttons={})
        options.pop("repository_url", None)
        return options
    options.update(repository_url=repo["url"], repository_branch=repo["branch"], path_to_docs=repo["path_to_book"],
                   use_repository_button=True,
                   launch_buttons={"binderhub_url": BINDER, "notebook_interface": "jupyterlab"})
    return options


def configure(app, config) -> None:
    """config-inited: the project's name and the repository's links."""
    from booklib.citation import read_cff

    root = Path(app.srcdir)
    if (root / "CITATION.cff").exists():
        config.project = read_cff(root)["title"]
    if (root / "_config.yml").exists():
        config.html_theme_options = theme_options(config.html_theme_options or {}, settings(root))


def setup(app):
    app.connect("config-inited", configure)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
