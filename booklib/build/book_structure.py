"""One structure for the web and the print edition.

- Appendices are lettered, A, B, …, in both: the table of contents numbers them (numbered: true
  in _toc.yml) and this extension turns their numbers into letters for HTML (sections and
  figures: "Fig. B.1"), while LaTeX's own \\appendix letters them in the PDF, so a figure has one
  number online and in print.
- The PDF's bibliography is the Bibliography appendix itself: Sphinx gathers every citation at the
  end of the LaTeX document, under an unnumbered heading, which left the numbered Bibliography
  chapter holding one sentence; the gathered entries are moved into that chapter.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform

APPENDIX_CAPTION = "Appendix"
BIBLIOGRAPHY_DOC = "chapters/appendix/bibliography"


def appendix_docs(srcdir) -> list[str]:
    """The appendix pages in the order of _toc.yml (the part captioned APPENDIX_CAPTION)."""
    import yaml

    toc = yaml.safe_load((Path(srcdir) / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        if part.get("caption") == APPENDIX_CAPTION:
            return [chapter["file"] for chapter in part.get("chapters", [])]
    return []


def letter(index: int) -> str:
    return chr(ord("A") + index)


def _unletter_appendices(app, env) -> list[str]:
    """Before the table of contents numbers sections and figures again (its collector compares the new
    numbers with the stored ones and rewrites every page whose numbers changed): the appendices'
    numbers as it wrote them, so that a build that changed nothing rewrites no page (it rewrote the
    seven appendices and the front page each time, 9 % of a clean build)."""
    for docname, (sections, figures) in getattr(env, "booklib_unlettered", {}).items():
        if docname in env.toc_secnumbers:
            env.toc_secnumbers[docname] = sections
        if docname in env.toc_fignumbers:
            env.toc_fignumbers[docname] = figures
    return []


def _letter_appendices(app, env) -> list[str]:
    """After the table of contents numbered sections and figures: an appendix's number is its letter."""
    env.booklib_unlettered = {}
    for index, docname in enumerate(appendix_docs(app.srcdir)):
        env.booklib_unlettered[docname] = (dict(env.toc_secnumbers.get(docname, {})),
                                           {kind: dict(n) for kind, n in env.toc_fignumbers.get(docname, {}).items()})
        numbers = env.toc_secnumbers.get(docname)
        if numbers:
            env.toc_secnumbers[docname] = {anchor: (letter(index), *number[1:]) if number else number
                                           for anchor, number in numbers.items()}
        # The navigation's entries (every page's sidebar) carry their own copy of the number.
        if docname in env.tocs:
            for reference in env.tocs[docname].findall(nodes.reference):
                number = reference.get("secnumber")
                if number and not isinstance(number[0], str):
                    reference["secnumber"] = (letter(index), *number[1:])
        for kind, numbers in env.toc_fignumbers.get(docname, {}).items():
            env.toc_fignumbers[docname][kind] = {label: (letter(index), *number[1:]) for label, number in numbers.items()}
    return []


class AppendixInLatex(SphinxPostTransform):
    """Before the first appendix page in the PDF: \\appendix, so its chapters are lettered."""

    builders = ("latex",)
    default_priority = 400

    def run(self, **kwargs) -> None:
        docs = appendix_docs(self.app.srcdir)
        if not docs:
            return
        for start in self.document.findall(addnodes.start_of_file):
            if start.get("docname") == docs[0]:
                start.parent.insert(start.parent.index(start), nodes.raw("", "\\appendix\n", format="latex"))
                return


class BibliographyInItsChapter(SphinxPostTransform):
    """Move the gathered citations (Sphinx's BibliographyTransform, priority 750) into the
    Bibliography appendix, after its introduction."""

    builders = ("latex",)
    default_priority = 760

    def run(self, **kwargs) -> None:
        from sphinx.builders.latex.nodes import thebibliography

        entries = next(iter(self.document.findall(thebibliography)), None)
        if entries is None:
            return
        for start in self.document.findall(addnodes.start_of_file):
            if start.get("docname") == BIBLIOGRAPHY_DOC:
                section = next(iter(start.findall(nodes.section)), start)
                entries.parent.remove(entries)
                section += entries
                return


# The gathered entries open no chapter of their own (the Bibliography appendix is their chapter).
# Figures and tables are numbered by the chapter as printed (Sphinx writes \arabic{chapter},
# which would number an appendix's figures 2.1 where its heading says B).
LATEX_PREAMBLE = r"""
\makeatletter
\AtBeginDocument{% after Sphinx's own numbering, also set at the beginning of the document
  \renewcommand{\thefigure}{\ifnum\c@chapter>\z@\thechapter.\fi\arabic{figure}}%
  \renewcommand{\thetable}{\ifnum\c@chapter>\z@\thechapter.\fi\arabic{table}}}
\renewenvironment{sphinxthebibliography}[1]
  {\begingroup\let\chapter\@gobbletwo\begin{thebibliography}{#1}}
  {\end{thebibliography}\endgroup}
\makeatother
"""


def setup(app):
    app.connect("env-get-updated", _unletter_appendices, priority=100)
    app.connect("env-get-updated", _letter_appendices, priority=900)
    app.add_post_transform(AppendixInLatex)
    app.add_post_transform(BibliographyInItsChapter)
    app.connect("config-inited", _add_preamble)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


def _add_preamble(app, config) -> None:
    elements = dict(config.latex_elements or {})
    elements["preamble"] = elements.get("preamble", "") + LATEX_PREAMBLE
    config.latex_elements = elements
