"""Scenario explorers: a book figure whose reader chooses among scenarios a Python model computed.

The model stays the one source of truth. The chapter computes a grid of scenarios in Python
(one row per combination of the controls' values and per point drawn), and the chart only
picks rows of that grid: each control is a Vega-Lite parameter bound to an input (a menu or a
slider), and the marks filter the grid on the parameters. Nothing of the model runs in the
browser. Rows with no value in a control's column (a published series drawn for comparison)
are drawn whatever that control says.

`Explorer` checks, before anything is drawn, that the grid covers every value each control
offers (every combination of them) and that its default view equals the figure the text cites;
either failure is a ValueError naming the chart and the value. `explorer_figure` then makes the
chart a book figure (`booklib.charts.book_figure`, with its checks) whose HTML carries the inputs
in a labelled group outside the chart's image, and the explorer's style (`static/book-explorer.css`).
The PNG of the PDF is the default view; the inputs do not print.
"""

from __future__ import annotations

import html
import itertools
import math
import numbers
from dataclasses import dataclass

import altair as alt
import pandas as pd

from booklib.charts import BookFigure, book_figure
from booklib.data import building_page
from booklib.i18n import N_, _

KINDS = {"select", "range"}
RESET = N_("Reset to the book's scenario")


@dataclass(frozen=True)
class Control:
    """One input: `column` of the grid it filters, the `label` a reader sees, its `kind`
    ("select": a menu of `options`, shown as `labels`; "range": a slider over `options` =
    (min, max, step))."""

    column: str
    label: str
    kind: str
    options: tuple
    labels: tuple = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"control {self.column!r}: kind {self.kind!r} is not one of {sorted(KINDS)}")
        if not self.label.strip():
            raise ValueError(f"control {self.column!r} needs a label")
        if self.kind == "select" and (not self.options or (self.labels and len(self.labels) != len(self.options))):
            raise ValueError(f"control {self.column!r}: a menu needs options and one label per option")
        if self.kind == "range" and (len(self.options) != 3 or self.options[2] <= 0 or self.options[0] >= self.options[1]):
            raise ValueError(f"control {self.column!r}: a slider needs (min, max, step) with min < max and step > 0")

    @property
    def param_name(self) -> str:
        return f"choose_{self.column}"

    def values(self) -> list:
        """Every value the input can take."""
        if self.kind == "select":
            return list(self.options)
        low, high, step = self.options
        count = round((high - low) / step)
        if not math.isclose(low + count * step, high):
            raise ValueError(f"control {self.column!r}: the slider's steps of {step} do not reach {high} from {low}")
        return [_plain(low + i * step) for i in range(count + 1)]

    def param(self, value, element: str) -> alt.Parameter:
        """The parameter, its input placed in the page element `element` (a CSS selector)."""
        if self.kind == "select":
            labels = list(self.labels or map(str, self.options))
            binding = alt.binding_select(options=list(self.options), labels=labels, name=self.label, element=element)
        else:
            low, high, step = self.options
            binding = alt.binding_range(min=low, max=high, step=step, name=self.label, element=element)
        return alt.param(name=self.param_name, value=value, bind=binding)


def _plain(value):
    """A whole number as an int, so that 6.0 and 6 name the same scenario."""
    return int(value) if float(value).is_integer() else float(value)


