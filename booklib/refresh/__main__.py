"""`python -m booklib.refresh stage|apply` (behind `make refresh` and `make refresh-apply`)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from booklib.paths import REPO_ROOT, data_dir
from booklib.refresh import guards
from booklib.refresh.apply import apply
from booklib.refresh.feeds import load_feeds, select
from booklib.refresh.parsers import RefreshError
from booklib.refresh.snapshots import fetch, from_file, read_set, write_set
from booklib.refresh.stage import report_lines, stage, write_report

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "refresh"
DEFAULT_OUT = REPO_ROOT / "_build" / "refresh"


def gather(args, feeds) -> tuple[list, list[str]]:
    """The snapshots to stage: replayed from a set, supplied as a file, or fetched."""
    if args.file:
        if len(args.feed or []) != 1:
            raise RefreshError("refresh", args.file, "FILE= needs one FEED= naming the feed it belongs to")
        chosen = select(feeds, args.feed)
        if len(chosen) != 1:
            raise RefreshError("refresh", args.file, f"FEED={args.feed[0]} names {len(chosen)} files; name one, e.g. {chosen[0].name}")
        return [from_file(chosen[0], Path(args.file))], []
    if args.snapshots:
        snapshots = read_set(Path(args.snapshots))
        if args.feed:
            wanted = {f.name for f in select(feeds, args.feed)}
            snapshots = [s for s in snapshots if s.feed in wanted]
        return snapshots, []
    snapshots, errors = [], []
    for feed in select(feeds, args.feed):
        if feed.access != "http":
            errors.append(f"feed {feed.name}: no automated access; give its file: make refresh FEED={feed.name} FILE=<path>")
            continue
        try:
            snapshots.append(fetch(feed))
        except RefreshError as error:
            errors.append(str(error))
    return snapshots, errors


def cmd_stage(args) -> int:
    feeds = load_feeds()
    out = Path(args.out)
    root = Path(args.root).resolve()
    try:
        snapshots, errors = gather(args, feeds)
    except (RefreshError, KeyError) as error:
        print(f"refresh: {error}", file=sys.stderr)
        return 1
    if (out / "snapshots").exists():
        shutil.rmtree(out / "snapshots")
    write_set(snapshots, out / "snapshots")
    staged = stage(snapshots, feeds, Path(args.data).resolve(), out)
    staged.errors[:0] = errors
    touched = {feeds[s.feed].table for s in snapshots if s.feed in feeds}
    pages = guards.pages_reading(touched, root) if not args.no_guards else []
    failures = guards.run(pages, staged.folder / "data", root)
    write_report(staged, failures, pages)
    print(f"Staged under {out} from {len(snapshots)} snapshot(s) ({', '.join(s.feed for s in snapshots) or 'none'}):")
    if not (args.feed or args.file or args.snapshots):
        by_file = sorted(f.name for f in feeds.values() if f.access == "file" and f.parser)
        unparsed = sorted(f.name for f in feeds.values() if not f.parser)
        if by_file:
            print(f"Not fetched (no automated access): {', '.join(by_file)}; give each its file: make refresh FEED=<feed> FILE=<path>")
        if unparsed:
            print(f"Not read (no parser yet, see feeds.yml): {', '.join(unparsed)}")
    for line in report_lines(staged):
        print(line)
    for error in staged.errors:
        print(f"ERROR {error}")
    if pages:
        print(f"Guards: ran the code of {', '.join(pages)} on the staged data")
        for failure in failures:
            print(f"GUARD FAILS {guards.describe(failure)}")
        if not failures:
            print("Guards: every sentence still holds")
    if staged.errors:
        return 1
    if failures:
        print("Fix or scope each sentence named (see README, 'Refresh the data'), then stage again.")
        return 2
    print("Review the difference above; `make refresh-apply` moves it into data/ (nothing is committed).")
    return 0


def cmd_apply(args) -> int:
    try:
        written = apply(Path(args.out), Path(args.root).resolve(), force=args.force)
    except RefreshError as error:
        print(f"refresh-apply: {error}", file=sys.stderr)
        return 1
    print("Wrote " + (", ".join(written) if written else "nothing (no change was staged)"))
    if written:
        print("Review with `git diff`, run `make check`, and commit.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m booklib.refresh", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("stage", help="fetch (or replay), parse, validate and stage; print the difference and the guards")
    s.add_argument("--feed", action="append", help="only this feed (or group), repeatable")
    s.add_argument("--file", help="the file of one feed (FEED= names it), for feeds without automated access")
    s.add_argument("--snapshots", help="replay a snapshot set (a folder with manifest.json) instead of fetching")
    s.add_argument("--fixtures", action="store_true", help="replay the test fixtures (tests/fixtures/refresh)")
    s.add_argument("--data", default=str(data_dir()), help="the data folder to start from")
    s.add_argument("--root", default=str(REPO_ROOT), help="the book's folder (pages and chapters)")
    s.add_argument("--out", default=str(DEFAULT_OUT))
    s.add_argument("--no-guards", action="store_true")
    a = commands.add_parser("apply", help="move a staged refresh into data/ and regenerate references.bib")
    a.add_argument("--out", default=str(DEFAULT_OUT))
    a.add_argument("--root", default=str(REPO_ROOT))
    a.add_argument("--force", action="store_true", help="apply although guards fail")
    args = parser.parse_args(argv)
    if args.command == "stage":
        if args.fixtures:
            args.snapshots = str(FIXTURES)
        return cmd_stage(args)
    return cmd_apply(args)


if __name__ == "__main__":
    sys.exit(main())
