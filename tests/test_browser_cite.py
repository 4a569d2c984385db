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
    server, context, page, problems = open_page(browser, built_html, "chapters/claims.html#claim-c000-01")
    try:
        row = page.locator("tr#claim-c000-01")
        assert row.count() == 1
        assert page.evaluate("(() => { const r = document.getElementById('claim-c000-01').getBoundingClientRect();"
                             " return r.top >= 0 && r.top < innerHeight; })()"), "the link does not land on its row"
        row.locator("details.book-cite summary").click()
        row.locator('button[data-cite-format="text"]').click()
        row.locator(".book-cite-status").filter(has_text="copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "Claim C000-01" in copied and "claims.html#claim-c000-01" in copied
        # By keyboard, in another row: Enter opens it, Tab reaches its first copy button, Enter copies.
        other = page.locator("tr[id^='claim-']").nth(5)
        other.locator("summary").focus()
        page.keyboard.press("Enter")
        other.locator("button.book-cite-copy").first.wait_for()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        other.locator(".book-cite-status").filter(has_text="Text copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == other.locator("pre.book-cite-text").text_content()
        page.fill("#filter-claims-ledger", "2026-11")  # the build date is in every citation, not in a claim
        assert page.locator("tr#claim-c000-01").is_hidden() or "2026-11" in row.text_content()
        assert not problems, problems
    finally:
        context.close()
        server.shutdown()


def test_every_claim_rows_control_is_the_citation_of_that_claim(built_html, browser):
    """book-cite.js makes each row's control from the page's template: every row gets one, and its
    four formats are, character for character, what booklib.citation writes for that claim."""
    import re

    import yaml

    from booklib import citation
    from conftest import REPO

    html = (built_html / "chapters" / "claims.html").read_text(encoding="utf-8")
    ed = citation.edition(REPO)
    baseurl = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["html"].get("baseurl") or ""
    server, context, page, problems = open_page(browser, built_html, "chapters/claims.html")
    try:
        rows = page.evaluate("""() => [...document.querySelectorAll('tr[data-cite-number]')].map(row => {
            const control = row.querySelector('td.book-cite-cell > details.book-cite');
            return {anchor: row.id, number: row.dataset.citeNumber, title: row.dataset.citeTitle,
                    controls: row.querySelectorAll('details.book-cite').length,
                    cited: control && control.dataset.citeAnchor, label: control && control.querySelector('summary').title,
                    formats: control && Object.fromEntries([...control.querySelectorAll('pre[data-cite-format]')]
                                                          .map(pre => [pre.dataset.citeFormat, pre.textContent]))};
        })""")
        assert len(rows) >= 100, f"only {len(rows)} claim rows"
        for row in rows:
            claim = citation.Citable("claim", row["title"], row["number"], "chapters/claims", row["anchor"])
            assert row["controls"] == 1 and row["cited"] == row["anchor"], row["anchor"]
            assert row["label"] == claim.label(), row["anchor"]
            expected = {fmt: text.rstrip() for fmt, text in citation.formats(ed, claim, baseurl).items()}
            assert row["formats"] == expected, row["anchor"]
        assert not problems, problems
    finally:
        context.close()
        server.shutdown()


def test_a_row_control_escapes_each_format_as_booklib_citation_does(browser, tmp_path):
    """Titles with every character a format escapes (BibTeX's specials and dashes, JSON's quotes and
    backslashes), on a page of one table, the row template and book-cite.js only."""
    import html as html_lib
    import shutil

    from booklib import citation
    from conftest import REPO

    ed = citation.edition(REPO)
    claims = [citation.Citable("claim", 'Tariffs "up" 15 % & $550 bn – {a}_b #1 — back\\slash, 日本', "C9-99", "chapters/claims", "claim-c9-99"),
              citation.Citable("claim", "Plain", "C1", "chapters/claims", "claim-c1")]
    rows = "".join(f'<tr id="{c.anchor}" data-cite-number="{html_lib.escape(c.number)}" data-cite-title="{html_lib.escape(c.title)}">'
                   f'<td>{html_lib.escape(c.title)}</td><td class="book-cite-cell" data-cite-row="{c.anchor}"></td></tr>' for c in claims)
    (tmp_path / "index.html").write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><script defer src="book-cite.js"></script><table>{rows}</table>'
        f'<template id="book-cite-row-template">{citation.row_control_template(ed, "chapters/claims")}</template>', encoding="utf-8")
    shutil.copy(REPO / "booklib" / "build" / "static" / "book-cite.js", tmp_path)
    server, context, page, problems = open_page(browser, tmp_path, "index.html")
    try:
        for claim in claims:
            control = page.locator(f"tr#{claim.anchor} details.book-cite")
            assert control.get_attribute("data-cite-anchor") == claim.anchor
            assert control.locator("summary").get_attribute("title") == claim.label()
            for fmt, text in citation.formats(ed, claim).items():
                assert control.locator(f"pre.book-cite-{fmt}").text_content() == text.rstrip(), (claim.number, fmt)
        assert not problems, problems
    finally:
        context.close()
        server.shutdown()
