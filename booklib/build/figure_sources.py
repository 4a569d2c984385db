"""The `{more-sources}` role of a figure's caption: "and N more, listed ..." says where each output
lists every source of the figure whose caption names only some (booklib.charts.source_line): under
the chart in the HTML (its disclosure), at the end of the chapter in the PDF (the chapter's last cell,
booklib.charts.figure_sources_in_print). One caption, each output pointing to its own list, so the
PDF never sends a reader to the web."""

from __future__ import annotations

from docutils import nodes

from booklib.build.edition_sphinx import words


class more_sources(nodes.Inline, nodes.TextElement):
    """How many sources a caption leaves out (`count`)."""


def more_sources_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    if not text.strip().isdigit():
        message = inliner.reporter.error(f"{{more-sources}} takes a count of sources, not {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [more_sources(rawtext, "", count=int(text))], []


def visit_html(self, node: more_sources) -> None:
    self.body.append(self.encode(words("and {count} more, listed under the chart", count=node["count"])))
    raise nodes.SkipNode


def visit_latex(self, node: more_sources) -> None:
    self.body.append(self.encode(words("and {count} more, listed at the end of the chapter", count=node["count"])))
    raise nodes.SkipNode


def setup(app):
    app.add_node(more_sources, html=(visit_html, None), latex=(visit_latex, None))
    app.add_role("more-sources", more_sources_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
