"""Every page, in HTML and PDF: a number and the unit after it stay on one line.

The formatters of booklib.formats write glued values with a no-break space already; this
post-transform gives the same to what the prose types itself ("when steel went to 50 %"), to
table cells and to captions, so that neither a line end nor a narrow table cell prints a number
and its "%" apart. Code and literal text are left as they are.

In the PDF, straight quotes left in text that Sphinx's smart quotes do not reach (titles in the
bibliography, text from the data) are made typographic, as the HTML's fonts draw them: TeX's
fonts print a straight " as a closing ” wherever it stands ('nation's ”friends circle”').
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import traverse_parent


LITERAL = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.comment)


class KeepUnits(SphinxPostTransform):
    default_priority = 300

    def run(self, **kwargs) -> None:
        from docutils.utils.smartquotes import educateQuotes

        # Here, not at the top: booklib.formats loads pandas, which a no-op rebuild must not.
        from booklib.formats import keep_units

        latex = self.app.builder.format == "latex"
        before = " "  # the character before each text, so that a quote opening a text node reads right
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or next(traverse_parent(parent, LITERAL), None) is not None:
                continue
            kept = keep_units(str(text))
            if latex and ('"' in kept or "'" in kept):
                kept = educateQuotes(before + kept, language="en")[1:]
            if kept:
                before = kept[-1]
            if kept != str(text):
                parent.replace(text, nodes.Text(kept))


class CjkAddresses(SphinxPostTransform):
    """PDF: an address with CJK characters (a Japanese news path) is linked percent-encoded and
    printed as text. As a URL (\\sphinxurl, set like math) its CJK characters had no font and
    vanished from the bibliography ("business-humanrights.org/ja//china-belt-...")."""

    default_priority = 300
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        from urllib.parse import quote

        for reference in self.document.findall(nodes.reference):
            address = reference.get("refuri", "")
            if address.isascii():
                continue
            reference["refuri"] = quote(address, safe=":/?#[]@!$&'()*+,;=%~")
            if reference.astext() == address:
                # Printed without its scheme, as the HTML shows addresses; it wraps at hyphens and CJK.
                reference.children = [nodes.Text(address.split("://", 1)[-1])]
