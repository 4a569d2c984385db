"""What a reader meets: a phone, dark mode, a slow line (Debian's Chromium, headless, offline)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import toc_pages
from test_browser import CHROMIUM, browser, chart_pages, serve  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (installed by .ci/run)")

PHONE = {"width": 390, "height": 844}
# First visit of a chart page: scripts and styles (fonts not counted), in bytes.
FIRST_VISIT_LIMIT = 1_500_000
# Bring each chart into view and wait until it has drawn before the next: a fast scroll past a
# chart can miss the frame in which it intersects when the machine is busy drawing another.
DRAW_ALL = """async () => {
  for (const chart of document.querySelectorAll('.book-chart')) {
    chart.scrollIntoView({block: 'center'});
    for (let waited = 0; !chart.dataset.rendered && waited < 20000; waited += 50) await new Promise(r => setTimeout(r, 50));
  }
  window.scrollTo(0, 0);
}"""
ALL_DRAWN = "() => [...document.querySelectorAll('.book-chart')].every(c => c.dataset.rendered)"


@pytest.fixture(scope="module")
def site(built_html):
    server = serve(built_html)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def open_page(browser, base: str, path: str, theme: str = "light", viewport=None, script: str = ""):
    """Open a page offline in `theme`; `script` runs in it before the page's own."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, color_scheme=theme)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
    context.add_init_script(f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}');" + script)
    page = context.new_page()
    page.goto(f"{base}/{path}", wait_until="load")
    return context, page


def draw_every_chart(page) -> None:
    page.evaluate(DRAW_ALL)
    page.wait_for_function(ALL_DRAWN, timeout=30_000)


def test_at_phone_width_no_page_scrolls_sideways_and_no_chart_is_clipped(built_html, browser, site):
    problems = []
    for name in toc_pages():
        context, page = open_page(browser, site, f"{name}.html", viewport=PHONE)
        draw_every_chart(page)
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if wide > 0:
            problems.append(f"{name}: the page scrolls sideways by {wide}px")
        clipped = page.evaluate("""() => [...document.querySelectorAll('.book-chart')].filter(chart => {
            const svg = chart.querySelector('.book-chart-view svg'), box = chart.querySelector('.book-chart-view').getBoundingClientRect();
            if (!svg) return true;
            const drawn = svg.getBoundingClientRect();
            return drawn.right > box.right + 1 || drawn.left < box.left - 1 || drawn.right > document.documentElement.clientWidth;
          }).map(chart => chart.id)""")
        problems += [f"{name}: {chart} is clipped or not drawn" for chart in clipped]
        failed = page.evaluate("[...document.querySelectorAll('.book-chart[data-rendered=failed]')].map(c => c.id)")
        problems += [f"{name}: {chart} failed to draw" for chart in failed]
        context.close()
    assert not problems, "\n".join(problems)


