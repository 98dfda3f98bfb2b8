"""The persons index and the persons' entries, from the register and the mentions.

``person_pages(edition)`` returns the index (``persons/index.html``: A-Z, counts
per text, cross-references such as "Ezhov, see Yezhov") followed by one page
per initial letter (``persons/y.html``) holding an entry for each person
mentioned anywhere (anchor ``#<register id>``: name, dates, identification,
the spellings printed, and every passage grouped by text and unit, each a link
to the exact paragraph with a short snippet).  One page per letter rather than
per person keeps the site build fast (26 pages instead of 700).  Passage ids
are read from ``mention.block.pid`` here, at render time, because the ids stage
runs after the persons stage.

    [p.url for p in person_pages(edition)][:3]
    -> ["persons/index.html", "persons/a.html", "persons/b.html"]
"""
from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .pages import Page, TocEntry
from .persons import PERSONS_INDEX_URL, Person, fold, person_page_url


@dataclass
class Passage:
    """One passage that names a person (several mentions in it count once)."""

    url: str                       # relative to the person page
    label: str                     # passage number shown to the reader
    before: str
    name: str
    after: str
    in_note: bool
    count: int = 1


@dataclass
class UnitGroup:
    title: str
    url: str
    passages: list[Passage] = field(default_factory=list)


@dataclass
class TextGroup:
    slug: str
    title: str
    short: str = ""
    units: list[UnitGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(u.passages) for u in self.units)


# An entry naming the person in more passages than this shows each chapter's passages
# folded (<details> with its count); shorter entries show every passage.
OPEN_LIMIT = 15


def person_pages(edition) -> list[Page]:
    reg = edition.persons
    if reg is None or not edition.mentions:
        return []
    from .addresses import addresses, passage_label
    from .render import environment, rendered_page
    env = environment(Path(edition.root))
    texts = list(edition.texts)
    numbers = {t.slug: addresses(t) for t in texts}

    def shown(text_slug: str, unit_slug: str, pid: str) -> str:
        """The passage's number as its page shows it (``edition.addresses``); "" for a heading."""
        found = numbers[text_slug].get(unit_slug, {}).get(pid)
        return found.shown if found else passage_label(pid)
    by_person: dict[str, list] = defaultdict(list)
    for m in edition.mentions:
        by_person[m.person].append(m)
    people = sorted((reg.by_id[pid] for pid in by_person), key=sort_key)
    spellings = {p.id: _spellings(p, by_person[p.id], texts) for p in people}
    pages = [_index_page(env, edition, people, by_person, spellings, texts)]
    units = {(t.slug, u.slug): u for t in texts for u in t.units}
    by_page: "OrderedDict[str, list[Person]]" = OrderedDict()
    for p in sorted(people, key=lambda p: p.id):
        by_page.setdefault(person_page_url(p.id), []).append(p)
    for url, group in by_page.items():
        group.sort(key=sort_key)
        entries = []
        for p in group:
            groups = _groups(p, by_person[p.id], texts, units, shown, url)
            entries.append({"person": p, "groups": groups, "spellings": spellings[p.id],
                            "total": sum(g.count for g in groups)})
        letter = url.rsplit("/", 1)[-1][:-len(".html")]
        context = dict(entries=entries, letter=letter.upper(), open_limit=OPEN_LIMIT,
                       text_names={t.slug: _nav_short(t) for t in texts}, index_url=_rel(PERSONS_INDEX_URL, url))
        html = rendered_page(edition, env, "person.html.j2", tuple(context.items()), context)
        toc = [TocEntry(e["person"].id, e["person"].display_name, 2) for e in entries]
        title = f"Persons: {letter.upper()}"
        meta = [("description", "Entries of the index of persons: " + "; ".join(p.family for p in group[:12]))]
        meta += person_page_meta(edition, title)
        pages.append(Page(url, title, html, toc=toc, meta=meta, nav_title=letter.upper(), search="persons"))
    return pages


def person_page_meta(edition, title: str) -> list[tuple[str, str]]:
    """What Zotero reads from a page of the index of persons: a web page of the edition (no
    ``citation_*`` tags, which would make it a journal article), titled, in the edition's language."""
    from .cite import edition_meta
    meta = edition_meta(edition)
    out = [("DC.title", title), ("DC.language", meta.get("language") or "en"), ("og:site_name", meta["title"]),
           ("og:title", title), ("og:type", "website")]
    return out


def sort_key(p: Person) -> tuple:
    """A-Z by family name as a reader expects it, diacritics ignored."""
    return (_ascii(p.family).lower(), _ascii(p.given).lower(), p.id)


