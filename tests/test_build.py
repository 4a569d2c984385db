"""The built HTML book: every page, every figure numbered, captioned and sourced, nothing loaded from outside."""

from __future__ import annotations

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

from booklib import load

from conftest import REPO, toc_pages, html_pages


class PageParser(HTMLParser):
    """Collects external resource references and the book figures of a page."""

    def __init__(self):
        super().__init__()
        self.resources: list[tuple[str, str]] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for attr in ("src", "href"):
            if tag in ("script", "img", "link", "iframe", "source") and attrs.get(attr):
                if tag == "link" and attrs.get("rel") not in ("stylesheet", "preload", "icon", "modulepreload"):
                    continue
                self.resources.append((tag, attrs[attr]))
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])


def pages(html_root: Path) -> list[Path]:
    return sorted(p for p in html_pages(html_root) if "_static" not in p.parts)


def figures(html: str) -> list[str]:
    return re.findall(r"<figure\b.*?</figure>", html, re.S)


def test_every_toc_page_is_built(built_html):
    for page in toc_pages():
        assert (built_html / f"{page}.html").exists(), f"{page} was not built"


def test_no_page_loads_anything_from_outside(built_html):
    for page in pages(built_html):
        parser = PageParser()
        parser.feed(page.read_text(encoding="utf-8"))
        external = [(t, u) for t, u in parser.resources if re.match(r"(https?:)?//", u)]
        assert not external, f"{page.relative_to(built_html)} loads {external}"


