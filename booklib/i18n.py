"""The edition's words: message catalogs for the text Python writes.

Three kinds of gettext catalog under `locales/<language>/LC_MESSAGES/`, read as they are (Babel's
reader, no compile step):
- `booklib.po`: the words of charts, tables and the library (titles, axes, legends, schema titles and
  value labels, source lists, controls);
- `build.po`: the words the Sphinx build writes (the date lines, cite and share controls);
- `data/<table>.po`: a table's reader-visible free text, `msgctxt` the column, `msgid` the English value.

English is the source language: it has no catalog and a message is its own translation. In another
edition a message missing from its catalog, untranslated or fuzzy raises `MissingTranslation` naming
the catalog and the message: never an English fallback, which would print English sentences with
Chinese-formatted numbers.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from booklib.paths import REPO_ROOT

LOCALES = REPO_ROOT / "locales"
SOURCE_LANGUAGE = "en"


class MissingTranslation(LookupError):
    """A message the edition's catalog does not translate."""


def catalog_path(language: str, domain: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}.po"


@cache
def _catalog(language: str, domain: str) -> dict[tuple[str | None, str], str]:
    path = catalog_path(language, domain)
    if not path.exists():
        raise MissingTranslation(f"{path.relative_to(REPO_ROOT)}: no such catalog (the {language} edition needs it)")
    with path.open("rb") as handle:
        messages = read_po(handle, locale=None)
    return {(m.context, m.id): m.string for m in messages if m.id and m.string and not m.fuzzy}


def translate(message: str, *, context: str | None = None, domain: str = "booklib", language: str | None = None) -> str:
    """`message` in the edition's language (`language`, default BOOK_LANGUAGE)."""
    if language is None:
        from booklib import formats  # here: the build imports this module, and a no-op rebuild must not load pandas

        language = formats.language().code
    if language == SOURCE_LANGUAGE:
        return message
    try:
        return _catalog(language, domain)[(context, message)]
    except KeyError:
        where = f" (context {context!r})" if context else ""
        raise MissingTranslation(
            f"{catalog_path(language, domain).relative_to(REPO_ROOT)}: no translation of {message!r}{where}"
        ) from None


def translate_value(table: str, column: str, value: str, language: str | None = None) -> str:
    """A data table's free-text value in the edition's language (catalog `data/<table>.po`)."""
    return translate(value, context=column, domain=f"data/{table}", language=language)