def read_png(data: bytes):
    """(width, height, pixel_at(x, y) -> (r, g, b)) of an 8-bit RGB(A) PNG, such as Chromium's screenshots."""
    import struct
    import zlib

    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), "an 8-bit RGB or RGBA PNG"
    step = 3 if colour == 2 else 4
    chunks, at = [], 8
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    raw, stride, rows, previous = zlib.decompress(b"".join(chunks)), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up, corner = previous[i], (previous[i - step] if i >= step else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return width, height, lambda x, y: tuple(rows[y][x * step : x * step + 3])


def luminance(rgb: tuple[int, int, int]) -> float:
    channels = [c / 255 for c in rgb]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def parse_rgb(text: str) -> tuple[int, int, int]:
    import re

    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", text)[:3])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_charts_follow_the_theme(built_html, browser, site, theme):
    """The chart's background is the page's, and its axis text and marks are readable on it."""
    path = chart_pages(built_html)[0]
    context, page = open_page(browser, site, path, theme=theme)
    draw_every_chart(page)
    assert page.evaluate("document.documentElement.dataset.theme") == theme
    page_bg = parse_rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    charts = page.locator(".book-chart .book-chart-view")
    problems = []
    for index in range(charts.count()):
        view = charts.nth(index)
        view.scroll_into_view_if_needed()
        width, height, pixel_at = read_png(view.screenshot())
        corners = [pixel_at(x, y) for x in (1, width - 2) for y in (1, height - 2)]
        for pixel in corners:
            if max(abs(a - b) for a, b in zip(pixel, page_bg)) > 12:
                problems.append(f"chart {index}: background {pixel} is not the page's {page_bg}")
                break
        fills = view.evaluate("""el => [...el.querySelectorAll('svg .role-axis-label text, svg .role-title-text text, svg .role-legend-label text')]
            .map(t => getComputedStyle(t).fill)""")
        low = [f for f in fills if contrast(parse_rgb(f), page_bg) < 4.5]
        if low:
            problems.append(f"chart {index}: text colours {sorted(set(low))} unreadable on {page_bg}")
        marks = view.evaluate("""el => [...el.querySelectorAll('svg .role-mark path, svg .role-mark rect, svg .role-mark circle')]
            .map(m => getComputedStyle(m).fill).filter(f => f && f !== 'none' && !f.startsWith('rgba(0, 0, 0, 0'))""")
        faint = [f for f in marks if contrast(parse_rgb(f), page_bg) < 1.5]
        if marks and len(faint) > len(marks) / 2:
            problems.append(f"chart {index}: most marks ({sorted(set(faint))[:3]}) barely differ from the background")
    context.close()
    assert not problems, "\n".join(problems)


def test_switching_theme_redraws_the_charts(built_html, browser, site):
    path = chart_pages(built_html)[0]
    context, page = open_page(browser, site, path, theme="light")
    draw_every_chart(page)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    page.wait_for_function("() => [...document.querySelectorAll('.book-chart[data-rendered]')].every(c => c.dataset.theme === 'dark')", timeout=10_000)
    context.close()


def test_a_chart_page_first_visit_stays_light_and_far_charts_wait(built_html, browser, site):
    """Scripts and styles of a first visit (fonts not counted) within the limit; charts far below
    the fold are drawn only when the reader nears them, in a space reserved for them."""
    heaviest = []
    for path in chart_pages(built_html):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site) else route.abort())
        page = context.new_page()
        sizes = {}

        def count(response):
            if response.request.resource_type in ("script", "stylesheet"):
                try:
                    sizes[response.url] = len(response.body())
                except Exception:
                    pass

        page.on("response", count)
        page.goto(f"{site}/{path}", wait_until="load")
        page.wait_for_timeout(300)
        total = sum(sizes.values())
        heaviest.append((total, path))
        assert total <= FIRST_VISIT_LIMIT, f"{path}: first visit loads {total:,} bytes of scripts and styles"
        state = page.evaluate("""() => [...document.querySelectorAll('.book-chart')].map(c => ({
            id: c.id, top: c.getBoundingClientRect().top, drawn: !!c.dataset.rendered,
            reserved: c.querySelector('.book-chart-view').getBoundingClientRect().height, height: +c.dataset.height}))""")
        far = [c for c in state if c["top"] > 900 + 1500]
        assert all(not c["drawn"] for c in far), f"{path}: charts far below the fold drawn at load: {[c['id'] for c in far if c['drawn']]}"
        for chart in far:
            assert chart["reserved"] >= 0.8 * chart["height"], f"{path}: {chart['id']} reserves {chart['reserved']}px of {chart['height']}px"
        if far:
            target = far[-1]["id"]
            page.evaluate(f"document.getElementById('{target}').scrollIntoView()")
            page.wait_for_function(f"() => document.getElementById('{target}').dataset.rendered === 'true'", timeout=10_000)
            drawn = page.evaluate(f"document.getElementById('{target}').querySelector('.book-chart-view').getBoundingClientRect().height")
            assert abs(drawn - far[-1]["reserved"]) <= 0.25 * far[-1]["reserved"], f"{path}: {target} reserved {far[-1]['reserved']}px, drew {drawn}px"
        context.close()
    assert heaviest


