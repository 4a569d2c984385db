"""How to cite the book and any part of it, from one place (CITATION.cff).

Pure functions, no Sphinx: the edition (CITATION.cff and the build date), the
citation of the book, a chapter, a section, a figure, a table or a claim in four
formats (author-date text, BibTeX, RIS, CSL-JSON), and the address of a part (the
book's base URL when it is published, else the page path). The build side uses it:
`booklib.build.cite_sphinx` (cite controls, citation files), `history` (last changes,
the edition log, revisions), `anchors` (anchors.yml) and `release` (the data release).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from booklib.i18n import N_, _, translate

ROOT = Path(__file__).resolve().parent.parent
# The words of citations and cite controls, in the edition's language (booklib.po).
NOT_PUBLISHED = N_("the book's web address is not yet published")
FORMATS = {"text": N_("Text"), "bibtex": N_("BibTeX"), "ris": N_("RIS"), "csl": N_("CSL-JSON")}
KINDS = {"book": N_("Book"), "chapter": N_("Chapter"), "page": N_("Appendix"), "section": N_("Section"),
         "figure": N_("Figure"), "table": N_("Table"), "claim": N_("Claim")}


class CitationError(ValueError):
    """Bad citation input: an edition log out of order, an anchor gone, a table missing from a release."""


# --- the edition -------------------------------------------------------------------------------

def build_day() -> dt.date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC). No
    citation, page or release carries it: they carry the edition and its date, so that two builds
    of one edition are the same on any day (only an edition without a date falls back to it)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def read_cff(root: Path = ROOT) -> dict:
    import yaml

    return yaml.safe_load((Path(root) / "CITATION.cff").read_text(encoding="utf-8"))


def edition(root: Path = ROOT) -> dict:
    """Title, authors, edition (CFF `version`) and its date (`date-released`) of the book."""
    cff = read_cff(root)
    authors = [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]
    released = cff.get("date-released")
    released = dt.date.fromisoformat(str(released)) if released else build_day()
    return {
        "title": cff["title"],
        "authors": authors,
        "authors_text": "; ".join(authors),
        "corporate": [bool(a.get("name")) for a in cff["authors"]],
        "version": str(cff["version"]),
        "released": released.isoformat(),
        "year": str(released.year),
        "license": cff.get("license", ""),
        "abstract": " ".join(str(cff.get("abstract", "")).split()),
    }


# --- what is cited -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Citable:
    """One thing a reader may cite: the book, or a part of it with its page and anchor."""

    kind: str  # one of KINDS
    title: str
    number: str = ""
    page: str = ""  # docname, e.g. chapters/tariffs
    anchor: str = ""

    def label(self) -> str:
        """'Figure 1.3: Title', 'Section 2.1: Title', 'Claim C000-24: ...', a page's own title."""
        if self.kind in ("book", "page"):
            return self.title
        number = f" {self.number}" if self.number else ""
        if not number and self.kind in ("section", "chapter", "table"):
            return self.title
        # An appendix is a chapter numbered by a letter: "Appendix F", not "Chapter F".
        kind = KINDS["page"] if self.kind == "chapter" and self.number.isalpha() else KINDS[self.kind]
        return _("{kind}{number}: {title}", kind=translate(kind), number=number, title=self.title)


def address(item: Citable, baseurl: str = "") -> tuple[str, bool]:
    """The item's address and whether it is a published web address (else a path in the book)."""
    path = f"{item.page}.html" if item.page else "intro.html"
    if item.anchor:
        path += f"#{item.anchor}"
    if baseurl:
        return f"{baseurl.rstrip('/')}/{path}", True
    return path, False


def citation_key(ed: dict, item: Citable) -> str:
    words = re.findall(r"[A-Za-z]+", ed["title"].split(",")[0])
    stem = "".join(w[0].lower() for w in words) + ed["year"]
    return stem if item.kind == "book" else f"{stem}:{item.anchor or item.page.replace('/', '-')}"


