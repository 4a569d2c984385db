"""`make refresh`, offline: the parsers reproduce the book's rows from real official files (the
fixtures, trimmed copies from the mirrors sources.csv names), every failure shape is refused
with the feed, file and line, a new month is staged and its broken sentence named, and apply
gives a clean diff in a copy of the repository. No test opens a network connection
(conftest.no_network)."""

from __future__ import annotations

import csv
import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests
import responses

from booklib.data import validate_all
from booklib.refresh import guards
from booklib.refresh.__main__ import main
from booklib.refresh.apply import apply
from booklib.refresh.feeds import Feed, load_feeds, select
from booklib.refresh.parsers import (RefreshError, customs_ts, fred_csv, refuse_error_body, tic_mfhhis01,
                                     tic_slt_table5)
from booklib.refresh.snapshots import Snapshot, fetch, read_set, sha256, write_set
from booklib.refresh.stage import stage
from conftest import REPO, block_network

FIXTURES = REPO / "tests" / "fixtures" / "refresh"
DATA = REPO / "data"
FEEDS = load_feeds()
REFRESHED = ["us_treasury_yield", "exchange_rates", "treasury_holdings", "japan_trade_by_partner"]


def fixture(feed: str) -> Snapshot:
    return next(s for s in read_set(FIXTURES) if s.feed == feed)


def doctored(snap: Snapshot, raw: bytes, what: str, **changes) -> Snapshot:
    """A copy of a real fixture changed by a test, saying so in its origin."""
    return Snapshot(**{**snap.__dict__, "raw": raw, "sha256": sha256(raw),
                       "origin": {**(snap.origin or {}), "doctored": what}, **changes})


def staged_results(snapshots, tmp_path):
    return stage(snapshots, FEEDS, DATA, tmp_path / "out")


# The fixtures reproduce today's data ------------------------------------------------------

def test_the_fixtures_are_real_files_with_their_origin():
    manifest = json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    sources = (DATA / "sources.csv").read_text(encoding="utf-8")
    for entry in manifest["snapshots"]:
        origin = entry["origin"]
        assert set(origin) >= {"repository", "path", "commit", "original_sha256", "trimmed"}, entry["file"]
        assert len(origin["commit"]) == 40 and len(origin["original_sha256"]) == 64
        assert f"{origin['repository']}:{origin['path']}" in sources, f"{entry['file']}: not a mirror sources.csv names"
    assert len(read_set(FIXTURES)) == len(manifest["snapshots"])  # each file matches its SHA-256


def test_replaying_the_fixtures_stages_todays_tables_exactly(tmp_path):
    staged = staged_results(read_set(FIXTURES), tmp_path)
    assert staged.errors == []
    assert all(not r.changes for r in staged.results)
    for table in REFRESHED + ["sources"]:
        assert (tmp_path / "out" / "data" / f"{table}.csv").read_bytes() == (DATA / f"{table}.csv").read_bytes(), table
    reproduced = {}
    for r in staged.results:
        reproduced[r.table] = reproduced.get(r.table, 0) + r.unchanged
    assert reproduced == {"us_treasury_yield": 334, "exchange_rates": 4, "treasury_holdings": 46,
                          "japan_trade_by_partner": 262}


def test_make_refresh_on_the_fixtures_says_no_change(tmp_path, capsys):
    code = main(["stage", "--fixtures", "--no-guards", "--out", str(tmp_path / "out")])
    printed = capsys.readouterr().out
    assert code == 0, printed
    for table in REFRESHED:
        assert f"{table}: no change" in printed


def test_replaying_a_written_snapshot_set_rebuilds_the_staged_tables(tmp_path):
    first = staged_results(read_set(FIXTURES), tmp_path / "a")
    write_set(read_set(FIXTURES), tmp_path / "set")
    second = staged_results(read_set(tmp_path / "set"), tmp_path / "b")
    assert not first.errors and not second.errors
    for table in REFRESHED:
        assert (tmp_path / "a/out/data" / f"{table}.csv").read_bytes() == (tmp_path / "b/out/data" / f"{table}.csv").read_bytes()


# Failure shapes ---------------------------------------------------------------------------

