"""The house style and the one call that makes an Altair chart a book figure.

A book figure carries two renderings of the same Vega-Lite spec:
- `text/html`: a container holding the spec compiled to Vega now (by vl-convert), which
  the shared, offline Vega runtime (served once from the book's `_static`) draws in the
  browser when the chart nears the viewport, fitted to the column and to the light or
  dark theme (booklib/build/static/book-charts.js); its natural size is reserved, so the page
  does not jump; the full list of its sources sits behind a disclosure;
- `image/png`: a static image rendered now by vl-convert, for the PDF.
myst-nb picks one per builder (`nb_mime_priority_overrides` in _config.yml).
"""

from __future__ import annotations

import base64
import html
import json
import re
import struct
import urllib.parse

import altair as alt
import pandas as pd
import vl_convert as vlc

from booklib import formats as fmt
from booklib.data import building_page, load
from booklib.i18n import FONTS, N_, _, translate, translate_spec

# A fixed colour per economy, so a reader learns them once for the whole book.
ECONOMY_COLORS = {
    N_("Japan"): "#c8102e",
    N_("United States"): "#1f3a93",
    N_("China"): "#e69f00",
    N_("Korea"): "#009e73",
    N_("ASEAN"): "#8e6bb8",
    N_("EU"): "#0072b2",
    N_("United Kingdom"): "#56b4e9",
    N_("Other"): "#8c8c8c",
}
FONT = "Helvetica, Arial, sans-serif"
# The Vega-Lite version altair writes, which vl-convert compiles (and whose Vega runtime the book serves).
VL_VERSION = "v" + ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
# A caption names at most this many sources; the rest are behind the chart's disclosure.
CAPTION_SOURCES = 3
# ... whose citations (publisher and year) take at most about this many characters.
CAPTION_SOURCE_CHARS = 100
# Kinds of source in the order a caption names them (data/sources.csv `kind`).
SOURCE_KIND_ORDER = ("primary_official", "secondary_analysis", "secondary_news", "seed_article")
WIDTH = 500
HEIGHT = 300
PNG_SCALE = 2
# The Vega-Lite output JupyterLab 4 renders with its bundled Vega (no network).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"


def label_values(values: pd.Series, labels: dict) -> pd.Series:
    """The words a chart shows for each category of `values`; a category without words is an error, not a blank."""
    unlabelled = sorted(set(values.dropna()) - set(labels), key=str)
    if unlabelled:
        raise ValueError(f"{values.name or 'values'}: no label for {unlabelled}")
    return values.map(labels)


TOOLTIP_DATE_FORMAT = "%d %b %Y"
# For monthly data: tooltips(frame, {"month": ("End of", MONTH_FORMAT)}).
MONTH_FORMAT = "%b %Y"


def tooltips(data: pd.DataFrame, titles: dict[str, str | tuple[str, str]]) -> list[alt.Tooltip]:
    """Tooltips for the columns named in `titles` ({column: title} or {column: (title, format)}),
    in that order. The type follows the column (dates temporal, numbers quantitative, the rest
    nominal); numbers get one decimal and dates a day unless a format is given."""
    unknown = [c for c in titles if c not in data.columns]
    if unknown:
        raise ValueError(f"tooltips for columns the data does not have: {unknown}")
    shown = []
    for column, title in titles.items():
        title, fmt = title if isinstance(title, tuple) else (title, None)
        dtype = data[column].dtype
        if pd.api.types.is_datetime64_any_dtype(dtype):
            shown.append(alt.Tooltip(f"{column}:T", title=title, format=fmt or TOOLTIP_DATE_FORMAT))
        elif pd.api.types.is_integer_dtype(dtype) and fmt is None:
            shown.append(alt.Tooltip(f"{column}:O", title=title))
        elif pd.api.types.is_numeric_dtype(dtype):
            shown.append(alt.Tooltip(f"{column}:Q", title=title, format=fmt or ",.1f"))
        else:
            shown.append(alt.Tooltip(f"{column}:N", title=title))
    return shown


# Time axes: about one label per this many pixels of width, and Vega hides any label that would
# still touch its neighbour, so no two labels overlap at any width the page fits the chart to.
AXIS_LABEL_SPACING = 90
_TICKS = {"expr": f"max(2, floor(width / {AXIS_LABEL_SPACING}))"}


