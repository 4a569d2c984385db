"""The data dictionary, generated from data/datapackage.json and the tables themselves."""

from __future__ import annotations

from booklib.data import load, package, split_ids, use_sources
from booklib.i18n import N_, _, translate

# The dictionary's own words (the tables' and columns' descriptions stay as the data package gives them).
HEADERS = [N_("column"), N_("shown as"), N_("type"), N_("unit"), N_("allowed values / constraints"), N_("description")]
BOUNDS = {"minimum": N_("minimum"), "maximum": N_("maximum")}
TYPES = {"string": N_("string"), "number": N_("number"), "integer": N_("integer"), "date": N_("date"), "boolean": N_("boolean"),
         "year": N_("year"), "datetime": N_("datetime")}
from booklib.prose import titled_table
from booklib.sources import cite_markdown


# Tables whose every row a page shows with its sources linked: the page, as a reference.
LISTED_WITH_THEIR_ROWS = {
    "events": "{ref}`the timeline <timeline>`",
    "claims": "{ref}`the claims ledger <claims-the-ledger>`",
}


def data_dictionary_markdown() -> str:
    """Markdown for every table: what it holds, its columns (with the title a reader sees over each,
    and the words for each category), row count and sources."""
    parts = []
    if _edition() != "en":  # the schema's descriptions are English; what a reader sees is the edition's
        parts.append(_("The tables' and columns' descriptions are in English, as the data package gives them; "
                       "the words shown for columns and categories are this edition's.") + "\n")
    for res in package()["resources"]:
        frame = load(res["name"])
        schema = res["schema"]
        key = schema.get("primaryKey", [])
        sources = ""
        if "source_id" in frame.columns and res["name"] != "sources":
            ids = sorted({i for cell in frame["source_id"].dropna() for i in split_ids(cell)})
            if res["name"] in LISTED_WITH_THEIR_ROWS:
                # Listed row by row on their page, each linked: listing them here too only weighs the page.
                sources = " " + _("Rows cite {count} sources, each linked from its row in {page}.", count=len(ids),
                                  page=LISTED_WITH_THEIR_ROWS[res['name']])
            else:
                # Each a link to its bibliography entry, labelled as the text cites it; a source the
                # page shows counts for its "Documents to" date.
                use_sources(ids)
                sources = " " + _("Rows cite {count} source(s): {sources}.", count=len(ids), sources=cite_markdown(ids))
        parts.append(f"### `{res['path']}`: {res.get('title', res['name'])}\n")
        parts.append(
            f"{_codes_as_code(res.get('description', ''))} **{_('{count} rows.', count=len(frame))}** "
            f"{_('Primary key: {key}.', key=', '.join(f'`{k}`' for k in key) or _('none'))}{sources}\n"
        )
        lines = ["| " + " | ".join(map(translate, HEADERS)) + " |", "| --- | --- | --- | --- | --- | --- |"]
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            rules = []
            if constraints.get("required"):
                rules.append(_("required"))
            labels = {c["value"]: translate(c["label"]) for c in field.get("categories", [])}
            if "enum" in constraints:
                rules.append(_("one of") + " " + ", ".join(f"`{v}`" + (f" ({labels[v]})" if v in labels and labels[v] != v else "")
                                                   for v in constraints["enum"]))
            elif labels:
                rules.append(_("shown as") + " " + ", ".join(f"`{v}` ({label})" for v, label in labels.items()))
            for bound in ("minimum", "maximum"):
                if bound in constraints:
                    rules.append(f"{translate(BOUNDS[bound])} {constraints[bound]}")
            if "pattern" in constraints:
                rules.append(_("pattern") + " `" + constraints["pattern"].replace("|", "\\|") + "`")
            kind = field.get("type", "string")
            if kind == "list":
                kind = _("list (separated by {delimiter})", delimiter=f"`{field.get('delimiter', ';')}`")
            else:
                kind = translate(TYPES.get(kind, kind)) if kind in TYPES else kind
            description = _text_not_tags(_codes_as_code(field.get("description", "")).replace("|", "\\|"))
            title = (translate(field["title"]) if field.get("title") else "").replace("|", "\\|")
            lines.append(f"| `{field['name']}` | {title} | {kind} | {_codes_as_code(field.get('unit', ''))} | {'; '.join(rules)} | {description} |")
        parts.append(titled_table("\n".join(lines), _("The columns of {table}", table=f"`{res['path']}`")))
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            parts.append("\n" + _("{fields} refers to {reference} of {table}.", fields=f"`{fk['fields']}`",
                                    reference=f"`{ref['fields']}`", table=f"`{ref['resource']}`"))
        parts.append("")
    return "\n".join(parts)


def _edition() -> str:
    from booklib import formats

    return formats.language().code


def _codes_as_code(text: str) -> str:
    """`text` with each word that holds an underscore (a column name, a category code, a table's
    name) set as code, as the table's own names are."""
    import re

    return re.sub(r"(?<![\w`/.])[A-Za-z0-9]*_[A-Za-z0-9_.]*[A-Za-z0-9](?![\w`])", lambda m: f"`{m.group(0)}`", text)


def _text_not_tags(text: str) -> str:
    """A description such as C<article>-<number> is text, not HTML tags: `<` escaped outside code."""
    parts = text.split("`")
    return "`".join(part.replace("<", "\\<") if i % 2 == 0 else part for i, part in enumerate(parts))
