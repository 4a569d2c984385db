"""The library's three parts import only downward: the reader-side library (`booklib/*.py`)
imports neither the models nor the build side nor Sphinx; a model (`booklib/models/`) imports
neither the build side nor Sphinx; a chapter module (`bookchapters/`) imports no build side.
The refresh (`booklib/refresh/`) stands beside them: it imports the reader-side library and
the bibliography generator only, and nothing of the book imports it.
Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPHINX = ("sphinx", "docutils", "myst_nb", "myst_parser", "sphinxcontrib", "sphinx_book_theme", "jupyter_book")
# myst-nb's kernel side: `glue` stores a value in the cell's output, with no Sphinx loaded.
KERNEL_SIDE = {"myst_nb", "myst_nb.glue"}
# What each part may not import; the build side may import anything.
FORBIDDEN = {
    "reader-side library": ("booklib.models", "booklib.build", "booklib.refresh", *SPHINX),
    "model": ("booklib.build", "booklib.refresh", *SPHINX),
    "chapter module": ("booklib.build", "booklib.refresh", *SPHINX),
    "build side": ("booklib.refresh",),
    "refresh": ("booklib.models", "booklib.build", "bookchapters", *SPHINX),
}
# What a part may import although FORBIDDEN names its package: the refresh regenerates references.bib.
ALLOWED = {"refresh": ("booklib.build.bib",)}


def part_of(path: Path, root: Path) -> str | None:
    relative = path.relative_to(root).parts
    if relative[0] == "bookchapters":
        return "chapter module"
    if relative[0] != "booklib":
        return None
    if len(relative) == 2:
        return "reader-side library"
    return {"models": "model", "build": "build side", "refresh": "refresh"}.get(relative[1])


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, with `from booklib import build` read as
    booklib.build."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def upward_imports(root: Path) -> list[str]:
    problems = []
    for path in sorted([*root.glob("booklib/**/*.py"), *root.glob("bookchapters/**/*.py")]):
        part = part_of(path, root)
        if part is None:
            continue
        for line, module in imported_modules(path):
            allowed = ALLOWED.get(part, ())
            if any(module == a or module.startswith(a + ".") for a in allowed):
                continue
            if module not in KERNEL_SIDE and any(module == f or module.startswith(f + ".") for f in FORBIDDEN[part]):
                problems.append(f"{path.relative_to(root)}:{line}: the {part} imports {module}")
    return problems


def test_the_library_imports_only_downward():
    assert upward_imports(REPO) == []


def test_an_upward_import_is_named_with_its_file_and_line(tmp_path):
    for folder in ("booklib/models", "booklib/build", "bookchapters"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "booklib" / "models" / "tariff_model.py").write_text(
        "import pandas\n\n\ndef f():\n    from booklib.build import bib\n")
    (tmp_path / "booklib" / "charts.py").write_text(
        "from sphinx.util import logging\nfrom booklib import models\nfrom myst_nb import glue\n")
    (tmp_path / "bookchapters" / "tariffs.py").write_text("from booklib.build.notebooks import reader_notebook\n")
    (tmp_path / "booklib" / "build" / "sphinx_ext.py").write_text("import sphinx\nfrom booklib.models import tariff_model\n")
    assert upward_imports(tmp_path) == [
        "bookchapters/tariffs.py:1: the chapter module imports booklib.build.notebooks",
        "bookchapters/tariffs.py:1: the chapter module imports booklib.build.notebooks.reader_notebook",
        "booklib/charts.py:1: the reader-side library imports sphinx.util",
        "booklib/charts.py:1: the reader-side library imports sphinx.util.logging",
        "booklib/charts.py:2: the reader-side library imports booklib.models",
        "booklib/models/tariff_model.py:5: the model imports booklib.build",
        "booklib/models/tariff_model.py:5: the model imports booklib.build.bib",
    ]


def test_each_package_says_what_belongs_in_it_and_what_it_may_import():
    for package in ("booklib", "booklib/models", "booklib/build", "booklib/refresh"):
        doc = ast.get_docstring(ast.parse((REPO / package / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{package}/__init__.py needs a docstring saying what it holds and may import"


def test_the_refresh_stands_apart(tmp_path):
    for folder in ("booklib/build", "booklib/refresh", "bookchapters"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "booklib" / "refresh" / "apply.py").write_text(
        "from booklib.build.bib import render\nfrom booklib.data import load\nfrom booklib.build import notebooks\n")
    (tmp_path / "booklib" / "build" / "sphinx_ext.py").write_text("from booklib.refresh import stage\n")
    (tmp_path / "booklib" / "data.py").write_text("def f():\n    import booklib.refresh\n")
    assert upward_imports(tmp_path) == [
        "booklib/build/sphinx_ext.py:1: the build side imports booklib.refresh",
        "booklib/build/sphinx_ext.py:1: the build side imports booklib.refresh.stage",
        "booklib/data.py:2: the reader-side library imports booklib.refresh",
        "booklib/refresh/apply.py:3: the refresh imports booklib.build",
        "booklib/refresh/apply.py:3: the refresh imports booklib.build.notebooks",
    ]
