"""The editions' words from Python (booklib.i18n, booklib.po): the template is complete and current,
the zh and ja catalogs translate all of it, a chart is drawn in its edition's words and CJK font, and
its static image shows the glyphs. Fast tier: builds nothing."""

from __future__ import annotations

import struct
import zlib

import altair as alt
import numpy as np
import pandas as pd
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from booklib import formats as fmt
from booklib import i18n
from booklib.i18n import MissingTranslation, translate, translate_spec

EDITIONS = ["zh", "ja"]


def test_the_template_holds_every_message_of_the_code_cells_and_schema():
    with i18n.TEMPLATE.open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    found = set(i18n.messages())
    assert found - template == set(), "run `python -m booklib.i18n extract`: the template lacks these"
    assert template - found == set(), "run `python -m booklib.i18n extract`: the template holds messages no longer used"
    # Chart words of the chapters' cells, the schema's titles and labels, the library's own words:
    assert {"Trillion yen", "Effective", "all goods", "Show the code", "{first} to {last}"} <= found


@pytest.mark.parametrize("language", EDITIONS)
@pytest.mark.parametrize("domain", i18n.domains())
def test_each_edition_translates_every_message(language, domain):
    """booklib.po, and each table's catalog of the free text readers see (data/<table>.po)."""
    assert i18n.catalog_problems(language, domain) == []


def test_a_table_s_catalog_is_made_from_its_data_and_names_what_it_lacks(tmp_path, monkeypatch):
    """A new free-text value in data/ is a message of its table's catalog: missing from the
    catalog, it is named with the catalog and its column; `update` adds it untranslated."""
    import shutil

    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    shutil.copy(i18n.REPO_ROOT / "data" / "us_goods_trade.csv", root / "data")
    shutil.copytree(i18n.LOCALES / "zh", root / "locales" / "zh")
    with (root / "data" / "us_goods_trade.csv").open("a", encoding="utf-8") as handle:
        handle.write("2030,Japan,imports,1.0,full year,A new basis,census_2025\n")
    monkeypatch.setattr(i18n, "REPO_ROOT", root)
    monkeypatch.setattr(i18n, "LOCALES", root / "locales")
    i18n._catalog.cache_clear()
    path = root / "locales" / "zh" / "LC_MESSAGES" / "data" / "us_goods_trade.po"
    assert i18n.catalog_problems("zh", "data/us_goods_trade") == [
        f"{path.relative_to(root)}: no entry for 'A new basis' (column basis)"]
    assert i18n.update_catalog("zh", "data/us_goods_trade") == ["A new basis"]
    assert i18n.catalog_problems("zh", "data/us_goods_trade") == [
        f"{path.relative_to(root)}: 'A new basis' (column basis) is untranslated"]
    i18n._catalog.cache_clear()


def test_a_translation_that_drops_or_alters_a_web_address_is_named(tmp_path):
    """The search records' closest documents carry their addresses: a translation keeps each of them."""
    messages = i18n.data_messages("claims")
    catalog = Catalog(locale="zh", domain="data/claims")
    for context, message in messages:
        catalog.add(message, message, context=context)
    context, message = next((c, m) for c, m in messages if c == "search_closest" and "https://" in m)
    address = i18n.web_addresses(message)[0]
    catalog.get(message, context=context).string = message.replace(address, address.replace("https://", "http://"))
    path = tmp_path / "claims.po"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    problems = i18n.catalog_problems("zh", "data/claims", path=path)
    assert len(problems) == 1 and "(column search_closest) is translated with other web addresses" in problems[0]


def test_chart_words_of_a_column_without_words_fail_naming_table_and_column():
    """in_reader_words: categories, names and free text in the reader's words; a column with none
    of these (a number, a code) is not words a chart can show."""
    from booklib.prose import WordsError, in_reader_words

    frame = pd.DataFrame({"basis": ["IEEPA fentanyl 10% (EO 14195)"], "partner": ["China"], "headline_rate_pct": [10.0]})
    shown = in_reader_words(frame, "headline_rates", ["basis"])
    assert shown["basis"].tolist() == ["IEEPA fentanyl 10% (EO 14195)"] and shown["partner"].tolist() == ["China"]
    with pytest.raises(WordsError, match=r"table headline_rates: column 'headline_rate_pct' has no category labels"):
        in_reader_words(frame, "headline_rates", ["headline_rate_pct"])