def date_x(field: str, fmt: str = "%b %Y", title: str | None = None) -> alt.X:
    """The house time axis: dates on x, month and year labels, no title; the number of labels
    follows the chart's width and overlapping labels are dropped (AXIS_LABEL_SPACING)."""
    return alt.X(f"{field}:T", title=title,
                 axis=alt.Axis(format=fmt, tickCount=_TICKS, labelOverlap="greedy", labelSeparation=6, labelFlush=True))


def year_x(field: str = "year", title: str | None = None, years=None) -> alt.X:
    """Years on x, evenly spaced: a year's distance from the next is always the same.

    Without `years`: a quantitative axis of whole years (no thousands separator, no half years).
    With `years` (the years the chart shows; for bars and grouped bars, which need a band axis):
    an ordinal axis holding every year from the first to the last, so a year without data keeps
    its place, empty, instead of the next year closing up."""
    axis = dict(labelOverlap="greedy", labelSeparation=6)
    if years is None:
        return alt.X(f"{field}:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1, tickCount=_TICKS, **axis),
                     scale=alt.Scale(zero=False, nice=False, padding=12))
    present = [int(y) for y in pd.Series(years).dropna()]
    every = list(range(min(present), max(present) + 1))
    return alt.X(f"{field}:O", title=title, scale=alt.Scale(domain=every), axis=alt.Axis(labelAngle=0, **axis))


def gap_rows(frame: pd.DataFrame, time: str, keys: list[str] | tuple = (), freq: str = "MS") -> pd.DataFrame:
    """House rule for time series with missing periods: a row with empty values for every period
    (of `freq`, month starts by default) missing between a series' first and last, so that a line
    breaks there instead of drawing a steady slide across months with no figure. A series is a
    value of `keys`; the empty rows keep the series' keys and leave every other column blank."""
    parts = []
    groups = frame.groupby(list(keys), sort=False, dropna=False) if keys else [((), frame)]
    for key, group in groups:
        stamps = pd.to_datetime(group[time])
        every = pd.date_range(stamps.min(), stamps.max(), freq=freq)
        missing = every.difference(stamps)
        filler = pd.DataFrame({time: missing}).astype({time: group[time].dtype})
        for name, value in zip(keys, key if isinstance(key, tuple) else (key,)):
            filler[name] = value
        parts += [group, filler]
    columns = list(frame.columns)
    out = pd.concat([p for p in parts if len(p)], ignore_index=True)[columns]
    return out.sort_values([*keys, time], kind="stable").reset_index(drop=True)


def lines_across_gaps(spec: dict, data: pd.DataFrame) -> list[str]:
    """The series of line marks on a monthly or yearly time axis (or whole years on a number axis,
    `year`) that join two periods with a missing period between them (the house rule `gap_rows` prevents): "<series> <from>–<to>"."""
    found = []
    for layer in _mark_layers(spec):
        mark = layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
        if isinstance(layer["mark"], dict) and layer["mark"].get("strokeDash"):
            continue  # a dashed line may bridge missing periods: the house sign of a line drawn across them
        encoding = layer.get("encoding", {})
        x, y = encoding.get("x", {}), encoding.get("y", {})
        if mark not in ("line", "trail", "area") or x.get("field") not in data or y.get("field") not in data:
            continue
        keys = [e["field"] for c in ("color", "detail", "strokeDash") for e in _as_list(encoding.get(c)) if e.get("field") in data]
        if x.get("type") == "quantitative" and x["field"] == "year":  # whole years on a number axis (year_x)
            stamps = pd.to_datetime(data["year"].astype("Int64").astype("string") + "-01-01", errors="coerce")
        elif x.get("type") == "temporal":
            stamps = pd.to_datetime(data[x["field"]])
        else:
            continue
        if not len(stamps.dropna()) or not (stamps.dropna().dt.day == 1).all():
            continue  # not periods of months or years: a step series of dates, daily data
        yearly = (stamps.dropna().dt.month == 1).all()
        step = pd.DateOffset(years=1) if yearly else pd.DateOffset(months=1)
        frame = data.assign(_t=stamps).sort_values([*keys, "_t"])
        for key, group in (frame.groupby(keys, sort=False) if keys else [("all", frame)]):
            rows = list(zip(group["_t"], group[y["field"]]))
            for (t0, v0), (t1, v1) in zip(rows, rows[1:]):
                if pd.notna(v0) and pd.notna(v1) and t1 > t0 + step:
                    name = " / ".join(map(str, key)) if isinstance(key, tuple) else key
                    found.append(f"{name} {t0:%Y-%m}–{t1:%Y-%m}")
    return found


