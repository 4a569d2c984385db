"""Benchmark the book: build times, page weights, chart render times.

Runs in a scratch git clone of the repository holding the working tree's edits (so the working
tree and its cache are untouched), prints a Markdown table and writes it to bench/results/.

    make bench          # or: .venv/bin/python scripts/bench.py [--no-pdf]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STRICT = ["--warningiserror", "--nitpick", "--keep-going"]
BUNDLE = "_static/booklib/vega-bundle.js"
TARGET_PAGE_KB = 300
TARGET_NOTEBOOK_BYTES = 2_000_000
TARGET_RENDER_S = 1.0
# First visit of a chart page: every script and stylesheet it loads, the Vega runtime included
# (fonts are not counted), in bytes.
TARGET_FIRST_VISIT_BYTES = 1_500_000
TARGET_NOOP_RATIO = 0.06


def build(root: Path, builder: str = "html") -> tuple[float, list[str]]:
    """Seconds for one strict build, and the notebooks it executed."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "jupyter-book"), "build", str(root), "--builder", builder, *STRICT],
        cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(root)},
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{builder} build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    executed = [Path(line.split(":")[0]).stem for line in (result.stdout + result.stderr).splitlines() if "Executing notebook" in line]
    return seconds, executed


EDITIONS = ["zh", "ja"]
TARGET_EDITIONS_RATIO = 2.5
READING = re.compile(r"reading sources\.\.\. \[[ \d]+%\] (\S+)")


def editions_build(root: Path, *args: str) -> tuple[float, list[str], str]:
    """Seconds for `python -m booklib.build.editions <args>` (the Chinese and Japanese editions), the
    pages it read (per edition: "zh:chapters/tariffs"), its output."""
    started = time.perf_counter()
    result = subprocess.run([str(BIN / "python"), "-m", "booklib.build.editions", *args], cwd=root, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(root)})
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"editions build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    read = []
    for line in (result.stdout + result.stderr).splitlines():
        edition = re.match(r"\[editions\] (\w+): (.*)", re.sub(r"\x1b\[[0-9;]*m", "", line))
        match = READING.search(edition.group(2)) if edition else None
        if match:
            read.append(f"{edition.group(1)}:{match.group(1)}")
    return seconds, read, result.stdout + result.stderr


def make_editions(root: Path) -> tuple[float, list[str], str]:
    """`make editions`: the English build and the editions' build at once; seconds, pages the editions read, output."""
    started = time.perf_counter()
    english = subprocess.Popen([str(BIN / "jupyter-book"), "build", str(root), "--builder", "html", *STRICT], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONPATH": str(root)})
    _, read, output = editions_build(root, "html", *EDITIONS)
    english_output, _ = english.communicate()
    if english.returncode != 0:
        sys.exit(f"html build failed:\n{english_output[-3000:]}")
    return time.perf_counter() - started, read, output


def pseudo_catalog(root: Path, page: str, lang: str) -> Path:
    """A complete catalog of `page` for the benchmark when the edition has none: each message its own
    translation (complete, every role kept), made from the page's extracted template."""
    from babel.messages.pofile import read_po, write_po

    with (root / "_build" / "gettext" / f"{page}.pot").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id:
            message.string = message.id
    target = root / "locales" / lang / "LC_MESSAGES" / f"{page}.po"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=0)
    return target