def test_a_missing_empty_fuzzy_or_misplaced_translation_is_named(tmp_path):
    messages = list(i18n.messages())
    catalog = Catalog(locale="zh", domain="booklib")
    for message in messages:
        catalog.add(message, "译文" + "".join(f"{{{n}}}" for n in i18n_placeholders(message)))
    catalog.delete(messages[0])
    catalog[messages[1]].string = ""
    catalog[messages[2]].flags.add("fuzzy")
    with_field = next(m for m in messages if "{first}" in m)
    catalog[with_field].string = "{first}至"  # drops {last}
    path = tmp_path / "booklib.po"
    with path.open("wb") as handle:
        write_po(handle, catalog)
    problems = i18n.catalog_problems("zh", path=path)
    assert sorted(problems) == sorted([
        f"{path}: no entry for {messages[0]!r}",
        f"{path}: {messages[1]!r} is untranslated",
        f"{path}: {messages[2]!r} is fuzzy",
        f"{path}: {with_field!r} is translated with other placeholders: '{{first}}至'",
    ])


def i18n_placeholders(message: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"\{(\w*)\}", message)))


def test_the_command_checks_the_catalogs(capsys):
    """`python -m booklib.i18n check` (its main, here in the test's process)."""
    assert i18n.main(["check"]) == 0
    assert "complete" in capsys.readouterr().out


def test_english_is_the_source_and_another_edition_never_falls_back_to_it(monkeypatch):
    assert translate("Effective", language="en") == "Effective"
    assert translate("Effective", language="zh") == "生效日期"
    assert translate("Effective", language="ja") == "発効日"
    with pytest.raises(MissingTranslation, match=r"locales/zh/LC_MESSAGES/booklib.po: no translation of 'Not a message'"):
        translate("Not a message", language="zh")
    # Official names of bodies and measures (data/entities.csv, the glossary).
    assert (translate("MOFCOM", language="zh"), translate("MOFCOM", language="ja")) == ("商务部", "中国商務部")


def _chart() -> alt.Chart:
    data = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-02-01"]), "partner": ["China", "Japan"],
                         "value": [1.0, 2.0]})
    return alt.Chart(data).mark_line().encode(
        x=alt.X("month:T").axis(format="%b %Y").title(None),
        y=alt.Y("value:Q").title("Trillion yen"),
        color=alt.Color("partner:N").title("Partner").scale(domain=["China", "Japan"], range=["#e69f00", "#c8102e"]),
        tooltip=[alt.Tooltip("month:T", title="Month", format="%b %Y"), alt.Tooltip("partner:N", title="Partner")],
    ).transform_filter("datum.partner !== 'Japan' || datum.value > 0").properties(
        title=alt.Title("Trade among China, Japan and Korea", subtitle="Trillion yen"), description="Key events")


@pytest.mark.parametrize("language", EDITIONS)
def test_categories_without_a_sort_keep_the_english_order(language):
    """Vega-Lite sorts an unsorted category axis by value: code-point order in Chinese or Japanese. The
    edition's spec gives the English order, translated; an axis with a sort or a scale's domain keeps its own."""
    data = pd.DataFrame({"partner": ["Korea", "China", "Japan"], "value": [1.0, 2.0, 3.0]})
    chart = alt.Chart(data).mark_bar().encode(y=alt.Y("partner:N").title("Partner"), x=alt.X("value:Q").title("Trillion yen"),
                                              color=alt.Color("partner:N").scale(domain=["Japan", "China", "Korea"]))
    spec = translate_spec(chart.to_dict(), language=language)
    assert spec["encoding"]["y"]["sort"] == [translate(p, language=language) for p in ["China", "Japan", "Korea"]]
    assert "sort" not in spec["encoding"]["color"]
    sorted_by_value = chart.encode(y=alt.Y("partner:N").sort("-x").title("Partner"))
    assert translate_spec(sorted_by_value.to_dict(), language=language)["encoding"]["y"]["sort"] == "-x"