class Explorer:
    """The controls of one figure over its scenario grid, checked."""

    def __init__(self, name: str, grid: pd.DataFrame, controls: list[Control], default: dict):
        self.name, self.grid, self.controls, self.default = name, grid, list(controls), dict(default)
        missing = [c.column for c in self.controls if c.column not in grid.columns]
        if missing:
            raise ValueError(f"figure {name!r}: the grid has no column for the control(s) {missing}")
        if set(self.default) != {c.column for c in self.controls}:
            raise ValueError(f"figure {name!r}: the default must give one value per control, not {sorted(self.default)}")
        for control in self.controls:
            if self.default[control.column] not in control.values():
                raise ValueError(f"figure {name!r}: the default {control.column}={self.default[control.column]!r} "
                                 f"is not a value the control {control.label!r} offers")
        self._check_coverage()
        self._params = {c.column: c.param(self.default[c.column], f"#{self.controls_id}") for c in self.controls}

    def _check_coverage(self) -> None:
        """Every combination of the controls' values draws, for each control, rows of its own
        (rows with a value in that control's column): a series that only some controls change
        (a level line of a cost, say) leaves the other columns empty and is drawn whatever they say."""
        columns = [c.column for c in self.controls]
        for combination in itertools.product(*(c.values() for c in self.controls)):
            drawn = self.rows(dict(zip(columns, combination)))
            if not all(drawn[col].notna().any() for col in columns):
                setting = ", ".join(f"{col}={val!r}" for col, val in zip(columns, combination))
                raise ValueError(f"figure {self.name!r}: the grid does not cover {setting}, which the controls offer")

    def chosen(self, *columns: str) -> alt.LogicalAndPredicate:
        """The filter that keeps the rows of the chosen scenario (on `columns`, default every
        control); rows without a value in a control's column always pass it."""
        names = columns or [c.column for c in self.controls]
        by_column = {c.column: c for c in self.controls}
        return alt.LogicalAndPredicate(**{"and": [
            alt.LogicalOrPredicate(**{"or": [
                f"!isValid(datum[{column!r}])",
                alt.FieldEqualPredicate(field=column, equal=alt.ExprRef(by_column[column].param_name)),
            ]})
            for column in names
        ]})

    def control(self, column: str) -> Control:
        return next(c for c in self.controls if c.column == column)

    def rows(self, setting: dict | None = None, on: list[str] | None = None) -> pd.DataFrame:
        """The grid's rows a setting of the controls (default: the default setting) draws, as
        `chosen(*on)` filters them in the browser (`on`: default, every control)."""
        setting = {**self.default, **(setting or {})}
        keep = pd.Series(True, index=self.grid.index)
        for column, value in setting.items():
            if on is not None and column not in on:
                continue
            keep &= self.grid[column].isna() | (self.grid[column].map(_plain_or_same) == value)
        return self.grid[keep]

    def check_default(self, reference: pd.DataFrame, on: list[str], values: list[str], tolerance: float = 1e-9,
                      drawn: pd.DataFrame | None = None) -> None:
        """The default view draws exactly `reference` (the figure the text cites, from the
        model): the same keys `on`, and `values` equal within `tolerance`. `drawn`: the rows the
        default view draws, when a mark filters the grid further than `rows()` (default: `rows()`)."""
        drawn = (self.rows() if drawn is None else drawn).set_index(on)[values].sort_index()
        cited = reference.set_index(on)[values].sort_index()
        if list(drawn.index) != list(cited.index):
            extra = sorted(set(drawn.index) ^ set(cited.index), key=str)[:3]
            raise ValueError(f"figure {self.name!r}: the default view ({self._setting()}) does not draw the points of "
                             f"the glued figure; differing at {extra}")
        for column in values:
            for key, a, b in zip(drawn.index, drawn[column], cited[column]):
                same = (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and abs(float(a) - float(b)) <= tolerance)
                if not same:
                    raise ValueError(f"figure {self.name!r}: the default view ({self._setting()}) draws {column}={a!r} "
                                     f"at {key!r} where the glued figure has {b!r}")

    def domain(self, column: str) -> list[float]:
        """An axis range that holds every scenario's values, so that the axis stays put while
        the reader changes the scenario (from zero unless values go below it)."""
        values = self.grid[column].astype(float)
        return [min(0.0, math.floor(values.min())), float(math.ceil(values.max()))]

    def extent(self, column: str) -> list:
        """The first and last value of `column` over every scenario (dates as ISO text), for an
        axis that holds every scenario and so stays put while the reader changes the settings."""
        values = self.grid[column].dropna()
        if pd.api.types.is_datetime64_any_dtype(values):
            return [values.min().isoformat(), values.max().isoformat()]
        return [float(values.min()), float(values.max())]

    def _setting(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.default.items())

    def chart(self, chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
        """`chart` (drawn from the grid, its marks filtered with `chosen`) with the controls' parameters."""
        return chart.add_params(*self._params.values())

    def controls_html(self) -> str:
        # Vega puts the inputs in when it draws the chart, near the viewport: their height is
        # reserved now (book-explorer.css, per control), so that the page does not jump then.
        # The chosen setting lives in the page's address (#<figure>?<column>=<value>&...), so that a
        # link reopens it; the actions (book-charts.js) need scripts, as the inputs do.
        aria = html.escape(_("Scenario controls: {labels}", labels="; ".join(c.label for c in self.controls)), quote=True)
        return (f'<div class="book-explorer-controls" id="{self.controls_id}" role="group" '
                f'aria-label="{aria}" style="--book-controls: {len(self.controls)}"></div>'
                f'<div class="book-explorer-actions pst-js-only">'
                f'<button type="button" class="book-explorer-reset">{html.escape(_(RESET), quote=False)}</button>'
                f'<a class="book-explorer-link" href="#{self.name}">{html.escape(_("Link to this scenario"), quote=False)}</a>'
                f'<span class="book-explorer-status" role="status"></span></div>')

    @property
    def controls_id(self) -> str:
        return f"controls-{self.name}"


def _plain_or_same(value):
    """A number as `_plain` writes it (so that 6.0 in a grid column with gaps matches 6); anything else as it is."""
    return _plain(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) and not pd.isna(value) else value


class ExplorerFigure(BookFigure):
    """A book figure whose inputs sit in a labelled group above the chart (outside its
    role="img" view, so that they are reachable), with the explorer's style."""

    def __init__(self, figure: BookFigure, explorer: Explorer):
        super().__init__(figure.spec, figure.name, figure.data, figure.sources, figure.description, code=figure.code)
        self.explorer = explorer

    def html(self) -> str:
        # The style is book-explorer.css, which the book's Sphinx extension links on every page.
        return f'<div class="book-explorer">{self.explorer.controls_html()}{super().html()}</div>'



def explorer_figure(chart: alt.TopLevelMixin, explorer: Explorer, *, name: str, glue: bool = True, **figure) -> ExplorerFigure:
    """`book_figure` for an explorer: the inputs go to the figure's own group of controls, and
    the figure is glued under `name` with its source line, as `book_figure` glues."""
    if name != explorer.name:
        raise ValueError(f"figure {name!r}: the explorer was checked as {explorer.name!r}")
    made = ExplorerFigure(book_figure(explorer.chart(chart), name=name, glue=False, **figure), explorer)
    if glue and building_page() is not None:
        from IPython.display import Markdown
        from myst_nb import glue as myst_glue

        from booklib.charts import source_line

        myst_glue(name, made, display=False)
        myst_glue(f"{name}-source", Markdown(source_line(made.sources, name=name)), display=False)
    return made