def bib_anchor(key: str) -> str:
    """The anchor docutils makes of `cite-{key}` (see bibtex_cite_id in _config.yml)."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def test_every_figure_has_number_caption_and_source(built_html):
    bib_keys = dict(zip(load("sources")["source_id"], load("sources")["bib_key"]))
    seen = 0
    for page in pages(built_html):
        for figure in figures(page.read_text(encoding="utf-8")):
            seen += 1
            name = re.search(r'<figure[^>]*id="([^"]+)"', figure).group(1)
            number = re.search(r'<span class="caption-number">(Fig\. [\dA-Z.]+) </span>', figure)
            assert number, f"{name} has no figure number"
            caption = re.search(r'<span class="caption-text">(.*?)</span><a class="headerlink"', figure, re.S)
            assert caption and len(re.sub("<[^>]+>", "", caption.group(1))) > 40, f"{name} caption is missing or too short"
            assert "<em>Source:</em>" in caption.group(1), f"{name} caption has no source line"
            cited = set(re.findall(r'href="[^"]*bibliography\.html#cite-([^"]+)"', caption.group(1)))
            assert cited, f"{name} source line cites nothing"
            chart = re.search(r'class="book-chart" id="chart-([^"]+)" data-sources="([^"]*)"', figure)
            if chart:
                assert chart.group(1) == name, f"figure label {name} holds chart {chart.group(1)}"
                declared = {bib_anchor(bib_keys[s]) for s in chart.group(2).split()}
                # A long list is compacted in the caption; the chart's disclosure lists every source.
                assert cited <= declared, f"{name}: caption cites {cited - declared}, which the chart does not declare"
                assert cited == declared or len(cited) <= 4, f"{name}: caption cites {len(cited)} of {len(declared)} sources"
                listed = set(re.findall(r'<li data-source-id[^>]*><a href="[^"]*bibliography\.html#cite-([^"]+)"', figure))
                assert listed == declared, f"{name}: the sources disclosure lists {listed}, the chart declares {declared}"
    assert seen > 0, "the book has no figures"


def test_vega_is_served_once_per_chart_page_and_not_inlined(built_html):
    bundle = built_html / "_static" / "booklib" / "vega-bundle.js"
    assert bundle.exists() and bundle.stat().st_size > 100_000
    text = bundle.read_text(encoding="utf-8")
    assert "(function () {" in text[:300] and text.rstrip().endswith("}).call(window);"), "bundle must have its own scope"
    chart_pages = 0
    for page in pages(built_html):
        html = page.read_text(encoding="utf-8")
        parser = PageParser()
        parser.feed(html)
        loads = [s for s in parser.scripts if "vega-bundle.js" in s]
        if 'class="book-chart"' in html:
            chart_pages += 1
            assert len(loads) == 1, f"{page.name} loads the Vega bundle {len(loads)} times"
            assert "vegaEmbed=" not in html, f"{page.name} inlines Vega"
        else:
            assert not loads, f"{page.name} loads the Vega bundle without charts"
    assert chart_pages > 0


def test_glued_numbers_are_rendered(built_html):
    html = (built_html / "chapters" / "appendix" / "timeline.html").read_text(encoding="utf-8")
    assert re.search(r'<span class="pasted-text">\d+</span> events', html)


def test_every_chapter_figure_is_referenced_from_the_text(built_html):
    for page in (built_html / "chapters").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        outside = re.sub(r"<figure\b.*?</figure>", "", html, flags=re.S)
        for name in re.findall(r'<figure[^>]*id="([^"]+)"', html):
            assert f'href="#{name}"' in outside, f"{page.name}: figure {name} is never referred to by number"


def test_citation_and_downloads(built_html):
    import yaml

    from conftest import REPO

    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    version, released = str(cff["version"]), str(cff["date-released"])
    front = (built_html / "intro.html").read_text(encoding="utf-8")
    # The edition and its date, never the build day (two builds of one edition are the same on any day).
    assert f"Version {version} of {released}" in front and ", built " not in front
    for page in toc_pages()[1:]:
        if page.endswith("bibliography"):
            continue
        html = (built_html / f"{page}.html").read_text(encoding="utf-8")
        assert "How to cite this chapter" in html and f"version {version}" in html, f"{page} has no citation box"
        assert f"_sources/{page}.md" in html, f"{page} offers no source download"
    if (REPO / "_build" / "latex" / "book.pdf").exists():
        link = re.search(r'href="(_downloads/[^"]+\.pdf)"', front)
        assert link and (built_html / link.group(1)).exists(), "the front page does not offer the PDF"


def test_every_glued_key_is_pasted_and_every_pasted_key_glued(built_html):
    """Per page: the keys its code glued (myst-nb's record of the executed notebook) are exactly
    the keys its text pastes; a number computed for nothing, or text waiting for a number, fails."""
    import json

    from test_chapter_code import PASTED

    from booklib.build.sphinx_ext import DOCUMENTS_TO_KEY, declared_reads

    from conftest import REPO

    mismatched = {}
    for page in toc_pages():
        record = built_html.parent / "jupyter_execute" / f"{page}.glue.json"
        glued = set(json.loads(record.read_text())) if record.exists() else set()
        source = (REPO / f"{page}.md").read_text(encoding="utf-8")
        pasted = {a or b for a, b in PASTED.findall(source)}
        if page != toc_pages()[0] and declared_reads(source):
            pasted.add(DOCUMENTS_TO_KEY)  # the build pastes it under the title (sphinx_ext.documents_to_line)
        if glued != pasted:
            mismatched[page] = {"glued, never pasted": sorted(glued - pasted), "pasted, never glued": sorted(pasted - glued)}
    assert not mismatched, mismatched


def test_every_chapter_figure_shows_the_code_that_drew_it(built_html):
    """Under each figure, a collapsed "Show the code" holds the cell that drew it, ending in its book_figure call."""
    import html as html_lib

    missing = {}
    for page in (p for p in toc_pages() if p.startswith("chapters/")):
        text = (built_html / f"{page}.html").read_text(encoding="utf-8")
        for name in re.findall(r'class="book-chart" id="chart-(fig-[\w-]+)"', text):
            chart = text[text.index(f'id="chart-{name}"'):]
            code = re.search(r'<details class="book-chart-code"><summary>Show the code</summary>(.*?)</details>', chart, re.S)
            plain = html_lib.unescape(re.sub(r"<[^>]+>", "", code.group(1))) if code else ""
            if f'name="{name}"' not in plain:
                missing.setdefault(page, []).append(name)
    assert not missing, f"figures without the code that drew them: {missing}"


def test_chart_data_downloads_are_files_beside_the_book(built_html):
    """A chart's "Download the data" is a CSV file written by the build (the page does not inline it)."""
    import csv

    checked = 0
    for page in pages(built_html):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<a download="fig-[\w-]+\.csv" href="data:', text), f"{page.name} inlines a chart's data"
        for name, href in re.findall(r'<a download="(fig-[\w-]+)\.csv" href="([^"]+)"', text):
            target = (page.parent / href).resolve()
            assert target.is_file(), f"{page.name}: {href} does not exist"
            rows = list(csv.reader(target.open(encoding="utf-8")))
            assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows), f"{href} is not a table"
            checked += 1
    assert checked >= 20, f"only {checked} chart downloads found"