def _as_list(value) -> list[dict]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)]


def economy_color(field: str, title: str | None = None, economies=None) -> alt.Color:
    """A colour encoding that maps economies to the house colours."""
    names = list(economies or ECONOMY_COLORS)
    unknown = [name for name in names if name not in ECONOMY_COLORS]
    if unknown:
        raise ValueError(f"no house colour for {unknown}; add them to ECONOMY_COLORS")
    return alt.Color(
        field,
        title=title,
        scale=alt.Scale(domain=names, range=[ECONOMY_COLORS[n] for n in names]),
    )


@alt.theme.register("book", enable=True)
def book_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": WIDTH, "continuousHeight": HEIGHT, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#555", "offset": 10},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6", "domainColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "range": {"category": list(ECONOMY_COLORS.values())},
            "line": {"strokeWidth": 2},
        }
    }


# The CJK editions' fonts (booklib.i18n.FONTS: Noto Sans CJK SC for zh, JP for ja), for the static
# PNG (and the PDF): vl-convert finds the system's fonts; their directory is registered as well, so
# that a renderer that does not look there still draws the glyphs, not empty boxes.
CJK_FONT_DIRECTORIES = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/opentype/noto-cjk"]
CJK_FONTS = set(FONTS.values())
_REGISTERED: list[str] = []


def register_cjk_fonts() -> list[str]:
    """Register the CJK font directories that exist with vl-convert (once); the directories registered."""
    import os

    if not _REGISTERED:
        for directory in CJK_FONT_DIRECTORIES:
            if os.path.isdir(directory):
                vlc.register_font_directory(directory)
                _REGISTERED.append(directory)
        _REGISTERED.append("")  # done, even when none exists
    return [d for d in _REGISTERED if d]


class BookFigure:
    """A chart ready to be glued: interactive HTML, static PNG, and its data."""

    def __init__(self, spec: dict, name: str, data: pd.DataFrame, sources: list[str], description: str, code: str = ""):
        self.spec = spec
        self.name = name
        self.data = data
        self.sources = sources
        self.description = description
        self.code = code  # the notebook cell that drew it, shown under the chart on request

    def html(self) -> str:
        csv_text = self.data.to_csv(index=False)
        href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
        vega = vlc.vegalite_to_vega(self.spec, vl_version=VL_VERSION)
        spec_json = json.dumps(vega, separators=(",", ":")).replace("</", "<\\/")
        label = html.escape(self.description, quote=True)
        width, height = self.size()
        ordered = order_sources(self.sources, self.data)
        return (
            f'<div class="book-chart" id="chart-{self.name}" data-sources="{" ".join(self.sources)}" '
            f'data-width="{width}" data-height="{height}">'
            f'<div class="book-chart-view" role="img" aria-label="{label}" style="min-height:{height}px"></div>'
            f'<script type="application/json" class="book-chart-spec">{spec_json}</script>'
            f'<p class="book-chart-links"><a download="{self.name}.csv" href="{href}">'
            f"{html.escape(_('Download the data of this chart (CSV, {rows} rows)', rows=len(self.data)), quote=False)}</a>"
            # Drawn by the browser from the chart as shown (book-charts.js), so only with scripts.
            f' <span class="book-chart-save pst-js-only">{html.escape(_("Save the chart as"), quote=False)} '
            '<button type="button" class="book-chart-save-button" data-book-save="png">PNG</button>'
            f' {html.escape(_("or"), quote=False)} '
            '<button type="button" class="book-chart-save-button" data-book-save="svg">SVG</button></span></p>'
            f"{sources_disclosure(ordered, self.name)}"
            f"{code_disclosure(self.code)}"
            "</div>"
        )

    def png(self) -> bytes:
        if getattr(self, "_png", None) is None:
            if self.spec.get("config", {}).get("font") in CJK_FONTS:
                register_cjk_fonts()
            self._png = vlc.vegalite_to_png(self.spec, scale=PNG_SCALE)
        return self._png

    def size(self) -> tuple[int, int]:
        """The chart's natural width and height in CSS pixels (those of its PNG, unscaled)."""
        width, height = struct.unpack(">II", self.png()[16:24])
        return round(width / PNG_SCALE), round(height / PNG_SCALE)

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"<book figure {self.name}: {self.description}>"
        if building_page() is None:
            # In Jupyter: its own Vega-Lite renderer draws the chart, interactive and offline.
            return {VEGALITE_MIME: self.spec, "image/png": base64.b64encode(self.png()).decode("ascii"), "text/plain": text}
        return {
            "text/html": self.html(),
            "image/png": base64.b64encode(self.png()).decode("ascii"),
            "text/plain": text,
        }


