"""The editions (booklib/build/editions.py, edition_sphinx.py): catalogs, roles, the switcher, and a
small fixture book built in Chinese (tests/fixtures/edition_book) for glue inside translated prose,
outputs that are never messages, and a dropped glue role that fails the build."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from booklib.build import edition_sphinx, editions

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "edition_book"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def write_po(path: Path, messages: list[tuple[str, str, bool]]) -> Path:
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr, fuzzy in messages:
        if fuzzy:
            lines.append("#, fuzzy")
        lines += [f"msgid {msgid!r}".replace("'", '"'), f"msgstr {msgstr!r}".replace("'", '"'), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


# --- catalogs (make check) -------------------------------------------------------------------------

def test_roles_count_targets_not_shown_text():
    assert editions.roles("as {numref}`Fig. %s <fig-a>` and {glue:text}`x`") == \
        editions.roles("如{numref}`图 %s <fig-a>`和{glue:text}`x`")
    assert editions.roles("{glue:text}`x`") != editions.roles("{glue:text}`y`")


def test_catalog_problems_name_page_message_and_key(tmp_path):
    path = write_po(tmp_path / "p.po", [
        ("Rate {glue:text}`rate` now.", "税率为15%。", False),
        ("Untranslated one.", "", False),
        ("Fuzzy one.", "模糊。", True),
        ("See {numref}`fig-a`.", "见{numref}`fig-b`。", False),
        ("Fine {cite:p}`k1`.", "好{cite:p}`k1`。", False),
    ])
    problems = editions.catalog_problems(path, "chapters/tariffs")
    assert len(problems) == 4
    assert all(p.startswith("chapters/tariffs: ") for p in problems)
    assert "drops {glue:text}`rate`" in problems[0] and "Rate {glue:text}" in problems[0]
    assert "untranslated message 'Untranslated one.'" in problems[1]
    assert "fuzzy message 'Fuzzy one.'" in problems[2]
    assert "drops {numref}`fig-a`" in problems[3] and "adds {numref}`fig-b`" in problems[3]
    assert editions.role_problems(path, "x") == [problems[0].replace("chapters/tariffs", "x"), problems[3].replace("chapters/tariffs", "x")]


@pytest.mark.parametrize("language", editions.TRANSLATED)
def test_listed_pages_have_complete_catalogs(language):
    """The pages locales/translated.yml lists: a catalog each, every message translated, none fuzzy,
    every role kept; and no page catalog anywhere changes a role."""
    catalogs = editions.page_catalogs(language)
    problems = [f"{doc}: no catalog" for doc in editions.listed_pages(language) if doc not in catalogs]
    problems += [p for doc in editions.listed_pages(language) if doc in catalogs
                 for p in editions.catalog_problems(catalogs[doc], doc)]
    problems += [p for doc, path in catalogs.items() for p in editions.role_problems(path, doc)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", editions.TRANSLATED)
def test_build_catalog_is_complete_with_its_placeholders(language):
    """The build's own words (build.po): every message translated, not fuzzy, with the same {placeholders}."""
    with editions.LOCALES.joinpath(language, "LC_MESSAGES", "build.po").open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        assert message.string and not message.fuzzy, message.id
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id