def test_the_claims_page_stays_within_the_page_weight_limit(built_html):
    """Weighed as `make bench` weighs a page (its HTML and the assets not every page shares). The
    ledger's rows share one cite template (book-cite.js makes each row's control): with a control
    written out in each of its 103 rows the page weighed about 400 KB."""
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    weights = {page: own for page, own, _, _ in bench.page_weights(built_html)[0]}
    own = weights["chapters/claims.html"]
    assert own <= bench.TARGET_PAGE_KB * 1024, f"the claims page weighs {own / 1024:.0f} KB, over {bench.TARGET_PAGE_KB} KB"


def test_every_page_stays_within_the_page_weight_limit(built_html):
    """Weighed as `make bench` weighs a page. The bibliography (547 entries), the data dictionary (31
    tables) and regional trade (eight charts) were over the limit: the build writes inline code
    without its one-word <span class="pre"> and a bibliography label without its bracket spans."""
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    heavy = {page: f"{own / 1024:.0f} KB" for page, own, _, _ in bench.page_weights(built_html)[0]
             if own > bench.TARGET_PAGE_KB * 1024}
    assert not heavy, f"over {bench.TARGET_PAGE_KB} KB: {heavy}"


def test_each_bibliography_entry_gives_its_access_date_once(built_html):
    """The style prints the access date after a URL ("visited on"); the note repeated it ("Accessed")."""
    html = (built_html / "chapters/appendix/bibliography.html").read_text()
    entries = re.findall(r'<div class="citation" id="cite-[^"]+".*?</div>', html, re.S)
    assert len(entries) == len(load("sources").drop_duplicates("bib_key"))
    for entry in entries:
        dates = re.findall(r"Accessed \d{4}-\d\d-\d\d|visited on \d{4}-\d\d-\d\d", entry)
        assert len(dates) == 1, f"{entry[:160]}: access date given {len(dates)} times"


def chart_spec(built_html, page: str, name: str) -> dict:
    """A chart's Vega spec as the browser draws it: in the page (its first chart) or in the script
    beside it (`data-src`), with its data as records again (the page stores them as columns)."""
    import json

    text = (built_html / f"{page}.html").read_text(encoding="utf-8")
    found = re.search(rf'id="chart-{name}"[^>]*>.*?<script type="application/json" class="book-chart-spec"( data-src="([^"?]+)[^"]*")?>(.*?)</script>',
                      text, re.S)
    assert found, f"{page}: no chart {name}"
    if found.group(2):
        script = (built_html / page).parent.joinpath(found.group(2)).read_text(encoding="utf-8")
        spec = json.loads(script.split(f"[{json.dumps(name)}] = ", 1)[1].rstrip().rstrip(";"))
    else:
        spec = json.loads(found.group(3).replace("<\\/", "</"))
    for data in spec.get("data", []):
        columns = data.pop("bookColumns", None)
        if columns:
            keys = list(columns)
            data["values"] = [dict(zip(keys, row)) for row in zip(*(columns[k] for k in keys))]
    return spec