HTML = b"<!DOCTYPE html>\n<html><head><title>Error</title></head><body>Invalid key</body></html>\n"


def test_an_html_body_is_refused():
    with pytest.raises(RefreshError, match=r"feed fred_dgs10: DGS10.csv, line 1: the body is an HTML page"):
        fred_csv("fred_dgs10", "DGS10.csv", HTML, {"series": "DGS10"})
    with pytest.raises(RefreshError, match="empty"):
        refuse_error_body("x", "f", b"  \n")


@responses.activate
def test_an_html_page_under_status_200_is_refused_by_the_fetch():
    feed = Feed(name="census_test", endpoint="https://api.census.gov/data/x", table="us_imports_japan_by_hs2",
                key_env="TEST_CENSUS_KEY")
    responses.get("https://api.census.gov/data/x", body=HTML, status=200, content_type="text/html")
    with pytest.raises(RefreshError, match="needs an API key: set the environment variable TEST_CENSUS_KEY"):
        fetch(feed)
    import os
    os.environ["TEST_CENSUS_KEY"] = "secret-key-123"
    try:
        with pytest.raises(RefreshError, match="HTML page"):
            fetch(feed)
    finally:
        del os.environ["TEST_CENSUS_KEY"]


@responses.activate
def test_the_key_is_sent_but_never_stored(monkeypatch):
    feed = Feed(name="keyed", endpoint="https://api.example.gov/data.csv", table="us_treasury_yield", key_env="TEST_KEY")
    monkeypatch.setenv("TEST_KEY", "secret-key-123")
    responses.get("https://api.example.gov/data.csv", body=fixture("fred_dgs10").raw, status=200, content_type="text/csv")
    snap = fetch(feed)
    assert "key=secret-key-123" in responses.calls[0].request.url
    assert "secret" not in json.dumps(snap.meta())
    assert snap.sha256 == sha256(fixture("fred_dgs10").raw)


@responses.activate
def test_an_error_status_is_refused():
    responses.get(FEEDS["fred_dgs10"].endpoint, body="busy", status=503)
    with pytest.raises(RefreshError, match="feed fred_dgs10: .*answered HTTP 503"):
        fetch(FEEDS["fred_dgs10"])


def test_fred_header_old_name_is_read_and_a_wrong_one_refused():
    raw = fixture("fred_dgs10").raw
    old = raw.replace(b"observation_date,DGS10", b"DATE,DGS10", 1)
    assert fred_csv("fred_dgs10", "f", old, {"series": "DGS10"}).latest == "2026-04-13"
    with pytest.raises(RefreshError, match=r"line 1: header is 'observation_date,DGS2'; expected 'observation_date,DGS10'"):
        fred_csv("fred_dgs10", "f", raw.replace(b",DGS10", b",DGS2", 1), {"series": "DGS10"})


def test_fred_bad_value_and_bad_date_name_their_line():
    lines = fixture("fred_dgs10").raw.splitlines(keepends=True)
    bad = b"".join(lines[:5] + [b"2025-01-08,4.67%\n"] + lines[6:])
    with pytest.raises(RefreshError, match=r"line 6: '4.67%' is not a number"):
        fred_csv("fred_dgs10", "f", bad, {"series": "DGS10"})
    swapped = b"".join(lines[:3] + [lines[4], lines[3]] + lines[5:])
    with pytest.raises(RefreshError, match="line 5: date .* does not follow"):
        fred_csv("fred_dgs10", "f", swapped, {"series": "DGS10"})


def test_a_stale_file_is_refused(tmp_path):
    snap = doctored(fixture("fred_dgs10"), fixture("fred_dgs10").raw, "fetched_at moved a month later",
                    fetched_at="2026-05-20T00:00:00Z")
    staged = staged_results([snap], tmp_path)
    assert any("is stale: its latest period 2026-04-13 ended 37 days before it was fetched" in e for e in staged.errors)


def test_a_file_older_than_the_table_is_refused(tmp_path):
    raw = b"".join(line for line in fixture("fred_dgs10").raw.splitlines(keepends=True) if line[:7] != b"2026-04")
    snap = doctored(fixture("fred_dgs10"), raw, "April 2026 removed", fetched_at="2026-04-01T00:00:00Z")
    staged = staged_results([snap], tmp_path)
    assert any("ends at 2026-03-31, before the 2026-04-13 the table already holds" in e for e in staged.errors)