def as_text(ed: dict, item: Citable, baseurl: str = "") -> str:
    url, published = address(item, baseurl)
    where = url if published else unpublished_page(url)
    if item.kind == "book":
        return _("{authors} ({year}). {title}. Version {version} of {released}. {where}.", authors=ed['authors_text'],
                 year=ed['year'], title=ed['title'], version=ed['version'], released=ed['released'], where=where)
    return _("{authors} ({year}). \u201c{label}\u201d. In {title}, version {version} of {released}. {where}.",
             authors=ed['authors_text'], year=ed['year'], label=item.label(), title=ed['title'], version=ed['version'],
             released=ed['released'], where=where)


def unpublished_page(url: str) -> str:
    """A page's path while the book has no web address: Page chapters/tariffs.html (not yet published)."""
    return _("Page {url} ({not_published})", url=url, not_published=translate(NOT_PUBLISHED))


def _bibtex_escape(text: str) -> str:
    text = text.replace("\u2013", "--").replace("\u2014", "---")
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def as_bibtex(ed: dict, item: Citable, baseurl: str = "") -> str:
    """BibTeX (and biblatex): the book a @techreport, a part an @incollection titled with its
    label ('Figure 1.3: ...'); the edition once, as `version` (an `edition` as well made
    styles print it twice); a chapter's number as `chapter`, never a section's or a figure's
    (styles would print 'chapter 1.1'); a corporate author in braces, kept whole."""
    url, published = address(item, baseurl)
    authors = " and ".join(f"{{{_bibtex_escape(a)}}}" if corp else _bibtex_escape(a)
                           for a, corp in zip(ed["authors"], ed["corporate"]))
    fields = [("author", authors)]
    # Titles in an extra pair of braces keep their capitals in BibTeX styles that lower-case titles.
    if item.kind == "book":
        entry = "techreport"
        fields += [("title", f"{{{_bibtex_escape(ed['title'])}}}"), ("institution", authors), ("type", "Open research report")]
    else:
        # incollection: a titled part of a titled whole, which classic BibTeX and biblatex both print.
        entry = "incollection"
        fields += [("title", f"{{{_bibtex_escape(item.label())}}}"), ("booktitle", f"{{{_bibtex_escape(ed['title'])}}}"),
                   ("publisher", authors)]
        if item.kind == "chapter" and item.number:
            fields.append(("chapter", item.number))
    fields += [("year", ed["year"]), ("version", ed["version"]), ("date", ed["released"])]
    if published:
        fields.append(("url", url))
    else:
        fields.append(("note", _bibtex_escape(unpublished_page(url))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{citation_key(ed, item)},\n{body}\n}}\n"


# RIS and CSL types of each kind: a section is a part (CHAP, chapter) without a chapter number;
# a table is a table of data (DATA, dataset), not a figure.
RIS_TYPES = {"book": "RPRT", "chapter": "CHAP", "page": "CHAP", "section": "CHAP", "figure": "FIGURE",
             "table": "DATA", "claim": "CHAP"}
CSL_TYPES = {"book": "report", "chapter": "chapter", "page": "chapter", "section": "chapter", "figure": "figure",
             "table": "dataset", "claim": "entry"}
NO_BREAK_AND = "\u00a0and\u00a0"


def _ris_author(name: str, corporate: bool) -> str:
    """RIS has no corporate author: readers such as bibutils take ' and ' in an AU line for two
    people, so a corporate name's ' and ' is written with no-break spaces (it reads the same)."""
    return name.replace(" and ", NO_BREAK_AND) if corporate else name


def as_ris(ed: dict, item: Citable, baseurl: str = "") -> str:
    url, published = address(item, baseurl)
    lines = [("TY", RIS_TYPES[item.kind])] + [("AU", _ris_author(a, corp)) for a, corp in zip(ed["authors"], ed["corporate"])]
    lines += [("PY", ed["year"]), ("DA", ed["released"].replace("-", "/"))]
    if item.kind == "book":
        lines.append(("TI", ed["title"]))
    else:
        lines += [("TI", item.label()), ("T2", ed["title"])]
    lines += [("ET", ed["version"]), ("ID", citation_key(ed, item))]
    if published:
        lines.append(("UR", url))
    else:
        lines.append(("N1", f"{unpublished_page(url)}."))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def as_csl(ed: dict, item: Citable, baseurl: str = "") -> dict:
    url, published = address(item, baseurl)
    year, month, day = (int(p) for p in ed["released"].split("-"))
    csl = {
        "id": citation_key(ed, item),
        "type": CSL_TYPES[item.kind],
        "title": ed["title"] if item.kind == "book" else item.label(),
        "author": [{"literal": a} if corp else dict(zip(("family", "given"), a.split(", ", 1)))
                   for a, corp in zip(ed["authors"], ed["corporate"])],
        "issued": {"date-parts": [[year, month, day]]},
        "version": ed["version"],
    }
    if item.kind == "book":
        csl["publisher"] = ed["authors_text"]
    else:
        csl["container-title"] = ed["title"]
    if item.kind == "chapter" and item.number:
        csl["chapter-number"] = item.number
    if published:
        csl["URL"] = url
    if not published:
        csl["note"] = unpublished_page(url)
    return csl


