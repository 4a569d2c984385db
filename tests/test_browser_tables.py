"""Tables a reader can use, in Debian's Chromium (headless, offline): they fit at 1280 and 390 px,
long ones sort and filter, the claims ledger has exact verdict facets and marks a deep-linked claim,
long reference pages have in-page contents, and identifiers do not break inside."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklib import load
from booklib.prose import column_title
from bookchapters import claims as ledger
from conftest import toc_pages
from test_browser import CHROMIUM, browser  # noqa: F401 (browser is a fixture)
from test_reader_browser import PHONE, open_page, site  # noqa: F401 (site is a fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (installed by .ci/run)")

LAPTOP = {"width": 1280, "height": 900}
# Each table against the box it sits in: wider than it, or scrolling inside it, is a failure.
TOO_WIDE = """() => [...document.querySelectorAll('.bd-article table')].filter(t => t.offsetParent !== null).map((table, i) => {
  const wrap = table.closest('.pst-scrollable-table-container') || table.parentElement;
  const box = wrap.parentElement.getBoundingClientRect(), own = table.getBoundingClientRect();
  const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
  const wider = own.right > box.right + 1 || own.left < box.left - 1;
  return (scrolls || wider) ? `${table.id || 'table ' + (i + 1)}: ${Math.round(own.width)} px in ${Math.round(box.width)} px` + (scrolls ? ' (scrolls)' : '') : null;
}).filter(Boolean)"""
LEDGER = "chapters/claims.html"


def visible_rows(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('#claims-ledger tbody tr:not(.book-row-more)')]
        .filter(row => !row.hidden && row.offsetParent !== null)
        .map(row => ({id: row.id, verdict: row.querySelector('td[data-label=Verdict]').dataset.value}))""")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_no_table_is_wider_than_its_column(built_html, browser, site, viewport):
    problems = []
    for name in toc_pages():
        context, page = open_page(browser, site, f"{name}.html", viewport=viewport)
        page.wait_for_timeout(100)
        problems += [f"{name}: {p}" for p in page.evaluate(TOO_WIDE)]
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wide > 0:
            problems.append(f"{name}: the page scrolls sideways by {wide}px")
        context.close()
    assert not problems, "\n".join(problems)


def test_a_folded_table_shows_its_other_columns_in_each_row(built_html, browser, site):
    """At 1280 px the ledger keeps claim, verdict and evidence; the rest open under the row."""
    context, page = open_page(browser, site, LEDGER, viewport=LAPTOP)
    shown = page.evaluate("[...document.querySelectorAll('#claims-ledger thead th')].filter(th => th.offsetParent).map(th => th.dataset.column || 'cite')")
    assert {"claim", "verdict", "evidence"} <= set(shown), shown
    row = page.locator("#claim-c000-25")
    row.locator("button.book-row-toggle").click()
    detail = page.locator("#claim-c000-25 + tr.book-row-more")
    hidden = set(ledger.ledger_table(load("claims")).columns) - set(shown)
    for column in hidden:
        title = column_title("claims", column)  # a field is named by the schema's title
        assert detail.locator(f"dt:text-is('{title}')").count() == 1 or column in ("figure",), f"{title} is not in the row's disclosure"
    context.close()