def test_words_the_build_writes_are_in_its_catalog(monkeypatch):
    """Every message booklib.build passes to the build catalog is in build.po (a missing one fails the edition build)."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "booklib" / "build").glob("*.py"))
    used = set(re.findall(r"""(?:_words|words)\(\s*(?:f?)["']([^"']+)["']""", sources))
    used = {u for u in used if "{what}" not in u and "{tail}" not in u and u != "message"}
    with editions.LOCALES.joinpath("zh", "LC_MESSAGES", "build.po").open("rb") as handle:
        ids = {m.id for m in read_po(handle) if m.id}
    assert used and not {u for u in used if not any(i.startswith(u) for i in ids)}


def test_each_edition_has_its_own_cache_and_language():
    configs = {lang: editions.edition_config(lang, "html") for lang in editions.LANGUAGES}
    assert len({c["nb_execution_cache_path"] for c in configs.values()}) == 3
    assert configs["zh"]["language"] == "zh_CN" and configs["ja"]["language"] == "ja"
    assert configs["zh"]["html_search_language"] == "zh"
    assert configs["zh"]["locale_dirs"] != configs["ja"]["locale_dirs"]


def test_only_complete_catalogs_are_prepared(tmp_path, monkeypatch):
    locales = tmp_path / "locales"
    (locales / "zh" / "LC_MESSAGES" / "chapters").mkdir(parents=True)
    write_po(locales / "zh" / "LC_MESSAGES" / "intro.po", [("Hello {glue:text}`x`.", "你好{glue:text}`x`。", False)])
    write_po(locales / "zh" / "LC_MESSAGES" / "chapters" / "tariffs.po", [("Half.", "", False)])
    write_po(locales / "zh" / "LC_MESSAGES" / "build.po", [("Version", "版本", False)])
    monkeypatch.setattr(editions, "LOCALES", locales)
    monkeypatch.setattr(editions, "BUILD", tmp_path / "_build")
    assert editions.prepare_locales("zh") == ["intro"]
    prepared = tmp_path / "_build" / "editions" / "zh" / "locales" / "zh_CN" / "LC_MESSAGES"
    assert sorted(p.name for p in prepared.rglob("*.po")) == ["intro.po"]
    write_po(locales / "zh" / "LC_MESSAGES" / "chapters" / "tariffs.po", [("Half {glue:text}`y`.", "半。", False)])
    with pytest.raises(editions.CatalogError, match=r"chapters/tariffs: the translation of 'Half \{glue:text\}`y`.' drops"):
        editions.prepare_locales("zh")


def test_switcher_lands_on_the_same_page_in_each_edition():
    assert edition_sphinx.edition_href("chapters/tariffs", "en", "zh") == "../zh/chapters/tariffs.html"
    assert edition_sphinx.edition_href("chapters/tariffs", "zh", "en") == "../../chapters/tariffs.html"
    assert edition_sphinx.edition_href("chapters/appendix/glossary", "ja", "zh") == "../../../zh/chapters/appendix/glossary.html"
    assert edition_sphinx.edition_href("intro", "zh", "ja") == "../ja/intro.html"
    html = edition_sphinx.switcher_html("intro", "en")
    assert "English" in html and "中文" in html and "日本語" in html and 'aria-current="page">English' in html


# --- the fixture book, built (book tier) -----------------------------------------------------------

def sphinx_build(tmp_path: Path, builder: str, language: str, locales: Path | None = None, cache: str | None = None):
    env = {**os.environ, "BOOK_LANGUAGE": language, "FIXTURE_CACHE": str(tmp_path / (cache or f"cache-{language}"))}
    if locales:
        env["FIXTURE_LOCALES"] = str(locales)
    out = tmp_path / f"{builder}-{language}"
    args = [sys.executable, "-m", "sphinx", "-b", builder, "-W", "--keep-going", "-D",
            f"language={editions.SPHINX_LANGUAGE[language]}", "-d", str(tmp_path / f"doctrees-{builder}-{language}"),
            str(FIXTURE), str(out)]
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    return result, out


@pytest.mark.book
def test_glue_inside_a_translated_paragraph(tmp_path):
    result, out = sphinx_build(tmp_path, "html", "zh")
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    # The sentence is the catalog's, its glued values the page's own run in the edition's language.
    assert '所示，<span class="pasted-text">edition-zh</span>中商定的税率为<span class="pasted-text">15%</span>。' in page
    # The figure reference and its number, in the edition's words; the heading keeps its English anchor.
    assert '<span class="std std-numref">图 1</span>' in page
    assert '<section id="tariff-talks">' in page and "关税谈判" in page
    assert '<html lang="zh-CN"' in page


@pytest.mark.book
def test_an_edition_never_replays_another_editions_outputs(tmp_path):
    english, en_out = sphinx_build(tmp_path, "html", "en", cache="cache-en")
    chinese, zh_out = sphinx_build(tmp_path, "html", "zh", cache="cache-zh")
    assert english.returncode == 0 and chinese.returncode == 0, english.stderr + chinese.stderr
    assert "edition-en" in (en_out / "index.html").read_text(encoding="utf-8")
    assert "edition-zh" in (zh_out / "index.html").read_text(encoding="utf-8")


@pytest.mark.book
def test_outputs_are_not_messages(tmp_path):
    result, out = sphinx_build(tmp_path, "gettext", "en")
    assert result.returncode == 0, result.stderr
    pot = (out / "index.pot").read_text(encoding="utf-8")
    assert "The agreed rate is {glue:text}`rate`" in pot and "Agreed tariff rate" in pot
    assert "Printed output row" not in pot


@pytest.mark.book
def test_a_dropped_glue_role_fails_the_build_naming_page_message_and_key(tmp_path):
    locales = tmp_path / "locales"
    shutil.copytree(FIXTURE / "locales", locales)
    po = locales / "zh_CN" / "LC_MESSAGES" / "index.po"
    po.write_text(po.read_text(encoding="utf-8").replace("{glue:text}`rate`。", "15%。"), encoding="utf-8")
    result, _ = sphinx_build(tmp_path, "html", "zh", locales=locales)
    assert result.returncode != 0
    assert "index: the translation of 'The agreed rate is" in result.stderr and "drops {glue:text}`rate`" in result.stderr


def test_a_chapter_notebook_in_the_editions_language():
    """The downloadable notebook of a translated page: its Markdown cells from the page's catalog
    (headings, paragraphs, list items), its roles kept for the notebook's own resolution."""
    from booklib.build.notebooks import translate_markdown

    messages = {"Tariff talks": "关税谈判", "The rate is {glue:text}`rate` in the text.": "正文中的税率为{glue:text}`rate`。",
                "First point.": "第一点。"}
    text = "# Tariff talks\n\nThe rate is {glue:text}`rate`\nin the text.\n\n- First point.\n\n```{code-cell}\nx = 1\n```"
    assert translate_markdown(text, messages) == \
        "# 关税谈判\n\n正文中的税率为{glue:text}`rate`。\n\n- 第一点。\n\n```{code-cell}\nx = 1\n```"


def test_a_list_item_over_several_lines_is_one_message():
    from booklib.build.notebooks import translate_markdown

    text = "Read in order:\n\n- A baseline tariff of\n  {glue:text}`rate` on imports.\n- Second item."
    messages = {"Read in order:": "按顺序读：", "A baseline tariff of {glue:text}`rate` on imports.": "基准关税为{glue:text}`rate`。",
                "Second item.": "第二项。"}
    assert translate_markdown(text, messages) == "按顺序读：\n\n- 基准关税为{glue:text}`rate`。\n- 第二项。"


def test_an_editions_inputs_stamp_changes_with_its_catalogs_only(tmp_path, monkeypatch):
    """A no-op `make editions` starts no Sphinx (the stamp of every input is unchanged); editing a
    catalog of one edition changes that edition's stamp, not the other's."""
    root = tmp_path / "book"
    for lang in ("zh", "ja"):
        (root / "locales" / lang / "LC_MESSAGES").mkdir(parents=True)
        (root / "locales" / lang / "LC_MESSAGES" / "intro.po").write_text("", encoding="utf-8")
    (root / "intro.md").write_text("# Hello\n", encoding="utf-8")
    monkeypatch.setattr(editions, "REPO_ROOT", root)
    monkeypatch.setattr(editions, "LOCALES", root / "locales")
    monkeypatch.setattr(editions, "BUILD", root / "_build")
    before = {lang: editions.inputs_stamp(lang, "html") for lang in ("zh", "ja")}
    assert before == {lang: editions.inputs_stamp(lang, "html") for lang in ("zh", "ja")}
    (root / "locales" / "zh" / "LC_MESSAGES" / "intro.po").write_text("# edited\n", encoding="utf-8")
    assert editions.inputs_stamp("zh", "html") != before["zh"] and editions.inputs_stamp("ja", "html") == before["ja"]
    (root / "intro.md").write_text("# Hello again\n", encoding="utf-8")
    assert editions.inputs_stamp("ja", "html") != before["ja"]


def test_cite_control_labels_are_in_the_build_catalog():
    """Every label a cite control can carry ("Cite this figure") is in build.po (cite_sphinx.in_edition_words)."""
    from booklib.build.cite_sphinx import CONTROL_SUMMARY

    labels = re.search(r"\(\?:([^)]*)\)", CONTROL_SUMMARY.pattern).group(1).split("|")
    for language in editions.TRANSLATED:
        with editions.LOCALES.joinpath(language, "LC_MESSAGES", "build.po").open("rb") as handle:
            ids = {m.id for m in read_po(handle) if m.id and m.string}
        assert not [f"Cite {label}" for label in labels if f"Cite {label}" not in ids], language


def test_the_page_scripts_words_are_messages_of_the_build_catalog():
    """What book-tables.js, book-charts.js and book-cite.js write goes through bookWord, whose
    translations each edition's page carries (booklib.build.sphinx_ext.SCRIPT_WORDS, build.po)."""
    from booklib.build.sphinx_ext import SCRIPT_WORDS

    scripts = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "booklib" / "build" / "static").glob("book-*.js"))
    called = set(re.findall(r'bookWord\("((?:[^"\\]|\\.)*)"', scripts)) | set(re.findall(r'bookWord\(ok \? "([^"]+)" : "([^"]+)"\)', scripts)[0])
    called = {c.replace("\\'", "'") for c in called}
    # The in-page contents' titles the pages give to book-tables.js, which writes them through bookWord.
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "chapters").rglob("*.md"))
    called |= set(re.findall(r'class="book-contents-marker"[^>]*data-title="([^"]+)"', pages))
    assert called and called <= set(SCRIPT_WORDS), f"not in SCRIPT_WORDS: {sorted(called - set(SCRIPT_WORDS))}"
    for lang in ("zh", "ja"):
        with editions.LOCALES.joinpath(lang, "LC_MESSAGES", "build.po").open("rb") as handle:
            translated = {m.id for m in read_po(handle) if m.id and m.string}
        assert not set(SCRIPT_WORDS) - translated, f"{lang}: {sorted(set(SCRIPT_WORDS) - translated)}"


def test_an_edited_edition_catalog_re_executes_that_editions_pages_only(monkeypatch):
    """The chart and data words an edition's pages write come from booklib.po and data/*.po: editing
    one changes the fingerprint their cached execution is keyed on, in that edition, not in English."""
    from booklib.build import sphinx_ext
    from booklib.paths import data_dir

    def prints(lang: str) -> str:
        monkeypatch.setenv("BOOK_LANGUAGE", lang)
        return sphinx_ext.data_fingerprint(["claims"], data_dir())

    before = {lang: prints(lang) for lang in ("en", "zh", "ja")}
    catalog = editions.LOCALES / "zh" / "LC_MESSAGES" / "booklib.po"
    text = catalog.read_text(encoding="utf-8")
    try:
        catalog.write_text(text + "\n# edited\n", encoding="utf-8")
        after = {lang: prints(lang) for lang in ("en", "zh", "ja")}
    finally:
        catalog.write_text(text, encoding="utf-8")
    assert after["zh"] != before["zh"] and after["en"] == before["en"] and after["ja"] == before["ja"]
    assert len(set(before.values())) == 3