def test_the_theme_icons_still_draw(built_html, browser, site):
    """The theme's 1.5 MB icon script is replaced by the icons the pages use: they must still show."""
    context, page = open_page(browser, site, "intro.html")
    page.wait_for_timeout(300)
    missing = page.evaluate("""() => [...document.querySelectorAll('i.fa-solid, i.fas')]
        .filter(i => !i.querySelector('svg') && getComputedStyle(i, '::before').content === 'none').map(i => i.className)""")
    context.close()
    assert not missing, f"icons not drawn: {missing}"


def test_at_phone_width_the_ledger_rows_read_as_cards(built_html, browser, site):
    """Each claim is a card of named fields that fits the screen, not eight squeezed columns."""
    context, page = open_page(browser, site, "chapters/claims.html", viewport=PHONE)
    card = page.locator("#claim-c000-01")
    fields = card.locator("td[data-label]")
    assert fields.first.evaluate("td => getComputedStyle(td).display") == "block"
    label = fields.nth(3).evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Claim: "', label  # the schema's title of the column
    box = card.evaluate("tr => [tr.getBoundingClientRect().width, tr.closest('table').scrollWidth, tr.closest('table').clientWidth]")
    assert box[0] <= PHONE["width"] and box[1] <= box[2], f"the card (width, table scroll width, table width) = {box}"
    assert card.locator(".book-cite-cell details").count() == 1, "the card lost its cite control"
    context.close()


def test_drawing_every_chart_moves_the_page_little(built_html, browser, site):
    """At desktop width (make bench's), charts and an explorer's inputs (which Vega adds as it
    draws) take the height reserved for them: drawing them all as the reader scrolls moves the
    page by at most 50 px. (On a phone, narrowed charts grow by their wrapped titles and legends,
    which the reservation does not yet foresee.)"""
    moved = {}
    for path in chart_pages(built_html):
        context, page = open_page(browser, site, path)
        before = page.evaluate("document.body.scrollHeight")
        draw_every_chart(page)
        moved[path] = page.evaluate("document.body.scrollHeight") - before
        context.close()
    assert all(abs(m) <= 50 for m in moved.values()), moved


def test_at_phone_width_the_page_does_not_jump_while_the_reader_scrolls(built_html, browser, site):
    """On a phone, narrowed charts can end up taller than the height reserved for them (wrapped
    titles, one-column legends), but they draw before they reach the screen: Chromium's
    layout-shift score, which counts only what moves on screen, stays near zero while the reader
    scrolls through every chart page."""
    shifts = ("window.__shift = 0; new PerformanceObserver(list => list.getEntries()"
              ".forEach(entry => { window.__shift += entry.value; })).observe({type: 'layout-shift', buffered: true});")
    scores = {}
    for path in chart_pages(built_html):
        context, page = open_page(browser, site, path, viewport=PHONE, script=shifts)
        page.wait_for_timeout(500)
        page.evaluate("""async () => { for (let y = 0; y < document.body.scrollHeight; y += 200) {
            window.scrollTo(0, y); await new Promise(r => setTimeout(r, 100)); } }""")
        page.wait_for_function(ALL_DRAWN, timeout=30_000)
        scores[path] = round(page.evaluate("window.__shift"), 3)
        context.close()
    assert all(score < 0.05 for score in scores.values()), scores


def test_browser_print_shows_no_dead_controls(built_html, browser, site):
    """Printing a page (File > Print) leaves out what does nothing on paper: the charts' data and
    code links, the explorers' inputs, the cite controls, the header's buttons."""
    context, page = open_page(browser, site, "chapters/export_controls.html")
    draw_every_chart(page)
    page.emulate_media(media="print")
    shown = page.evaluate("""() => ['.book-chart-links', '.book-chart-code', '.book-chart-sources', '.book-explorer-controls',
        'details.book-cite', '.article-header-buttons'].filter(selector =>
        [...document.querySelectorAll(selector)].some(node => node.getBoundingClientRect().height > 0))""")
    assert not shown, f"printed: {shown}"
    assert page.locator(".book-asof").is_visible(), "the date of the data prints"
    context.close()
