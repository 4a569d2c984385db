"""The pages read like the best executable books: short cells, no format strings, and every
glued key a literal that a search finds. Fast tier: reads the sources, builds nothing."""

from __future__ import annotations

import ast
import re
import statistics
from pathlib import Path

import pytest

from conftest import REPO, toc_pages

CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.M | re.S)
PASTED = re.compile(r"\{glue:(?:text|md|any)\}`([\w-]+)(?::[\w]+)?`|^```\{glue:figure\} ([\w-]+)", re.M)
# A format spec or strftime pattern typed in a page: "{:.0f} %", "%B %Y", f"{x:,.1f}".
FORMAT_STRING = re.compile(r"""\{[^{}]*:[,.<>^+\-#0-9]*[dfegs%]\}|%[BbYdmy]\b""")
MAX_CELL = 30
MAX_FRONT_PAGE_CELL = 15
MAX_MEDIAN_CELL = 12
CODE_DIRS = [REPO / "bookchapters"]


def pages_with_code() -> list[Path]:
    return [REPO / f"{page}.md" for page in toc_pages() if CODE_CELL.search((REPO / f"{page}.md").read_text())]


def cell_bodies(page: Path) -> list[list[str]]:
    """The code of each cell, without its options and blank lines."""
    cells = []
    for body in CODE_CELL.findall(page.read_text(encoding="utf-8")):
        lines = body.splitlines()
        if lines and lines[0] == "---":  # a YAML options block
            lines = lines[lines.index("---", 1) + 1:]
        cells.append([line for line in lines if line.strip() and not line.startswith(":")])
    return cells


def chapter_code() -> str:
    """All code a page's keys may be glued in: its cells and the chapters' modules."""
    code = ["\n".join(cell) for page in pages_with_code() for cell in cell_bodies(page)]
    code += [path.read_text(encoding="utf-8") for folder in CODE_DIRS for path in sorted(folder.rglob("*.py"))]
    return "\n".join(code)


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_cells_are_short(page):
    sizes = [len(cell) for cell in cell_bodies(page)]
    limit = MAX_FRONT_PAGE_CELL if page.name == "intro.md" else MAX_CELL
    long_cells = [(i + 1, n) for i, n in enumerate(sizes) if n > limit]
    assert not long_cells, f"{page.name}: cells (number, lines) over {limit} lines: {long_cells}"
    assert statistics.median(sizes) <= MAX_MEDIAN_CELL, f"{page.name}: median cell has {statistics.median(sizes)} lines"


@pytest.mark.parametrize("page", pages_with_code(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_no_format_string_is_typed_in_a_page(page):
    found = [line.strip() for cell in cell_bodies(page) for line in cell if FORMAT_STRING.search(line)]
    assert not found, f"{page.name}: format numbers and dates with booklib.formats, not by hand: {found}"


def test_every_pasted_key_is_a_literal_in_the_code():
    code = chapter_code()
    missing = {}
    for page in [REPO / f"{p}.md" for p in toc_pages()]:
        for key in {a or b for a, b in PASTED.findall(page.read_text(encoding="utf-8"))}:
            if key.startswith("fig-") and f'name="{key.removesuffix("-source")}"' in code:
                continue  # book_figure(name=...) glues the figure and its source line
            if f'"{key}"' not in code:
                missing.setdefault(page.name, []).append(key)
    assert not missing, f"keys pasted in the text that no code names literally: {missing}"


def test_no_glue_key_is_built_at_run_time():
    """glue_text/book_figure take a literal key, and facts dicts have literal keys."""
    built = []
    sources = {f"{page.name} cells": "\n".join("\n".join(cell) for cell in cell_bodies(page)) for page in pages_with_code()}
    sources |= {path.name: path.read_text(encoding="utf-8") for folder in CODE_DIRS for path in folder.rglob("*.py")}
    for where, code in sources.items():
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("glue_text", "glue"):
                if node.args and not isinstance(node.args[0], ast.Constant):
                    built.append(f"{where}: {ast.unparse(node)[:80]}")
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "book_figure":
                name = next((k.value for k in node.keywords if k.arg == "name"), None)
                if name is not None and not isinstance(name, ast.Constant):
                    built.append(f"{where}: {ast.unparse(node)[:80]}")
            if isinstance(node, ast.Dict):
                keys = [k for k in node.keys if k is not None]
                if any(isinstance(k, ast.Constant) and isinstance(k.value, str) and re.fullmatch(r"[a-z]+-[\w-]+", k.value) for k in keys):
                    built += [f"{where}: key {ast.unparse(k)}" for k in keys if not isinstance(k, ast.Constant)]
            if isinstance(node, ast.DictComp) and isinstance(node.key, ast.JoinedStr):
                built.append(f"{where}: {ast.unparse(node)[:80]}")
    assert not built, "glue keys built at run time (a search for the key finds nothing):\n" + "\n".join(built)
