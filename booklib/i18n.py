"""The edition's words: message catalogs for the text Python writes.

Three kinds of gettext catalog under `locales/<language>/LC_MESSAGES/`, read as they are (Babel's
reader, no compile step):
- `booklib.po`: the words of charts, tables and the library (titles, axes, legends, schema titles and
  value labels, source lists, controls);
- `build.po`: the words the Sphinx build writes (the date lines, cite and share controls);
- `data/<table>.po`: a table's reader-visible free text (its FREE_TEXT columns), `msgctxt` the column,
  `msgid` the English value: made from the data (`data_template`), so a new value in data/ is a new message.

English is the source language: it has no catalog and a message is its own translation. In another
edition a message missing from its catalog, untranslated or fuzzy raises `MissingTranslation` naming
the catalog and the message: never an English fallback, which would print English sentences with
Chinese-formatted numbers.

The booklib messages are found, not listed by hand (`messages`): literals given to `_`, `N_` and
`translate` in booklib/ and bookchapters/; in the chapters' code cells, the words given to calls (chart
and table titles, axes, tooltips, categories, bullet templates); the schema's titles and category labels;
the names of NAME_COLUMNS and NAME_FUNCTIONS. After a change to any of them:

    python -m booklib.i18n extract   # locales/booklib.pot
    python -m booklib.i18n update    # new messages into the zh and ja booklib.po and data/*.po, untranslated
    python -m booklib.i18n check     # what the catalogs lack (tests/test_i18n.py fails on it too)

A message with {placeholders} is filled in after translation (`_("{first} to {last}", first=..., last=...)`);
its translation keeps the same placeholders. Code never keys on a translated or formatted string: it keys
on the data's own values (codes, dates) and writes words last.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from booklib.paths import REPO_ROOT

LOCALES = REPO_ROOT / "locales"
SOURCE_LANGUAGE = "en"


class MissingTranslation(LookupError):
    """A message the edition's catalog does not translate."""


