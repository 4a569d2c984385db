"""Give every heading of the book's pages an explicit label, so rewording a heading keeps its anchor.

    python scripts/label_sections.py            # add the missing labels in place
    python scripts/label_sections.py --check    # list what would change; exit 1 if anything would

A heading without a `(label)=` line before it gets `(<page>-<heading id>)=`, where <page> is the
label of the page's title (e.g. `tariffs`) and <heading id> the anchor the heading has today (so
existing links keep working). Idempotent: labelled headings are left alone. Headings inside code
cells and fenced blocks are skipped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})")


def heading_id(text: str) -> str:
    """The id docutils gives a section with this title (as MyST renders it)."""
    from docutils.nodes import make_id

    plain = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)  # roles: keep their text
    plain = re.sub(r"[`*_]", "", plain)
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", plain)
    return make_id(plain)


def label_page(text: str, stem: str, taken: set[str]) -> tuple[str, list[tuple[int, str, str]]]:
    """The page with labels added, and (line number, heading, label) for each addition."""
    lines = text.split("\n")
    out, added, fence = [], [], None
    page_label = None
    in_front_matter = lines[:1] == ["---"]
    for number, line in enumerate(lines, 1):
        if in_front_matter:
            out.append(line)
            if number > 1 and line == "---":
                in_front_matter = False
            continue
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker
            elif line.strip() == fence[0] * len(line.strip()) and len(line.strip()) >= len(fence):
                fence = None
            out.append(line)
            continue
        heading = HEADING.match(line) if fence is None else None
        if heading:
            previous = next((l for l in reversed(out) if l.strip()), "")
            existing = LABEL.match(previous)
            if heading.group(1) == "#":
                page_label = existing.group(1) if existing else stem
            if not existing:
                label = heading_id(heading.group(2)) if heading.group(1) == "#" else f"{page_label or stem}-{heading_id(heading.group(2))}"
                if heading.group(1) == "#":
                    label = stem
                base, n = label, 2
                while label in taken:
                    label, n = f"{base}-{n}", n + 1
                taken.add(label)
                out.append(f"({label})=")
                added.append((number, line, label))
        out.append(line)
    return "\n".join(out), added


def pages() -> list[Path]:
    from conftest import toc_pages

    return [ROOT / f"{p}.md" for p in toc_pages() if (ROOT / f"{p}.md").exists()]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = pages()
    taken = {m for f in files for m in re.findall(r"^\(([^()\s]+)\)=\s*$", f.read_text(encoding="utf-8"), re.M)}
    changed = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        stem = path.stem.replace("_", "-")
        new, added = label_page(text, stem, taken)
        for number, heading, label in added:
            print(f"{path.relative_to(ROOT)}:{number}: ({label})=  before  {heading}")
        if added:
            changed += 1
            if not check:
                path.write_text(new, encoding="utf-8")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
