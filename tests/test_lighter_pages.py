"""The build writes pages lighter without changing what they show (booklib.build.sphinx_ext)."""

import json

from booklib.build import sphinx_ext


def test_a_charts_data_as_columns_gives_the_same_records_back():
    values = [{"year": 2000, "partner": "ASEAN", "value": 7.38}, {"year": 2001, "partner": "中国", "value": None}]
    spec = {"$schema": "vega", "data": [{"name": "a", "values": values}, {"name": "b", "source": "a"},
                                        {"name": "mixed", "values": [{"x": 1}, {"y": 2}]}]}
    text = sphinx_ext.columnar_spec(json.dumps(spec).replace("</", "<\\/"))
    out = json.loads(text)
    assert out["data"][0] == {"name": "a", "bookColumns": {"year": [2000, 2001], "partner": ["ASEAN", "中国"], "value": [7.38, None]}}
    assert out["data"][1:] == spec["data"][1:], "data of records with differing keys stay records"
    columns = out["data"][0]["bookColumns"]
    # What book-charts.js does before drawing:
    assert [dict(zip(columns, row)) for row in zip(*columns.values())] == values
    assert len(text) < len(json.dumps(spec))


def test_a_spec_that_closes_a_script_stays_inside_it():
    spec = {"data": [{"name": "a", "values": [{"t": "</script>"}, {"t": "b"}]}]}
    assert "</script>" not in sphinx_ext.columnar_spec(json.dumps(spec))


def test_lighter_markup_keeps_the_text():
    assert sphinx_ext.PRE_WORD.sub(r"\1", '<code class="docutils literal notranslate"><span class="pre">source_id</span></code>') == \
        '<code class="docutils literal notranslate">source_id</code>'
    assert sphinx_ext.PRE_WORD.sub(r"\1", '<span class="pre">a</span> <span class="pre">b</span>') == "a b"


def test_a_long_bibliography_address_is_shown_shortened_and_linked_whole():
    url = "https://www.govinfo.gov/content/pkg/FR-2025-06-09/html/2025-10524.htm"
    body = f'<p>URL: <a href="{url}">{url}</a> (visited)</p>'
    shown = sphinx_ext.BARE_URL.sub(lambda m: f'<a href="{m.group(1)}">{sphinx_ext.short_url(m.group(1))}</a>', body)
    assert shown == f'<p>URL: <a href="{url}">govinfo.gov/content/pkg/FR-202…html/2025-10524.htm</a> (visited)</p>'
    assert sphinx_ext.short_url("https://meti.go.jp/a") == "meti.go.jp/a"
    assert len(sphinx_ext.short_url(url)) == sphinx_ext.SHORT_URL