def catalog_path(language: str, domain: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def _catalog(language: str, domain: str) -> dict[tuple[str | None, str], str]:
    path = catalog_path(language, domain)
    if not path.exists():
        raise MissingTranslation(f"{path.relative_to(REPO_ROOT)}: no such catalog (the {language} edition needs it)")
    with path.open("rb") as handle:
        messages = read_po(handle, locale=None)
    return {(m.context, m.id): m.string for m in messages if m.id and m.string and not m.fuzzy}


def translate(message: str, *, context: str | None = None, domain: str = "booklib", language: str | None = None) -> str:
    """`message` in the edition's language (`language`, default BOOK_LANGUAGE)."""
    if language is None:
        from booklib import formats  # here: the build imports this module, and a no-op rebuild must not load pandas

        language = formats.language().code
    if language == SOURCE_LANGUAGE:
        return message
    try:
        return _catalog(language, domain)[(context, message)]
    except KeyError:
        where = f" (context {context!r})" if context else ""
        raise MissingTranslation(
            f"{catalog_path(language, domain).relative_to(REPO_ROOT)}: no translation of {message!r}{where}"
        ) from None


def edition_language() -> str:
    """The edition's language code (BOOK_LANGUAGE: en, zh or ja)."""
    from booklib import formats  # here, not at the top: see `translate`

    return formats.language().code


def words(text: str, language: str | None = None) -> str:
    """A title the code was given (a chapter's literal, booklib.po) in the edition's language; a text
    already in it (written there through a template) or without words (a number) is kept."""
    language = language or edition_language()
    if language == SOURCE_LANGUAGE or not any("a" <= c.lower() <= "z" for c in text) or _has_cjk(text):
        return text
    return translate(text, language=language)


def translate_value(table: str, column: str, value: str, language: str | None = None) -> str:
    """A data table's free-text value in the edition's language (catalog `data/<table>.po`)."""
    return translate(value, context=column, domain=f"data/{table}", language=language)


def _(message: str, **fields) -> str:
    """`message` (a booklib-domain msgid, a literal so that `extract` finds it) in the edition's
    language, its `{fields}` filled in after translation: `_("{first} to {last}", first=..., last=...)`."""
    text = translate(message)
    return text.format(**fields) if fields else text


def N_(message: str) -> str:
    """Mark a literal as a booklib-domain message without translating it here (a category a chart
    shows, translated with the rest of its spec by `translate_spec`)."""
    return message


def is_message(text: str, domain: str = "booklib") -> bool:
    """Is `text` a msgid of the domain's template (the English the catalogs translate)?"""
    return text in _template(domain)


@cache
def _template(domain: str) -> frozenset[str]:
    path = LOCALES / f"{domain}.pot"
    if not path.exists():
        return frozenset()
    with path.open("rb") as handle:
        return frozenset(m.id for m in read_po(handle) if m.id and m.context is None)


def _translations(language: str, domain: str = "booklib") -> frozenset[str]:
    return frozenset(_catalog(language, domain).values())


# Chart specs -------------------------------------------------------------------------------------
# Chart words come from the chapters' cells and the library alike; a chart spec is translated as a
# whole, just before it is drawn (booklib.charts.book_figure): the words of its titles (the chart's,
# its axes', legends', tooltips'), its description, and the categories of its data, its scales'
# domains, sorts and filters, so that a colour keeps its category. In English nothing changes.

# Noto Sans CJK SC (zh) and JP (ja) first: the static images (vl-convert) and the PDF use them; a
# reader's browser without them takes the next of the list its system has, never a Latin-only font.
FONTS = {"zh": "'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif",
         "ja": "'Noto Sans CJK JP', 'Source Han Sans JP', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif"}
# The d3 time formats the book uses, in the CJK editions' order (year first, no month names).
TIME_FORMATS = {
    "%b %Y": "%Y年%-m月", "%B %Y": "%Y年%-m月", "%d %b %Y": "%Y年%-m月%-d日", "%-d %b %Y": "%Y年%-m月%-d日",
    "%d %B %Y": "%Y年%-m月%-d日", "%b": "%-m月", "%B": "%-m月", "%b %-d": "%-m月%-d日", "%d %b": "%-m月%-d日",
    "%-d %b": "%-m月%-d日", "%Y": "%Y", "%Y-%m": "%Y-%m", "%Y-%m-%d": "%Y-%m-%d",
}
_QUOTED = __import__("re").compile(r"""(['"])((?:(?!\1).)*)\1""")


def _escaped(text: str, quote: str) -> str:
    return text.replace("\\", "\\\\").replace(quote, "\\" + quote)


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in text)


_TITLE_KEYS = {"title", "subtitle", "description", "text"}
_VALUE_LISTS = {"domain", "sort", "values"}


# The channels that show a field's values to the reader (not `detail`, `key`, `order`: a field used
# there, or only in a filter, is a key the data and the controls must keep as they are).
_SHOWN_CHANNELS = {"x", "y", "x2", "y2", "color", "fill", "stroke", "shape", "strokeDash", "size", "opacity",
                   "text", "tooltip", "row", "column", "facet", "angle", "theta"}
# The channels whose categories Vega-Lite puts in an order (an axis, a legend, a facet's headers).
_SORTED_CHANNELS = {"x", "y", "color", "fill", "stroke", "shape", "strokeDash", "row", "column", "facet", "xOffset", "yOffset"}
_COMPARISON = __import__("re").compile(
    r"""(datum(?:\.(\w+)|\[['"](\w+)['"]\])\s*[!=]==?\s*)(['"])((?:(?!\4).)*)\4""")