def as_csl_json(ed: dict, items: list[Citable], baseurl: str = "") -> str:
    return json.dumps([as_csl(ed, i, baseurl) for i in items], ensure_ascii=False, indent=2) + "\n"


def formats(ed: dict, item: Citable, baseurl: str = "") -> dict[str, str]:
    """The item's citation in every format, as the text a reader copies."""
    return {
        "text": as_text(ed, item, baseurl),
        "bibtex": as_bibtex(ed, item, baseurl),
        "ris": as_ris(ed, item, baseurl),
        "csl": as_csl_json(ed, [item], baseurl),
    }


# The cite control's words, per kind of thing cited.
CITE_SUMMARIES = {"book": N_("Cite the book"), "page": N_("Cite this page"), "chapter": N_("Cite this chapter"),
                  "section": N_("Cite this section"), "figure": N_("Cite this figure"), "table": N_("Cite this table"),
                  "claim": N_("Cite this claim")}


def control_html(ed: dict, item: Citable, baseurl: str = "") -> str:
    """A disclosure with the citation in each format; book-cite.js adds a copy button to each
    when it is first opened (without scripts the text is there to select)."""
    import html

    summary = translate(CITE_SUMMARIES.get(item.kind, CITE_SUMMARIES["section"]))
    parts = [f'<details class="book-cite" data-cite-anchor="{html.escape(item.anchor)}">'
             f'<summary title="{html.escape(item.label())}">{html.escape(summary, quote=False)}</summary><div class="book-cite-body">']
    for fmt, text in formats(ed, item, baseurl).items():
        parts.append(f'<pre class="book-cite-{fmt}" data-cite-format="{fmt}" data-cite-name="{html.escape(translate(FORMATS[fmt]))}">'
                     f'{html.escape(text.rstrip(), quote=False)}</pre>')
    parts.append('<p class="book-cite-status" role="status" aria-live="polite"></p></div></details>')
    return "".join(parts)


# The cite control of a table row (a claim of the ledger) is made in the browser, by book-cite.js,
# from one template per page: its placeholders (letters only, so that no format escapes them) stand
# for the row's number, title and anchor. A control per row would weigh about 2.6 KB each.
ROW_PLACEHOLDERS = {"number": "BOOKCITEROWNUMBER", "title": "BOOKCITEROWTITLE", "anchor": "BOOKCITEROWANCHOR"}
# A row anchor holds only characters no format escapes: it stands unescaped in a BibTeX key but
# escaped in the BibTeX note, and book-cite.js escapes each placeholder of a format alike.
ROW_ANCHOR = re.compile(r"[a-z0-9-]+")


def row_control_template(ed: dict, page: str, baseurl: str = "") -> str:
    """The cite control of any claim row of `page`, its number, title and anchor left as
    ROW_PLACEHOLDERS; book-cite.js fills them in, escaped for each format as the formats above do."""
    item = Citable("claim", ROW_PLACEHOLDERS["title"], ROW_PLACEHOLDERS["number"], page, ROW_PLACEHOLDERS["anchor"])
    return control_html(ed, item, baseurl)


def check_row(item: Citable) -> None:
    """Raise CitationError unless book-cite.js can make the row's control from the template exactly:
    a number (the label would read "Claim : ...") and an anchor of a-z, 0-9 and '-'."""
    if not item.number:
        raise CitationError(f"{item.page}: the row {item.anchor!r} has no number to cite it by")
    if not ROW_ANCHOR.fullmatch(item.anchor):
        raise CitationError(f"{item.page}: the row anchor {item.anchor!r} may hold only a-z, 0-9 and '-'")
