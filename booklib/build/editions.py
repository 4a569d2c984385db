"""The book's editions: English at the site's root, Chinese (simplified) and Japanese under `zh/`, `ja/`.

One source, three editions. `python -m booklib.build.editions html zh ja` (`make editions`) builds each
non-English edition in its own process with `BOOK_LANGUAGE=<lang>` (the kernel inherits it, so every
glued number, chart and table is computed in the edition's language), its own execution cache
(`_build/.jupyter_cache-<lang>`), its own doctrees and output (`_build/editions/<lang>/`), then copies
the HTML into `_build/html/<lang>/` (only files that changed). An edition never replays another's
outputs: the caches are separate, and the hidden fingerprint cell of a page names the language.

Page prose comes from the page catalogs `locales/<lang>/LC_MESSAGES/<docname>.po` (sphinx-intl,
`make catalogs`). A page is published translated only when its catalog is complete (every message
translated, none fuzzy) and keeps every glue, numref, ref, cite and doc role of each message: such
catalogs are copied (with their times, so Sphinx rebuilds only the pages whose catalog changed) into
`_build/editions/<lang>/locales/<sphinx language>/LC_MESSAGES/`, which the build reads. A page whose
catalog is missing or incomplete is published as a short notice in the edition's language linking to
the English page (booklib.build.edition_sphinx). A catalog whose roles differ from its English fails
the build naming the page, the message and the role.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from booklib.paths import REPO_ROOT

SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "zh", "ja")
TRANSLATED = ("zh", "ja")
# The switcher's names, each in its own language.
NAMES = {"en": "English", "zh": "中文", "ja": "日本語"}
# Sphinx's `language` (its own words: "Contents", "Search"; its catalogs are zh_CN, ja) and the HTML lang.
SPHINX_LANGUAGE = {"en": "en", "zh": "zh_CN", "ja": "ja"}
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ja": "ja"}
# Sphinx's search: zh segments words with jieba; ja uses Sphinx's own splitter.
SEARCH_LANGUAGE = {"en": "en", "zh": "zh", "ja": "ja"}
LOCALES = REPO_ROOT / "locales"
BUILD = REPO_ROOT / "_build"
# Catalogs that are not page catalogs: the library's words, the build's words, the data tables'.
NON_PAGE_DOMAINS = ("booklib", "build")

# The roles a translation must keep, each with its target: glued values, cross-references, citations.
ROLE = re.compile(r"\{(glue(?::\w+)?|numref|ref|cite(?::\w+)?|doc|eq|download)\}`([^`]*)`")


def edition_dir(language: str) -> Path:
    return BUILD / "editions" / language


def cache_dir(language: str) -> Path:
    return BUILD / (".jupyter_cache" if language == SOURCE_LANGUAGE else f".jupyter_cache-{language}")


def prepared_locales(language: str) -> Path:
    return edition_dir(language) / "locales"


def page_catalog(language: str, docname: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{docname}.po"


def roles(text: str) -> Counter:
    """The roles of a message as a multiset of (role, target); a target's shown text is the translator's
    (`{ref}`text <label>``): only the label counts."""
    found = Counter()
    for role, target in ROLE.findall(text):
        label = re.search(r"<([^<>]+)>\s*$", target)
        found[(role, (label.group(1) if label else target).strip())] += 1
    return found


def _read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return read_po(handle, locale=None)


def catalog_problems(path: Path, page: str | None = None) -> list[str]:
    """What keeps a page catalog from being published: untranslated or fuzzy messages, and roles
    (glue, numref, ref, cite, doc) that the translation drops, adds or changes. Each problem names
    the page, the message and the role."""
    page = page or str(path)
    problems = []
    for message in _read(path):
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
        short = msgid if len(msgid) < 70 else msgid[:67] + "..."
        if not msgstr:
            problems.append(f"{page}: untranslated message {short!r}")
            continue
        if message.fuzzy:
            problems.append(f"{page}: fuzzy message {short!r}")
        expected, got = roles(msgid), roles(msgstr)
        if expected != got:
            missing = sorted((expected - got).elements())
            added = sorted((got - expected).elements())
            parts = [f"drops {{{r}}}`{k}`" for r, k in missing] + [f"adds {{{r}}}`{k}`" for r, k in added]
            problems.append(f"{page}: the translation of {short!r} " + ", ".join(parts))
    return problems


def role_problems(path: Path, page: str | None = None) -> list[str]:
    """Only the role mismatches of a catalog (a half-done catalog may still be checked for these)."""
    return [p for p in catalog_problems(path, page) if "untranslated message" not in p and "fuzzy message" not in p]


def page_catalogs(language: str) -> dict[str, Path]:
    """docname -> page catalog, for every page catalog of the edition."""
    root = LOCALES / language / "LC_MESSAGES"
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.rglob("*.po")):
        docname = path.relative_to(root).with_suffix("").as_posix()
        if docname in NON_PAGE_DOMAINS or docname.startswith("data/"):
            continue
        found[docname] = path
    return found


def listed_pages(language: str) -> list[str]:
    """The pages locales/translated.yml lists as translated in the edition (their catalogs must be complete)."""
    import yaml

    path = LOCALES / "translated.yml"
    listed = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(language) if path.exists() else None
    return list(listed or [])


def complete_pages(language: str) -> dict[str, Path]:
    """The pages whose catalog is complete and keeps every role (published translated)."""
    return {doc: path for doc, path in page_catalogs(language).items() if not catalog_problems(path, doc)}


class CatalogError(Exception):
    """A page catalog changes a role of its message (raised by the build, naming page, message, role)."""


def prepare_locales(language: str) -> list[str]:
    """Copy the complete page catalogs into the edition's locale folder (times kept; stale ones removed),
    the folder Sphinx reads (`locale_dirs`). Raises CatalogError on a role mismatch in any catalog
    (complete or not). Returns the docnames published translated."""
    bad = [p for doc, path in page_catalogs(language).items() for p in role_problems(path, doc)]
    if bad:
        raise CatalogError("a translation changes the roles of its message:\n  " + "\n  ".join(bad))
    target_root = prepared_locales(language) / SPHINX_LANGUAGE[language] / "LC_MESSAGES"
    complete = complete_pages(language)
    wanted = set()
    for doc, path in complete.items():
        target = target_root / f"{doc}.po"
        wanted.add(target)
        if not target.exists() or target.read_bytes() != path.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    if target_root.exists():
        for stale in target_root.rglob("*.[pm]o"):
            if stale.with_suffix(".po") not in wanted:
                stale.unlink()
    return sorted(complete)


def sync_tree(source: Path, target: Path) -> int:
    """Copy files of `source` that differ into `target` (size or time); returns how many were copied."""
    copied = 0
    for path in source.rglob("*"):
        if path.is_dir():
            continue
        copy = target / path.relative_to(source)
        stat = path.stat()
        if copy.exists():
            other = copy.stat()
            if other.st_size == stat.st_size and other.st_mtime_ns == stat.st_mtime_ns:
                continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copy)
        copied += 1
    return copied


STRICT = dict(warningiserror=True, keep_going=True)


def build(language: str, builder: str = "html", strict: bool = True) -> int:
    """Build one edition (run in a process of its own: `BOOK_LANGUAGE` must be set before booklib is used)."""
    from jupyter_book.sphinx import build_sphinx

    if os.environ.get("BOOK_LANGUAGE", SOURCE_LANGUAGE) != language:
        raise SystemExit(f"build {language}: run with BOOK_LANGUAGE={language} (python -m booklib.build.editions)")
    overrides = edition_config(language, builder)
    if builder == "gettext":  # the English page catalogs' templates (.pot), from the English execution cache
        out, doctrees = BUILD / "gettext", BUILD / ".doctrees-gettext"
    else:
        out, doctrees = edition_dir(language) / builder, edition_dir(language) / f".doctrees-{builder}"
    # The templates are extracted from a fresh read (the execution cache makes it cheap): a stale
    # doctree would keep messages an edit of the build's code no longer extracts.
    result = build_sphinx(REPO_ROOT, out, noconfig=True, path_config=REPO_ROOT / "_config.yml",
                          confoverrides=overrides, builder=builder, doctreedir=doctrees, freshenv=builder == "gettext",
                          **(STRICT if strict else {}))
    return result if isinstance(result, int) else 1


def edition_config(language: str, builder: str) -> dict:
    """Sphinx settings of an edition, over those of _config.yml."""
    overrides = {
        "external_toc_path": str(REPO_ROOT / "_toc.yml"),
        "latex_individualpages": False,
        "nitpicky": True,
        "language": SPHINX_LANGUAGE[language],
        "html_search_language": SEARCH_LANGUAGE[language],
        "gettext_compact": False,
        "nb_execution_cache_path": str(cache_dir(language)),
    }
    if language != SOURCE_LANGUAGE:
        overrides["locale_dirs"] = [str(prepared_locales(language))]
    if builder == "latex":
        overrides["latex_documents"] = None  # set by edition_sphinx (book-<lang>.tex)
    return {k: v for k, v in overrides.items() if v is not None}


MISSING_GLYPH = re.compile(r"Missing character: There is no (\S+) \((U\+[0-9A-F]+)\) in font ([^\s:]+)")


def missing_glyphs(log: str) -> list[str]:
    """The characters XeLaTeX could not draw (its log's "Missing character" lines), each once."""
    return sorted({f"{m.group(1)} {m.group(2)} in {m.group(3)}" for m in MISSING_GLYPH.finditer(log)})


def make_pdf(language: str) -> int:
    """XeLaTeX the edition's .tex (Sphinx's Makefile: latexmk), then fail on any missing glyph."""
    folder = edition_dir(language) / "latex"
    code = subprocess.call([os.environ.get("MAKE", "make"), "all-pdf"], cwd=folder)
    log_path = folder / f"book-{language}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    missing = missing_glyphs(log)
    if missing:
        print(f"[editions] {language}: the PDF lacks glyphs (fonts: booklib/build/edition_sphinx.py): " + "; ".join(missing[:20]),
              file=sys.stderr)
        return 1
    if code or not (folder / f"book-{language}.pdf").exists():
        print(f"[editions] {language}: XeLaTeX failed, see {log_path}", file=sys.stderr)
        return code or 1
    return 0


SKIPPED_DIRS = {".git", ".venv", ".venv-lab", ".venv-cite", "_build", "bench", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def inputs_stamp(language: str, builder: str) -> str:
    """Everything an edition's build reads, as a hash: every file of the checkout (name, size, time),
    git's HEAD and status (the pages' last-change sentences), the edition's PDF (the download menu).
    Unchanged since the last successful build: nothing to do (a no-op `make editions` starts no Sphinx)."""
    import hashlib

    digest = hashlib.sha256(f"{language} {builder} {sys.executable}".encode())
    others = {str(LOCALES / lang) for lang in LANGUAGES if lang != language}  # another edition's catalogs
    for folder, dirs, files in os.walk(REPO_ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and os.path.join(folder, d) not in others)
        for name in sorted(files):
            stat = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    if builder == "html":  # the HTML offers the PDF when it exists
        pdf = edition_dir(language) / "latex" / f"book-{language}.pdf"
        digest.update(f"{pdf} {pdf.stat().st_mtime_ns if pdf.exists() else 0}\n".encode())
    for args in (["rev-parse", "HEAD"], ["status", "--porcelain"]):
        result = subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True)
        digest.update(result.stdout.encode())
    return digest.hexdigest()


def run(languages: list[str], builder: str) -> int:
    """Each edition in a process of its own, one after the other; HTML copied under _build/html/<lang>/."""
    if builder in ("gettext", "pot"):
        env = {**os.environ, "BOOK_LANGUAGE": SOURCE_LANGUAGE}
        code = subprocess.call([sys.executable, "-m", "booklib.build.editions", "--one", "gettext", SOURCE_LANGUAGE], env=env, cwd=REPO_ROOT)
        if code or builder == "pot":  # pot: the templates only, no catalog updated
            return code
        # sphinx-intl: new messages added untranslated, changed ones fuzzy, in locales/<lang>/LC_MESSAGES/<docname>.po
        command = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(BUILD / "gettext"), "-d", str(LOCALES)]
        for language in languages:
            command += ["-l", language]
        return subprocess.call(command, cwd=REPO_ROOT)
    languages = [lang for lang in languages if lang != SOURCE_LANGUAGE]
    jobs = max(1, int(os.environ.get("EDITIONS_JOBS", "2")))
    # The editions side by side (EDITIONS_JOBS, default 2: the two cores), each its own process and log.
    running: dict[str, tuple[subprocess.Popen, float, Path]] = {}
    pending = list(languages)
    failed = 0
    for language in languages:
        published = prepare_locales(language)
        print(f"[editions] {language}: {len(published)} page(s) published translated: {', '.join(published) or '(none)'}", flush=True)
    stamps = {}
    for language in list(pending):
        stamps[language] = inputs_stamp(language, builder)
        stamp_file = edition_dir(language) / f"{builder}.stamp"
        if stamp_file.exists() and stamp_file.read_text() == stamps[language]:
            pending.remove(language)
            print(f"[editions] {language}: {builder} up to date (no input changed since its last build)", flush=True)
    while pending or running:
        while pending and len(running) < jobs and not failed:
            language = pending.pop(0)
            (edition_dir(language) / f"{builder}.stamp").unlink(missing_ok=True)
            log = edition_dir(language) / f"{builder}.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            env = {**os.environ, "BOOK_LANGUAGE": language}
            with log.open("w", encoding="utf-8") as handle:
                process = subprocess.Popen([sys.executable, "-m", "booklib.build.editions", "--one", builder, language],
                                           env=env, cwd=REPO_ROOT, stdout=handle, stderr=subprocess.STDOUT)
            running[language] = (process, time.time(), log)
            print(f"[editions] {language}: {builder} build started (log: {log.relative_to(REPO_ROOT)})", flush=True)
        if not running:
            break
        time.sleep(0.2)
        for language, (process, started, log) in list(running.items()):
            if process.poll() is None:
                continue
            del running[language]
            text = log.read_text(encoding="utf-8", errors="replace")
            # What Sphinx read, its warnings and errors: in the console as well as in the log.
            print("\n".join(f"[editions] {language}: {line}" for line in text.splitlines()
                            if ("reading sources" in line or "WARNING" in line or "ERROR" in line or "rror" in line[:40])
                            and "IPKernelApp" not in line), flush=True)
            code = process.returncode
            if not code and builder == "latex":
                code = make_pdf(language)
            if code:
                print(f"[editions] {language}: the {builder} build failed; its log ({log}) ends:\n{text[-4000:]}", file=sys.stderr, flush=True)
                failed = failed or code
                continue
            if builder == "html":
                copied = sync_tree(edition_dir(language) / "html", BUILD / "html" / language)
                print(f"[editions] {language}: {copied} file(s) copied into _build/html/{language}/", flush=True)
            print(f"[editions] {language}: {builder} in {time.time() - started:.0f} s", flush=True)
            (edition_dir(language) / f"{builder}.stamp").write_text(stamps[language])
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("builder", choices=["html", "latex", "gettext", "pot", "check"])
    parser.add_argument("languages", nargs="*", default=list(TRANSLATED))
    args = parser.parse_args(argv)
    if args.builder == "check":
        problems = [p for lang in args.languages for doc, path in page_catalogs(lang).items() for p in catalog_problems(path, doc)]
        problems += [f"{lang}: {doc} is listed as translated (locales/translated.yml) but has no catalog"
                     for lang in args.languages for doc in listed_pages(lang) if doc not in page_catalogs(lang)]
        print("\n".join(problems) or "every page catalog is complete and keeps its roles")
        return 1 if problems else 0
    if args.one:
        return build(args.languages[0], args.builder)
    try:
        return run(args.languages, args.builder)
    except CatalogError as error:
        print(f"[editions] {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