def shown_fields(spec) -> set[str]:
    """The fields whose values a chart shows (on an axis, a legend, a label, a tooltip, a header)."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "encoding" and isinstance(value, dict):
                    for channel, definition in value.items():
                        if channel in _SHOWN_CHANNELS:
                            for one in definition if isinstance(definition, list) else [definition]:
                                if isinstance(one, dict) and isinstance(one.get("field"), str):
                                    found.add(one["field"])
                if key in ("facet", "row", "column") and isinstance(value, dict) and isinstance(value.get("field"), str):
                    found.add(value["field"])
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def translate_spec(spec: dict, language: str | None = None) -> dict:
    """A Vega-Lite spec (a dict, as altair's to_dict gives) in the edition's language, and in its
    CJK font. A title not in the catalog raises MissingTranslation (it would print English). The
    values of a field the chart shows (`shown_fields`) are translated where they are messages of the
    catalog (a category), in the data, the scales' domains and sorts, and the filters on that field
    alike, so that a category keeps its colour; a value kept as a key (a control's option, a field
    only filtered on) and anything else (a number, a date, a citation) stays as it is."""
    language = language or edition_language()
    if language == SOURCE_LANGUAGE:
        return spec
    known = _translations(language)
    shown = shown_fields(spec)

    def words(text: str) -> str:
        if text in known or not any("a" <= c.lower() <= "z" for c in text) or _has_cjk(text):
            return text  # already in the language (translated where it was written), or no words (a number)
        return translate(text, language=language)

    def value(text):
        if isinstance(text, str) and is_message(text):
            return translate(text, language=language)
        return text

    def expression(text: str) -> str:
        """`datum.partner === 'China'` on a shown field: the compared category translated."""
        def one(match):
            field = match.group(2) or match.group(3)
            if field not in shown:
                return match.group(0)
            quote = match.group(4)
            return f"{match.group(1)}{quote}{_escaped(value(match.group(5)), quote)}{quote}"
        return _COMPARISON.sub(one, text)

    # A category axis, legend or header without a sort of its own is in the English order (Vega-Lite
    # sorts by value: in Chinese or Japanese that is code-point order): the same chart in every edition.
    english = {}
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            for column, x in row.items():
                if column in shown and isinstance(x, str):
                    english.setdefault(column, set()).add(x)

    def english_order(definition: dict) -> list | None:
        categories = english.get(definition.get("field"), set())
        if (definition.get("type") not in ("nominal", "ordinal") or "sort" in definition or not categories
                or "domain" in (definition.get("scale") or {}) or not any(is_message(x) for x in categories)):
            return None
        return [value(x) for x in sorted(categories)]

    def walk(node, key=None):
        if isinstance(node, list):
            if key in _VALUE_LISTS:
                return [value(v) if isinstance(v, str) else walk(v) for v in node]
            if key in _TITLE_KEYS:  # a title of several lines
                return [words(v) if isinstance(v, str) else walk(v) for v in node]
            return [walk(v, key) for v in node]
        if not isinstance(node, dict):
            if isinstance(node, str) and key in _TITLE_KEYS:
                return words(node)
            return node
        out = {}
        keyed_on_shown = node.get("field") in shown
        order = english_order(node) if key in _SORTED_CHANNELS else None
        if order:
            out["sort"] = order
        for k, v in node.items():
            if k == "bind" and isinstance(v, dict):  # an explorer's input: its name and option labels (not its options)
                out[k] = {**v, **({"name": words(v["name"])} if isinstance(v.get("name"), str) else {}),
                          **({"labels": [words(str(x)) for x in v["labels"]]} if "labels" in v else {})}
            elif k == "datasets":
                out[k] = {name: [{c: value(x) if c in shown else x for c, x in row.items()} for row in rows]
                          for name, rows in v.items()}
            elif k == "format" and isinstance(v, str):
                out[k] = TIME_FORMATS.get(v, v)
            elif k == "text" and not isinstance(v, (str, list)):
                out[k] = walk(v, k)  # a text encoding {"field": ...}: its data are translated
            elif k in ("test", "filter") and isinstance(v, str):
                out[k] = expression(v)
            elif k in ("equal", "oneOf"):  # a field predicate: translated with its field's data
                out[k] = (v if not keyed_on_shown else [value(x) for x in v] if isinstance(v, list) else value(v))
            elif k in ("field", "type", "mark", "$schema", "name", "expr", "as", "calculate", "options", "value"):
                out[k] = v
            else:
                out[k] = walk(v, k)
        return out

    translated = walk(spec)
    translated["config"] = {**translated.get("config", {}), "font": FONTS[language]}
    return translated


def english_in_spec(spec: dict, language: str) -> list[str]:
    """The strings a reader would see in a (translated) chart spec that are still English messages of
    the catalog (a title, a category shown, a label): [] for a released zh or ja chart. Keys the chart
    keeps as they are (a control's options, a field it only filters on) are not words it shows."""
    same = {m for m in _template("booklib") if translate(m, language=language) == m}  # "RCEP", "CPTPP": the same words
    shown = shown_fields(spec)
    found = []

    def english(text) -> bool:
        return isinstance(text, str) and is_message(text) and text not in same

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "datasets":
                    found.extend(f"data {c}: {x!r}" for rows in v.values() for row in rows for c, x in row.items()
                                 if c in shown and english(x))
                elif k in ("test", "filter") and isinstance(v, str):
                    found.extend(f"{k}: {m.group(5)!r}" for m in _COMPARISON.finditer(v)
                                 if (m.group(2) or m.group(3)) in shown and english(m.group(5)))
                elif k not in ("field", "type", "$schema", "name", "format", "as", "param", "options", "value"):
                    walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif english(node):
            found.append(f"{key}: {node!r}")

    walk(spec)
    return found


# The template: every booklib-domain message ------------------------------------------------------

TEMPLATE = LOCALES / "booklib.pot"
HEADER = ("# The words Python writes for readers of 'Japan between Washington and Beijing': charts, tables,\n"
          "# the library's controls and the schema's titles and labels (domain booklib).\n"
          "# Template made by `python -m booklib.i18n extract`; never edit it by hand.\n"
          "# Placeholders in braces ({count}) are filled in after translation and must be kept.")
# Where the messages are: calls of these functions with a literal first argument ...
_CALLS = {"_", "N_", "translate"}
# ... in the library and the chapters' code; and, in the chapters' cells, the literal words of
# their charts and tables (titles, subtitles, descriptions, axis and tooltip titles).
_CODE_DIRS = ("booklib", "bookchapters")
_CELL_KEYWORDS = {"title", "subtitle", "description", "pdf_template"}
# Data columns of names (economies, partners) that charts and sentences show: each value is a message.
NAME_COLUMNS = {
    "fta_membership": ["economy", "role", "status"],
    "cjk_trade": ["pair", "reporting_basis"],
    "japan_trade_by_partner": ["partner"],
    "investment_pledges": ["partner"],
    "diversification": ["unit"],
    "mou_terms": ["unit"],
    "rcep_china_japan_commitments": ["agreement_year"],
    "rare_earth_gdp_scenarios": ["publisher"],
}
# A table's free-text columns a reader sees (in a table, a list or a chart's tooltip): in another
# edition, each value through the table's own catalog, `data/<table>.po` (msgctxt the column, msgid
# the English value; `translate_value`), made and checked like booklib.po (`data_template`). A column
# with categories in the schema is not free text: its labels are booklib.po's.
FREE_TEXT = {
    "claims": ["claim", "evidence", "figure_ruled_out"],
    "events": ["actor", "event"],
    "entities": ["role"],
    "tariff_measures": ["legal_basis", "instrument"],
    "export_control_measures": ["target", "items", "instrument"],
    "diversification": ["actor", "action"],  # its amount is a number, shown with its unit's words (booklib.po)
    "mou_terms": ["value", "clause"],
    "japan_fdi_position_us": ["basis", "country_attribution", "verified"],
    "investment_pledges": ["vehicle"],
    "mou_projects": ["project", "sector", "company"],
    "headline_rates": ["basis"],
    "us_goods_trade": ["basis"],
    "japan_rare_earth_imports": ["note"],
    "rare_earth_gdp_scenarios": ["scenario"],
}
# Texts a chapter's code cuts out of a table's free text (module:function returning (context, text)
# pairs): messages of that table's catalog too.
TEXT_FUNCTIONS = {"claims": ["bookchapters.claims:search_record_texts"]}
# Names a chapter's code writes from a table's codes (module:function returning them): each a message.
NAME_FUNCTIONS = ["bookchapters.tariffs:hs_group_names", "bookchapters.claims:article_outlets"]


def _python_messages(source: str, where: str, cells: bool = False):
    import ast

    tree = ast.parse(source)
    for node in ast.walk(tree):
        if cells and isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            # A cell's table of words (a glossary's headings by kind): its values are messages.
            for text in _cell_words(node.value):
                yield text, f"{where}:{node.lineno}"
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
        first = node.args[0] if node.args else None
        literal = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        domain = next((k.value for k in node.keywords if k.arg == "domain"), None)
        if name in _CALLS and literal is not None:
            if domain is None or (isinstance(domain, ast.Constant) and domain.value == "booklib"):
                yield literal, f"{where}:{node.lineno}"
        if not cells:
            continue
        for keyword in node.keywords:
            if keyword.arg in _CELL_KEYWORDS and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
                yield keyword.value.value, f"{where}:{node.lineno}"
        if name == "markdown_list" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            yield node.args[1].value, f"{where}:{node.lineno}"  # a bullet's template
        if name in _CELL_SKIP:
            continue
        for argument in [*node.args, *(k.value for k in node.keywords if k.arg not in _CELL_SKIP_KEYWORDS)]:
            for text in _cell_words(argument):
                yield text, f"{where}:{node.lineno}"
        if name == "tooltips" and len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
            for title in node.args[1].values:
                if isinstance(title, ast.Tuple):
                    title = title.elts[0]
                if isinstance(title, ast.Constant) and isinstance(title.value, str):
                    yield title.value, f"{where}:{node.lineno}"


# In a chapter's cells, every literal of words given to a call is a message (a title, an axis's or a
# tooltip's words, a category): literals with a space or a capital, not code (column names,
# encodings, formats, expressions), and not those given to calls that take code or keys.
_CELL_SKIP = {"load", "query", "glue_facts", "glue_text", "require", "transform_filter", "transform_calculate", "condition",
              "expr", "sources_of", "figure_pages", "FieldEqualPredicate", "FieldOneOfPredicate", "set_index", "sort_values",
              "groupby", "latest_vintage", "pivot", "assign", "rename", "drop", "isin", "loc", "eq", "ne", "Markdown", "print",
              "FilterableTable", "markdown_list", "reader_table", "reader_values", "in_reader_words"}
_CELL_SKIP_KEYWORDS = {"name", "sources", "pdf_template", "anchor_column", "anchor_prefix", "cite_title_column", "facet_column",
                       "key_columns", "table", "figure_column", "color", "stroke", "fill", "align", "baseline", "interpolate",
                       "orient", "anchor", "labelAlign", "labelBaseline", "strokeCap", "shape", "font", "fontWeight"}


def _cell_words(node):
    import ast
    import re

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
        code = (any(mark in text for mark in ("datum", "==", "@", "#", ":N", ":Q", ":T", ":O", "\n")) or "_" in text.split(" ")[0]
                or re.search(r"%-?[a-zA-Z]", text) is not None)  # a d3 time format
        if text.strip() and not code and (" " in text.strip() or text[:1].isupper()) and any(c.isalpha() for c in text):
            yield text
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        for element in node.elts:
            yield from _cell_words(element)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _cell_words(value)


def _code_cells(path: Path) -> str:
    """The Python of a MyST notebook's code cells (their `:tags:` lines and magics left out)."""
    import re

    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)
    lines = [line for cell in cells for line in cell.splitlines() if not line.startswith((":", "%", "!"))]
    return "\n".join(lines)


def messages() -> dict[str, list[str]]:
    """Every booklib-domain message: {msgid: [where it is]} (code, chapters' cells, the schema)."""
    return dict(_messages())


@cache
def _messages() -> dict[str, list[str]]:
    import json

    found: dict[str, list[str]] = {}
    for folder in _CODE_DIRS:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            if "build" in path.relative_to(REPO_ROOT).parts[1:-1] or path.name == "i18n.py":
                continue  # the build's words are its own domain (build.po)
            where = str(path.relative_to(REPO_ROOT))
            for message, at in _python_messages(path.read_text(encoding="utf-8"), where):
                found.setdefault(message, []).append(at)
    for path in sorted([REPO_ROOT / "intro.md", *(REPO_ROOT / "chapters").rglob("*.md")]):
        where = str(path.relative_to(REPO_ROOT))
        for message, at in _python_messages(_code_cells(path), where, cells=True):
            found.setdefault(message, []).append(at)
    for table, columns in NAME_COLUMNS.items():
        rows = _data_rows(table)
        for column in columns:
            for value in sorted({row[column] for row in rows if any(c.isalpha() for c in row[column])}):
                found.setdefault(value, []).append(f"data/{table}.csv:{column}")
    for name in NAME_FUNCTIONS:
        for value in _named_function(name)():
            found.setdefault(value, []).append(name)
    package = json.loads((REPO_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            where = f"data/datapackage.json:{resource['name']}.{field['name']}"
            if field.get("title"):
                found.setdefault(field["title"], []).append(where)
            for category in field.get("categories", []):
                found.setdefault(category["label"], []).append(where)
    for view in package.get("views", []):
        for field in view["fields"]:
            if field.get("title"):
                found.setdefault(field["title"], []).append(f"data/datapackage.json:views.{view['name']}.{field['name']}")
    return {m: found[m] for m in sorted(found) if m.strip()}


def template():
    """The booklib-domain template as a Babel catalog."""
    from babel.messages.catalog import Catalog

    import datetime as dt

    catalog = Catalog(project="Japan between Washington and Beijing", domain="booklib", charset="utf-8", fuzzy=False,
                      # A fixed date: the template changes only when its messages do.
                      creation_date=dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc), revision_date=None,
                      header_comment=HEADER)
    for message, places in messages().items():
        catalog.add(message, locations=[(p.rsplit(":", 1)[0], None) for p in dict.fromkeys(places)])
    return _without_format_guesses(catalog)


def _without_format_guesses(catalog):
    """The catalog without Babel's `python-format` flags, guessed from a "%" ("Loss (% of GDP)"): the
    book's placeholders are {braces}, and the flag makes `msgfmt -c` refuse every translation."""
    for message in catalog:
        message.flags -= {"python-format", "no-python-format"}
    return catalog


def write_template(path: Path = TEMPLATE) -> int:
    from babel.messages.pofile import write_po

    _messages.cache_clear()  # read the code as it is now
    catalog = template()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    _template.cache_clear()
    return len(catalog)


def data_messages(table: str) -> list[tuple[str, str]]:
    """The messages of a table's catalog (`data/<table>.po`): (column, value) for each distinct
    value of its FREE_TEXT columns in data/<table>.csv, and the texts of its TEXT_FUNCTIONS."""
    rows = _data_rows(table)
    found = [(column, value) for column in FREE_TEXT[table] for value in sorted({row[column] for row in rows}) if value.strip()]
    for name in TEXT_FUNCTIONS.get(table, []):
        found += sorted(set(_named_function(name)()))
    return found


def _data_rows(table: str) -> list[dict[str, str]]:
    """data/<table>.csv as its text (no pandas: the build imports this module)."""
    import csv

    with (REPO_ROOT / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _named_function(name: str):
    """The function a "module:function" name of NAME_FUNCTIONS or TEXT_FUNCTIONS names."""
    import importlib

    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def data_template(table: str):
    """A table's catalog template (Babel), made from its data: `msgctxt` the column, `msgid` the value."""
    from babel.messages.catalog import Catalog

    import datetime as dt

    catalog = Catalog(project="Japan between Washington and Beijing (data)", domain=f"data/{table}", charset="utf-8",
                      fuzzy=False, creation_date=dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc), revision_date=None)
    for column, value in data_messages(table):
        catalog.add(value, context=column, locations=[(f"data/{table}.csv", None)])
    return _without_format_guesses(catalog)


def _template_messages(domain: str) -> list[tuple[str | None, str]]:
    if domain == "booklib":
        return [(None, message) for message in messages()]
    return data_messages(domain.removeprefix("data/"))


def domains() -> list[str]:
    """The catalogs of an edition: booklib, and one per table with free text (`data/<table>`)."""
    return ["booklib", *(f"data/{table}" for table in FREE_TEXT)]


# A web address in a text: ASCII up to a space, a comma or a semicolon (a Chinese or Japanese bracket or
# stop after it ends it too); a closing bracket or full stop that ends its sentence is not part of it.
WEB_ADDRESS = __import__("re").compile(r"https?://[^\s,;\u0080-\uffff]+")


def web_addresses(text: str) -> list[str]:
    """The web addresses of `text`, in order."""
    return [match.group(0).rstrip(").,;") for match in WEB_ADDRESS.finditer(text)]


def catalog_problems(language: str, domain: str = "booklib", path: Path | None = None) -> list[str]:
    """What the edition's catalog of `domain` (or the catalog at `path`) lacks of its template: each
    message missing, empty or fuzzy, and each translation that drops or adds a {placeholder} or a web
    address, named with the catalog (and, for a table's, the column); [] when complete."""
    import re

    path = path or catalog_path(language, domain)
    where = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
    if not path.exists():
        return [f"{where}: no such catalog"]
    with path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for context, message in _template_messages(domain):
        entry = catalog.get(message, context=context)
        named = f"{message!r}" + (f" (column {context})" if context else "")
        if entry is None:
            problems.append(f"{where}: no entry for {named}")
        elif not entry.string:
            problems.append(f"{where}: {named} is untranslated")
        elif entry.fuzzy:
            problems.append(f"{where}: {named} is fuzzy")
        elif set(re.findall(r"\{(\w*)\}", entry.string)) != set(re.findall(r"\{(\w*)\}", message)):
            problems.append(f"{where}: {named} is translated with other placeholders: {entry.string!r}")
        elif sorted(web_addresses(entry.string)) != sorted(web_addresses(message)):
            problems.append(f"{where}: {named} is translated with other web addresses: {entry.string!r}")
    return problems


def update_catalog(language: str, domain: str = "booklib") -> list[str]:
    """Bring the edition's catalog of `domain` in line with its template (made if missing): a new
    message added untranslated, one no longer used dropped, every translation kept (no fuzzy
    guesses). The messages it lacks."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = catalog_path(language, domain)
    if domain == "booklib":
        with TEMPLATE.open("rb") as handle:
            template_catalog = read_po(handle)
    else:
        template_catalog = data_template(domain.removeprefix("data/"))
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        catalog = Catalog(locale=language, domain=domain, project=template_catalog.project, charset="utf-8", fuzzy=False)
    catalog.update(template_catalog, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    _without_format_guesses(catalog)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_output=True)
    _catalog.cache_clear()
    return [m.id for m in catalog if m.id and not m.string]


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m booklib.i18n", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["extract", "update", "check"],
                        help="extract: write locales/booklib.pot; update: add its new messages, and the data's new free "
                             "text, to the zh and ja catalogs (untranslated) and drop unused ones; check: list what "
                             "the catalogs lack")
    args = parser.parse_args(argv)
    if args.command == "extract":
        count = write_template()
        print(f"{TEMPLATE.relative_to(REPO_ROOT)}: {count} messages")
        return 0
    if args.command == "update":
        for language in ("zh", "ja"):
            for domain in domains():
                lacking = update_catalog(language, domain)
                print(f"{catalog_path(language, domain).relative_to(REPO_ROOT)}: {len(lacking)} message(s) to translate")
        return 0
    problems = [p for language in ("zh", "ja") for domain in domains() for p in catalog_problems(language, domain)]
    print("\n".join(problems) or "booklib catalogs complete")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
