"""How to cite the book and any part of it, from one place (CITATION.cff).

Pure functions, no Sphinx: the edition (CITATION.cff and the build date), the
citation of the book, a chapter, a section, a figure, a table or a claim in four
formats (author-date text, BibTeX, RIS, CSL-JSON), the address of a part (the
book's base URL when it is published, else the page path), the edition log
(editions.yml), the anchors manifest (anchors.yml), what changed in the data
between two editions, and the data release (one zip with a manifest of checksums).
The Sphinx side is `booklib.cite_sphinx`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_PUBLISHED = "the book's web address is not yet published"
FORMATS = {"text": "Text", "bibtex": "BibTeX", "ris": "RIS", "csl": "CSL-JSON"}
KINDS = {"book": "Book", "chapter": "Chapter", "page": "Appendix", "section": "Section",
         "figure": "Figure", "table": "Table", "claim": "Claim"}


class CitationError(ValueError):
    """Bad citation input: an edition log out of order, an anchor gone, a table missing from a release."""


# --- the edition -------------------------------------------------------------------------------

def build_day() -> dt.date:
    """The build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.datetime.now(dt.timezone.utc).date()


def read_cff(root: Path = ROOT) -> dict:
    import yaml

    return yaml.safe_load((Path(root) / "CITATION.cff").read_text(encoding="utf-8"))


def edition(root: Path = ROOT) -> dict:
    """Title, authors, edition (CFF `version`), release date and build date of the book."""
    cff = read_cff(root)
    authors = [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]]
    built = build_day()
    released = cff.get("date-released")
    released = dt.date.fromisoformat(str(released)) if released else built
    return {
        "title": cff["title"],
        "authors": authors,
        "authors_text": "; ".join(authors),
        "corporate": [bool(a.get("name")) for a in cff["authors"]],
        "version": str(cff["version"]),
        "released": released.isoformat(),
        "year": str(released.year),
        "built": built.isoformat(),
        "license": cff.get("license", ""),
        "abstract": " ".join(str(cff.get("abstract", "")).split()),
    }


# --- what is cited -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Citable:
    """One thing a reader may cite: the book, or a part of it with its page and anchor."""

    kind: str  # one of KINDS
    title: str
    number: str = ""
    page: str = ""  # docname, e.g. chapters/tariffs
    anchor: str = ""

    def label(self) -> str:
        """'Figure 1.3: Title', 'Section 2.1: Title', 'Claim C000-24: ...', a page's own title."""
        if self.kind in ("book", "page"):
            return self.title
        number = f" {self.number}" if self.number else ""
        if not number and self.kind in ("section", "chapter", "table"):
            return self.title
        return f"{KINDS[self.kind]}{number}: {self.title}"


def address(item: Citable, baseurl: str = "") -> tuple[str, bool]:
    """The item's address and whether it is a published web address (else a path in the book)."""
    path = f"{item.page}.html" if item.page else "intro.html"
    if item.anchor:
        path += f"#{item.anchor}"
    if baseurl:
        return f"{baseurl.rstrip('/')}/{path}", True
    return path, False


def citation_key(ed: dict, item: Citable) -> str:
    words = re.findall(r"[A-Za-z]+", ed["title"].split(",")[0])
    stem = "".join(w[0].lower() for w in words) + ed["year"]
    return stem if item.kind == "book" else f"{stem}:{item.anchor or item.page.replace('/', '-')}"


def as_text(ed: dict, item: Citable, baseurl: str = "") -> str:
    url, published = address(item, baseurl)
    where = url if published else f"Page {url} ({NOT_PUBLISHED})"
    if item.kind == "book":
        return f"{ed['authors_text']} ({ed['year']}). {ed['title']}. Version {ed['version']}, built {ed['built']}. {where}."
    return (f"{ed['authors_text']} ({ed['year']}). \u201c{item.label()}\u201d. In {ed['title']}, "
            f"version {ed['version']}, built {ed['built']}. {where}.")


def _bibtex_escape(text: str) -> str:
    text = text.replace("\u2013", "--").replace("\u2014", "---")
    return re.sub(r"([&%$#_{}])", r"\\\1", text)