def test_tic_unit_and_holder_rows_are_asserted():
    raw = fixture("tic_mfhhis01").raw
    with pytest.raises(RefreshError, match=r"tic_mfhhis01: f, line 2: does not state its unit"):
        tic_mfhhis01("tic_mfhhis01", "f", raw.replace(b"(in billions of dollars)", b"(in millions of dollars)"),
                     FEEDS["tic_mfhhis01"].options)
    with pytest.raises(RefreshError, match=r"the block of 2025 has no row 'China, Mainland'"):
        tic_mfhhis01("tic_mfhhis01", "f", raw.replace(b'"China, Mainland"', b"China", 1), FEEDS["tic_mfhhis01"].options)


def books_holdings(release: str) -> dict[tuple[str, str], str]:
    with (DATA / "treasury_holdings.csv").open(encoding="utf-8", newline="") as f:
        return {(r["holder"], r["month"][:7]): r["value_usd_bn"] for r in csv.DictReader(f) if r["source_id"] == release}


def test_slt_table5_gives_back_the_books_rows_of_two_releases():
    """The real file (the release of 2026-04) holds the 2026-03 release's months back to 2025-04
    unrevised, as the book read them from Treasury's HTML twin, and the two rows of April 2026."""
    parsed = tic_slt_table5("tic_slt_table5", "slt_table5.txt", fixture("tic_slt_table5").raw, FEEDS["tic_slt_table5"].options)
    values = {(o.series, o.period): str(o.value) for o in parsed.observations}
    march, april = books_holdings("treasury_tic_mfh_2026_03"), books_holdings("treasury_tic_mfh_2026_04")
    overlap = {key: value for key, value in march.items() if key in values}
    assert len(overlap) == 24 and all(values[key] == value for key, value in overlap.items())
    assert april == {key: values[key] for key in values if key[1] == "2026-04"} and len(april) == 2
    assert parsed.latest == "2026-04" and parsed.earliest == "2025-04"


def test_slt_table5_heading_months_and_holders_are_asserted():
    raw = fixture("tic_slt_table5").raw
    options = FEEDS["tic_slt_table5"].options
    with pytest.raises(RefreshError, match=r"tic_slt_table5: f, line 3: does not state its unit 'Billions of dollars'"):
        tic_slt_table5("tic_slt_table5", "f", raw.replace(b"Billions of dollars", b"Millions of dollars"), options)
    with pytest.raises(RefreshError, match=r"line 2: does not say its holdings are 'Holdings at end of time period'"):
        tic_slt_table5("tic_slt_table5", "f", raw.replace(b"Holdings at end of time period", b"Net purchases"), options)
    with pytest.raises(RefreshError, match=r"line 6: the months of the 'Country' line \(2025-04, 2025-05"):
        head, rest = raw.split(b"\r\nJapan", 1)
        months = head.split(b"\r\n")[-1].split(b"\t")[1:]
        flipped = b"\r\n".join(head.split(b"\r\n")[:-1] + [b"\t".join([b"Country"] + months[::-1])])
        tic_slt_table5("tic_slt_table5", "f", flipped + b"\r\nJapan" + rest, options)
    with pytest.raises(RefreshError, match=r"line 6: the 'Country' line reads \['Apr 2026'"):
        tic_slt_table5("tic_slt_table5", "f", raw.replace(b"Country\t2026-04", b"Country\tApr 2026"), options)
    with pytest.raises(RefreshError, match=r"line 7: has no row 'China, Mainland'"):
        tic_slt_table5("tic_slt_table5", "f", raw.replace(b"China, Mainland\t", b"China\t"), options)
    with pytest.raises(RefreshError, match=r"line 1: the body is an HTML page"):
        tic_slt_table5("tic_slt_table5", "f", HTML, options)