def code_disclosure(code: str) -> str:
    """A collapsed "Show the code" under a chart: the cell that drew it, in the theme's code box
    (plain, not highlighted: colouring every token would double its weight on the page)."""
    if not code.strip():
        return ""
    shown = html.escape(code.strip("\n"))
    return f'<details class="book-chart-code"><summary>{html.escape(_("Show the code"), quote=False)}</summary><div class="highlight"><pre>{shown}</pre></div></details>'


def current_cell() -> str:
    """The source of the notebook cell being run (IPython records it before running it); empty elsewhere."""
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    shell = get_ipython()
    history = shell.user_ns.get("_ih") if shell is not None else None
    return history[-1] if history else ""


def book_figure(
    chart: alt.TopLevelMixin,
    *,
    name: str,
    title: str,
    sources: list[str],
    description: str,
    subtitle: str | None = None,
    glue: bool = True,
) -> BookFigure:
    """Turn `chart` into a book figure and glue it under `name`.

    The chapter places it with a `glue:figure` directive whose `:name:` label
    makes it numbered and citable, and ends the caption with the source line
    glued as `{glue:md}`<name>-source:myst``, which cites the bibliography keys of
    `sources`. Raises ValueError when the chart lacks what every book chart must
    have: data, tooltips, only the columns it shows, and registered sources.
    """
    data = chart.data
    if not isinstance(data, pd.DataFrame) or data.empty:
        raise ValueError(f"figure {name!r}: the chart needs a non-empty DataFrame as its data")
    known = set(load("sources")["source_id"])
    unknown = [s for s in sources if s not in known]
    if not sources or unknown:
        raise ValueError(f"figure {name!r}: sources must be non-empty source_ids of sources.csv; unknown: {unknown}")
    titled = chart.properties(
        title=alt.Title(title, subtitle=subtitle) if subtitle else title,
        description=description,
    )
    spec = titled.to_dict()
    _check_tooltips(name, spec)
    _check_columns_used(name, spec, data)
    spec = translate_spec(spec)  # the edition's words and font (English: unchanged)
    description = spec.get("description", description)
    across = lines_across_gaps(spec, data)
    if across:
        raise ValueError(f"figure {name!r}: a line joins periods with missing ones between ({'; '.join(across)}): "
                         "add the missing periods as empty rows with booklib.charts.gap_rows, so the line breaks there")
    from booklib.data import use_sources

    use_sources(sources)  # the page's "Documents to" date counts them
    figure = BookFigure(spec, name, data, list(sources), description, code=current_cell())
    if glue and building_page() is not None:
        from IPython.display import Markdown
        from myst_nb import glue as myst_glue

        myst_glue(name, figure, display=False)
        myst_glue(f"{name}-source", Markdown(source_line(sources, data, name)), display=False)
    return figure


# Figures whose caption names only some of their sources: name -> every bibliography key, in the
# caption's order. The HTML lists them under each chart; the PDF at the end of the chapter
# (figure_sources_in_print), which the caption's {more-sources} role points to in each output.
_CAPTIONED_IN_PART: dict[str, list[str]] = {}


