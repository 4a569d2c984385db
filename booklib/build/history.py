"""The book's history from git: when each page last changed, the edition log (editions.yml)
checked against git, and what changed in the data between two editions (the Revisions page)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
from pathlib import Path

from booklib.citation import ROOT, CitationError, read_cff



def git(root: Path, *args: str) -> str | None:
    """Output of a git command in `root`, or None outside a git checkout (or without git)."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git_files(root: Path, commit: str, paths: list[str]) -> dict[str, str | None]:
    """The text of each path at a commit, read by one git process (`git cat-file --batch`); None
    for a path the commit lacks, or for every path outside a git checkout."""
    try:
        done = subprocess.run(["git", "-C", str(root), "cat-file", "--batch"], capture_output=True, timeout=30,
                              input="".join(f"{commit}:{path}\n" for path in paths).encode())
    except (OSError, subprocess.SubprocessError):
        return dict.fromkeys(paths)
    if done.returncode != 0:
        return dict.fromkeys(paths)
    # Per path, a header line ("<sha> blob <size>", or "<name> missing") and the content.
    found, out, at = {}, done.stdout, 0
    for path in paths:
        end = out.index(b"\n", at)
        header, at = out[at:end].split(), end + 1
        if header[-1] == b"missing":
            found[path] = None
            continue
        size = int(header[2])
        found[path], at = out[at:at + size].decode("utf-8"), at + size + 1
    return found


def in_git(root: Path = ROOT) -> bool:
    return (git(root, "rev-parse", "--is-inside-work-tree") or "").strip() == "true"


CHAPTER_IMPORT = re.compile(r"^\s*from bookchapters(?:\.(\w+))? import ([\w, ()]+)|^\s*import bookchapters\.(\w+)", re.M)


def page_inputs(page: Path, root: Path = ROOT, data: Path | None = None) -> list[Path]:
    """What made a page: its source, the tables its front matter declares (`booklib: reads:`; `all`:
    every table) and the chapter modules it imports (bookchapters/<name>.py)."""
    from booklib.build.sphinx_ext import declared_reads

    page, root = Path(page), Path(root)
    data = Path(data) if data is not None else root / "data"
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    inputs = [page]
    try:
        reads = declared_reads(text)
    except ValueError:
        reads = None
    if reads:
        package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
        paths = {r["name"]: data / r["path"] for r in package["resources"]}
        inputs += sorted(paths.values()) if reads == ["*"] else [paths[t] for t in reads if t in paths]
    modules = set()
    for match in CHAPTER_IMPORT.finditer(text):
        if match.group(3):
            modules.add(match.group(3))
        elif match.group(1):
            modules.add(match.group(1))
        else:
            modules.update(n.strip(" ()") for n in match.group(2).split(",") if n.strip(" ()"))
    inputs += [root / "bookchapters" / f"{name.split(' as ')[0].strip()}.py" for name in sorted(modules)
               if (root / "bookchapters" / f"{name.split(' as ')[0].strip()}.py").exists()]
    return inputs


def last_changes(paths: list[Path], root: Path = ROOT, inputs: dict[Path, list[Path]] | None = None) -> dict[Path, str]:
    """For each page, one sentence saying when it last changed, from git (deterministic for a given
    checkout): the last commit that touched what made it (`inputs[page]`, by default `page_inputs`:
    its source, its declared tables, its chapter module), with one git process per page (its log)
    and two for them all: every build asks this of every page."""
    from booklib.build.edition_sphinx import words  # the edition's language (build.po)

    if not in_git(root):
        return dict.fromkeys(paths, words("Last change: not known (this copy of the book was not built from a git checkout)."))
    inputs = inputs if inputs is not None else {path: page_inputs(path, root) for path in paths}
    rels = {path: [os.path.relpath(p, root) for p in inputs.get(path, [path])] for path in paths}
    # In a clean checkout, the usual case, no file needs a status of its own.
    any_edited = bool((git(root, "status", "--porcelain", "--", *{r for rs in rels.values() for r in rs}) or "").strip())
    sentences = {}
    for path, rel in rels.items():
        log = (git(root, "log", "-1", "--format=%cs %h", "--", *rel) or "").split()
        if not log:
            sentences[path] = words("Last change: not yet committed (a new page).")
            continue
        edited = any_edited and bool((git(root, "status", "--porcelain", "--", *rel) or "").strip())
        what = " (its text, the tables it reads or its chapter's code)" if len(rel) > 1 else ""
        tail = "; this copy also has edits not yet committed." if edited else "."
        sentences[path] = words(f"This page last changed on {{date}} (commit {{commit}}){what}{tail}", date=log[0], commit=log[1])
    return sentences


