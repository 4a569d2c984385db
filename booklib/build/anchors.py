"""The anchors a reader may cite (anchors.yml): read, checked against a build, rewritten by
`python -m booklib.build.anchors` (`make anchors`)."""

from __future__ import annotations

import json
from pathlib import Path

from booklib.citation import ROOT, CitationError



def read_manifest(root: Path = ROOT) -> dict:
    """anchors.yml: {'anchors': {page: [anchor, ...]}, 'moved': {'page#old': 'page#new'}}."""
    import yaml

    path = Path(root) / "anchors.yml"
    if not path.exists():
        return {"anchors": {}, "moved": {}}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {"anchors": {p: list(a or []) for p, a in (data.get("anchors") or {}).items()},
            "moved": dict(data.get("moved") or {})}


def split_address(text: str, page: str = "") -> tuple[str, str]:
    page_part, _, anchor = str(text).partition("#")
    return (page_part or page), anchor


def check_manifest(manifest: dict, current: dict[str, set[str]]) -> list[tuple[str, str, str, str]]:
    """Check every anchor of the manifest against the built book (`current`: page -> anchors).
    Returns the moves to honour (old page, old anchor, new page, new anchor); raises
    CitationError naming each anchor that is gone unmapped, or mapped to nowhere."""
    problems, moves = [], []
    for old, new in manifest["moved"].items():
        old_page, old_anchor = split_address(old)
        new_page, new_anchor = split_address(new, old_page)
        if new_page not in current or (new_anchor and new_anchor not in current[new_page]):
            problems.append(f"anchors.yml maps {old} to {new}, which is not in the book")
        else:
            moves.append((old_page, old_anchor, new_page, new_anchor))
    moved = {(p, a) for p, a, _, _ in moves}
    gone = [f"{page}#{anchor}" for page, anchors in manifest["anchors"].items() for anchor in anchors
            if anchor not in current.get(page, set()) and (page, anchor) not in moved]
    if gone:
        problems.append(f"{len(gone)} anchor(s) in anchors.yml no longer in the book: {', '.join(gone)}. Restore each, "
                        "or map it under moved: to its new address ('page#old': 'page#new'); `make anchors` after a "
                        "build records anchors that are new")
    if problems:
        raise CitationError("\n".join(problems))
    return moves


def write_manifest(current: dict[str, list[str]], root: Path = ROOT) -> Path:
    """Write anchors.yml from the built book, keeping its moved: map."""
    import yaml

    manifest = read_manifest(root)
    path = Path(root) / "anchors.yml"
    header = ("# Anchors a reader may cite (chapters, sections, figures, tables, claims), by page.\n"
              "# The build fails when one disappears, unless `moved:` maps 'page#old' to 'page#new'\n"
              "# (the old address then still lands there). Regenerate with `make anchors` after a build.\n")
    body = yaml.safe_dump({"anchors": {p: list(a) for p, a in sorted(current.items())},
                           "moved": manifest["moved"]}, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    """`python -m booklib.build.anchors [--exclude-prefix P]`: write anchors.yml from the last
    HTML build (_build/.doctrees/booklib-anchors.json), keeping its moved: map."""
    built = ROOT / "_build" / ".doctrees" / "booklib-anchors.json"
    if not built.exists():
        print(f"{built} not found: build the HTML book first (make html)")
        return 1
    current = json.loads(built.read_text(encoding="utf-8"))
    excluded = [argv[i + 1] for i, a in enumerate(argv) if a == "--exclude-prefix"]
    current = {p: [a for a in anchors if not any(a.startswith(x) for x in excluded)] for p, anchors in current.items()}
    path = write_manifest(current)
    print(f"wrote {path.name}: {sum(map(len, current.values()))} anchors on {len(current)} pages")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