def source_line(sources: list[str], data: pd.DataFrame | None = None, name: str | None = None) -> str:
    """The caption's closing source line, citing the bibliography keys of `sources`.

    A long list is not pasted into the caption: it names the primary and most-used sources
    first (see `order_sources`), at most CAPTION_SOURCES of them, and says how many more
    there are, with the `{more-sources}` role (booklib.build.figure_sources), which says where
    all are listed: under the chart (HTML), at the end of the chapter (PDF: the figure `name`
    is listed there by `figure_sources_in_print`)."""
    registry = load("sources").set_index("source_id")
    ordered = order_sources(sources, data)
    keys = list(dict.fromkeys(registry.loc[s, "bib_key"] for s in ordered))
    if len(keys) <= CAPTION_SOURCES + 1:
        return _("*Source:* {cite}.", cite=f"{{cite:p}}`{','.join(keys)}`")
    # Long publisher names (the citation's author) leave room for fewer.
    names = dict(zip(registry["bib_key"], registry["publisher"].astype(str)))
    count, room = 0, CAPTION_SOURCE_CHARS
    while count < CAPTION_SOURCES and (count == 0 or len(names.get(keys[count], "")) + 8 <= room):
        room -= len(names.get(keys[count], "")) + 8
        count += 1
    shown, rest = keys[:count], len(keys) - count
    if name is not None:
        _CAPTIONED_IN_PART[name] = keys
    # The role says where all are listed, in the build's words (booklib.build.figure_sources).
    return _("*Source:* {cite} {more}.", cite=f"{{cite:p}}`{','.join(shown)}`", more=f"{{more-sources}}`{rest}`")


class FigureSourcesInPrint:
    """The page's figures whose captions name only some sources, each with all of them, for the PDF
    (a chapter's last cell): the HTML lists them under each chart, so its form is empty."""

    def __init__(self, names: list[str]):
        self.names = names

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not self.names:
            return {"text/html": "", "text/markdown": ""}
        lines = [f"```{{rubric}} {_('Sources of the figures')}", "```", "",
                 _("Each figure whose caption names only some of its sources, with all of them:"), ""]
        lines += [f"- {{numref}}`{name}`: {{cite:p}}`{','.join(_CAPTIONED_IN_PART[name])}`" for name in self.names]
        return {"text/html": "", "text/markdown": "\n".join(lines)}


def figure_sources_in_print() -> FigureSourcesInPrint:
    """Every figure made so far whose caption names only some of its sources (see source_line)."""
    return FigureSourcesInPrint(list(_CAPTIONED_IN_PART))


def order_sources(sources: list[str], data: pd.DataFrame | None = None) -> list[str]:
    """`sources` with the primary ones first (by kind, SOURCE_KIND_ORDER), and within a kind
    the most used first (rows of `data` citing each, when it has a `source_id` column), then
    in the order given."""
    registry = load("sources").set_index("source_id")
    uses: dict[str, int] = {}
    if data is not None and "source_id" in data.columns:
        from booklib.data import split_ids

        for cell in data["source_id"].dropna():
            for source in split_ids(cell):
                uses[source] = uses.get(source, 0) + 1
    rank = {kind: i for i, kind in enumerate(SOURCE_KIND_ORDER)}
    unique = list(dict.fromkeys(sources))
    return sorted(unique, key=lambda s: (rank.get(registry.loc[s, "kind"], len(rank)), -uses.get(s, 0), unique.index(s)))


def sources_disclosure(sources: list[str], name: str) -> str:
    """HTML: every source of a figure, behind a disclosure, each linked to its bibliography entry
    (which gives its title and address); the page offers the list as CSV (book-charts.js)."""
    from booklib.sources import bib_keys, bibliography_href, citation_labels

    labels = citation_labels()
    items = []
    for source in sources:
        # Labelled as the text cites it (the bibliography entry's own label), linked to the entry.
        key = bib_keys(source)[0]
        items.append(
            f'<li data-source-id="{html.escape(source, quote=True)}">'
            f'<a href="{bibliography_href(key)}">{html.escape(labels[key])}</a></li>'
        )
    summary = _("All {count} sources of this chart", count=len(sources)) if len(sources) > 1 else _("1 source of this chart")
    return (
        f'<details class="book-chart-sources"><summary>{html.escape(summary, quote=False)}</summary>'
        f'<ol>{"".join(items)}</ol>'
        f'<p><a class="book-chart-sources-csv" download="{name}-sources.csv" href="#">'
        f"{html.escape(_('Download this list (CSV)'), quote=False)}</a></p></details>"
    )


def _check_tooltips(name: str, spec: dict) -> None:
    layers = _mark_layers(spec)
    missing = [i for i, layer in enumerate(layers) if "tooltip" not in layer.get("encoding", {}) and not _mark_has_tooltip(layer)]
    if missing:
        raise ValueError(f"figure {name!r}: mark layer(s) {missing} have no tooltip encoding")


def _mark_has_tooltip(layer: dict) -> bool:
    mark = layer.get("mark")
    return isinstance(mark, dict) and bool(mark.get("tooltip"))