def head_commit(root: Path = ROOT) -> str:
    sha = (git(root, "rev-parse", "HEAD") or "").strip()
    if not sha:
        return "unknown (not built from a git checkout)"
    dirty = bool((git(root, "status", "--porcelain", "--", "data") or "").strip())
    return sha + (" (data/ has changes not yet committed)" if dirty else "")


# --- the edition log ---------------------------------------------------------------------------

def read_editions(root: Path = ROOT, cff: dict | None = None) -> list[dict]:
    """The edition log (editions.yml), oldest first, checked: dates in order, versions unique,
    the last one the edition of CITATION.cff, every commit known to git."""
    import yaml

    path = Path(root) / "editions.yml"
    log = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    editions = log.get("editions") or []
    if not editions:
        raise CitationError(f"{path.name}: no editions listed")
    seen, previous = set(), None
    for number, entry in enumerate(editions, 1):
        version = str(entry.get("version", ""))
        if not version:
            raise CitationError(f"{path.name}: edition {number} has no version")
        if version in seen:
            raise CitationError(f"{path.name}: edition {version} is listed twice")
        seen.add(version)
        try:
            day = dt.date.fromisoformat(str(entry.get("date")))
        except ValueError:
            raise CitationError(f"{path.name}: edition {version} has no valid date ({entry.get('date')!r})") from None
        if previous and day <= previous[1]:
            raise CitationError(f"{path.name}: edition {version} is dated {day}, not after edition "
                                f"{previous[0]} ({previous[1]}): dates out of order")
        previous = (version, day)
        entry["version"], entry["date"] = version, day.isoformat()
        entry["changes"] = [str(c) for c in entry.get("changes") or []]
        commit = str(entry.get("commit") or "")
        entry["history_missing"] = False
        if commit and in_git(root) and git(root, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}") is None:
            if not shallow(root):
                raise CitationError(f"{path.name}: edition {version} names commit {commit}, which git does not know")
            entry["history_missing"] = True  # a shallow clone: the edition is real, its commit is not fetched
        if not commit and number != len(editions):
            raise CitationError(f"{path.name}: edition {version} has no commit (only the last edition may be the working tree)")
        entry["commit"] = commit
    cff = cff if cff is not None else read_cff(root)
    if str(cff["version"]) != editions[-1]["version"]:
        raise CitationError(f"CITATION.cff is edition {cff['version']}, but the last edition in {path.name} is "
                            f"{editions[-1]['version']}")
    if str(cff.get("date-released", "")) != editions[-1]["date"]:
        raise CitationError(f"CITATION.cff date-released {cff.get('date-released')} is not the date of edition "
                            f"{editions[-1]['version']} in {path.name} ({editions[-1]['date']})")
    return editions


def _tables_at(root: Path, commit: str) -> dict[str, tuple[list[str], list[dict]]] | None:
    """Every table of the data package at a commit ('' = the working tree): name -> (key, rows)."""
    def read(paths: list[str]) -> dict[str, str | None]:
        if commit:
            return git_files(root, commit, paths)
        files = {path: Path(root) / path for path in paths}
        return {path: file.read_text(encoding="utf-8") if file.exists() else None for path, file in files.items()}

    package = read(["data/datapackage.json"])["data/datapackage.json"]
    if package is None:
        return None
    resources = json.loads(package)["resources"]
    texts = read([f"data/{res['path']}" for res in resources])
    tables = {}
    for res in resources:
        text = texts[f"data/{res['path']}"]
        if text is not None:
            tables[res["name"]] = (res.get("schema", {}).get("primaryKey") or [], list(csv.DictReader(io.StringIO(text))))
    return tables