def editions_lines(root: Path, clean: float) -> list[str]:
    """`make editions` from clean (English, then zh and ja) against the English clean build; a no-op
    `make editions`; the rebuild after editing one page catalog (one page of one edition)."""
    lines = []
    # From clean, as `make editions` builds: English and the editions side by side.
    shutil.rmtree(root / "_build", ignore_errors=True)
    total, _, output = make_editions(root)
    ratio = total / clean
    translated = ", ".join(f"{m.group(1)} {m.group(2)}" for m in re.finditer(r"\[editions\] (\w+): (\d+) page\(s\) published", output))
    lines.append(f"| `make editions` clean (English, zh and ja side by side; pages translated: {translated}) | {total:.1f} s ({ratio:.1f}× the English clean build, {clean:.1f} s) "
                 f"| ≤ {TARGET_EDITIONS_RATIO}× | {'yes' if ratio <= TARGET_EDITIONS_RATIO else 'no'} |")
    noop, noop_read, _ = make_editions(root)
    lines.append(f"| `make editions` no-op (pages re-read: {len(noop_read)}) | {noop:.1f} s ({noop / total:.0%} of its clean build) "
                 f"| ≤ {TARGET_NOOP_RATIO:.0%} | {'yes' if noop / total <= TARGET_NOOP_RATIO else 'no'} |")
    catalogs = sorted((root / "locales" / "zh" / "LC_MESSAGES").rglob("*.po"))
    # The catalog of a page the edition publishes translated (not the library's, the build's or a
    # table's, which every page uses; not a page published as a notice, which reads no catalog).
    import yaml

    listed = set(yaml.safe_load((root / "locales" / "translated.yml").read_text(encoding="utf-8")).get("zh") or [])
    messages = root / "locales" / "zh" / "LC_MESSAGES"
    catalogs = [c for c in catalogs if c.relative_to(messages).with_suffix("").as_posix() in listed]
    if not catalogs:  # no page translated yet: a complete identity catalog of the glossary, built once
        editions_build(root, "pot")
        catalogs = [pseudo_catalog(root, "chapters/appendix/glossary", "zh")]
        editions_build(root, "html", "zh")
    po = catalogs[0]
    po.write_text(po.read_text(encoding="utf-8") + "\n# edited by the benchmark\n", encoding="utf-8")
    one, one_read, _ = editions_build(root, "html", *EDITIONS)
    page = po.relative_to(root / "locales" / "zh" / "LC_MESSAGES").with_suffix("").as_posix()
    lines.append(f"| rebuild after editing one .po ({page}, zh; pages re-read: {', '.join(one_read) or 'none'}) | {one:.1f} s "
                 f"| one page of one edition | {'yes' if one_read == [f'zh:{page}'] else 'no'} |")
    return lines


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        url = attrs.get("src") if tag in ("script", "img") else attrs.get("href") if tag == "link" and attrs.get("rel") == "stylesheet" else None
        if url and not re.match(r"(https?:)?//|data:", url):
            self.paths.append(url.split("?")[0].split("#")[0])


def first_visit_bytes(html_root: Path, page: str) -> int:
    """Every script and stylesheet `page` loads (the Vega runtime included), fonts not counted."""
    parser = Assets()
    path = html_root / page
    parser.feed(path.read_text(encoding="utf-8"))
    files = {(path.parent / url).resolve() for url in parser.paths}
    return sum(f.stat().st_size for f in files if f.exists() and f.suffix in (".js", ".css"))


def page_weights(html_root: Path) -> tuple[list[tuple[str, int, int, bool]], int]:
    """Per page: (page, own weight, first-visit weight, has charts), and the weight of the assets
    every page shares (theme, styles; cached after the first page). Own weight is the HTML plus
    the assets not shared by every page; the Vega bundle is counted in neither."""
    loads = {}
    # The English pages: the editions under zh/ and ja/ have their own assets (weighed alike by `make bench`).
    for page in sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts and p.name not in ("genindex.html", "search.html", "index.html")
                       and p.relative_to(html_root).parts[0] not in ("zh", "ja")):
        parser = Assets()
        text = page.read_text(encoding="utf-8")
        parser.feed(text)
        assets = {(page.parent / url).resolve() for url in parser.paths}
        assets = {a for a in assets if a.exists() and not str(a).endswith(BUNDLE)}
        loads[page] = (assets, 'class="book-chart"' in text)
    shared = set.intersection(*(assets for assets, _ in loads.values()))
    shared_bytes = sum(a.stat().st_size for a in shared)
    rows = []
    for page, (assets, charts) in loads.items():
        own = page.stat().st_size + sum(a.stat().st_size for a in assets - shared)
        rows.append((str(page.relative_to(html_root)), own, own + shared_bytes, charts))
    return rows, shared_bytes