def _mark_layers(spec: dict) -> list[dict]:
    """Every view that draws marks, through layers and concatenations."""
    found = []
    if "mark" in spec:
        found.append(spec)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            found += _mark_layers(child)
    if "spec" in spec:
        found += _mark_layers(spec["spec"])
    return found


def _check_columns_used(name: str, spec: dict, data: pd.DataFrame) -> None:
    """Ship only the columns the chart uses: every column must be named in the spec."""
    without_data = {k: v for k, v in spec.items() if k not in ("datasets", "data")}
    text = json.dumps(without_data)
    unused = [c for c in data.columns if json.dumps(str(c)) not in text]
    if unused:
        raise ValueError(f"figure {name!r}: columns {unused} are not used by the chart; drop them before charting")


THEME_COLORS = {
    "tariffs": "#1f3a93",
    "investment": "#009e73",
    "export_controls": "#c8102e",
    "regional_trade": "#e69f00",
}


# Short forms of long actor names, for a lane's label (the tooltip keeps the full name).
ACTOR_SHORT = {
    "US Court of Appeals for the Federal Circuit": "US Federal Circuit",
    "US Court of International Trade": "US Court of Int'l Trade",
    "US Customs and Border Protection": "US Customs (CBP)",
    "Daiwa Institute of Research": "Daiwa Institute",
    "Hong Kong; Sri Lanka; Chile; Bangladesh": "RCEP applicants",
    "United States; Malaysia; Cambodia; Thailand": "US and 3 ASEAN states",
}
LANE_LABEL_LIMIT = 150
PANEL_WIDTH = 640
EVENT_LABEL_CHARS = 78
EVENT_LINE_CHARS = 46
KEY_EVENTS_MAX = 12


# Words a chart label may shorten (the tooltip keeps the event's full text); figures are never shortened.
SHORT_WORDS = {
    r"\bper ?cent\b": "%", r"(?<=\d) %": "%", r"\bUnited States\b": "US", r"\bProclamation\b": "Procl.",
    r"\bPresident\b": "Pres.", r"\bExecutive Order\b": "EO", r"\bDepartment\b": "Dept.", r"\bMinistry\b": "Min.",
    r"\bapproximately\b": "about", r"\bthe\s(?=\d)": "",
    # A figure and its unit stay together (a no-break space, which the label's wrapping keeps).
    r"(?<=\d) (?=(trillion|billion|million|bn|tonnes|days|years|months|yuan|yen|%)\b)": "\u00a0",
}
# Words that lead to a figure ("from 27.5% to"): a label is never cut just after one of them.
LEADING_WORDS = {"from", "to", "at", "by", "of", "and", "the", "a", "an", "in", "on", "for", "with", "than", "over", "under", "until"}


def short_event(text: str, limit: int = EVENT_LABEL_CHARS) -> str:
    """An event's text shortened for a label on the chart: its first clause; if still too long,
    shorter words (SHORT_WORDS), no parentheses and no preamble before a colon ("Commerce notice
    takes effect: "); only then cut at a word, never on a word that leads to a figure it would lack."""
    text = " ".join(str(text).split())
    for stop in ("; ", ": "):
        head = text.split(stop, 1)[0]
        if 24 <= len(head) < len(text):
            text = head
            break
    if len(text) <= limit:
        return text.rstrip(".")
    for pattern, short in SHORT_WORDS.items():
        text = re.sub(pattern, short, text)
    text = re.sub(r" \([^)]*\)", "", text)
    if len(text) > limit and ": " in text:
        rest = text.split(": ", 1)[1]
        if len(rest) >= 24 and re.search(r"\d", rest):
            text = rest[0].upper() + rest[1:]
    if len(text) <= limit:
        return text.rstrip(".")
    words = text[: limit - 1].split(" ")[:-1]
    # Never end on a word that leads to a figure the label then lacks ("fall from 27.5% to…").
    while words and words[-1].lower() in LEADING_WORDS:
        words.pop()
    return " ".join(words).rstrip(",;:") + "…"


def short_day(day) -> str:
    """A day on a chart label: 7 Nov 2025 (en), 2025年11月7日 (zh, ja)."""
    day = pd.Timestamp(day)
    return f"{day:%-d %b %Y}" if fmt.language().code == "en" else fmt.day(day)


