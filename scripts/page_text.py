"""Compare what readers see on the built pages before and after a change.

    python scripts/page_text.py snapshot _build/html /tmp/before   # one .txt per page
    python scripts/page_text.py diff /tmp/before /tmp/after         # unified diff, exit 1 if any

The text is the page's visible prose, tables and captions: scripts, styles, the navigation
and the build date are left out, so a refactor that changes nothing a reader sees gives
an empty diff.
"""

from __future__ import annotations

import difflib
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

SKIPPED_TAGS = {"script", "style", "nav", "head", "svg", "template"}
BLOCK_TAGS = {"p", "li", "tr", "h1", "h2", "h3", "h4", "figcaption", "div", "td", "th", "dt", "dd", "pre", "br"}
BUILD_DATE = re.compile(r"built \d{4}-\d{2}-\d{2}")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.skipping, self.in_main, self.parts = 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "main" or (tag == "article" and ("role", "main") in attrs):
            self.in_main += 1
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1
        if tag == "main" and self.in_main:
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.parts.append(data.replace("\n", " "))


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return BUILD_DATE.sub("built <date>", "\n".join(line for line in lines if line)) + "\n"


def snapshot(html_dir: Path, out: Path) -> None:
    for page in sorted(html_dir.rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        target = out / page.relative_to(html_dir).with_suffix(".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_text(page.read_text(encoding="utf-8")), encoding="utf-8")


def diff(before: Path, after: Path) -> int:
    changed = 0
    for name in sorted({p.relative_to(before) for p in before.rglob("*.txt")} | {p.relative_to(after) for p in after.rglob("*.txt")}):
        old = (before / name).read_text().splitlines(keepends=True) if (before / name).exists() else []
        new = (after / name).read_text().splitlines(keepends=True) if (after / name).exists() else []
        lines = list(difflib.unified_diff(old, new, f"before/{name}", f"after/{name}", n=0))
        changed += bool(lines)
        sys.stdout.writelines(lines)
    return 1 if changed else 0


if __name__ == "__main__":
    command, first, second = sys.argv[1:4]
    if command == "snapshot":
        snapshot(Path(first), Path(second))
    elif command == "diff":
        sys.exit(diff(Path(first), Path(second)))
    else:
        sys.exit(f"unknown command {command!r}: snapshot or diff")
