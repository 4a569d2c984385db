"""Citations of the book and its parts, the edition log, the anchors manifest and the data release.

Fast tests use the pure functions of booklib.citation and a three-page Sphinx project built
in-process (with and without a base URL, and with bad input); tests that take `built_html` check
the real book (book tier).
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import json
import os
import re
import shutil
import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest

from booklib import citation
from booklib.build import anchors, history, release
from booklib.citation import Citable, CitationError

from conftest import FIXTURES, REPO, toc_pages

FIGURE = Citable("figure", "Headline additional US tariff by partner", "1.1", "chapters/tariffs", "fig-tar-headline")
BASE = "https://books.example.org/japan/"


@pytest.fixture
def ed(monkeypatch) -> dict:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # 2026-11-18
    return citation.edition(REPO)


def test_a_lettered_chapter_is_cited_as_an_appendix():
    assert Citable("chapter", "Revisions", "F", "chapters/appendix/revisions", "revisions").label() == "Appendix F: Revisions"
    assert Citable("chapter", "Tariffs", "1", "chapters/tariffs", "tariffs").label() == "Chapter 1: Tariffs"


def parse_ris(text: str) -> list[dict]:
    rispy = pytest.importorskip("rispy", reason="rispy reads RIS files (name it in requirements.txt)")
    return rispy.loads(text)


# --- the four formats --------------------------------------------------------------------------

def test_text_citation_names_authors_year_title_part_version_date_and_address(ed):
    text = citation.as_text(ed, FIGURE, BASE)
    cff = citation.read_cff(REPO)
    assert text.startswith(f"{cff['authors'][0]['name']} ({str(cff['date-released'])[:4]}).")
    for part in (cff["title"], "Figure 1.1: Headline additional US tariff by partner",
                 f"version {cff['version']} of {cff['date-released']}", "https://books.example.org/japan/chapters/tariffs.html#fig-tar-headline"):
        assert part in text
    assert citation.NOT_PUBLISHED not in text


def test_without_a_base_url_citations_give_the_page_path_and_say_the_address_is_unpublished(ed):
    forms = citation.formats(ed, FIGURE, "")
    for name, text in forms.items():
        assert "chapters/tariffs.html" in text and citation.NOT_PUBLISHED in text, name
        assert "https://" not in text, name
    assert "url =" not in forms["bibtex"] and "UR  -" not in forms["ris"] and '"URL"' not in forms["csl"]


def test_bibtex_parses_with_pybtex_and_keeps_the_fields(ed):
    from pybtex.database import parse_string

    for base in (BASE, ""):
        bib = parse_string(citation.as_bibtex(ed, FIGURE, base) + citation.as_bibtex(ed, Citable("book", ed["title"]), base), "bibtex")
        part, book = bib.entries.values()
        assert part.type == "incollection" and book.type == "techreport"
        assert part.fields["title"] == "{Figure 1.1: Headline additional US tariff by partner}"
        assert part.fields["booktitle"] == "{Japan between Washington and Beijing, 2025--2026}"
        assert part.fields["year"] == ed["year"] and part.fields["version"] == ed["version"]
        assert "edition" not in part.fields, "one of edition and version: styles print both"
        assert str(part.persons["author"][0]) == "{The Japan between Washington and Beijing project}"
        assert (part.fields.get("url") == BASE + "chapters/tariffs.html#fig-tar-headline") == bool(base)


@pytest.mark.skipif(not shutil.which("bibtex"), reason="needs BibTeX (TeX, installed by .ci/run)")
def test_bibtex_itself_reads_every_kind_of_entry_without_a_warning(ed, tmp_path):
    items = [Citable("book", ed["title"])] + [Citable(kind, "The $550 billion & more", "1.2", "chapters/x", f"a-{kind}")
                                              for kind in ("chapter", "section", "figure", "table", "claim")]
    for base in (BASE, ""):
        (tmp_path / "refs.bib").write_text("".join(citation.as_bibtex(ed, i, base) for i in items), encoding="utf-8")
        (tmp_path / "t.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="utf-8")
        done = subprocess.run(["bibtex", "t"], cwd=tmp_path, capture_output=True, text=True)
        log = (tmp_path / "t.blg").read_text(encoding="utf-8")
        assert done.returncode == 0 and "Warning" not in log and "error" not in log.lower(), log
        assert (tmp_path / "t.bbl").read_text(encoding="utf-8").count("\\bibitem") == len(items)


def test_bibtex_escapes_what_latex_would_read_as_commands(ed):
    from pybtex.database import parse_string

    item = Citable("section", "The $550 billion memorandum & 90 % to the US", "2", "chapters/investment", "investment")
    entry = next(iter(parse_string(citation.as_bibtex(ed, item), "bibtex").entries.values()))
    assert entry.fields["title"] == r"{Section 2: The \$550 billion memorandum \& 90 \% to the US}"


def test_ris_parses_with_rispy(ed):
    for base in (BASE, ""):
        (entry,) = parse_ris(citation.as_ris(ed, FIGURE, base))
        assert entry["type_of_reference"] == "FIGURE"
        assert entry["title"] == "Figure 1.1: Headline additional US tariff by partner"
        assert entry["secondary_title"] == ed["title"]
        assert len(entry["authors"]) == len(ed["authors"]) and entry["year"] == ed["year"] and entry["edition"] == ed["version"]
        assert [a.replace("\u00a0", " ") for a in entry["authors"]] == ed["authors"]
        assert entry.get("urls", []) == ([BASE + "chapters/tariffs.html#fig-tar-headline"] if base else [])
    (book,) = parse_ris(citation.as_ris(ed, Citable("book", ed["title"])))
    assert book["type_of_reference"] == "RPRT" and book["title"] == ed["title"]


def test_csl_json_items_have_the_fields_citation_processors_need(ed):
    csl_types = {"report", "chapter", "figure", "dataset", "entry"}
    for kind in ("book", "chapter", "section", "figure", "table", "claim"):
        (item,) = json.loads(citation.as_csl_json(ed, [Citable(kind, "T", "1", "p", "a")], BASE))
        assert item["type"] in csl_types and item["title"] and item["author"] == [{"literal": ed["authors_text"]}]
        assert item["issued"]["date-parts"][0][0] == int(ed["year"]) and item["version"] == ed["version"]
        assert item["URL"].startswith(BASE)


def test_control_holds_the_text_of_each_format(ed):
    html = citation.control_html(ed, FIGURE, BASE)
    assert html.startswith('<details class="book-cite"') and "<summary" in html
    for fmt, name in citation.FORMATS.items():
        block = re.search(rf'<pre class="book-cite-{fmt}" data-cite-format="{fmt}" data-cite-name="{name}">(.*?)</pre>', html, re.S)
        assert block and html_lib.unescape(block.group(1)) == citation.formats(ed, FIGURE, BASE)[fmt].rstrip(), fmt
    assert 'role="status"' in html


@pytest.mark.parametrize("baseurl", ["", BASE])
def test_a_row_control_filled_in_is_the_rows_own_control(ed, baseurl):
    """book-cite.js makes each claim row's control from the page's template; with values no format
    escapes, putting them in place of the placeholders gives the row's own control."""
    claim = Citable("claim", "The sky is green", "C000-01", "chapters/claims", "claim-c000-01")
    template = citation.row_control_template(ed, claim.page, baseurl)
    filled = template
    for field, placeholder in citation.ROW_PLACEHOLDERS.items():
        assert placeholder in template, field
        filled = filled.replace(placeholder, getattr(claim, field))
    assert filled == citation.control_html(ed, claim, baseurl)


