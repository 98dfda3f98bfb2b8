"""A readable, stable dump of the document tree for golden files.

    ch01 "The First Things" (texts/mini/source.txt:3)
      para  texts/mini/source.txt:9-17  In the spring the plenum met. ...
"""
from __future__ import annotations

from edition.model import TOKEN_RE, Edition


def show_tokens(s: str) -> str:
    return TOKEN_RE.sub(lambda m: f"⟨{m.group(1)}{':' + m.group(2) if m.group(2) else ''}⟩", s)


def dump(edition: Edition) -> str:
    out = []
    for text in edition.texts:
        out.append(f"# {text.slug}")
        for unit in text.units:
            head = f"{unit.slug} [{unit.kind}] {unit.label + ': ' if unit.label else ''}{unit.title!r}"
            out.append(f"{head} ({unit.loc}){' DROPPED' if unit.drop else ''}")
            for b in unit.blocks:
                where = f"{b.loc.line}-{b.line_end}" if b.line_end and b.line_end != b.loc.line else f"{b.loc.line}"
                extra = f" #{b.number}" if b.number else ""
                extra += f" L{b.level}" if b.level else ""
                extra += f" roles={','.join(b.attrs['roles'])}" if b.attrs.get("roles") else ""
                extra += f" speaker={b.attrs['speaker']!r}" if b.attrs.get("speaker") else ""
                if b.rows is not None:
                    body = " / ".join(" | ".join(show_tokens(c) for c in row) for row in b.rows)
                    body += f"  (header rows: {b.header_rows})"
                else:
                    body = show_tokens(b.text).replace("\n", " ⏎ ")
                out.append(f"  {b.kind:<10} {where:<9}{extra} {body}")
            for n in unit.notes:
                refs = ",".join(n.refs) or "UNANCHORED"
                out.append(f"  note {n.key} [{n.label}] ({n.loc.line}) -> {refs}: "
                           + " ¶ ".join(show_tokens(b.text) for b in n.blocks)[:200])
    return "\n".join(out) + "\n"