def test_the_magnets_figure_breaks_its_lines_at_the_months_not_reported(built_html):
    """Fig. 3.3: the World series has no figure for February to April 2025; the chart's data hold
    them as empty values (the line breaks there), not as a line from January to May."""
    spec = chart_spec(built_html, "chapters/export_controls", "fig-ec-magnets")
    rows = [row for data in spec["data"] for row in data.get("values", []) if isinstance(row, dict) and row.get("destination") == "World"]
    by_month = {str(row["month"])[:7]: row["value"] for row in rows}
    assert by_month, "no World rows in the spec"
    months = sorted(by_month)
    assert [m for m in months if by_month[m] is None][:3] == ["2025-02", "2025-03", "2025-04"], by_month


def test_explorers_keep_their_axes_whatever_the_settings(built_html):
    """A scenario explorer's x and y scales have fixed domains (every scenario's range), so that a
    published estimate does not jump sideways when the reader moves a slider."""
    checked = 0
    for page, name in [("chapters/tariffs", "fig-tar-effective"), ("chapters/investment", "fig-mou-returns"),
                       ("chapters/export_controls", "fig-ec-cost")]:
        spec = chart_spec(built_html, page, name)
        scales = [scale for scale in _all_scales(spec) if scale["name"].endswith(("x", "y"))]
        assert scales, name
        for scale in scales:
            domain = scale["domain"]
            # A fixed domain: values, or (dates) constant signals; never the field of a dataset.
            fixed = isinstance(domain, list) or ("data" not in domain and all("signal" in f for f in domain.get("fields", [None])))
            assert fixed, f"{name}: scale {scale['name']} follows the data ({domain})"
            checked += 1
    assert checked >= 4


def _all_scales(spec: dict) -> list[dict]:
    found = list(spec.get("scales", []))
    for mark in spec.get("marks", []):
        found += _all_scales(mark)
    return found


def test_the_claims_ledger_has_a_numbered_title_its_cite_control_repeats(built_html):
    """The ledger is drawn by the page (FilterableTable), not a Sphinx table: booklib.build.titled_tables
    numbers it with the page's tables, so the title above it and its cite control give one number."""
    page = (built_html / "chapters" / "claims.html").read_text(encoding="utf-8")
    shown = re.search(r'<p class="caption book-table-title"><span class="caption-number">Table ([\d.]+) </span>'
                      r'<span class="caption-text">([^<]+)</span></p>', page)
    assert shown, "the claims ledger has no numbered title"
    number, title = shown.groups()
    cited = re.search(r'data-cite-anchor="claims-ledger"><summary title="([^"]+)"', page)
    assert cited, "the claims ledger has no cite control"
    assert cited.group(1) == f"Table {number}: {title}"


def test_works_in_one_citation_are_separated_by_semicolons(built_html):
    """'[U.S. Census Bureau, 2017, U.S. Census Bureau, 2026b]' did not say where one work ends."""
    page = (built_html / "chapters" / "tariffs.html").read_text(encoding="utf-8")
    between = re.findall(r'\d{4}[a-z]?</a>([;,]) <a class="reference internal" href="appendix/bibliography\.html#cite-', page)
    assert between, "no citation of several works on the tariffs page"
    assert set(between) == {";"}, f"{between.count(',')} citations of several works separated by commas"


def test_a_build_that_changed_nothing_rewrites_no_page(built_html):
    """The appendices' letters (booklib.build.book_structure) made the table of contents find their
    numbers changed at every build, so each no-op rewrote the seven appendices and the front page."""
    import subprocess
    import sys

    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO), "--builder", "html",
                             "--warningiserror", "--nitpick", "--keep-going"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout[-2000:]
    written = re.findall(r"writing output\.\.\. .*?\[\s*\d+%\].*?(\S+)$", result.stdout, re.M)
    assert not written, f"a no-op build rewrote {written}"
