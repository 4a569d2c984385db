"""What a reader meets, checked without a browser: compact captions, timelines readable without
hovering, and no live-kernel leftovers in the built pages."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

from conftest import html_pages

from booklib import charts

CAPTION_LIMIT = 900  # visible characters


@pytest.fixture
def many_sources(fixture_data, monkeypatch):
    """The fixture registry with six more sources: three news reports, two analyses, one primary."""
    path = fixture_data / "sources.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    template = next(r for r in rows if r["source_id"] == "test_primary")
    kinds = ["secondary_news", "secondary_news", "secondary_analysis", "secondary_news", "primary_official", "secondary_analysis"]
    for i, kind in enumerate(kinds):
        rows.append({**template, "source_id": f"extra_{i}", "bib_key": f"extra_{i}", "kind": kind, "title": f"Extra {i}",
                     "url": f"https://example.org/extra-{i}"})
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(fixture_data))
    return [f"extra_{i}" for i in range(len(kinds))] + ["test_seed", "test_primary"]


def test_a_long_source_line_names_the_primary_and_most_used_first_and_counts_the_rest(many_sources):
    data = pd.DataFrame({"source_id": ["extra_3", "extra_3; extra_0", "extra_3", "test_primary"]})
    line = charts.source_line(many_sources, data, "fig-x")
    assert line == "*Source:* {cite:p}`test_primary,extra_4,extra_2` {more-sources}`5`."
    # Without use counts, the order given decides within a kind.
    assert charts.order_sources(many_sources)[:4] == ["extra_4", "test_primary", "extra_2", "extra_5"]


def test_the_print_lists_every_source_of_a_figure_whose_caption_names_only_some(many_sources):
    """The caption's {more-sources} role points each output to its list: the HTML's under the chart
    (so the PDF's form of the list is empty there), the PDF's at the end of the chapter."""
    charts.source_line(many_sources, None, "fig-long")
    charts.source_line(many_sources[:2], None, "fig-short")
    bundle = charts.figure_sources_in_print()._repr_mimebundle_()
    assert bundle["text/html"] == ""
    listed = bundle["text/markdown"]
    assert "- {numref}`fig-long`: {cite:p}`" + ",".join(charts.order_sources(many_sources)) + "`" in listed
    assert "fig-short" not in listed


def test_a_short_source_line_cites_every_source(many_sources):
    assert charts.source_line(many_sources[:4]) == "*Source:* {cite:p}`extra_2,extra_0,extra_1,extra_3`."


def test_the_sources_disclosure_lists_every_source_linked_to_the_bibliography(many_sources, monkeypatch):
    monkeypatch.setenv("BOOKLIB_PAGE", "chapters/tariffs")
    html = charts.sources_disclosure(many_sources, "fig-x")
    assert html.startswith('<details class="book-chart-sources"><summary>All 8 sources of this chart</summary>')
    assert re.findall(r'data-source-id="([^"]+)"', html) == many_sources
    assert 'href="appendix/bibliography.html#cite-extra-0"' in html
    assert 'download="fig-x-sources.csv"' in html


@pytest.fixture
def events():
    rows = [
        ("a1", "2006-05-01", "United States", "An old agreement was signed."),
        ("a2", "2025-04-02", "US Court of Appeals for the Federal Circuit", "The court ruled on the tariffs; the order stands."),
        ("a3", "2025-09-04", "Japan", "Japan and the United States signed the memorandum on strategic investment in Washington."),
        ("a4", "2026-02-20", "United States", "The Supreme Court ruled that IEEPA does not authorise tariffs."),
    ]
    frame = pd.DataFrame(rows, columns=["event_id", "date", "actor", "event"])
    return frame.assign(date=pd.to_datetime(frame["date"]), theme="tariffs", source_id="whitehouse_eo14345")


def layers(spec):
    found = [spec]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            found += layers(child)
    return found


def test_a_timeline_labels_its_key_events_and_keeps_the_earlier_context_apart(events):
    spec = charts.timeline_chart(events, lane="actor", key_events=["a2", "a4"]).to_dict()
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    labelled = [r["label"] for r in rows if r["label"]]
    assert labelled == ["2 Apr 2025: The court ruled on the tariffs", "20 Feb 2026: The Supreme Court ruled that\nIEEPA does not authorise tariffs"]
    texts = [l for l in layers(spec) if (l.get("mark") or {}).get("type") == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "label", "key events are written on the chart"
    titles = [p["title"]["text"] for p in spec["vconcat"]]
    assert titles == ["Key events", "Every event since January 2025", "Earlier context, before 2025"]
    # The main period's axis starts in 2025, not in 2006.
    assert spec["vconcat"][1]["encoding"]["x"]["scale"]["domain"][0].startswith("2025-01-01")
    assert {r["lane_label"] for r in rows} == {"United States", "US Federal Circuit", "Japan"}
    # Tooltips cite each source as the text does, not by its source_id.
    assert {r["sources"] for r in rows} == {"The White House, 2025l"} and {r["source_id"] for r in rows} == {"whitehouse_eo14345"}


def test_a_timeline_refuses_unknown_key_events(events):
    with pytest.raises(ValueError, match="key_events not among the events"):
        charts.timeline_chart(events, key_events=["nope"])


def test_short_event_labels_stop_at_a_clause_or_a_word():
    assert charts.short_event("The court ruled on the tariffs; the order stands.") == "The court ruled on the tariffs"
    long = "Japan and the United States signed the memorandum on strategic investment in Washington after months of talks."
    # Words are shortened (United States: US) before anything is cut, and a cut never ends on "in".
    assert charts.short_event(long) == "Japan and the US signed the memorandum on strategic investment in Washington…"


CLOSED_CITE = re.compile(r'(<details class="book-cite"[^>]*>\s*<summary[^>]*>.*?</summary>).*?</details>', re.S)


def visible(html: str) -> str:
    """The text a reader sees: tags dropped, and of a closed cite control only its summary."""
    shown = CLOSED_CITE.sub(r"\1", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", shown)).strip()


def built_pages(built_html):
    return [p for p in html_pages(built_html) if "_static" not in p.parts]


def test_no_caption_is_longer_than_the_limit(built_html):
    long = []
    for page in built_pages(built_html):
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", page.read_text(encoding="utf-8"), re.S):
            text = visible(caption)
            if len(text) > CAPTION_LIMIT:
                long.append(f"{page.name}: {len(text)} characters: {text[:80]}…")
    assert not long, "\n".join(long)


def test_no_page_carries_thebe_or_binder(built_html):
    carrying = [
        f"{page.relative_to(built_html)}: {word}"
        for page in built_pages(built_html)
        for word in sorted(set(re.findall(r"thebe|binder", page.read_text(encoding="utf-8"), re.I)))
    ]
    assert not carrying, carrying


def test_no_caption_tells_the_reader_to_hover(built_html):
    """The PDF has no pointer: a caption must say what the chart shows, not where to hover."""
    hovering = [
        f"{page.name}: {visible(caption)[:100]}…"
        for page in built_pages(built_html)
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", page.read_text(encoding="utf-8"), re.S)
        if re.search(r"\bhover|\btooltip", visible(caption), re.I)
    ]
    assert not hovering, "\n".join(hovering)


def test_the_bibliography_is_formatted_again_only_when_its_inputs_change(monkeypatch):
    """sphinxcontrib-bibtex formats every entry at every build; the book keeps the formatted
    entries from the pickled environment while their inputs' stamp is unchanged."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    from booklib.build import sphinx_ext

    formatted = []

    def format_everything(self):
        formatted.append(1)
        self.data["citations"] = ["an entry"]
        return []

    monkeypatch.setattr(BibtexDomain, "env_updated", format_everything)
    sphinx_ext._reuse_formatted_bibliography()
    stamp = {"now": "inputs 1"}
    monkeypatch.setattr(sphinx_ext, "bibliography_stamp", lambda domain: stamp["now"])

    class Domain:
        def __init__(self):
            self.data = {"citations": []}

        @property
        def citations(self):
            return self.data["citations"]

    domain = Domain()
    BibtexDomain.env_updated(domain)
    BibtexDomain.env_updated(domain)
    assert len(formatted) == 1, "unchanged inputs: the formatted entries are kept"
    stamp["now"] = "inputs 2"
    BibtexDomain.env_updated(domain)
    assert len(formatted) == 2, "changed inputs: formatted again"
