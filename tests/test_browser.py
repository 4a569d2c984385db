"""Charts render in a real browser (Debian's Chromium, headless) with the network cut off."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from conftest import html_pages

from booklib.build import sphinx_ext

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (installed by .ci/run)")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(root: Path):
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def only_the_site(context, base_url: str, problems: list[str]) -> None:
    """Cut `context` off the network: requests outside `base_url` are aborted and noted in `problems`."""
    def only_local(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            problems.append(f"request outside the site: {route.request.url}")
            route.abort()

    context.route("**/*", only_local)


def chart_problems(browser, base_url: str, path: str) -> tuple[list[str], int]:
    """Open a page offline; return (problems, charts drawn)."""
    context = browser.new_context(offline=False)
    problems: list[str] = []
    only_the_site(context, base_url, problems)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(f"{base_url}/{path}", wait_until="load")
    charts = page.locator(".book-chart")
    count = charts.count()
    # Charts are drawn as the reader nears them: scroll through the page.
    page.evaluate("""async () => { for (let y = 0; y < document.body.scrollHeight; y += 500) {
        window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }""")
    try:
        page.wait_for_function(
            "() => [...document.querySelectorAll('.book-chart')].every(c => c.dataset.rendered)", timeout=10_000
        )
    except Exception:
        problems.append("charts did not finish rendering within 10 s")
    drawn = 0
    for index in range(count):
        chart = charts.nth(index)
        marks = chart.locator("svg .role-mark path, svg .role-mark rect, svg .role-mark line, svg .role-mark text").count()
        if chart.get_attribute("data-rendered") == "true" and marks > 0:
            drawn += 1
        else:
            problems.append(f"chart {chart.get_attribute('id')} has no marks (rendered={chart.get_attribute('data-rendered')})")
    context.close()
    return problems, drawn


def chart_pages(html_root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(html_root))
        for p in html_pages(html_root)
        if "_static" not in p.parts and 'class="book-chart"' in p.read_text(encoding="utf-8")
    )


def test_every_chart_renders_offline_without_errors(built_html, browser):
    server = serve(built_html)
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        pages = chart_pages(built_html)
        assert pages, "no page has charts"
        for path in pages:
            problems, drawn = chart_problems(browser, base, path)
            assert not problems, f"{path}: {problems}"
            assert drawn > 0
    finally:
        server.shutdown()


def test_an_unscoped_vega_bundle_is_caught(built_html, browser, tmp_path):
    """The check above must fail on the known clash of a bare bundle with Sphinx's `_`."""
    site = tmp_path / "site"
    shutil.copytree(built_html, site)
    bundle = site / "_static" / "booklib" / sphinx_ext.BUNDLE_NAME
    scoped = bundle.read_text(encoding="utf-8")
    bare = scoped[scoped.index("(function () {\n") + len("(function () {\n") : scoped.rindex("\n}).call(window);")]
    bundle.write_text(bare, encoding="utf-8")
    server = serve(site)
    try:
        problems, drawn = chart_problems(browser, f"http://127.0.0.1:{server.server_port}", chart_pages(site)[0])
    finally:
        server.shutdown()
    assert drawn == 0
    assert any("has already been declared" in p for p in problems), problems
