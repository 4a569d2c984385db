"""The data dictionary, generated from data/datapackage.json and the tables themselves."""

from __future__ import annotations

from booklib.data import load, package, split_ids
from booklib.prose import titled_table


def data_dictionary_markdown() -> str:
    """Markdown for every table: what it holds, its columns, row count and sources."""
    parts = []
    for res in package()["resources"]:
        frame = load(res["name"])
        schema = res["schema"]
        key = schema.get("primaryKey", [])
        sources = ""
        if "source_id" in frame.columns and res["name"] != "sources":
            ids = sorted({i for cell in frame["source_id"].dropna() for i in split_ids(cell)})
            sources = f" Rows cite {len(ids)} source(s): " + ", ".join(f"`{i}`" for i in ids) + "."
        parts.append(f"### `{res['path']}`: {res.get('title', res['name'])}\n")
        parts.append(
            f"{res.get('description', '')} **{len(frame)} rows.** "
            f"Primary key: {', '.join(f'`{k}`' for k in key) or 'none'}.{sources}\n"
        )
        lines = ["| column | type | unit | allowed values / constraints | description |", "| --- | --- | --- | --- | --- |"]
        for field in schema["fields"]:
            constraints = field.get("constraints", {})
            rules = []
            if constraints.get("required"):
                rules.append("required")
            if "enum" in constraints:
                rules.append("one of " + ", ".join(f"`{v}`" for v in constraints["enum"]))
            for bound in ("minimum", "maximum"):
                if bound in constraints:
                    rules.append(f"{bound} {constraints[bound]}")
            if "pattern" in constraints:
                rules.append("pattern `" + constraints["pattern"].replace("|", "\\|") + "`")
            kind = field.get("type", "string")
            if kind == "list":
                kind = f"list (separated by `{field.get('delimiter', ';')}`)"
            # A description such as C<article>-<number> is text, not HTML tags.
            description = field.get("description", "").replace("|", "\\|").replace("<", "\\<")
            lines.append(f"| `{field['name']}` | {kind} | {field.get('unit', '')} | {'; '.join(rules)} | {description} |")
        parts.append(titled_table("\n".join(lines), f"The columns of `{res['path']}`"))
        for fk in schema.get("foreignKeys", []):
            ref = fk["reference"]
            parts.append(f"\n`{fk['fields']}` refers to `{ref['fields']}` of `{ref['resource']}`.")
        parts.append("")
    return "\n".join(parts)