def test_customs_heading_unit_and_values_are_asserted():
    feed = FEEDS["japan_customs.d52ma001"]
    raw = fixture("japan_customs.d52ma001").raw
    with pytest.raises(RefreshError, match=r"line 7: the total's unit is '\(百万円\)'; expected '\(千円\)'"):
        customs_ts(feed.name, "f", raw.replace("(千円)".encode(), "(百万円)".encode(), 1), feed.options)
    with pytest.raises(RefreshError, match=r"line 1: heading is '《中国》  【月別】  （輸出）'; expected 《米国》"):
        customs_ts(feed.name, "f", fixture("japan_customs.d52ma004").raw, feed.options)
    with pytest.raises(RefreshError, match=r"line 8: the total '1,058,756,959' is not a whole number"):
        customs_ts(feed.name, "f", raw.replace(b"2000/01,1058756959 ", b'2000/01,"1,058,756,959"'), feed.options)
    shift_jis = raw.decode("utf-8").encode("shift_jis")  # the publisher's own encoding reads the same
    assert customs_ts(feed.name, "f", shift_jis, feed.options) == customs_ts(feed.name, "f", raw, feed.options)


def test_a_tampered_snapshot_is_refused(tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "set")
    (tmp_path / "set/fred_dgs10/DGS10.csv").write_bytes(fixture("fred_dgs10").raw + b"2026-04-14,4.4\n")
    with pytest.raises(RefreshError, match="SHA-256 .* differs from the manifest's"):
        read_set(tmp_path / "set")


def test_a_value_the_schema_refuses_fails_the_books_validator(tmp_path):
    snap = fixture("fred_dexjpus")
    raw = snap.raw.replace(b"2025-07-22,146.36", b"2025-07-22,-146.36")
    staged = staged_results([doctored(snap, raw, "a negative rate")], tmp_path)
    assert any("fail the book's validator (booklib.data)" in e and "exchange_rates.csv" in e for e in staged.errors)


def test_rows_of_other_sources_are_never_touched(tmp_path):
    """japan_trade_by_partner mixes Customs rows with press rows of the same years: a Customs
    file with a revised 2024 adds its release's rows and leaves every other row as it was."""
    snap = fixture("japan_customs.d52ma004")
    raw = snap.raw.replace(b"2024/12,", b"2024/12,1", 1)  # a revision of December 2024 (an extra leading digit)
    raw = raw.replace(b"2025/07,-,-", b"2025/07,1500000000 ,-", 1)  # and a new month, as a later release holds
    snap = doctored(snap, raw, "December 2024 revised; a value for 2025/07", fetched_at="2025-09-03T00:00:00Z")
    staged = staged_results([snap], tmp_path)
    assert staged.errors == []
    [result] = staged.results
    assert result.release == "mof_customs_ts_china_exports_2025_07"
    assert [(c.kind, c.key["year"]) for c in result.changes] == [("new", "2024")]
    before = (DATA / "japan_trade_by_partner.csv").read_text(encoding="utf-8").splitlines()
    after = (tmp_path / "out/data/japan_trade_by_partner.csv").read_text(encoding="utf-8").splitlines()
    assert after[:len(before)] == before and len(after) == len(before) + 1
    assert "mof_customs_ts_china_exports_2025_07" in (tmp_path / "out/data/sources.csv").read_text(encoding="utf-8")


def test_feeds_without_a_parser_say_why(tmp_path):
    snap = Snapshot(feed="census_imports_japan", file="census/x.json", address="http://x", fetched_at="2026-08-07T00:00:00Z",
                    sha256=sha256(b"x"), raw=b"x")
    staged = staged_results([snap], tmp_path)
    assert any("feed census_imports_japan: census/x.json: has no parser yet" in e for e in staged.errors)
    assert [f.name for f in select(FEEDS, ["japan_customs"])][:2] == ["japan_customs.d51ma", "japan_customs.d61ma"]


def test_the_network_is_blocked_here():
    with pytest.raises(OSError, match="network access attempted"):
        socket.create_connection(("fred.stlouisfed.org", 443), timeout=1)
    with pytest.raises(requests.ConnectionError):
        requests.get("https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10", timeout=1)


# A new month: staged, its broken sentence named, applied as a clean diff --------------------