def test_a_chart_spec_in_english_is_unchanged():
    spec = _chart().to_dict()
    assert translate_spec(spec, language="en") is spec


@pytest.mark.parametrize("language, font, title, partner", [
    ("zh", "'Noto Sans CJK SC'", "中日韩之间的贸易", "日本"),
    ("ja", "'Noto Sans CJK JP'", "日中韓の貿易", "日本"),
])
def test_a_chart_spec_in_chinese_or_japanese(language, font, title, partner):
    spec = translate_spec(_chart().to_dict(), language=language)
    assert spec["config"]["font"].startswith(font)
    assert spec["title"]["text"] == title and spec["title"]["subtitle"] == translate("Trillion yen", language=language)
    assert spec["encoding"]["y"]["title"] == translate("Trillion yen", language=language)
    assert spec["encoding"]["x"]["axis"]["format"] == "%Y年%-m月"  # no English month names
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == [translate("Month", language=language), translate("Partner", language=language)]
    rows = next(iter(spec["datasets"].values()))
    # A category keeps its colour: data, scale domain and filter are translated alike.
    assert [r["partner"] for r in rows] == spec["encoding"]["color"]["scale"]["domain"] == [translate("China", language=language), partner]
    assert f"'{partner}'" in spec["transform"][0]["filter"]
    assert i18n.english_in_spec(spec, language) == []
    assert "partner" in rows[0] and rows[0]["value"] == 1.0  # field names and numbers untouched


def test_a_chart_title_without_a_translation_fails():
    chart = _chart().properties(title="A title nobody translated")
    with pytest.raises(MissingTranslation, match="A title nobody translated"):
        translate_spec(chart.to_dict(), language="zh")


def test_english_catalog_words_left_in_a_chinese_spec_are_found():
    spec = _chart().to_dict()  # not translated
    found = i18n.english_in_spec(spec, "zh")
    assert "text: 'Trade among China, Japan and Korea'" in found and any("'China'" in f for f in found)


@pytest.mark.parametrize("language", EDITIONS)
def test_the_chapters_charts_carry_no_english_catalog_words(monkeypatch, language):
    """The regional-trade chapter's partner chart as the edition draws it (booklib.charts.book_figure)."""
    from bookchapters import regional_trade as rt
    from booklib import latest_vintage, load
    from booklib.charts import book_figure

    monkeypatch.setenv("BOOK_LANGUAGE", language)
    trade = latest_vintage(load("japan_trade_by_partner"), ["year", "partner", "flow"])
    levels = rt.partner_levels(trade)
    chart = rt.partner_lines(levels, "value_jpy_trn", "Trillion yen", {"year": "Year", "partner": "Partner", "value_jpy_trn": ("Trillion yen", ",.2f")})
    figure = book_figure(chart, name="fig-test", title="Japan's trade with China, the United States, ASEAN, Korea and the EU",
                         subtitle="Trillion yen, Ministry of Finance statistics; points are the years a document gave",
                         sources=sorted(set(levels["source_id"].str.split(";").explode().str.strip()))[:2], description="Key events")
    assert i18n.english_in_spec(figure.spec, language) == []
    assert figure.spec["config"]["font"] == i18n.FONTS[language]
    assert figure.description == translate("Key events")
    assert translate("China") in {row["partner"] for row in next(iter(figure.spec["datasets"].values()))}


# The static image (PNG, for the PDF) draws the CJK glyphs ------------------------------------------