def as_bibtex(ed: dict, item: Citable, baseurl: str = "") -> str:
    url, published = address(item, baseurl)
    authors = " and ".join(f"{{{_bibtex_escape(a)}}}" if corp else _bibtex_escape(a)
                           for a, corp in zip(ed["authors"], ed["corporate"]))
    note = f"Version {ed['version']}, built {ed['built']}"
    if not published:
        note += f". Page {url} ({NOT_PUBLISHED})"
    fields = [("author", authors)]
    # Titles in an extra pair of braces keep their capitals in BibTeX styles that lower-case titles.
    if item.kind == "book":
        entry = "techreport"
        fields += [("title", f"{{{_bibtex_escape(ed['title'])}}}"), ("institution", authors), ("type", "Open research report")]
    else:
        # incollection: a titled part of a titled whole, which classic BibTeX and biblatex both print.
        entry = "incollection"
        fields += [("title", f"{{{_bibtex_escape(item.label())}}}"), ("booktitle", f"{{{_bibtex_escape(ed['title'])}}}"),
                   ("publisher", authors)]
        if item.kind in ("chapter", "section") and item.number:
            fields.append(("chapter", item.number))
    fields += [("year", ed["year"]), ("edition", ed["version"]), ("version", ed["version"]), ("date", ed["released"])]
    if published:
        fields.append(("url", url))
    fields.append(("note", _bibtex_escape(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{citation_key(ed, item)},\n{body}\n}}\n"


def as_ris(ed: dict, item: Citable, baseurl: str = "") -> str:
    url, published = address(item, baseurl)
    kind = {"book": "RPRT", "figure": "FIGURE", "table": "FIGURE"}.get(item.kind, "CHAP")
    lines = [("TY", kind)] + [("AU", a) for a in ed["authors"]]
    lines += [("PY", ed["year"]), ("DA", ed["released"].replace("-", "/"))]
    if item.kind == "book":
        lines.append(("TI", ed["title"]))
    else:
        lines += [("TI", item.label()), ("T2", ed["title"])]
    lines += [("ET", ed["version"]), ("ID", citation_key(ed, item))]
    note = f"Version {ed['version']}, built {ed['built']}."
    if published:
        lines.append(("UR", url))
    else:
        note += f" Page {url} ({NOT_PUBLISHED})."
    lines += [("N1", note), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


def as_csl(ed: dict, item: Citable, baseurl: str = "") -> dict:
    url, published = address(item, baseurl)
    year, month, day = (int(p) for p in ed["released"].split("-"))
    csl = {
        "id": citation_key(ed, item),
        "type": {"book": "report", "figure": "figure", "table": "figure", "claim": "entry"}.get(item.kind, "chapter"),
        "title": ed["title"] if item.kind == "book" else item.label(),
        "author": [{"literal": a} if corp else dict(zip(("family", "given"), a.split(", ", 1)))
                   for a, corp in zip(ed["authors"], ed["corporate"])],
        "issued": {"date-parts": [[year, month, day]]},
        "version": ed["version"],
        "edition": ed["version"],
    }
    if item.kind == "book":
        csl["publisher"] = ed["authors_text"]
    else:
        csl["container-title"] = ed["title"]
    if item.kind in ("chapter", "section") and item.number:
        csl["chapter-number"] = item.number
    if published:
        csl["URL"] = url
    csl["note"] = f"Version {ed['version']}, built {ed['built']}" + ("" if published else f". Page {url} ({NOT_PUBLISHED})")
    return csl


def as_csl_json(ed: dict, items: list[Citable], baseurl: str = "") -> str:
    return json.dumps([as_csl(ed, i, baseurl) for i in items], ensure_ascii=False, indent=2) + "\n"


def formats(ed: dict, item: Citable, baseurl: str = "") -> dict[str, str]:
    """The item's citation in every format, as the text a reader copies."""
    return {
        "text": as_text(ed, item, baseurl),
        "bibtex": as_bibtex(ed, item, baseurl),
        "ris": as_ris(ed, item, baseurl),
        "csl": as_csl_json(ed, [item], baseurl),
    }


def control_html(ed: dict, item: Citable, baseurl: str = "") -> str:
    """A disclosure with the citation in each format; book-cite.js adds a copy button to each
    when it is first opened (without scripts the text is there to select)."""
    import html

    what = {"book": "the book", "page": "this page"}.get(item.kind, f"this {item.kind}")
    parts = [f'<details class="book-cite" data-cite-anchor="{html.escape(item.anchor)}">'
             f'<summary title="{html.escape(item.label())}">Cite {what}</summary><div class="book-cite-body">']
    for fmt, text in formats(ed, item, baseurl).items():
        parts.append(f'<pre class="book-cite-{fmt}" data-cite-format="{fmt}" data-cite-name="{FORMATS[fmt]}">'
                     f'{html.escape(text.rstrip(), quote=False)}</pre>')
    parts.append('<p class="book-cite-status" role="status" aria-live="polite"></p></div></details>')
    return "".join(parts)


# The cite control of a table row (a claim of the ledger) is made in the browser, by book-cite.js,
# from one template per page: its placeholders (letters only, so that no format escapes them) stand
# for the row's number, title and anchor. A control per row would weigh about 2.6 KB each.
ROW_PLACEHOLDERS = {"number": "BOOKCITEROWNUMBER", "title": "BOOKCITEROWTITLE", "anchor": "BOOKCITEROWANCHOR"}
# A row anchor holds only characters no format escapes: it stands unescaped in a BibTeX key but
# escaped in the BibTeX note, and book-cite.js escapes each placeholder of a format alike.
ROW_ANCHOR = re.compile(r"[a-z0-9-]+")


def row_control_template(ed: dict, page: str, baseurl: str = "") -> str:
    """The cite control of any claim row of `page`, its number, title and anchor left as
    ROW_PLACEHOLDERS; book-cite.js fills them in, escaped for each format as the formats above do."""
    item = Citable("claim", ROW_PLACEHOLDERS["title"], ROW_PLACEHOLDERS["number"], page, ROW_PLACEHOLDERS["anchor"])
    return control_html(ed, item, baseurl)


def check_row(item: Citable) -> None:
    """Raise CitationError unless book-cite.js can make the row's control from the template exactly:
    a number (the label would read "Claim : ...") and an anchor of a-z, 0-9 and '-'."""
    if not item.number:
        raise CitationError(f"{item.page}: the row {item.anchor!r} has no number to cite it by")
    if not ROW_ANCHOR.fullmatch(item.anchor):
        raise CitationError(f"{item.page}: the row anchor {item.anchor!r} may hold only a-z, 0-9 and '-'")


# --- git ---------------------------------------------------------------------------------------

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


def last_changes(paths: list[Path], root: Path = ROOT) -> dict[Path, str]:
    """For each file, one sentence saying when it last changed, from git (deterministic for a given
    checkout), with one git process per file (its log) and two for them all: every build asks
    this of every page."""
    if not in_git(root):
        return dict.fromkeys(paths, "Last change: not known (this copy of the book was not built from a git checkout).")
    rels = {path: os.path.relpath(path, root) for path in paths}
    # In a clean checkout, the usual case, no file needs a status of its own.
    any_edited = bool((git(root, "status", "--porcelain", "--", *rels.values()) or "").strip())
    sentences = {}
    for path, rel in rels.items():
        log = (git(root, "log", "-1", "--format=%cs %h", "--", rel) or "").split()
        if not log:
            sentences[path] = "Last change: not yet committed (a new page)."
            continue
        edited = any_edited and bool((git(root, "status", "--porcelain", "--", rel) or "").strip())
        text = f"This page last changed on {log[0]} (commit {log[1]})."
        sentences[path] = text[:-1] + "; this copy also has edits not yet committed." if edited else text
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
    return sorted(n for n in names if n != "README.md")


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


# --- the anchors manifest ----------------------------------------------------------------------

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


# --- the data release --------------------------------------------------------------------------

def data_as_of(data_dir: Path) -> str:
    """The latest date on which a source of the data was read (sources.csv date_accessed)."""
    with open(Path(data_dir) / "sources.csv", encoding="utf-8", newline="") as f:
        days = [r.get("date_accessed", "") for r in csv.DictReader(f)]
    days = [d for d in days if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d or "")]
    return max(days) if days else "unknown"


def release_name(ed: dict) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', ed['title'].lower()).strip('-')}-data-{ed['version']}.zip"


def build_release(data_dir: Path, target: Path, ed: dict, commit: str) -> dict:
    """Write the data release zip: datapackage.json, every table it lists, sources.csv, a
    manifest (edition, build date, commit, data-as-of date, SHA-256 of each file) and SHA256SUMS.
    The zip is deterministic (sorted entries, fixed times). Raises CitationError naming a table
    the package lists but the folder lacks."""
    data_dir = Path(data_dir)
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    names = ["datapackage.json"] + [r["path"] for r in package["resources"]]
    if "sources.csv" not in names:
        names.append("sources.csv")
    missing = [n for n in names if not (data_dir / n).is_file()]
    if missing:
        raise CitationError(f"data release: {', '.join(missing)} listed in datapackage.json but missing from {data_dir}")
    files = {n: (data_dir / n).read_bytes() for n in sorted(set(names))}
    sums = {n: hashlib.sha256(b).hexdigest() for n, b in files.items()}
    manifest = {"title": ed["title"], "edition": ed["version"], "released": ed["released"], "built": ed["built"],
                "commit": commit, "data_as_of": data_as_of(data_dir), "license": ed["license"], "sha256": sums}
    files["manifest.json"] = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
    files["SHA256SUMS"] = "".join(f"{s}  {n}\n" for n, s in sums.items()).encode()
    stamp = tuple(int(p) for p in ed["built"].split("-")) + (0, 0, 0)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, files[name])
    listed = set(zipfile.ZipFile(target).namelist())
    absent = [n for n in names if n not in listed]
    if absent:
        raise CitationError(f"data release {target.name}: {', '.join(absent)} missing from the zip")
    return manifest


def main(argv: list[str]) -> int:
    """`python -m booklib.citation anchors [--exclude-prefix P]`: write anchors.yml from the last
    HTML build (_build/.doctrees/booklib-anchors.json), keeping its moved: map."""
    if not argv or argv[0] != "anchors":
        print(main.__doc__)
        return 2
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