@pytest.mark.parametrize("claim, problem", [
    (Citable("claim", "T", "", "chapters/claims", "claim-x"), "no number"),
    (Citable("claim", "T", "C1", "chapters/claims", "claim_1"), "may hold only a-z, 0-9 and '-'"),
])
def test_a_row_the_template_cannot_cite_exactly_is_refused(claim, problem):
    with pytest.raises(CitationError, match=re.escape(problem)):
        citation.check_row(claim)


# --- editions ----------------------------------------------------------------------------------

def copy_book_files(tmp_path: Path, editions: str, version: str = "0.2.0", released: str = "2026-02-01") -> Path:
    cff = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    cff = re.sub(r'^version: .*$', f'version: "{version}"', cff, flags=re.M)
    cff = re.sub(r'^date-released: .*$', f'date-released: "{released}"', cff, flags=re.M)
    (tmp_path / "CITATION.cff").write_text(cff, encoding="utf-8")
    (tmp_path / "editions.yml").write_text(textwrap.dedent(editions), encoding="utf-8")
    return tmp_path


TWO_EDITIONS = """\
    editions:
      - {version: "0.1.0", date: 2026-01-01, commit: "x", changes: [First]}
      - {version: "0.2.0", date: 2026-02-01, commit: "", changes: [Second]}
"""


def test_the_repository_edition_log_is_valid_and_ends_with_the_cff_edition():
    editions = history.read_editions(REPO)
    assert editions[-1]["version"] == str(citation.read_cff(REPO)["version"])


