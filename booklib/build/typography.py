"""Every page, in HTML and PDF: a number and the unit after it stay on one line.

The formatters of booklib.formats write glued values with a no-break space already; this
post-transform gives the same to what the prose types itself ("when steel went to 50 %"), to
table cells and to captions, so that neither a line end nor a narrow table cell prints a number
and its "%" apart. Code and literal text are left as they are.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from booklib.formats import keep_units

LITERAL = (nodes.literal, nodes.literal_block, nodes.raw, nodes.math, nodes.math_block, nodes.comment)


class KeepUnits(SphinxPostTransform):
    default_priority = 300

    def run(self, **kwargs) -> None:
        for text in list(self.document.findall(nodes.Text)):
            parent = text.parent
            if parent is None or isinstance(parent, LITERAL) or any(isinstance(a, LITERAL) for a in _ancestors(parent)):
                continue
            kept = keep_units(str(text))
            if kept != str(text):
                parent.replace(text, nodes.Text(kept))


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent
