"""Cite controls in a real browser (Debian's Chromium, headless), offline: opened and copied by keyboard."""

from __future__ import annotations

import pytest

from test_browser import CHROMIUM, browser, serve  # noqa: F401  (the browser fixture)

pytestmark = pytest.mark.skipif(not __import__("pathlib").Path(CHROMIUM).exists(), reason="needs Debian's chromium")


def open_page(browser, built_html, path):
    server = serve(built_html)
    base = f"http://127.0.0.1:{server.server_port}"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    problems: list[str] = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                  else (problems.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(f"{base}/{path}", wait_until="load")
    return server, context, page, problems


def test_a_figure_citation_opens_and_copies_by_keyboard(built_html, browser):
    server, context, page, problems = open_page(browser, built_html, "chapters/tariffs.html")
    try:
        control = page.locator("figure details.book-cite").first
        summary = control.locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert control.evaluate("d => d.open"), "Enter on the summary does not open the citation"
        control.locator("button.book-cite-copy").first.wait_for()
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('data-cite-format')")
        assert focused == "text", f"Tab from the summary reaches {focused!r}, not the first copy button"
        page.keyboard.press("Enter")
        page.wait_for_function("d => d.querySelector('.book-cite-status').textContent", arg=control.element_handle())
        expected = control.locator("pre.book-cite-text").text_content()
        assert page.evaluate("navigator.clipboard.readText()") == expected
        assert "Fig" not in expected or "Figure" in expected
        for fmt in ("bibtex", "ris", "csl"):
            control.locator(f'button[data-cite-format="{fmt}"]').click()
            control.locator(".book-cite-status").filter(has_text=control.locator(f"pre.book-cite-{fmt}").get_attribute("data-cite-name") + " copied").wait_for()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == control.locator(f"pre.book-cite-{fmt}").text_content() + "\n", fmt
        assert not problems, problems
    finally:
        context.close()
        server.shutdown()


def test_a_claim_row_can_be_linked_and_cited(built_html, browser):
    html = (built_html / "chapters" / "claims.html").read_text(encoding="utf-8")
    if 'data-cite-number="' not in html:
        pytest.skip("the claims ledger does not anchor its rows yet (claims.md: anchor_column='claim_id')")
    server, context, page, problems = open_page(browser, built_html, "chapters/claims.html#claim-c000-01")
    try:
        row = page.locator("tr#claim-c000-01")
        assert row.count() == 1
        row.locator("details.book-cite summary").click()
        row.locator('button[data-cite-format="text"]').click()
        row.locator(".book-cite-status").filter(has_text="copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "Claim C000-01" in copied and "claims.html#claim-c000-01" in copied
        page.fill("#filter-claims-ledger", "2026-11")  # the build date is in every citation, not in a claim
        assert page.locator("tr#claim-c000-01").is_hidden() or "2026-11" in row.text_content()
        assert not problems, problems
    finally:
        context.close()
        server.shutdown()