def test_an_edition_dated_out_of_order_is_refused_by_name(tmp_path):
    root = copy_book_files(tmp_path, TWO_EDITIONS.replace("2026-02-01, commit: \"\"", "2025-12-01, commit: \"\""),
                           released="2025-12-01")
    with pytest.raises(CitationError, match=r"edition 0\.2\.0 is dated 2025-12-01.*out of order"):
        history.read_editions(root)


def test_the_cff_edition_must_be_the_last_of_the_log(tmp_path):
    root = copy_book_files(tmp_path, TWO_EDITIONS, version="0.3.0")
    with pytest.raises(CitationError, match=r"CITATION.cff is edition 0\.3\.0"):
        history.read_editions(root)


def test_only_the_last_edition_may_lack_a_commit(tmp_path):
    with pytest.raises(CitationError, match=r"edition 0\.1\.0 has no commit"):
        history.read_editions(copy_book_files(tmp_path, TWO_EDITIONS.replace('commit: "x"', 'commit: ""')))


def test_table_changes_count_rows_added_changed_and_removed_by_key():
    old = {"t": (["id"], [{"id": "1", "v": "a"}, {"id": "2", "v": "b"}, {"id": "3", "v": "c"}]),
           "gone": (["id"], [{"id": "1"}])}
    new = {"t": (["id"], [{"id": "1", "v": "a"}, {"id": "2", "v": "B"}, {"id": "4", "v": "d"}, {"id": "5", "v": "e"}]),
           "fresh": (["id"], [{"id": "1"}, {"id": "2"}])}
    rows = {r["table"]: r for r in history.table_changes(old, new)}
    assert (rows["t"]["added"], rows["t"]["changed"], rows["t"]["removed"]) == (2, 1, 1)
    assert rows["fresh"]["note"] == "new table" and rows["fresh"]["added"] == 2
    assert rows["gone"]["note"] == "table removed" and rows["gone"]["removed"] == 1


def test_revisions_of_the_repository_are_computed_from_git():
    if not history.in_git(REPO):
        pytest.skip("not a git checkout")
    newest, second, *older = history.revisions(REPO)
    assert older, "the edition log has fewer than three editions"
    claims = sum(1 for _ in open(REPO / "data" / "claims.csv", encoding="utf-8")) - 1
    # claims.csv did not exist at edition 0.1.0: every row of it is new in 0.2.0.
    tables = {t["table"]: t for t in second["tables"]}
    assert tables["claims"] == {"table": "claims", "added": claims, "changed": 0, "removed": 0, "note": "new table"}
    assert "chapters/claims.md" in second["pages"]
    # Edition 0.3.0 gave every claim a new column (the figure the data rule out).
    tables = {t["table"]: t for t in newest["tables"]}
    assert (tables["claims"]["added"], tables["claims"]["changed"], tables["claims"]["removed"]) == (0, claims, 0)


