"""The house style and the one call that makes an Altair chart a book figure.

A book figure carries two renderings of the same Vega-Lite spec:
- `text/html`: a container whose JSON spec the shared, offline Vega bundle
  (served once from the book's `_static`) draws in the browser;
- `image/png`: a static image rendered now by vl-convert, for the PDF.
myst-nb picks one per builder (`nb_mime_priority_overrides` in _config.yml).
"""

from __future__ import annotations

import base64
import html
import json
import urllib.parse

import altair as alt
import pandas as pd
import vl_convert as vlc

from booklib.data import building_page, load

# A fixed colour per economy, so a reader learns them once for the whole book.
ECONOMY_COLORS = {
    "Japan": "#c8102e",
    "United States": "#1f3a93",
    "China": "#e69f00",
    "Korea": "#009e73",
    "ASEAN": "#8e6bb8",
    "EU": "#0072b2",
    "United Kingdom": "#56b4e9",
    "Other": "#8c8c8c",
}
FONT = "Helvetica, Arial, sans-serif"
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


def date_x(field: str, fmt: str = "%b %Y", title: str | None = None) -> alt.X:
    """The house time axis: dates on x, month and year labels, no title."""
    return alt.X(f"{field}:T", title=title, axis=alt.Axis(format=fmt))


def year_x(field: str = "year", title: str | None = None) -> alt.X:
    """Years on x as whole numbers (no thousands separator, no half years)."""
    return alt.X(f"{field}:Q", title=title, axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False))


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


class BookFigure:
    """A chart ready to be glued: interactive HTML, static PNG, and its data."""

    def __init__(self, spec: dict, name: str, data: pd.DataFrame, sources: list[str], description: str):
        self.spec = spec
        self.name = name
        self.data = data
        self.sources = sources
        self.description = description

    def html(self) -> str:
        csv_text = self.data.to_csv(index=False)
        href = "data:text/csv;charset=utf-8," + urllib.parse.quote(csv_text)
        spec_json = json.dumps(self.spec, separators=(",", ":")).replace("</", "<\\/")
        label = html.escape(self.description, quote=True)
        return (
            f'<div class="book-chart" id="chart-{self.name}" data-sources="{" ".join(self.sources)}">'
            f'<div class="book-chart-view" role="img" aria-label="{label}"></div>'
            f'<script type="application/json" class="book-chart-spec">{spec_json}</script>'
            f'<p class="book-chart-links"><a download="{self.name}.csv" href="{href}">'
            f"Download the data of this chart (CSV, {len(self.data)} rows)</a></p>"
            "</div>"
        )

    def png(self) -> bytes:
        return vlc.vegalite_to_png(self.spec, scale=PNG_SCALE)

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
    figure = BookFigure(spec, name, data, list(sources), description)
    if glue and building_page() is not None:
        from IPython.display import Markdown
        from myst_nb import glue as myst_glue

        myst_glue(name, figure, display=False)
        myst_glue(f"{name}-source", Markdown(source_line(sources)), display=False)
    return figure


def source_line(sources: list[str]) -> str:
    """The caption's closing source line, citing the bibliography keys of `sources`."""
    registry = load("sources").set_index("source_id")
    keys = ",".join(dict.fromkeys(registry.loc[s, "bib_key"] for s in sources))
    return f"*Source:* {{cite:p}}`{keys}`."


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


def timeline_chart(events: pd.DataFrame, lane: str = "theme") -> alt.Chart:
    """Events as dots on a time axis, one lane per value of `lane`, source in the tooltip."""
    columns = ["date", lane, "actor", "event", "source_id"]
    frame = events[list(dict.fromkeys(columns))]
    color = (
        alt.Color("theme:N", title="Theme", scale=alt.Scale(domain=list(THEME_COLORS), range=list(THEME_COLORS.values())))
        if lane == "theme"
        else alt.Color(f"{lane}:N", title=lane.replace("_", " ").capitalize())
    )
    return (
        alt.Chart(frame)
        .mark_circle(size=90, opacity=0.85)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b %Y")),
            y=alt.Y(f"{lane}:N", title=None),
            color=color,
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("source_id:N", title="Source"),
            ],
        )
        .properties(height=max(60 * frame[lane].nunique(), 120))
    )


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