@functools.lru_cache(maxsize=65536)
def _ascii(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def _rel(url: str, page_url: str) -> str:
    return posixpath.relpath(url, posixpath.dirname(page_url) or ".")


def _nav_short(text) -> str:
    """The text's shortest name, as in the navigation: ``Getty & Naumov``."""
    return text.manifest.get("nav_title") or text.manifest.get("short_title") or text.slug


def _spellings(p: Person, mentions, texts) -> list[tuple[str, list[str]]]:
    """Each printed form of the family name (or alias) with the texts using it, OCR forms left out:
    ``[("Yezhov", ["furr", "getty"]), ("Ezhov", ["khlevniuk"])]``."""
    order = {t.slug: i for i, t in enumerate(texts)}
    damaged = {fold(o) for o in p.ocr_forms} - {fold(p.family)}
    seen: "OrderedDict[str, set]" = OrderedDict()
    for m in sorted(mentions, key=lambda m: order.get(m.text_slug, 99)):
        word = _last_word(m.surface)
        if fold(word) in damaged:
            continue                      # an OCR form is matched, never shown as a spelling
        if word.isupper() and len(word) > 2:
            word = word.title()
        seen.setdefault(word, set()).add(m.text_slug)
    return [(w, sorted(s, key=lambda x: order.get(x, 99))) for w, s in seen.items()]


def _index_page(env, edition, people, by_person, spellings, texts) -> Page:
    from .render import rendered_page
    entries = []
    for p in people:
        passages = defaultdict(set)          # passages (not mentions) per text, as in the entry
        for m in by_person[p.id]:
            passages[m.text_slug].add(id(m.block))
        url = _rel(person_page_url(p.id), PERSONS_INDEX_URL) + "#" + p.id
        entries.append({"kind": "person", "key": sort_key(p), "person": p, "url": url,
                        "texts": [(_nav_short(t), len(passages[t.slug])) for t in texts if passages.get(t.slug)],
                        "total": sum(len(v) for v in passages.values())})
        for word in _cross_references(p, by_person[p.id], spellings[p.id]):
            entries.append({"kind": "see", "key": (_ascii(word).lower(), "", p.id), "word": word,
                            "person": p, "url": url})
    entries.sort(key=lambda e: (e["key"], e["kind"] != "person"))
    letters: "OrderedDict[str, list]" = OrderedDict()
    for e in entries:
        first = e["key"][0][:1].upper()
        letters.setdefault(first if first.isalpha() else "#", []).append(e)
    context = dict(letters=letters, n_persons=len(people), n_passages=len({id(m.block) for m in edition.mentions}))
    html = rendered_page(edition, env, "persons_index.html.j2", tuple(context.items()), context)
    toc = [TocEntry(f"letter-{k}", k, 2) for k in letters]
    return Page(PERSONS_INDEX_URL, "Index of persons", html, toc=toc,
                meta=[("description", "Every person named in the five texts, with links to each passage")],
                nav_title="Persons", search="none")   # every name at once: the entries are indexed


def _cross_references(p: Person, mentions, spellings) -> list[str]:
    """Printed forms that differ from the canonical family name and deserve a
    "see" entry: aliases (Koba), transliterations (Ezhov, Zinovyev), and other
    spellings printed in more than one passage (OCR damage seen once is not indexed)."""
    passages = defaultdict(set)
    for m in mentions:
        passages[_last_word(m.surface)].add(id(m.block))
    out = []
    for word, _ in spellings:
        if word == p.family:
            continue
        if word in p.aliases or fold(word) == fold(p.family) or len(passages.get(word, ())) > 1:
            out.append(word)
    return out


def _groups(p: Person, mentions, texts, units, passage_label, page: str) -> list[TextGroup]:
    from .addresses import unit_url
    out: list[TextGroup] = []
    by_text = defaultdict(list)
    for m in mentions:
        by_text[m.text_slug].append(m)
    for t in texts:
        ms = by_text.get(t.slug)
        if not ms:
            continue
        group = TextGroup(t.slug, t.title, _nav_short(t))
        unit_order = {u.slug: i for i, u in enumerate(t.units)}
        by_unit = defaultdict(list)
        for m in ms:
            by_unit[m.unit_slug].append(m)
        for slug in sorted(by_unit, key=lambda s: unit_order.get(s, 10 ** 6)):
            unit = units[(t.slug, slug)]
            uurl = _rel(unit_url(t, unit), page)
            ug = UnitGroup(unit.label + ": " + unit.title if unit.label and unit.label != unit.title
                           else unit.title, uurl)
            blocks: "OrderedDict[int, Passage]" = OrderedDict()
            for m in sorted(by_unit[slug], key=lambda m: (m.in_note, m.loc.line)):
                key = id(m.block)
                if key in blocks:
                    blocks[key].count += 1
                    continue
                pid = m.block.pid
                before, name, after = _split_snippet(m.snippet, m.surface)
                blocks[key] = Passage(uurl + (f"#{pid}" if pid else ""), passage_label(t.slug, slug, pid) if pid else "",
                                      before, name, after, m.in_note)
            ug.passages = list(blocks.values())
            group.units.append(ug)
        out.append(group)
    return out


def _split_snippet(snippet: str, surface: str) -> tuple[str, str, str]:
    """Cut the snippet around the name (the whole-word occurrence nearest its
    middle, where the stage centred it) so that the template can mark it."""
    best, middle, i = -1, len(snippet) / 2, snippet.find(surface)
    while i >= 0:
        before = snippet[i - 1] if i else " "
        after = snippet[i + len(surface)] if i + len(surface) < len(snippet) else " "
        if not (before.isalnum() or before in "'’-") and not (after.isalnum() or after == "-"):
            if best < 0 or abs(i + len(surface) / 2 - middle) < abs(best + len(surface) / 2 - middle):
                best = i
        i = snippet.find(surface, i + 1)
    if best < 0:
        return snippet, "", ""
    return snippet[:best], surface, snippet[best + len(surface):]


def _last_word(surface: str) -> str:
    words = re.findall(r"[^\W\d_][\w'’-]*", surface)
    return words[-1] if words else surface