def render_times(html_root: Path, pages: list[str]) -> dict[str, dict]:
    """Per page, in headless Chromium with the network cut off: seconds from navigation start until
    the charts near the first screen are drawn; how many charts are drawn at load (the others wait
    until the reader nears them); the longest time one chart took to draw; and how far the page's
    height moved when every chart was drawn (the height reserved for them)."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html_root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    times = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                                 args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for path in pages:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
                page.goto(f"{base}/{path}")
                page.wait_for_load_state("load")
                page.wait_for_timeout(200)  # the observer reports the charts near the first screen
                # The charts the observer picked at load (near the first screen) are drawing.
                page.wait_for_function("() => [...document.querySelectorAll('.book-chart')].filter(c => c.dataset.theme).every(c => c.dataset.rendered)", timeout=30_000)
                drawn_at = page.evaluate("[...document.querySelectorAll('.book-chart')].filter(c => c.dataset.rendered).map(c => +c.dataset.renderedAt)")
                at_load = len(drawn_at)
                first_screen = max(drawn_at) / 1000 if drawn_at else None
                height = page.evaluate("document.body.scrollHeight")
                page.evaluate("""async () => { for (let y = 0; y < document.body.scrollHeight; y += 400) {
                    window.scrollTo(0, y); await new Promise(r => setTimeout(r, 25)); } }""")
                page.wait_for_function("() => [...document.querySelectorAll('.book-chart')].every(c => c.dataset.rendered)", timeout=30_000)
                total = page.evaluate("document.querySelectorAll('.book-chart').length")
                longest = page.evaluate("Math.max(...[...document.querySelectorAll('.book-chart')].map(c => +c.dataset.renderMs))")
                moved = page.evaluate("document.body.scrollHeight") - height
                times[path] = {"first_screen": first_screen, "slowest": longest / 1000, "at_load": at_load, "charts": total, "moved": moved}
                page.close()
            browser.close()
    finally:
        server.shutdown()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF build")
    parser.add_argument("--no-editions", action="store_true", help="skip the Chinese and Japanese editions")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="book-bench-"))
    root = scratch / "book"
    # A git clone, as a reader's checkout is (the Revisions page and each page's last change come from
    # git), holding the working tree's uncommitted edits too: the index reset to HEAD, git sees them.
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(root)], check=True)
    shutil.copytree(REPO, root, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".venv", ".venv-lab", "_build", ".git", "bench", "__pycache__", ".pytest_cache"))
    subprocess.run(["git", "-C", str(root), "reset", "--quiet"], check=True)
    lines = []

    clean, executed = build(root)
    noop, noop_executed = build(root)
    chapter = root / "chapters" / "tariffs.md"
    text = chapter.read_text(encoding="utf-8")
    first_code = text.index("```{code-cell} ipython3\n")
    cell_end = text.index("\n```\n", first_code)
    chapter.write_text(text[:cell_end] + "\n# touched by the benchmark" + text[cell_end:], encoding="utf-8")
    touched, touched_executed = build(root)
    pdf = None
    if not args.no_pdf and shutil.which("xelatex"):
        pdf, _ = build(root, "pdflatex")
    # After the chapter edit: the English build is current again, as `make editions` finds it.
    edition_lines = [] if args.no_editions else editions_lines(root, clean)

    html_root = root / "_build" / "html"
    weights, shared_bytes = page_weights(html_root)
    renders = render_times(html_root, [p for p, _, _, charts in weights if charts]) if shutil.which("chromium") or Path("/usr/bin/chromium").exists() else {}
    bundle_kb = (html_root / BUNDLE).stat().st_size / 1024

    lines.append(f"# Book benchmark, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores\n")
    lines.append("| measure | value | target | met |")
    lines.append("| --- | --- | --- | --- |")
    lines.append(f"| clean HTML build (executes {len(executed)} notebooks) | {clean:.1f} s | | |")
    ratio = noop / clean
    lines.append(f"| no-op rebuild (executed {len(noop_executed)}) | {noop:.1f} s ({ratio:.0%} of clean) | ≤ {TARGET_NOOP_RATIO:.0%} of clean | {'yes' if ratio <= TARGET_NOOP_RATIO else 'no'} |")
    only_one = touched_executed == ["tariffs"]
    lines.append(f"| rebuild after editing one chapter's code (executed: {', '.join(touched_executed) or 'none'}) | {touched:.1f} s | only that chapter re-executes | {'yes' if only_one else 'no'} |")
    if pdf is not None:
        lines.append(f"| PDF build (cache warm) | {pdf:.1f} s | | |")
    lines += edition_lines
    lines.append(f"| shared Vega runtime (chart pages only, cached once) | {bundle_kb:,.0f} KB | | |")
    chart_pages = [p for p, _, _, charts in weights if charts]
    heaviest = max((first_visit_bytes(html_root, p), p) for p in chart_pages) if chart_pages else (0, "none")
    lines.append(f"| first visit of a chart page: scripts and styles, Vega included, fonts not counted (heaviest: {heaviest[1]}) "
                 f"| {heaviest[0] / 1e6:.2f} MB | ≤ {TARGET_FIRST_VISIT_BYTES / 1e6:.1f} MB | {'yes' if heaviest[0] <= TARGET_FIRST_VISIT_BYTES else 'no'} |")
    lines.append(f"| theme assets every page shares (cached once) | {shared_bytes / 1024:,.0f} KB | | |")
    lines.append("\n| page | own weight | first visit (scripts and styles, Vega included) | charts drawn at load | first screen's charts drawn after navigation start | slowest chart, once scripts ran | page height moved when all charts drew | met |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for page, own, first, charts in weights:
        render = renders.get(page)
        visit = first_visit_bytes(html_root, page)
        if render:
            first = render["first_screen"]
            shown = (f"{render['at_load']} of {render['charts']}", f"{first:.2f} s" if first is not None else "none on the first screen",
                     f"{render['slowest']:.2f} s", f"{render['moved']:+d} px")
            ok = (first is None or first <= TARGET_RENDER_S) and abs(render["moved"]) <= 50
        else:
            shown, ok = ("no charts", "", "", ""), True
        ok = ok and own / 1024 <= TARGET_PAGE_KB and (not charts or visit <= TARGET_FIRST_VISIT_BYTES)
        lines.append(f"| {page} | {own / 1024:,.0f} KB | {visit / 1e6:.2f} MB | {' | '.join(shown)} | {'yes' if ok else 'no'} |")
    lines.append("\n| downloadable notebook (the page's .ipynb) | size | target | met |")
    lines.append("| --- | --- | --- | --- |")
    for notebook in sorted((html_root / "_sources").rglob("*.ipynb")):
        size = notebook.stat().st_size
        lines.append(f"| {notebook.relative_to(html_root / '_sources')} | {size / 1024:,.0f} KB | ≤ {TARGET_NOTEBOOK_BYTES / 1e6:.0f} MB "
                     f"| {'yes' if size <= TARGET_NOTEBOOK_BYTES else 'no'} |")
    lines.append(f"\nTargets: a page's own weight (its HTML and the assets not every page shares) ≤ {TARGET_PAGE_KB} KB; a chart page's first "
                 f"visit ≤ {TARGET_FIRST_VISIT_BYTES / 1e6:.1f} MB of scripts and styles; fonts are not counted. The charts near the first screen "
                 f"drawn ≤ {TARGET_RENDER_S:.0f} s after navigation start; the others when the reader nears them, in a reserved height "
                 "(the page moves ≤ 50 px when all are drawn). Served from localhost with the network cut off.")
    report = "\n".join(lines) + "\n"
    print(report)
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}.md").write_text(report, encoding="utf-8")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