def test_last_change_outside_git_says_so(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A page\n")
    assert "not built from a git checkout" in history.last_changes([page], tmp_path)[page]


def test_last_change_in_git_names_the_date_and_commit():
    if not history.in_git(REPO):
        pytest.skip("not a git checkout")
    assert re.match(r"This page last changed on \d{4}-\d{2}-\d{2} \(commit [0-9a-f]{7,}\)", history.last_changes([REPO / "_toc.yml"], REPO)[REPO / "_toc.yml"])


def small_repo(tmp_path: Path) -> Path:
    """A git checkout of two committed pages."""
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("one.md", "two.md"):
        (repo / name).write_text(f"# {name}\n")
    for args in (["init", "-q"], ["add", "."], ["-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "pages"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    return repo


def test_last_changes_tell_edited_committed_and_new_pages_apart(tmp_path):
    repo = small_repo(tmp_path)
    one, two, new = repo / "one.md", repo / "two.md", repo / "new.md"
    clean = history.last_changes([one, two], repo)
    assert all(s.startswith("This page last changed on") and "not yet committed" not in s for s in clean.values())
    one.write_text("# one, edited\n")
    new.write_text("# new\n")
    sentences = history.last_changes([one, two, new], repo)
    assert sentences[one].endswith("; this copy also has edits not yet committed.")
    assert sentences[two] == clean[two]
    assert sentences[new] == "Last change: not yet committed (a new page)."
    assert sentences == {path: history.last_changes([path], repo)[path] for path in (one, two, new)}


def test_git_files_reads_many_files_of_a_commit_at_once(tmp_path):
    repo = small_repo(tmp_path)
    (repo / "one.md").write_text("# not committed\n")
    assert history.git_files(repo, "HEAD", ["one.md", "gone.md", "two.md"]) == {"one.md": "# one.md\n", "gone.md": None, "two.md": "# two.md\n"}
    assert history.git_files(tmp_path, "HEAD", ["one.md"]) == {"one.md": None}, "outside a git checkout"


# --- anchors manifest --------------------------------------------------------------------------

def test_a_vanished_anchor_fails_naming_it():
    manifest = {"anchors": {"chapters/tariffs": ["tariffs", "fig-tar-old"]}, "moved": {}}
    with pytest.raises(CitationError, match="chapters/tariffs#fig-tar-old"):
        anchors.check_manifest(manifest, {"chapters/tariffs": {"tariffs"}})


def test_a_moved_anchor_passes_when_its_new_address_exists():
    manifest = {"anchors": {"chapters/tariffs": ["fig-tar-old"]}, "moved": {"chapters/tariffs#fig-tar-old": "chapters/trade#fig-new"}}
    moves = anchors.check_manifest(manifest, {"chapters/tariffs": set(), "chapters/trade": {"fig-new"}})
    assert moves == [("chapters/tariffs", "fig-tar-old", "chapters/trade", "fig-new")]


def test_a_manifest_entry_pointing_nowhere_fails_naming_it():
    manifest = {"anchors": {"chapters/tariffs": ["fig-tar-old"]}, "moved": {"chapters/tariffs#fig-tar-old": "#fig-nowhere"}}
    with pytest.raises(CitationError, match="maps chapters/tariffs#fig-tar-old to #fig-nowhere"):
        anchors.check_manifest(manifest, {"chapters/tariffs": {"tariffs"}})


# --- the data release --------------------------------------------------------------------------

def make_release(data: Path, tmp_path: Path, ed: dict) -> Path:
    target = tmp_path / "out" / release.release_name(ed)
    release.build_release(data, target, ed, "abc123")
    return target


def test_release_holds_every_table_and_checksums_that_match(fixture_data, tmp_path, ed):
    target = make_release(fixture_data, tmp_path, ed)
    archive = zipfile.ZipFile(target)
    manifest = json.loads(archive.read("manifest.json"))
    tables = [r["path"] for r in json.loads((fixture_data / "datapackage.json").read_text())["resources"]]
    assert set(manifest["sha256"]) == {"datapackage.json", "sources.csv", *tables}
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
    assert manifest["edition"] == ed["version"] and manifest["released"] == ed["released"] and manifest["commit"] == "abc123"
    assert "built" not in manifest, "the build day would make two builds of one edition differ"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", manifest["data_as_of"])
    sums = dict(reversed(line.split("  ")) for line in archive.read("SHA256SUMS").decode().splitlines())
    assert sums == manifest["sha256"]


def test_release_is_byte_identical_when_rebuilt(fixture_data, tmp_path, ed):
    first = make_release(fixture_data, tmp_path / "a", ed).read_bytes()
    assert make_release(fixture_data, tmp_path / "b", ed).read_bytes() == first


def test_release_missing_a_table_fails_naming_it(fixture_data, tmp_path, ed):
    (fixture_data / "rates.csv").unlink()
    with pytest.raises(CitationError, match="rates.csv"):
        make_release(fixture_data, tmp_path, ed)


# --- per-row anchors of FilterableTable ----------------------------------------------------------

def test_filterable_table_rows_get_anchors_and_cite_cells():
    import pandas as pd

    from booklib.prose import FilterableTable

    frame = pd.DataFrame({"claim_id": ["C000-01", "C001-02"], "claim": ["A & B", "C"]})
    html = FilterableTable(frame, "ledger", anchor_column="claim_id", anchor_prefix="claim-", cite_title_column="claim").html()
    assert '<tr id="claim-c000-01" data-cite-number="C000-01" data-cite-title="A &amp; B">' in html
    assert html.count('<td class="book-cite-cell" data-cite-row="') == 2
    assert "data-cite-row" not in FilterableTable(frame, "ledger").html()
    with pytest.raises(ValueError, match="unique"):
        FilterableTable(pd.concat([frame, frame]), "ledger", anchor_column="claim_id")


# --- section labels ------------------------------------------------------------------------------

def test_label_script_adds_missing_labels_once_and_skips_code(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("label_sections", REPO / "scripts" / "label_sections.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = "---\nkernelspec: {}\n---\n\n(trade)=\n# Trade\n\n## The path\n\n```{code-cell}\n# not a heading\n```\n\n(kept)=\n## Kept\n"
    labelled, added = module.label_page(page, "trade", set())
    assert [a[2] for a in added] == ["trade-the-path"]
    assert "(trade-the-path)=\n## The path" in labelled and "(kept)=\n## Kept" in labelled and "(trade-not" not in labelled
    assert module.label_page(labelled, "trade", set())[1] == []


# --- a small book built with the extension -------------------------------------------------------

MINI_PAGES = {
    "intro.md": "(intro)=\n# A small book\n\nSee {doc}`chapters/one`.\n",
    "chapters/one.md": textwrap.dedent("""\
        (one)=
        # Chapter one

        (one-first)=
        ## First part

        :::{rubric} `rates.csv`: Rates
        :::

        | x | y |
        | --- | --- |
        | 3 | 4 |

        ```{figure} pic.png
        :name: fig-one

        A picture of nothing. Source: none.
        ```

        | a | b |
        | --- | --- |
        | 1 | 2 |

        ```{raw} html
        <table><tr id="claim-c1" data-cite-number="C1" data-cite-title="The sky is green"><td>C1</td><td class="book-cite-cell" data-cite-row="claim-c1"></td></tr></table>
        ```
        """),
    "chapters/appendix/revisions.md": "(revisions)=\n# Revisions\n",
}
MINI_TOC = """\
format: jb-book
root: intro
parts:
  - caption: Chapters
    numbered: true
    chapters:
      - file: chapters/one
  - caption: Appendix
    chapters:
      - file: chapters/appendix/revisions
"""


def mini_book(tmp_path: Path, editions: str = TWO_EDITIONS,
              anchors: str | None = None) -> Path:
    src = tmp_path / "src"
    for name, text in MINI_PAGES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    (src / "chapters" / "pic.png").write_bytes((REPO / "tests" / "fixtures" / "pixel.png").read_bytes()
                                               if (REPO / "tests" / "fixtures" / "pixel.png").exists() else _png())
    (src / "_toc.yml").write_text(MINI_TOC, encoding="utf-8")
    copy_book_files(src, editions)
    if anchors is not None:
        (src / "anchors.yml").write_text(textwrap.dedent(anchors), encoding="utf-8")
    return src


def _png() -> bytes:
    import base64

    return base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def build_mini(src: Path, monkeypatch, baseurl: str = "", fresh: bool = True, data: Path = FIXTURES / "valid") -> Path:
    """Build the small book in-process (no Vega bundle, no notebooks executed), its tables in `data`."""
    from sphinx.application import Sphinx

    from booklib.build import sphinx_ext

    monkeypatch.setattr(sphinx_ext, "bundle_js", lambda: "/* no bundle in this test */")
    monkeypatch.setenv("BOOKLIB_DATA_DIR", str(data))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    # The extension tells each page's kernel its name and tables through these: undo them afterwards.
    monkeypatch.setenv("BOOKLIB_PAGE", "")
    monkeypatch.setenv("BOOKLIB_PAGE_READS", "")
    out = src.parent / "html"
    conf = {
        "extensions": ["myst_nb", "sphinx_external_toc", "booklib.build.sphinx_ext"],
        "external_toc_path": "_toc.yml", "root_doc": "intro", "html_theme": "sphinx_book_theme",
        "html_baseurl": baseurl, "numfig": True, "myst_enable_extensions": ["colon_fence"],
        "nb_execution_mode": "off", "exclude_patterns": ["_build"],
    }
    status = io.StringIO()
    app = Sphinx(str(src), None, str(out), str(src.parent / "doctrees"), "html", confoverrides=conf,
                 status=status, warning=io.StringIO(), freshenv=fresh)
    app.build()
    (src.parent / "status.txt").write_text(status.getvalue(), encoding="utf-8")
    return out


def test_small_book_without_base_url(tmp_path, monkeypatch):
    out = build_mini(mini_book(tmp_path), monkeypatch)
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    for anchor, label in [("one", "Chapter 1: Chapter one"), ("one-first", "Section 1.1: First part"),
                          ("fig-one", "Figure 1.1: A picture of nothing"), ("tbl-one-first-2", "Table 2 of section 1.1, First part"),
                          ("tbl-rates-csv", "rates.csv: Rates"), ("BOOKCITEROWANCHOR", "Claim BOOKCITEROWNUMBER: BOOKCITEROWTITLE")]:
        control = re.search(rf'<details class="book-cite" data-cite-anchor="{anchor}">.*?</details>', page, re.S)
        assert control, f"no cite control for {anchor}"
        assert label in control.group(0), f"{anchor}: {label!r} not in its citation"
        assert f"Page chapters/one.html#{anchor} ({citation.NOT_PUBLISHED})" in html_lib.unescape(control.group(0))
    # The claim row keeps its anchor, number and title, and an empty cell that book-cite.js fills
    # from the page's one row template (the control above).
    assert '<tr id="claim-c1" data-cite-number="C1" data-cite-title="The sky is green">' in page
    assert '<td class="book-cite-cell" data-cite-row="claim-c1"></td>' in page
    assert page.count('<template id="book-cite-row-template">') == 1
    assert 'id="tbl-one-first-2"' in page
    assert 'rel="canonical"' not in page and not (out / "sitemap.xml").exists()
    assert "book-cite.js" in page and "not built from a git checkout" in page
    front = (out / "intro.html").read_text(encoding="utf-8")
    for href in ("cite/book.bib", "cite/book.ris", "cite/book.json", "CITATION.cff", "data/" + release.release_name(citation.edition(tmp_path / "src"))):
        assert f'href="{href}"' in front and (out / href).is_file(), href
    from pybtex.database import parse_file

    assert next(iter(parse_file(out / "cite" / "book.bib").entries.values())).fields["title"].startswith("{Japan between")
    anchors = json.loads((tmp_path / "doctrees" / "booklib-anchors.json").read_text())
    assert anchors["chapters/one"] == ["one", "one-first", "tbl-rates-csv", "fig-one", "tbl-one-first-2", "claim-c1"]
    assert "Table: rates.csv: Rates" not in page and "“Table: " not in page


def test_small_book_with_base_url(tmp_path, monkeypatch):
    out = build_mini(mini_book(tmp_path), monkeypatch, baseurl=BASE)
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{BASE}chapters/one.html"' in page
    assert f"{BASE}chapters/one.html#fig-one" in page and citation.NOT_PUBLISHED not in page
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{BASE}chapters/one.html</loc>" in sitemap and f"<loc>{BASE}intro.html</loc>" in sitemap
    assert f"url = {{{BASE}intro.html}}" in (out / "cite" / "book.bib").read_text(encoding="utf-8")


def test_small_book_keeps_a_moved_anchor(tmp_path, monkeypatch):
    anchors = """\
        anchors:
          chapters/one: [one, fig-old]
        moved:
          chapters/one#fig-old: chapters/one#fig-one
    """
    out = build_mini(mini_book(tmp_path, anchors=anchors), monkeypatch)
    page = (out / "chapters" / "one.html").read_text(encoding="utf-8")
    assert re.search(r'<figure[^>]*id="fig-one"[^>]*>\s*<span id="fig-old"></span>', page)


def test_small_book_sends_an_anchor_moved_to_another_page_or_from_a_removed_page(tmp_path, monkeypatch):
    anchors = """\
        anchors:
          intro: [intro, old-claim]
          chapters/gone: [fig-gone]
        moved:
          intro#old-claim: chapters/one#claim-c1
          chapters/gone#fig-gone: chapters/one#fig-one
    """
    out = build_mini(mini_book(tmp_path, anchors=anchors), monkeypatch)
    assert '<span id="old-claim" data-book-moved="chapters/one.html#claim-c1"></span>' in (out / "intro.html").read_text(encoding="utf-8")
    stub = (out / "chapters" / "gone.html").read_text(encoding="utf-8")
    assert '"fig-gone": "one.html#fig-one"' in stub and "location.replace" in stub


def test_a_second_build_of_an_unchanged_small_book_rereads_nothing(tmp_path, monkeypatch):
    src = mini_book(tmp_path)
    build_mini(src, monkeypatch)
    build_mini(src, monkeypatch, fresh=False)
    status = (tmp_path / "status.txt").read_text(encoding="utf-8")
    assert "0 added, 0 changed, 0 removed" in status or "no targets are out of date" in status, status[-600:]


def test_small_book_fails_on_a_row_its_template_cannot_cite(tmp_path, monkeypatch):
    from sphinx.errors import SphinxError

    src = mini_book(tmp_path)
    page = src / "chapters" / "one.md"
    page.write_text(page.read_text(encoding="utf-8").replace("claim-c1", "claim_c1"), encoding="utf-8")
    with pytest.raises(SphinxError, match=re.escape("the row anchor 'claim_c1' may hold only a-z, 0-9 and '-'")):
        build_mini(src, monkeypatch)


@pytest.mark.parametrize("anchors, message", [
    ("anchors:\n  chapters/one: [one, fig-gone]\n", "anchors.yml no longer in the book: chapters/one#fig-gone."),
    ("anchors:\n  chapters/one: [fig-old]\nmoved:\n  chapters/one#fig-old: chapters/one#fig-nowhere\n",
     "maps chapters/one#fig-old to chapters/one#fig-nowhere"),
])
def test_small_book_fails_on_a_lost_anchor(tmp_path, monkeypatch, anchors, message):
    from sphinx.errors import SphinxError

    with pytest.raises(SphinxError, match=re.escape(message)):
        build_mini(mini_book(tmp_path, anchors=anchors), monkeypatch)


def test_small_book_fails_on_an_edition_log_out_of_order(tmp_path, monkeypatch):
    from sphinx.errors import SphinxError

    bad = TWO_EDITIONS.replace("2026-01-01", "2026-03-01")
    with pytest.raises(SphinxError, match=r"edition 0\.2\.0 is dated 2026-02-01.*out of order"):
        build_mini(mini_book(tmp_path, editions=bad), monkeypatch)


def test_small_book_fails_on_a_table_missing_from_the_release(tmp_path, monkeypatch):
    from sphinx.errors import SphinxError

    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "valid", data)
    (data / "rates.csv").unlink()
    src = mini_book(tmp_path)
    with pytest.raises(SphinxError, match="rates.csv"):
        build_mini(src, monkeypatch, data=data)


# --- the built book ------------------------------------------------------------------------------

def citable_ids(page_html: str) -> list[str]:
    return re.findall(r'data-cite-anchor="([^"]*)"', page_html)


ROW_TEMPLATE = re.compile(r'<template id="book-cite-row-template">.*?</template>', re.S)


def test_every_heading_figure_and_table_of_the_book_has_a_cite_control(built_html):
    for page in toc_pages():
        html = (built_html / f"{page}.html").read_text(encoding="utf-8")
        article = html.split('<article class="bd-article">', 1)[1].split("</article>", 1)[0]
        templates = len(ROW_TEMPLATE.findall(article))
        article = ROW_TEMPLATE.sub("", article)
        controls = len(citable_ids(article))
        sections = len(re.findall(r"<section\b", article))
        figures = len(re.findall(r"<figure\b", article))
        rows = len(re.findall(r'<tr id="[^"]+" data-cite-number=', article))
        # A row cited on its own gets its control in the browser (book-cite.js) from the page's one template.
        row_cells = len(re.findall(r'<td class="book-cite-cell" data-cite-row="[^"]+"></td>', article))
        assert row_cells == rows and templates == (1 if rows else 0), f"{page}: {rows} cited rows, {row_cells} cite cells, {templates} templates"
        # A table whose rows are cited one by one (the claims ledger) has a control of its own only
        # with a numbered title (booklib.build.titled_tables); the generated execution table of the
        # Reproducibility page has none.
        tables = (len(re.findall(r"<table\b(?! class=\"booklib-exec-table)", article))
                  - len(re.findall(r"<table\b(?:(?!</table>).)*?data-cite-number=", article, re.S))
                  + len(re.findall(r'<div class="book-titled-table">', article)))
        assert controls == sections + figures + tables, f"{page}: {controls} cite controls for {sections} sections, {figures} figures, {tables} tables"


def test_manifest_anchors_all_land_in_the_built_book(built_html):
    manifest = anchors.read_manifest(REPO)
    assert manifest["anchors"], "anchors.yml lists no anchors"
    for page, listed in manifest["anchors"].items():
        ids = set(re.findall(r'\bid="([^"]+)"', (built_html / f"{page}.html").read_text(encoding="utf-8")))
        missing = [a for a in listed if a not in ids]
        assert not missing, f"{page}: {missing}"


def test_front_page_offers_the_citation_files_and_the_data_release(built_html):
    front = (built_html / "intro.html").read_text(encoding="utf-8")
    ed = citation.edition(REPO)
    from pybtex.database import parse_file

    (entry,) = parse_file(built_html / "cite" / "book.bib").entries.values()
    assert entry.fields["title"] == "{" + ed["title"].replace("\u2013", "--") + "}" and entry.fields["version"] == ed["version"]
    (ris,) = parse_ris((built_html / "cite" / "book.ris").read_text(encoding="utf-8"))
    assert ris["title"] == ed["title"]
    assert json.loads((built_html / "cite" / "book.json").read_text(encoding="utf-8"))[0]["title"] == ed["title"]
    assert (built_html / "CITATION.cff").read_bytes() == (REPO / "CITATION.cff").read_bytes()
    zip_name = release.release_name(ed)
    for href in ("cite/book.bib", "cite/book.ris", "cite/book.json", "CITATION.cff", f"data/{zip_name}"):
        assert f'href="{href}"' in front, href
    dictionary = (built_html / "chapters" / "appendix" / "data_dictionary.html").read_text(encoding="utf-8")
    assert f'href="../../data/{zip_name}"' in dictionary
    assert 'href="reproducibility.html#reproducibility-checksums"' in dictionary
    assert 'href="chapters/appendix/reproducibility.html#reproducibility-checksums"' in front
    assert 'id="reproducibility-checksums"' in (built_html / "chapters" / "appendix" / "reproducibility.html").read_text(encoding="utf-8")


def test_data_release_of_the_book_checks_out(built_html):
    ed = citation.edition(REPO)
    archive = zipfile.ZipFile(built_html / "data" / release.release_name(ed))
    manifest = json.loads(archive.read("manifest.json"))
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} | {"datapackage.json"} == set(manifest["sha256"])
    for name, digest in manifest["sha256"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name
        assert archive.read(name) == (REPO / "data" / name).read_bytes(), f"{name} differs from data/"
    assert manifest["edition"] == ed["version"]


def test_revisions_and_reproducibility_pages(built_html):
    revisions = (built_html / "chapters" / "appendix" / "revisions.html").read_text(encoding="utf-8")
    for entry in history.read_editions(REPO):
        assert f"Edition {entry['version']}" in revisions
    if history.in_git(REPO):
        # Each edition's table: rows added, changed, removed; every claim is new in one or changed in another.
        counts = re.findall(r'(?:<span class="pre">)?claims(?:</span>)?</code></p></td>\s*<td[^>]*><p>(\d+)</p></td>\s*<td[^>]*><p>(\d+)</p>', revisions)
        assert counts and all(int(added) + int(changed) > 0 for added, changed in counts), \
            "the Revisions page has no computed row count for claims"
    repro = (built_html / "chapters" / "appendix" / "reproducibility.html").read_text(encoding="utf-8")
    assert "ran without error" in repro and "chapters/tariffs" in repro and "jupyter-book==" in repro


def test_every_page_says_when_it_last_changed(built_html):
    for page in toc_pages():
        html = (built_html / f"{page}.html").read_text(encoding="utf-8")
        if page.endswith("bibliography"):
            continue
        assert re.search(r"This page last changed on \d{4}-\d{2}-\d{2}|Last change: not", html), page


def test_no_base_url_means_no_sitemap_and_no_canonical_link(built_html):
    import yaml

    if (yaml.safe_load((REPO / "_config.yml").read_text())["html"].get("baseurl") or ""):
        pytest.skip("the book has a base URL")
    assert not (built_html / "sitemap.xml").exists()
    assert 'rel="canonical"' not in (built_html / "intro.html").read_text(encoding="utf-8")


def test_a_shallow_clone_builds_its_revisions_without_the_old_commits(tmp_path):
    """A CI service may clone with --depth 1: the edition log stays valid, and the Revisions page says
    what it cannot compute instead of failing the build (a wrong commit in a full clone still fails)."""
    import subprocess

    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{REPO}", str(clone)], check=True)
    editions = history.read_editions(clone)
    assert editions[0]["history_missing"] and editions[0]["commit"]
    page = history.revisions_markdown(clone)
    assert "built from a shallow clone" in page and "## Edition 0.1.0" in page


def test_what_made_a_page_is_its_source_its_declared_tables_and_its_chapter_module():
    inputs = history.page_inputs(REPO / "chapters" / "investment.md", REPO)
    rel = {str(p.relative_to(REPO)) for p in inputs}
    assert {"chapters/investment.md", "data/mou_terms.csv", "data/investment_pledges.csv", "bookchapters/investment.py"} <= rel
    assert "data/tariff_measures.csv" not in rel and "bookchapters/tariffs.py" not in rel


def test_a_pages_last_change_counts_its_tables_and_its_chapter_module(tmp_path):
    """'This page last changed' once ignored the page's data tables and chapter module."""
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "bookchapters").mkdir()
    (repo / "page.md").write_text("---\nbooklib:\n  reads: [t]\n---\n# P\n\n```{code-cell} ipython3\nfrom bookchapters import page as pg\n```\n")
    (repo / "data" / "datapackage.json").write_text(json.dumps({"resources": [{"name": "t", "path": "t.csv"}]}))
    (repo / "data" / "t.csv").write_text("a\n1\n")
    (repo / "bookchapters" / "page.py").write_text("X = 1\n")
    git = lambda *args, date="2026-01-01T00:00:00": subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org", *args], check=True,
        env={**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "page")
    page = repo / "page.md"
    assert "on 2026-01-01" in history.last_changes([page], repo)[page]
    for changed, date in (("data/t.csv", "2026-02-02T00:00:00"), ("bookchapters/page.py", "2026-03-03T00:00:00")):
        (repo / changed).write_text((repo / changed).read_text() + "2\n" if changed.endswith(".csv") else "X = 2\n")
        git("commit", "-qam", f"change {changed}", date=date)
        assert f"on {date[:10]}" in history.last_changes([page], repo)[page], changed