def wrap_label(text: str, width: int = EVENT_LINE_CHARS) -> str:
    """`text` in at most two lines of about `width` characters (a chart label; Vega breaks at
    newlines): the lines widen a little rather than cut the text."""
    import textwrap

    for wider in range(width, width + 16):
        lines = textwrap.wrap(text, wider, break_on_hyphens=False)
        if len(lines) <= 2:
            return "\n".join(lines)
    return "\n".join([lines[0], textwrap.shorten(" ".join(lines[1:]), width + 15, placeholder="…")])


def key_event_ids(events: pd.DataFrame, since: pd.Timestamp, most: int = KEY_EVENTS_MAX) -> list[str]:
    """A default choice of events to label: all of them since `since` when few, else the first
    event of evenly spaced stretches of time (a page may pass its own `key_events`)."""
    recent = events[events["date"] >= since].sort_values("date")
    if len(recent) <= most:
        return list(recent["event_id"])
    # In each stretch, an event read from a primary official document first.
    kinds = load("sources").set_index("source_id")["kind"]
    from booklib.data import split_ids

    rank = {kind: i for i, kind in enumerate(SOURCE_KIND_ORDER)}
    recent = recent.assign(
        _rank=[min(rank.get(kinds.get(s), len(rank)) for s in split_ids(cell)) for cell in recent["source_id"]],
        _bin=pd.cut(recent["date"].astype("int64"), bins=most, labels=False),
    )
    return list(recent.sort_values(["_bin", "_rank", "date"]).groupby("_bin", sort=True)["event_id"].first())