def new_month_set(folder: Path) -> Path:
    """The real DGS10 fixture plus 20 business days after its last (2026-04-14 to 2026-05-11),
    their values copied from its last 20 days, one of them raised to 4.85 %: made here, clearly
    a test's doctoring, so that the guard of the 4.8 % sentence has something to reject."""
    import datetime as dt

    snap = fixture("fred_dgs10")
    lines = snap.raw.splitlines(keepends=True)
    values = [line.split(b",")[1].strip() for line in lines[-20:]]
    days, day = [], dt.date(2026, 4, 13)
    while len(days) < 20:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    values[7] = b"4.85"
    raw = snap.raw + b"".join(f"{d.isoformat()},".encode() + v + b"\n" for d, v in zip(days, values))
    write_set([doctored(snap, raw, "20 days appended after 2026-04-13 (values of the last 20 days, one set to 4.85)",
                        fetched_at="2026-05-12T12:00:00Z")], folder)
    return folder


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory):
    """A copy of the repository's book files in a fresh git repository, with the new month staged."""
    root = tmp_path_factory.mktemp("repo")
    for name in ["data", "chapters", "bookchapters"]:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "snapshots"))
    for name in ["intro.md", "references.bib"]:
        shutil.copy2(REPO / name, root / name)
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    snapshots = new_month_set(root.parent / "new_month_set")
    with pytest.MonkeyPatch.context() as monkeypatch:
        block_network(monkeypatch)
        code = main(["stage", "--snapshots", str(snapshots), "--data", str(root / "data"), "--root", str(root),
                     "--out", str(root / "_build/refresh")])
    return root, code, git


def test_a_new_month_is_staged_and_the_broken_sentence_named(repo_copy, capsys):
    root, code, _ = repo_copy
    report = json.loads((root / "_build/refresh/report.json").read_text(encoding="utf-8"))
    assert code == 2  # staged, but a guard fails
    new = [c for c in report["changes"] if c["kind"] == "new"]
    assert len(new) == 20 and {c["source_id"] for c in new} == {"fred_dgs10_2026_05_11"}
    assert not [c for c in report["changes"] if c["kind"] != "new"]
    sentences = {f.get("sentence") for f in report["guards"]["failures"]}
    assert "the 4.8 % of the seed article was not reached" in sentences
    failure = next(f for f in report["guards"]["failures"] if f.get("sentence"))
    assert failure["function"] == "bookchapters.tariffs.yield_facts"
    assert "the text says the 4.8 % of the seed article was not reached" in guards.describe(failure)


def test_apply_refuses_while_a_guard_fails(repo_copy):
    root, _, _ = repo_copy
    with pytest.raises(RefreshError, match="guard"):
        apply(root / "_build/refresh", root)


def test_apply_gives_a_clean_diff_of_data_and_sources(repo_copy):
    root, _, git = repo_copy
    written = apply(root / "_build/refresh", root, force=True)
    assert written[:3] == ["data/us_treasury_yield.csv", "data/sources.csv",
                           "data/snapshots/fred_dgs10_2026_05_11/DGS10.csv"]
    numstat = subprocess.run([*git, "diff", "--numstat"], capture_output=True, text=True, check=True).stdout.split("\n")
    changed = {line.split("\t")[2]: tuple(map(int, line.split("\t")[:2])) for line in numstat if line}
    assert changed["data/us_treasury_yield.csv"] == (20, 0)
    assert changed["data/sources.csv"] == (1, 0)
    assert set(changed) == {"data/us_treasury_yield.csv", "data/sources.csv", "references.bib"}
    untracked = subprocess.run([*git, "ls-files", "--others"], capture_output=True, text=True, check=True).stdout.split()
    assert sorted(u for u in untracked if not u.startswith("_build/")) == [
        "data/snapshots/fred_dgs10_2026_05_11/DGS10.csv", "data/snapshots/fred_dgs10_2026_05_11/snapshot.json"]
    assert b"\r\n" in (root / "data/sources.csv").read_bytes().splitlines(keepends=True)[-1]
    counts = validate_all(root / "data")
    assert counts["us_treasury_yield"] == 354
    source = (root / "data/sources.csv").read_text(encoding="utf-8").splitlines()[-1]
    assert "fred_dgs10_2026_05_11" in source and "DOCTORED FOR A TEST" in source and "primary_official" in source
