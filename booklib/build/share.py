"""What a page shows when it is shared or bookmarked, and what it does not load (Sphinx, HTML only).

- Every page's head carries a description (its first paragraph of prose, shortened) and an Open
  Graph card: og:title, og:description, og:site_name, og:type, og:image and a Twitter card.
  og:image is the PNG of the page's first chart (the image vl-convert rendered for the PDF, kept by
  myst-nb in `jupyter_execute/<page>.glue.json`), written beside the book as `_og/<page>.png`; a page
  without a chart shows the book's first chart. og:url, and absolute image addresses, only when
  `html: baseurl:` is set (the book's published address; see booklib.build.cite_sphinx).
- The favicon is `favicon.svg` (a mark drawn for the book, two bars between two poles).
- No empty general index: `html_use_index` is off, so genindex.html is not written and no page
  links to it.
- Sphinx's search scripts and the whole search index (`searchindex.js`, 160 KB, loaded before the
  page could draw) are loaded by the search page only: the theme loads them on every page for a
  search-as-you-type the book does not turn on (`templates/layout.html`).
"""

from __future__ import annotations

import base64
import html
import json
import re
import struct
from pathlib import Path

BUILD_DIR = Path(__file__).resolve().parent
FAVICON = BUILD_DIR / "favicon.svg"
TEMPLATES = BUILD_DIR / "templates"
OG_DIR = "_og"
DESCRIPTION_CHARS = 200
FIRST_CHART = re.compile(r'<div class="book-chart" id="chart-(fig-[\w-]+)"[^>]*>\s*<div class="book-chart-view" role="img" aria-label="([^"]*)"')


def setup(app) -> None:
    app.connect("config-inited", _configure)
    app.connect("html-page-context", _add_card, priority=600)
    app.connect("build-finished", _remove_stale_index)


def _configure(app, config) -> None:
    config.html_use_index = False
    if not config.html_favicon:
        config.html_favicon = str(FAVICON)
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def _remove_stale_index(app, exception) -> None:
    """A genindex.html an earlier build wrote (before the index was turned off) is not left behind."""
    stale = Path(app.outdir) / "genindex.html"
    if not exception and app.builder.format == "html" and not app.config.html_use_index and stale.exists():
        stale.unlink()


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """`text` on one line, cut at a word before `limit` characters with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–-(")
    return cut + "…"


def page_description(doctree) -> str:
    """The page's first paragraph of prose (not in a box, figure, table or list), shortened."""
    from docutils import nodes

    skip = (nodes.Admonition, nodes.figure, nodes.table, nodes.list_item, nodes.footnote, nodes.citation,
            nodes.field_list, nodes.definition_list, nodes.block_quote, nodes.caption, nodes.raw)
    for paragraph in doctree.findall(nodes.paragraph):
        parent, inside = paragraph.parent, False
        while parent is not None:
            # Not a cell's output, nor the date-of-data line under the title (sphinx_ext.ASOF_CLASS).
            if isinstance(parent, skip) or {"cell_output", "book-asof"} & set(parent.get("classes", [])):
                inside = True
                break
            parent = parent.parent
        text = " ".join(paragraph.astext().split())
        if not inside and len(text) >= 40:
            return shorten(text)
    return ""


def plain(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup or "")).split())


def chart_png(outdir: Path, docname: str, figure: str) -> bytes | None:
    """The PNG myst-nb kept for the glued figure `figure` of page `docname`, or None."""
    glue = Path(outdir).parent / "jupyter_execute" / f"{docname}.glue.json"
    if not glue.exists():
        return None
    output = json.loads(glue.read_text(encoding="utf-8")).get(figure) or {}
    data = (output.get("data") or {}).get("image/png")
    return base64.b64decode(data) if data else None


def png_size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", png[16:24])


def _book_card(app) -> tuple[str, str] | None:
    """The first chart of the book, in the order of the table of contents: (page, figure)."""
    cached = getattr(app, "booklib_book_card", False)
    if cached is not False:
        return cached
    app.booklib_book_card = None
    env = app.env
    order = [app.config.root_doc, *env.toctree_includes.get(app.config.root_doc, [])]
    seen = set()
    while order:
        docname = order.pop(0)
        if docname in seen:
            continue
        seen.add(docname)
        glue = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.glue.json"
        if glue.exists():
            names = [k for k, v in json.loads(glue.read_text(encoding="utf-8")).items()
                     if k.startswith("fig-") and "image/png" in (v.get("data") or {})]
            if names:
                app.booklib_book_card = (docname, names[0])
                break
        order[:0] = env.toctree_includes.get(docname, [])
    return app.booklib_book_card


def card_tags(title: str, site: str, description: str, image: str = "", image_size: tuple[int, int] | None = None,
              image_alt: str = "", url: str = "", kind: str = "article") -> str:
    """The meta tags of a page's description and Open Graph card."""
    attr = lambda text: html.escape(text, quote=True)  # noqa: E731
    tags = [
        f'<meta name="description" content="{attr(description)}" />' if description else "",
        f'<meta property="og:title" content="{attr(title)}" />',
        f'<meta property="og:site_name" content="{attr(site)}" />',
        f'<meta property="og:type" content="{kind}" />',
        f'<meta property="og:description" content="{attr(description)}" />' if description else "",
        f'<meta property="og:url" content="{attr(url)}" />' if url else "",
    ]
    if image:
        tags.append(f'<meta property="og:image" content="{attr(image)}" />')
        if image_size:
            tags.append(f'<meta property="og:image:width" content="{image_size[0]}" />')
            tags.append(f'<meta property="og:image:height" content="{image_size[1]}" />')
        if image_alt:
            tags.append(f'<meta property="og:image:alt" content="{attr(image_alt)}" />')
    tags.append(f'<meta name="twitter:card" content="{"summary_large_image" if image else "summary"}" />')
    return "\n".join(t for t in tags if t) + "\n"


def _add_card(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html" or doctree is None:
        return
    site = plain(app.config.html_title or app.config.project)
    title = plain(context.get("title", "")) or site
    description = page_description(doctree)
    body = context.get("body", "")
    match = FIRST_CHART.search(body)
    figure_page, figure, alt = (pagename, match.group(1), html.unescape(match.group(2))) if match else (None, None, "")
    if figure is None:
        card = _book_card(app)
        if card:
            figure_page, figure = card
    png = chart_png(Path(app.outdir), figure_page, figure) if figure else None
    baseurl = (app.config.html_baseurl or "").rstrip("/")
    image = size = None
    if png:
        target = Path(app.outdir) / OG_DIR / f"{figure_page}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != png:
            target.write_bytes(png)
        size = png_size(png)
        path = f"{OG_DIR}/{figure_page}.png"
        image = f"{baseurl}/{path}" if baseurl else "../" * pagename.count("/") + path
    url = f"{baseurl}/{pagename}.html" if baseurl else ""
    existing = context.get("metatags", "")
    root = pagename == app.config.root_doc
    tags = card_tags(title if root else f"{title} — {site}", site, "" if 'name="description"' in existing else description,
                     image or "", size, alt, url, kind="website" if root else "article")
    context["metatags"] = existing + tags