def test_the_ledger_facets_are_exact_and_counted(built_html, browser, site):
    counts = load("claims")["verdict"].value_counts()
    context, page = open_page(browser, site, LEDGER, viewport=LAPTOP)
    facets = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#claims-ledger .book-facet')]
        .map(b => [b.dataset.value, +b.querySelector('.book-facet-count').textContent]))""")
    assert facets == {"": len(load("claims")), **{v: int(counts[v]) for v in ledger.VERDICTS}}
    page.click("#claims-ledger .book-facet[data-value='supported']")
    rows = visible_rows(page)
    assert len(rows) == counts["supported"] and {r["verdict"] for r in rows} == {"supported"}
    # A word filter narrows within the facet; "all" gives every row back.
    page.fill("#filter-claims-ledger", "C000")
    assert all(r["id"].startswith("claim-c000") for r in visible_rows(page))
    page.fill("#filter-claims-ledger", "")
    page.click("#claims-ledger .book-facet[data-value='']")
    assert len(visible_rows(page)) == len(load("claims"))
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_verdicts_are_coloured_and_named(built_html, browser, site, theme):
    context, page = open_page(browser, site, LEDGER, theme=theme, viewport=LAPTOP)
    styles = page.evaluate("""() => Object.fromEntries(['supported', 'partly supported', 'contradicted', 'unverifiable'].map(v => {
        const badge = document.querySelector(`#claims-ledger td[data-value="${v}"] .book-verdict`);
        const s = getComputedStyle(badge);
        return [v, {text: badge.textContent, mark: getComputedStyle(badge, '::before').content, color: s.color, bg: s.backgroundColor}];
      }))""")
    assert len({s["bg"] for s in styles.values()}) == 4 and len({s["mark"] for s in styles.values()}) == 4
    assert all(s["text"] == v for v, s in styles.items()), "each verdict is named in words, not by colour alone"
    context.close()


def test_the_ledger_sorts_by_a_column(built_html, browser, site):
    context, page = open_page(browser, site, LEDGER, viewport=LAPTOP)
    ids = [r["id"] for r in visible_rows(page)]
    page.click("#claims-ledger th[data-column='claim_id'] button.book-sort")
    page.click("#claims-ledger th[data-column='claim_id'] button.book-sort")
    assert page.get_attribute("#claims-ledger th[data-column='claim_id']", "aria-sort") == "descending"
    assert [r["id"] for r in visible_rows(page)] == sorted(ids, reverse=True)
    page.click("#claims-ledger th[data-column='verdict'] button.book-sort")
    verdicts = [r["verdict"] for r in visible_rows(page)]
    assert verdicts == sorted(verdicts)
    context.close()


def test_a_long_measures_table_sorts_and_filters(built_html, browser, site):
    context, page = open_page(browser, site, "chapters/tariffs.html", viewport=LAPTOP)
    table = page.locator("table:has(caption:has-text('in date order'))")
    assert table.locator("caption").inner_text().startswith("Table 1.1")
    effective = table.locator("tbody tr td:first-child").all_inner_texts()
    dated = [e.split()[-1] for e in effective if not e.endswith("never")]
    assert dated == sorted(dated), "the measures are in date order"
    table.locator("thead th button.book-sort").first.click()
    table.locator("thead th button.book-sort").first.click()
    assert table.locator("thead th").first.get_attribute("aria-sort") == "descending"
    tools = page.locator(".book-table-tools input[type=search]").first
    tools.fill("Section 122")
    shown = table.locator("tbody tr:not([hidden])")
    assert 0 < shown.count() < len(effective)
    context.close()


def test_a_deep_linked_claim_is_shown_and_marked(built_html, browser, site):
    context, page = open_page(browser, site, f"{LEDGER}#claim-c000-25", viewport=LAPTOP)
    marked = page.evaluate("""() => { const row = document.getElementById('claim-c000-25');
        const other = row.nextElementSibling || row.previousElementSibling;
        const bg = r => getComputedStyle(r.querySelector('td:nth-child(2)')).backgroundColor;
        const box = row.getBoundingClientRect();
        return {mark: row.matches(':target') || row.classList.contains('book-row-target'), differs: bg(row) !== bg(other),
                inView: box.top >= 0 && box.top < innerHeight}; }""")
    assert marked == {"mark": True, "differs": True, "inView": True}
    # A filter that hides the claim gives way when the reader follows a link to it.
    page.click("#claims-ledger .book-facet[data-value='supported']")
    page.evaluate("location.hash = '#claim-c000-21'")
    page.wait_for_timeout(100)
    assert page.evaluate("!document.getElementById('claim-c000-21').hidden")
    context.close()


def test_the_ledger_links_figures_by_number_and_articles_to_the_bibliography(built_html, browser, site):
    context, page = open_page(browser, site, LEDGER, viewport=LAPTOP)
    figures = page.evaluate("[...document.querySelectorAll('#claims-ledger a.book-figref')].map(a => [a.textContent, a.getAttribute('href')])")
    assert figures and all(text.startswith("Fig.\u00a0") and "#fig-" in href for text, href in figures), figures[:3]
    articles = page.evaluate("[...document.querySelectorAll('#claims-ledger td[data-label=Article] a')].map(a => a.getAttribute('href'))")
    assert len(articles) == len(load("claims")) and all("bibliography.html#cite-seed-" in a for a in articles)
    target = page.evaluate("""async href => { const r = await fetch(href.split('#')[0]); const t = await r.text();
        return t.includes('id="' + href.split('#')[1] + '"'); }""", articles[0])
    assert target
    context.close()


@pytest.mark.parametrize("name", ["chapters/appendix/data_dictionary", "chapters/appendix/bibliography",
                                  "chapters/appendix/glossary", "chapters/appendix/timeline"])
def test_long_reference_pages_have_in_page_contents(built_html, browser, site, name):
    context, page = open_page(browser, site, f"{name}.html", viewport=LAPTOP)
    links = page.evaluate("[...document.querySelectorAll('nav.book-page-contents a')].map(a => a.getAttribute('href'))")
    assert len(links) >= 4, links
    missing = page.evaluate("hrefs => hrefs.filter(h => !document.getElementById(decodeURIComponent(h.slice(1))))", links)
    assert not missing
    context.close()


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "390px"])
def test_identifiers_in_the_data_dictionary_do_not_break_inside(built_html, browser, site, viewport):
    context, page = open_page(browser, site, "chapters/appendix/data_dictionary.html", viewport=viewport)
    # An identifier that would fit its cell on one line must not be split across two.
    broken = page.evaluate("""() => [...document.querySelectorAll('.bd-article table code.literal')]
        .filter(c => c.offsetParent && !/\\s/.test(c.textContent.trim()) && c.getClientRects().length > 1)
        .filter(c => { const before = c.style.whiteSpace; c.style.whiteSpace = 'nowrap';
                       const width = c.getBoundingClientRect().width; c.style.whiteSpace = before;
                       return width <= c.closest('td, th').clientWidth; })
        .map(c => c.textContent)""")
    assert not broken, broken[:10]
    context.close()


def test_a_date_in_a_table_is_never_broken_at_its_hyphens(built_html, browser, site):
    """The measures table once printed "2025-03-" on one line and "12" on the next."""
    context, page = open_page(browser, site, "chapters/tariffs.html", viewport=LAPTOP)
    lines = page.evaluate("""() => [...document.querySelectorAll('.bd-article table td')]
        .filter(td => td.offsetParent && /^\\d{4}-\\d{2}(-\\d{2})?$/.test(td.textContent.trim()))
        .map(td => { const texts = [...td.querySelectorAll('*'), td].flatMap(el => [...el.childNodes])
                         .filter(n => n.nodeType === 3 && n.textContent.trim() && !n.parentElement.closest('button'));
                     const tops = new Set(texts.flatMap(n => { const range = document.createRange(); range.selectNodeContents(n);
                                                               return [...range.getClientRects()].map(r => Math.round(r.top)); }));
                     return [td.textContent.trim(), tops.size]; })""")
    assert lines, "no date cell found in the measures table"
    broken = [date for date, count in lines if count > 1]
    assert not broken, broken
    context.close()


def test_every_chapter_table_has_a_numbered_title_that_its_cite_control_repeats(built_html):
    """The PDF numbers a titled table "Table 1.1"; the HTML and the cite control say the same. (The
    claims ledger, a list in the PDF, is not a numbered table.)"""
    import html as html_lib
    import re

    found = 0
    for name in toc_pages():
        if not name.startswith("chapters/") or "/appendix/" in name:
            continue
        text = (built_html / f"{name}.html").read_text(encoding="utf-8")
        for table in re.findall(r"<table class=\"table\" id=[^>]*>.*?</table>", text, re.S):
            caption = re.search(r'<caption><span class="caption-number">(Table \d+\.\d+)\s*</span><span class="caption-text">(.*?)</span>', table)
            assert caption, f"{name}: a table without a numbered title"
            table_id = re.search(r'<table class="table" id="([^"]+)"', table).group(1)
            control = re.search(rf'data-cite-anchor="{table_id}"><summary title="([^"]+)"', text)
            assert control and html_lib.unescape(control.group(1)) == f"{caption.group(1)}: {html_lib.unescape(caption.group(2))}"
            found += 1
    assert found >= 7