def timeline_chart(
    events: pd.DataFrame,
    lane: str = "theme",
    *,
    key_events: list[str] | None = None,
    labels: dict[str, str] | None = None,
    since: str = "2025-01-01",
) -> alt.VConcatChart:
    """Events on a time axis, readable without hovering.

    Three panels on one x scale per period: the key events labelled, one row each, in date
    order (`key_events`: event_ids; by default evenly spread, see `key_event_ids`; `labels`:
    short labels by event_id, else the event's first clause); every event of the main
    period (from `since`) as dots in one lane per value of `lane`; and the earlier context
    apart, in a narrow strip, so 2025–26 are not squeezed into a sliver of a long axis.
    Long actor names get a short form on the lanes (ACTOR_SHORT); tooltips keep the full text."""
    start = pd.Timestamp(since)
    frame = events[list(dict.fromkeys(["event_id", "date", lane, "actor", "event", "source_id"]))].copy()
    english = fmt.language().code == "en"
    lane_codes = frame[lane].copy()  # the data's own values: the house colours are keyed on them
    if not english:  # the events' own words, from their catalog (data/events.po)
        from booklib.prose import free_text

        for column in ("actor", "event"):
            frame[column] = free_text("events", column, frame[column])
    keys = set(key_events if key_events is not None else key_event_ids(frame, start))
    unknown = keys - set(frame["event_id"])
    if unknown:
        raise ValueError(f"key_events not among the events: {sorted(unknown)}")
    labels = labels or {}
    from booklib.prose import category_labels
    from booklib.sources import label_text

    # A reader sees the schema's words for the themes and each source as the text cites it.
    themes = category_labels("events", "theme")
    if lane == "theme":
        frame["theme"] = label_values(frame["theme"], themes)
    # Tooltips cite the sources; the chart's CSV keeps their ids (drawn as each dot's `detail`).
    frame["sources"] = frame["source_id"].map(label_text)
    frame["lane_label"] = frame[lane].map(lambda v: ACTOR_SHORT.get(v, v) if lane == "actor" and english else str(v))
    frame["label"] = [
        wrap_label(_("{day}: {event}", day=short_day(d), event=labels.get(i) or short_event(e))) if i in keys else ""
        for i, d, e in zip(frame["event_id"], frame["date"], frame["event"])
    ]
    frame["period"] = ["main" if d >= start else "context" for d in frame["date"]]
    frame = frame.drop(columns="event_id")
    lanes = list(dict.fromkeys(frame.sort_values("date")["lane_label"]))
    if lane == "theme":
        color = alt.Color(f"{lane}:N", title=_("Theme"), scale=alt.Scale(domain=[themes[t] for t in THEME_COLORS], range=list(THEME_COLORS.values())))
    else:
        full = dict(zip(frame["lane_label"], lane_codes))
        others = iter(["#56b4e9", "#8e6bb8", "#009e73", "#e69f00", "#8c8c8c", "#0072b2", "#cc79a7", "#666666"] * 4)
        color = alt.Color("lane_label:N", title=None, legend=None,
                          scale=alt.Scale(domain=lanes, range=[ECONOMY_COLORS.get(full[l]) or next(others) for l in lanes]))
    tooltip = [
        alt.Tooltip("date:T", title=_("Date"), format="%d %b %Y"),
        alt.Tooltip("actor:N", title=_("Actor")),
        alt.Tooltip("event:N", title=_("Event")),
        alt.Tooltip("sources:N", title=_("Sources")),
    ]
    last = frame["date"].max()
    main_x = alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y", tickCount=6, labelOverlap=True),
                   scale=alt.Scale(domain=[start.isoformat(), (last + pd.Timedelta(days=10)).isoformat()]))
    # Lane names sit inside the plot, above their lane, so every panel has the column's full width.
    lane_y = alt.Y("lane_label:N", title=None, sort=lanes, scale=alt.Scale(paddingOuter=0.6),
                   axis=alt.Axis(labelLimit=LANE_LABEL_LIMIT, labelAlign="left", labelBaseline="bottom", labelPadding=0,
                                 labelOffset=-5, ticks=False, domain=False, labelFontSize=10, labelColor="#555"))
    main = alt.FieldEqualPredicate(field="period", equal="main")
    key_rows = frame[(frame["label"] != "") & (frame["period"] == "main")]
    panels = []
    if len(key_rows):
        order = list(key_rows.sort_values("date")["label"])
        rows = alt.Y("label:N", title=None, sort=order, axis=None, scale=alt.Scale(paddingOuter=0.2, align=0))
        keyed = alt.Chart().transform_filter(main).transform_filter(alt.FieldOneOfPredicate(field="label", oneOf=order))
        panels.append(
            alt.layer(
                keyed.mark_rule(color="#d0d0d0", strokeWidth=1).encode(y=rows, tooltip=tooltip),
                keyed.mark_text(align="left", baseline="top", dy=6, lineBreak="\n", fontSize=11, lineHeight=12, color="#222")
                .encode(x=alt.value(0), y=rows, text="label:N", tooltip=tooltip),
                keyed.mark_circle(size=60, opacity=0.95).encode(x=main_x, y=rows, color=color, tooltip=tooltip),
            ).properties(title=alt.Title(_("Key events"), fontSize=12, anchor="start"), height=alt.Step(34), width=PANEL_WIDTH)
        )
    panels.append(
        alt.Chart()
        .transform_filter(main)
        .mark_circle(size=60, opacity=0.8)
        .encode(x=main_x, y=lane_y, color=color, detail="source_id:N", tooltip=tooltip)
        .properties(title=alt.Title(_("Every event since {month}", month=fmt.month(start)), fontSize=12, anchor="start"),
                    height=alt.Step(24), width=PANEL_WIDTH)
    )
    if (frame["period"] == "context").any():
        panels.append(
            alt.Chart()
            .transform_filter(alt.FieldEqualPredicate(field="period", equal="context"))
            .mark_circle(size=40, opacity=0.8)
            .encode(x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", labelOverlap=True)), y=lane_y, color=color, tooltip=tooltip)
            .properties(title=alt.Title(_("Earlier context, before {year}", year=f"{start:%Y}"), fontSize=12, anchor="start"),
                        height=alt.Step(20), width=PANEL_WIDTH)
        )
    return alt.vconcat(*panels, data=frame).resolve_scale(x="independent")


def annual_runs(frame: pd.DataFrame, keys: list[str], year: str = "year", min_length: int = 3) -> pd.DataFrame:
    """Label each unbroken run of consecutive years within `keys`, so a chart joins only those.

    Adds `run` (a label per run, for a line's `detail`) and `annual` (True where the run has at
    least `min_length` years); figures for scattered years are left as points, not joined across gaps.
    """
    frame = frame.sort_values(year)
    # fillna: a nullable integer column gives <NA>, not NaN, for the first difference of each group.
    run_number = frame.groupby(keys)[year].transform(lambda y: y.diff().fillna(0).ne(1).cumsum())
    run = frame[keys].astype(str).agg(" / ".join, axis=1) + " / " + run_number.astype(str)
    annual = run.map(run.value_counts()) >= min_length
    return frame.assign(run=run, annual=annual.astype(bool))