def _pixels(png: bytes) -> np.ndarray:
    """An 8-bit RGBA PNG (vl-convert's) as an array of rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        body = png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert (depth, colour) == (8, 6), "expected 8-bit RGBA"
    raw, stride = zlib.decompress(b"".join(chunks)), width * 4
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 4] if x >= 4 else 0
            b, c = previous[x], previous[x - 4] if x >= 4 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, 4)


def _title_png(title: str, font: str) -> bytes:
    import vl_convert as vlc

    from booklib.charts import register_cjk_fonts

    register_cjk_fonts()
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title,
            "data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}},
            "width": 40, "height": 20, "config": {"font": font, "title": {"fontSize": 24}}}
    return vlc.vegalite_to_png(spec, scale=1)


def _ink(png: bytes) -> int:
    pixels = _pixels(png)
    return int((pixels[:40, :, :3].min(axis=2) < 128).sum())  # dark pixels in the title's band


@pytest.mark.parametrize("font", i18n.FONTS.values())
def test_a_chinese_or_japanese_title_is_drawn_in_glyphs_not_boxes(font):
    blank, first, second = _title_png(" ", font), _title_png("稀土出口", font), _title_png("关税协定", font)
    assert _ink(blank) == 0
    assert _ink(first) > 150 and _ink(second) > 150, "the title is not drawn"
    # Missing glyphs are drawn as one and the same box (or not at all): two different titles of the
    # same length would then give the same image.
    assert not np.array_equal(_pixels(first), _pixels(second)), "the CJK glyphs are missing (tofu)"


def test_the_chinese_and_japanese_fonts_draw_their_own_glyph_forms():
    """直 and 骨 differ between Simplified Chinese and Japanese typography: each edition gets its own."""
    assert not np.array_equal(_pixels(_title_png("直骨", i18n.FONTS["zh"])), _pixels(_title_png("直骨", i18n.FONTS["ja"])))


@pytest.mark.parametrize("language, summary, label", [
    ("en", "Cite this figure", "Figure 1.3: Trade"),
    ("zh", "引用此图", "图 1.3：Trade"),
    ("ja", "この図を引用", "図 1.3：Trade"),
])
def test_the_cite_control_and_citation_in_the_edition_s_words(monkeypatch, language, summary, label):
    from booklib import citation

    monkeypatch.setenv("BOOK_LANGUAGE", language)
    ed = {"authors_text": "Author", "authors": ["Author"], "corporate": [True], "year": "2026", "title": "The book",
          "version": "1.0", "released": "2026-01-01", "license": "", "abstract": ""}
    item = citation.Citable("figure", "Trade", "1.3", "chapters/tariffs", "fig-x")
    assert item.label() == label
    assert f">{summary}</summary>" in citation.control_html(ed, item)
    text = citation.as_text(ed, item)
    assert label in text and "2026-01-01" in text
    if language != "en":
        assert "version" not in text and "Page" not in text


def test_a_key_the_chart_only_filters_on_keeps_its_values():
    """An explorer's grid column (chosen by a menu whose options are its values) is a key, not words:
    translating its data would leave the menu choosing nothing. "none" is also a catalog message."""
    assert i18n.is_message("none")
    grid = pd.DataFrame({"cars": ["none", "enacted"], "date": pd.to_datetime(["2025-01-01", "2025-02-01"]), "rate": [1.0, 2.0]})
    choose = alt.param(name="choose_cars", value="enacted",
                       bind=alt.binding_select(options=["enacted", "none"], labels=["All measures as enacted", "No Section 232 car tariff"],
                                               name="Cars and parts"))
    chart = alt.Chart(grid).mark_line().encode(x="date:T", y="rate:Q", tooltip=["rate:Q"]).add_params(choose).transform_filter(
        "datum.cars == choose_cars")
    spec = translate_spec(chart.to_dict(), language="zh")
    assert [row["cars"] for row in next(iter(spec["datasets"].values()))] == ["none", "enacted"]
    bind = spec["params"][0]["bind"]
    assert bind["options"] == ["enacted", "none"] and bind["name"] == "汽车及零部件"
    assert bind["labels"][1] == translate("No Section 232 car tariff", language="zh")