def table_changes(old: dict | None, new: dict) -> list[dict]:
    """Rows added, changed and removed per table, by primary key (whole rows when a table has none)."""
    changes = []
    for name in sorted(set(new) | set(old or {})):
        if name not in new:
            changes.append({"table": name, "added": 0, "changed": 0, "removed": len(old[name][1]), "note": "table removed"})
            continue
        key, rows = new[name]
        if old is None or name not in old:
            changes.append({"table": name, "added": len(rows), "changed": 0, "removed": 0, "note": "new table"})
            continue
        old_key, old_rows = old[name]

        def index(rows, key):
            fields = key or (list(rows[0]) if rows else [])
            return {tuple(r.get(k, "") for k in fields): r for r in rows}

        before, after = index(old_rows, key), index(rows, key)
        common = set(before) & set(after)
        changed = sum(1 for k in common if before[k] != after[k])
        note = "" if old_key == key else "primary key changed"
        row = {"table": name, "added": len(set(after) - set(before)), "changed": changed,
               "removed": len(set(before) - set(after)), "note": note}
        if row["added"] or row["changed"] or row["removed"] or note:
            changes.append(row)
    return changes


def page_changes(root: Path, old: str, new: str) -> list[str]:
    """The pages (.md) whose text changed between two commits ('' = the working tree)."""
    args = ["diff", "--name-only", old] + ([new] if new else []) + ["--", "*.md"]
    names = (git(root, *args) or "").split()
    # Pages of the book, not the test fixtures' (tests/fixtures/edition_book).
    return sorted(n for n in names if n != "README.md" and not n.startswith("tests/"))


def shallow(root: Path) -> bool:
    """A clone made with --depth (as some CI services make), which lacks older commits."""
    return (git(root, "rev-parse", "--is-shallow-repository") or "").strip() == "true"


def revisions(root: Path = ROOT) -> list[dict]:
    """Each edition, newest first, with what changed since the one before (computed from git)."""
    editions = read_editions(root)
    gitted = in_git(root)
    out, previous = [], None
    for entry in editions:
        row = dict(entry)
        row["tables"] = row["pages"] = None
        unknown = entry["history_missing"] or (previous is not None and previous[0]["history_missing"])
        tables = _tables_at(root, entry["commit"]) if gitted and not entry["history_missing"] else None
        if gitted and not unknown:
            if tables is not None:
                row["tables"] = table_changes(previous[1] if previous else None, tables)
            if previous:
                row["pages"] = page_changes(root, previous[0]["commit"], entry["commit"])
        row["history_missing"] = unknown
        previous = (entry, tables)
        out.append(row)
    return out[::-1]


def revisions_markdown(root: Path = ROOT) -> str:
    """The body of the Revisions page."""
    lines = []
    if not in_git(root):
        lines.append("*This copy of the book was not built from a git checkout, so what changed between "
                     "editions cannot be computed; the edition log is shown as written.*\n")
    for entry in revisions(root):
        state = f"released {entry['date']}" if entry["commit"] else f"dated {entry['date']}, built from the working tree"
        lines.append(f"## Edition {entry['version']}\n")
        lines.append(f"Edition {entry['version']}, {state}" + (f", commit `{entry['commit'][:7]}`." if entry["commit"] else "."))
        lines.append("")
        if entry["history_missing"]:
            lines.append("*This copy was built from a shallow clone that lacks this edition's or the previous "
                         "edition's commit, so what changed in the pages and the data is not computed here.*\n")
        if entry["changes"]:
            lines.append("What changed in the text, as the edition log records it:\n")
            lines += [f"- {c}".replace("$", "\\$") for c in entry["changes"]]
            lines.append("")
        if entry["pages"] is not None:
            pages = ", ".join(f"`{p}`" for p in entry["pages"]) or "none"
            lines.append(f"Pages whose text changed since the previous edition (from git): {pages}.\n")
        if entry["tables"] is not None:
            if entry["tables"] and all(t["note"] == "new table" for t in entry["tables"]) and entry["pages"] is None:
                rows = sum(t["added"] for t in entry["tables"])
                lines.append(f"The data: {len(entry['tables'])} tables, {rows} rows (the first edition in the log).\n")
            elif entry["tables"]:
                lines.append("Rows of each data table added, changed and removed since the previous edition "
                             "(by primary key, computed from git):\n")
                lines.append("| table | rows added | rows changed | rows removed | note |")
                lines.append("| --- | ---: | ---: | ---: | --- |")
                lines += [f"| `{t['table']}` | {t['added']} | {t['changed']} | {t['removed']} | {t['note']} |"
                          for t in entry["tables"]]
                lines.append("")
            else:
                lines.append("No data table changed since the previous edition.\n")
    return "\n".join(lines)
