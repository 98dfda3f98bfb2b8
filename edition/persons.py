"""The register of persons (``texts/persons.yml``): schema, loader, matcher.

The register lists every person the edition links, with the spellings the
five texts use.  Matching is one pass of one compiled pattern over a text:
every capitalised word is looked up, after *transliteration folding*, in a
dictionary of names, and its neighbours (initials, forenames, a following
"Plant" or "region", a citation) decide which person it is, or that it is
none, or that an editor must decide (the review list).

    >>> reg = Register.from_text(EXAMPLE, "persons.yml")
    >>> [(m.surface, m.person) for m in find_mentions("Ezhov met A. P. Smirnov at the Kirov Plant.", reg)]
    [('Ezhov', 'yezhov-nikolai'), ('A. P. Smirnov', 'smirnov-aleksandr')]
    >>> fold("Tukhachevskii") == fold("Tukhachevsky"), fold("Iagoda") == fold("Yagoda")
    (True, True)

All functions here are pure: strings in, values out.  The stage
``edition.stages.persons`` applies them to the document tree.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .schema import Field, List, Map, SchemaError, is_regex, validate_text

REGISTER_PATH = "texts/persons.yml"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")

EXAMPLE = """\
persons:
  - id: yezhov-nikolai
    name: {family: Yezhov, given: Nikolai, patronymic: Ivanovich}
    identification: People's commissar for internal affairs 1936-38
  - id: smirnov-aleksandr
    name: {family: Smirnov, given: Aleksandr, patronymic: Petrovich}
    identification: Old Bolshevik, CC secretary 1928-30
    requires_initials: true
place_words: [Plant]
"""


# ------------------------------------------------------------------ schema
def _check_slug(value: str) -> str | None:
    return None if SLUG_RE.match(value) else "an id is lower-case words joined by hyphens (yezhov-nikolai)"


def _check_date(value) -> str | None:
    if isinstance(value, bool):
        return "expected a year or a date"
    if isinstance(value, int):
        return None if 1000 <= value <= 2100 else f"{value} is not a plausible year"
    if isinstance(value, str) and DATE_RE.match(value):
        return None
    return "expected a year (1895) or a date as text ('1895-05-01')"


def _check_wikidata(value: str) -> str | None:
    return None if re.fullmatch(r"Q[1-9]\d*", value) else "a Wikidata id looks like Q12345"


def _check_range(value: str) -> str | None:
    if re.fullmatch(r"\*|[a-z0-9-]+(?::\d+-\d+)?", value):
        return None
    return "expected '*', a text slug (getty) or a slug with a line range (getty:2900-3400)"


NAME = Map({
    "family": Field(str, "Family name in the edition's spelling (Yezhov, Tukhachevsky)", required=True),
    "given": Field(str, "Given name (Nikolai), or its initial (B.) where only that is known"),
    "patronymic": Field(str, "Patronymic (Ivanovich), or its initial"),
}, "The canonical name", required=True)

PERSON = Map({
    "id": Field(str, "Stable id: family-given in lower case (yezhov-nikolai); never change it",
                required=True, check=_check_slug),
    "name": NAME,
    "identification": Field(str, "One line: who the person was", required=True),
    "born": Field(object, "Year (or YYYY-MM-DD) of birth, only where known", check=_check_date),
    "died": Field(object, "Year (or YYYY-MM-DD) of death, only where known", check=_check_date),
    "variants": List(Field(str, "spelling"), "Other genuine spellings of the family name printed in the "
                     "texts (Blyukher, Skriabin, Kaganovitch), shown on the person's page; systematic "
                     "transliteration differences need not be listed (they are folded)"),
    "ocr_forms": List(Field(str, "damaged form"), "Forms of the family name damaged by the OCR or misprinted "
                      "(Yezbov, Kirou, Smimov): matched, so the passage is linked, but never shown as a "
                      "spelling of the name (the text is repaired by the OCR correction, not the register)"),
    "aliases": List(Field(str, "alias"), "Pseudonyms and by-names that stand alone (Koba, Sergo)"),
    "forenames": List(Field(str, "forename"), "Other forms of the given name (Joseph, Iosif, Lazare); "
                      "the given name itself is implied"),
    "initials": List(Field(str, "initials"), "Other initials that identify the person (J. V.); "
                     "those of given name and patronymic are implied"),
    "requires_initials": Field(bool, "The bare family name never means this person: only initials, "
                               "a forename or an alias do", default=False),
    "default": Field(bool, "Among persons sharing the family name, the bare name means this one "
                     "in every text", default=False),
    "default_in": List(Field(str, "text", check=_check_range),
                       "Texts (slug, or slug:first-last source lines) where the bare family name "
                       "means this person"),
    "context": List(Field(str, "word"), "Words (names, places) that, in the same passage, point to this "
                    "person when the family name alone is ambiguous (Zinoviev for G. E. Yevdokimov)"),
    "scholar": Field(bool, "A historian or memoirist cited in notes and bibliographies: a bare name "
                     "in a citation (Zhukov, *Inoy* 430) is this person", default=False),
    "wikidata": Field(str, "Wikidata item (Q-id), only where certain", check=_check_wikidata),
    "note": Field(str, "Editorial note (sources of the dates, doubts); not shown to readers"),
}, "A person")

OVERRIDE = Map({
    "text": Field(str, "Text slug", required=True),
    "line": Field(int, "Source line on which the word begins", required=True),
    "surface": Field(str, "The word as printed (family name, variant or alias)", required=True),
    "person": Field(str, "Register id, or 'none' when the word is not a registered person", required=True),
    "why": Field(str, "Reason", required=True),
}, "An editor's decision for one occurrence the rules cannot decide")

NOT_PERSON = Map({
    "pattern": Field(str, "Regular expression over a passage's plain text; a name inside a match is "
                     "not a person", required=True, check=is_regex),
    "why": Field(str, "What the pattern recognises", required=True),
}, "Places and things named after persons")

REGISTER = Map({
    "place_words": List(Field(str, "word"), "Words that, right after a name, make it a place or thing "
                        "named after the person (Plant, Province, region, district ...)"),
    "place_before": List(Field(str, "phrase"), "Words that, right before a name, make it a place or "
                         "thing (imeni, 'city of', 'named after')"),
    "not_persons": List(NOT_PERSON, "Further patterns for places and things named after persons"),
    "forenames": List(Field(str, "forename"), "Forenames of unregistered persons, so that 'Yuri Zhdanov' "
                      "is not taken for Andrei Zhdanov"),
    "overrides": List(OVERRIDE, "Decisions for single occurrences"),
    "persons": List(PERSON, "The persons, one entry each", required=True),
})


def _schema_doc() -> str:
    from .schema import describe
    return describe(REGISTER).replace("<class 'object'>", "year or date")


REGISTER_SCHEMA_DOC = _schema_doc()


# ------------------------------------------------------------------ folding
_APOS = "'’ʹʼ`"
_FOLD_RULES = [
    (re.compile(f"[{_APOS}]e"), "ie"),          # Zinov'ev -> zinoviev
    (re.compile(f"[{_APOS}]"), ""),             # soft signs
    (re.compile(r"^ye"), "e"),                  # Yezhov -> ezhov, Yenukidze -> enukidze
    (re.compile(r"([aeiouy])ye"), r"\1e"),      # Andreyev -> andreev
    (re.compile(r"ye"), "ie"),                  # Zinovyev -> zinoviev
    (re.compile(r"ij$"), "i"),                  # -skij
    (re.compile(r"y"), "i"),                    # Yagoda -> iagoda, Pyatakov -> piatakov
    (re.compile(r"ii$"), "i"),                  # -skii, -sky -> -ski
    (re.compile(r"iia"), "ia"),                 # Beriia -> beria, Mariia -> maria
    (re.compile(r"tch"), "ch"),                 # Kaganovitch
    (re.compile(r"x"), "ks"),                   # Alexander -> aleksander
]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Transliteration folding: one key for the spellings of one Russian name.

    >>> [fold(w) for w in ("Yezhov", "Ezhov", "IAgoda", "Zinovyev", "Krestinskiy", "Andreyev")]
    ['ezhov', 'ezhov', 'iagoda', 'zinoviev', 'krestinski', 'andreev']
    """
    w = unicodedata.normalize("NFKD", word)
    w = "".join(c for c in w if not unicodedata.combining(c)).lower()
    for rule, repl in _FOLD_RULES:
        w = rule.sub(repl, w)
    return w


def initials_of(*names: str) -> list[str]:
    """``initials_of("Yakov", "Arkadievich") -> ['Ya', 'A']`` (first letters as transliterated)."""
    out = []
    for n in names:
        if not n:
            continue
        m = re.match(r"(Ya|Ye|Yu|Yo|Ia|Iu|Kh|Zh|Ch|Sh|Ts|[A-Z])", n)
        out.append(m.group(1) if m else n[:1])
    return out


# ------------------------------------------------------------------ register
@dataclass
class Person:
    id: str
    family: str
    given: str = ""
    patronymic: str = ""
    identification: str = ""
    born: object = None
    died: object = None
    variants: list[str] = field(default_factory=list)
    ocr_forms: list[str] = field(default_factory=list)     # matched, never shown as a spelling
    aliases: list[str] = field(default_factory=list)
    forenames: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    requires_initials: bool = False
    default: bool = False
    default_in: list[str] = field(default_factory=list)
    scholar: bool = False
    wikidata: str | None = None
    context: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def display_name(self) -> str:
        """``Yezhov, Nikolai Ivanovich``"""
        rest = " ".join(x for x in (self.given, self.patronymic) if x)
        return f"{self.family}, {rest}" if rest else self.family

    @property
    def full_name(self) -> str:
        """``Nikolai Ivanovich Yezhov``"""
        return " ".join(x for x in (self.given, self.patronymic, self.family) if x)

    @property
    def dates(self) -> str:
        if self.born is None and self.died is None:
            return ""
        return f"{self.born if self.born is not None else '?'}–{self.died if self.died is not None else '?'}"

    def given_keys(self) -> set[str]:
        """Folded forms of the forenames that identify this person."""
        names = [self.given] + self.forenames
        return {fold(n) for n in names if n and not n.endswith(".")}

    def initial_sets(self) -> list[tuple[str, ...]]:
        """Folded name parts that printed initials must begin with:
        ``[('iakov', 'arkadievich')]`` for Yakov Arkadievich (``Ya. A.`` fits)."""
        sets = []
        pat = fold(self.patronymic.rstrip(".")) if self.patronymic else ""
        for g in [self.given] + self.forenames + self.aliases:
            if g:
                sets.append(tuple(x for x in (fold(g.rstrip(".")), pat) if x))
        for extra in self.initials:
            sets.append(tuple(fold(x) for x in re.findall(r"Dzh|[A-Z][a-z]?", extra)))
        return sets

    def default_for(self, text_slug: str, line: int) -> bool:
        if self.default:
            return True
        for spec in self.default_in:
            if spec == "*":
                return True
            slug, _, rng = spec.partition(":")
            if slug != text_slug:
                continue
            if not rng:
                return True
            a, b = (int(x) for x in rng.split("-"))
            if a <= line <= b:
                return True
        return False


@dataclass
class Override:
    text: str
    line: int
    surface: str
    person: str
    why: str
    yml_line: int = 0          # where the register states it

@dataclass
class Register:
    """The loaded register with its lookup tables (all keys folded)."""

    persons: list[Person]
    path: str = REGISTER_PATH
    place_words: frozenset = frozenset()
    place_before: tuple = ()
    not_persons: list = field(default_factory=list)          # compiled regexes
    not_persons_re: re.Pattern | None = None                 # all of them, as one pattern
    overrides: dict = field(default_factory=dict)            # (text, line, surface) -> Override
    used_overrides: set = field(default_factory=set)         # keys of the overrides the matcher applied
    surnames: dict = field(default_factory=dict)             # folded -> [Person]
    aliases: dict = field(default_factory=dict)              # folded -> Person
    forename_keys: frozenset = frozenset()
    by_id: dict = field(default_factory=dict)
    keys: frozenset = frozenset()                            # every folded family name, variant and alias
    pattern: re.Pattern | None = None
    digest: str = ""                                         # SHA-256 of the register file ("" if not from one)

    @classmethod
    def from_text(cls, text: str, path: str = REGISTER_PATH) -> "Register":
        data, errors = validate_text(text, REGISTER, path)
        if not errors:
            errors = cross_check(data, path)
        if errors:
            raise RegisterError([str(e) for e in errors])
        reg = cls.from_data(data, path)
        reg.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return reg

    @classmethod
    def from_data(cls, data, path: str = REGISTER_PATH) -> "Register":
        persons = [_person(p) for p in data["persons"]]
        reg = cls(persons=persons, path=path)
        reg.place_words = frozenset(data["place_words"] or ())
        reg.place_before = tuple(data["place_before"] or ())
        reg.not_persons = [re.compile(n["pattern"]) for n in data["not_persons"] or ()]
        if reg.not_persons:
            reg.not_persons_re = re.compile("|".join(f"(?:{p.pattern})" for p in reg.not_persons))
        reg.overrides = {(o["text"], o["line"], o["surface"]): Override(**{k: o[k] for k in
                         ("text", "line", "surface", "person", "why")}, yml_line=o.line)
                         for o in data["overrides"] or ()}
        forenames = {fold(f) for f in data["forenames"] or ()}
        for p in persons:
            reg.by_id[p.id] = p
            for key in {fold(p.family)} | {fold(v) for v in p.variants + p.ocr_forms}:
                reg.surnames.setdefault(key, []).append(p)
            for a in p.aliases:
                reg.aliases[fold(a)] = p
            forenames |= p.given_keys() | {fold(a) for a in p.aliases}
        reg.forename_keys = frozenset(forenames)
        reg.keys = frozenset(reg.surnames) | frozenset(reg.aliases)
        return reg

    def candidates(self, word: str) -> list[Person]:
        return self.surnames.get(fold(word), [])


class RegisterError(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


def _person(p) -> Person:
    n = p["name"]
    return Person(
        id=p["id"], family=n["family"], given=n["given"] or "", patronymic=n["patronymic"] or "",
        identification=p["identification"], born=p["born"], died=p["died"],
        variants=list(p["variants"] or ()), ocr_forms=list(p["ocr_forms"] or ()),
        aliases=list(p["aliases"] or ()),
        forenames=list(p["forenames"] or ()), initials=list(p["initials"] or ()),
        requires_initials=bool(p["requires_initials"]), default=bool(p["default"]),
        default_in=list(p["default_in"] or ()), scholar=bool(p["scholar"]),
        wikidata=p["wikidata"], context=list(p["context"] or ()), line=p.line)


def cross_check(data, path: str) -> list[SchemaError]:
    """Errors the schema cannot see: duplicate ids, contested variants and aliases."""
    errors: list[SchemaError] = []
    ids: dict[str, int] = {}
    family: dict[str, tuple[str, int]] = {}       # folded family -> (id, line)
    variant_owner: dict[str, tuple[str, str, int]] = {}
    persons = data["persons"]
    for p in persons:
        if p["id"] in ids:
            errors.append(SchemaError(path, p.line, f"duplicate id {p['id']!r} (first at line {ids[p['id']]})"))
        ids.setdefault(p["id"], p.line)
        family.setdefault(fold(p["name"]["family"]), (p["id"], p.line))
    for p in persons:
        fam = fold(p["name"]["family"])
        vline = p.key_lines.get("variants", p.key_lines.get("ocr_forms", p.line))
        for v in list(p["variants"] or ()) + list(p["ocr_forms"] or ()):
            key = fold(v)
            owner = family.get(key)
            if owner and key != fam:
                errors.append(SchemaError(path, vline, f"{p['id']}: variant {v!r} is the family name of "
                                          f"{owner[0]} (line {owner[1]})"))
            prev = variant_owner.get(key)
            if prev and prev[1] != fam:
                errors.append(SchemaError(path, vline, f"{p['id']}: variant {v!r} is also claimed by "
                                          f"{prev[0]} (line {prev[2]}); two persons cannot share a variant"))
            variant_owner.setdefault(key, (p["id"], fam, vline))
    aliases: dict[str, tuple[str, int]] = {}
    for p in persons:
        aline = p.key_lines.get("aliases", p.line)
        for a in p["aliases"] or ():
            key = fold(a)
            if key in family:
                errors.append(SchemaError(path, aline, f"{p['id']}: alias {a!r} is also the family name of "
                                          f"{family[key][0]} (line {family[key][1]})"))
            if key in variant_owner:
                errors.append(SchemaError(path, aline, f"{p['id']}: alias {a!r} is also a variant of "
                                          f"{variant_owner[key][0]}"))
            if key in aliases and aliases[key][0] != p["id"]:
                errors.append(SchemaError(path, aline, f"{p['id']}: alias {a!r} is also an alias of "
                                          f"{aliases[key][0]} (line {aliases[key][1]})"))
            aliases.setdefault(key, (p["id"], aline))
    for p in persons:
        if p["default"] and p["default_in"]:
            errors.append(SchemaError(path, p.key_lines["default"], f"{p['id']}: give 'default' or "
                                      "'default_in', not both"))
    groups: dict[str, list] = {}
    for p in persons:
        groups.setdefault(fold(p["name"]["family"]), []).append(p)
    for key, group in groups.items():
        defaults = [p for p in group if p["default"]]
        if len(defaults) > 1:
            errors.append(SchemaError(path, defaults[1].line, f"{defaults[1]['id']}: 'default' is also set for "
                                      f"{defaults[0]['id']}; only one person per family name can be the default"))
    ids_known = set(ids)
    for o in data["overrides"] or ():
        if o["person"] != "none" and o["person"] not in ids_known:
            errors.append(SchemaError(path, o.line, f"override: unknown person {o['person']!r}"))
    return errors


def load_register(root: str | Path = ".", path: str = REGISTER_PATH) -> Register:
    """Read and validate the register; raises ``RegisterError`` with ``file:line`` messages
    (``FileNotFoundError`` when there is none)."""
    from .inputs import decode_utf8
    text, problem = decode_utf8((Path(root) / path).read_bytes(), path)
    if problem:
        raise RegisterError([problem])
    return Register.from_text(text, path)


def unused_overrides(reg: Register, known_texts: set[str], linked_texts: set[str]) -> list[str]:
    """Overrides that decide nothing: an unknown text, or no such mention on that line
    (in ``linked_texts``, the texts the matcher ran on)."""
    errors = []
    for key, ov in reg.overrides.items():
        where = f"{reg.path}:{ov.yml_line}: override for {ov.surface!r} at {ov.text}:{ov.line}"
        if ov.text not in known_texts:
            errors.append(f"{where}: there is no text {ov.text!r} (texts: {', '.join(sorted(known_texts))})")
        elif ov.text in linked_texts and key not in reg.used_overrides:
            errors.append(f"{where}: no mention {ov.surface!r} begins on line {ov.line} of texts/{ov.text}/"
                          "source.txt; correct the line or the surface, or remove the override")
    return errors


def shared_register(edition) -> "Register | None":
    """The register, loaded once per build and kept on ``edition.persons`` (the structure stages check
    speaker labels and names against it before the persons stage links); ``None`` when it is missing or
    broken (the persons stage then reports the problem with file:line)."""
    if isinstance(edition.persons, Register):
        return edition.persons
    try:
        edition.persons = load_register(edition.root)
    except Exception:          # noqa: BLE001 - reported by the persons stage
        return None
    return edition.persons


def person_url(person_id: str) -> str:
    """Site-relative URL of a person's entry: ``persons/y.html#yezhov-nikolai``.

    Entries are sections of one page per initial letter (26 pages build far
    faster than 700), each with the person's id as its anchor."""
    return f"{person_page_url(person_id)}#{person_id}"


def person_page_url(person_id: str) -> str:
    """The page holding a person's entry: ``persons/y.html``."""
    first = person_id[:1]
    return f"persons/{first if first.isalpha() else 'other'}.html"


PERSONS_INDEX_URL = "persons/index.html"


# ------------------------------------------------------------------ matching
_LETTER = r"[^\W\d_¹²³⁰-⁹]"
# A word: letters with inner apostrophes and hyphens, not glued to a preceding word,
# with an optional possessive ('s, ’s, or a bare apostrophe).
WORD_RE = re.compile(
    rf"(?<![\w'’-]){_LETTER}(?:{_LETTER}|['’](?={_LETTER})|-(?={_LETTER}))*(?:['’]s\b|['’](?!{_LETTER}))?")
# The same, for words that begin with a capital: the one pattern run over every passage.
NAME_RE = re.compile(
    rf"(?<![\w'’-])(?=[A-Z\u00C0-\u00DE]){_LETTER}(?:{_LETTER}|['’](?={_LETTER})|-(?={_LETTER}))*"
    rf"(?:['’]s\b|['’](?!{_LETTER}))?")
_POSSESSIVE_RE = re.compile(r"(['’]s|['’])$")
_APOS_S = frozenset("'’s")
_INITIAL = r"(?:(?:Dzh|[A-Z][a-z]?)\s?\.\s*|[A-Z]\s(?=[A-Z][a-z]?\s?\.))"   # "P F. Zdrodovsky", "G . T . Rittersporn"
# OCR glues initials to the word before ("ComradeN. I. Yezhov"): only a capital or a dot may not precede
_INITIALS_BEFORE = re.compile(rf"(?<![A-Z.])((?:{_INITIAL}){{1,3}})$")
_INITIALS_AFTER = re.compile(rf"^,\s*((?:{_INITIAL}){{1,3}})(?=\s*([A-Z][\w'’-]*)?)")
_NOT_INITIALS = frozenset({"Mr", "Mrs", "Ms", "Dr", "St", "Lt", "No", "Vol", "Cf", "Ed", "Jr", "Sr", "Mt", "Op",
                           "Co", "Gen", "Col", "Pp"})
_FORENAME_BEFORE = re.compile(r"(?<![\w'’-])([A-Z][a-z'’]+)(?:\s+([A-Z][a-z'’]+))?\s+$")
_FORENAME_AFTER = re.compile(r"^,\s+([A-Z][a-z'’]+)(?:\s+([A-Z][a-z'’]+))?(?=\s*[,.;:)(]|\s*$)")
_PATRONYMIC_RE = re.compile(r"(?:ovich|evich|ich|ovna|evna|ichna)$")
_CITATION_AFTER = re.compile(
    r"""^(?:\s*\(?(?:1[89]|20)\d\d[a-z]?\b"""                  # Zhukov 2003, Getty (1985)
    r"""|,?\s*["“‘]"""                                         # Getty, "Excesses"
    r"""|,\s*(?:op\.\s*cit|ibid|ed\.|eds\.|trans\.|p\.|pp\.)"""  # Zhukov, op. cit.
    r"""|\s+(?:et\ al\.|and\ [A-Z][a-z]+,)"""                  # Getty and Naumov,
    r"""|,\s+[A-Z][^;()\n]{0,60}?,?\s(?:pp?\.\s*)?\d{1,4}(?:[-–]\d+)?(?=[\s.,;)]|$))""")  # Zhukov, Inoy 430
_PREFIXES = frozenset({"anti", "pro", "neo", "post", "pre", "non", "ex", "pseudo", "quasi", "super", "un"})


@dataclass
class Match:
    """One name found in a string: ``person`` is None when it must be reviewed
    (``reason`` says why: ambiguous, no-match) or is not a person (place)."""

    start: int
    end: int
    surface: str
    person: str | None
    reason: str
    candidates: tuple[str, ...] = ()
    line: int = 0

    @property
    def linked(self) -> bool:
        return self.person is not None

    @property
    def review(self) -> bool:
        return self.person is None and self.reason in ("ambiguous", "no-match")


@dataclass
class _Ctx:
    initials: tuple[str, ...] = ()
    forename: str = ""
    start: int = -1          # offset where the forename/initials begin (before the name)
    middle: bool = False     # the initials follow an unreadable forename ("Roben H . McNeal"): middle initials


def find_mentions(text: str, reg: Register, *, text_slug: str = "", line: int = 0,
                  citation_area: bool = False, where=None, memory: dict | None = None) -> list[Match]:
    """Every registered name in a plain string: linked, a place, or for review.

    One pass of ``WORD_RE``; each capitalised word is looked up (folded) in the
    register.  ``where(offset, word) -> line`` gives the source line of a word
    (for per-line default ranges and overrides; default: ``line``).
    ``memory`` carries "one sense per discourse" across the passages of a unit.
    Returned matches do not overlap and are in text order.
    """
    found: list[Match] = []
    skip_until = -1
    spans = _Spans(reg.not_persons_re, text)
    keys = reg.keys
    for m in NAME_RE.finditer(text):
        word = m.group()
        if m.start() < skip_until:
            continue
        if word[-1] in _APOS_S:                              # cheap test first: most words are no name
            if fold(_POSSESSIVE_RE.sub("", word)) not in keys and "-" not in word:
                continue
        elif "-" not in word and fold(word) not in keys:
            continue
        for match in _resolve_word(text, m.start(), word, reg, text_slug, line, citation_area, where, spans):
            found.append(match)
            skip_until = max(skip_until, match.end)
    _discourse(found, memory if memory is not None else {}, text, reg)
    return found


def _resolve_word(text, start, word, reg, slug, line, citation_area, where, spans=()):
    bare = _POSSESSIVE_RE.sub("", word)
    possessive = len(bare) < len(word)
    if "-" in bare and not _known(bare, reg):
        parts = bare.split("-")
        if fold(parts[0]) in _PREFIXES or not parts[0][:1].isupper():
            return                      # anti-Stalin, pro-Bukharin: not a mention
        if not all(p[:1].isupper() for p in parts):
            # a hyphen printed for a dash: "Molotov-for the suggestion", "Yezhov-to expel"
            first = parts[0]
            if _known(first, reg) and parts[1][:1].islower():
                m = _resolve_one(text, start, first, reg, slug, line, citation_area, where, False, spans=spans)
                if m:
                    yield m
            return
        pos = start
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if _known(part, reg):
                m = _resolve_one(text, pos, part, reg, slug, line, citation_area, where,
                                 possessive and last, compound=True, last=last, spans=spans)
                if m:
                    yield m
            pos += len(part) + 1
        return
    if _known(bare, reg):
        m = _resolve_one(text, start, bare, reg, slug, line, citation_area, where, possessive, spans=spans)
        if m:
            yield m


def _known(word: str, reg: Register) -> bool:
    key = fold(word)
    return key in reg.surnames or key in reg.aliases


def _case_ok(word: str, people) -> bool:
    """Case-sensitive: Titlecase, ALL CAPS, or a mixed-case variant exactly as listed (IAgoda)."""
    if len(word) > 2 and word.isupper():
        return True
    if not word[0].isupper() or not any(c.islower() for c in word):
        return False
    if any(c.isupper() for c in word[1:]):
        return any(word == v for p in people for v in [p.family, *p.variants, *p.ocr_forms, *p.aliases])
    return True


def _resolve_one(text, start, word, reg, slug, line, citation_area, where, possessive,
                 compound=False, last=True, spans=()):
    key = fold(word)
    end = start + len(word)
    people = reg.surnames.get(key, [])
    alias = reg.aliases.get(key)
    if not _case_ok(word, people or [alias]):
        return None
    here = where(start, word) if where else line
    if not people:
        nxt = re.match(r"[ \t]+([A-Z][a-z][\w'’-]*)", text[end:end + 40])
        if nxt and nxt.group(1) not in reg.place_words:
            return None                 # Sergo Lominadze, Soso Buachidze: a forename, not the alias
        if citation_area and re.search(r"(?<![\w'’-])[A-Z][\w'’-]+,\s*$", text[max(0, start - 40):start]):
            return None                 # "Beria, Sergo. Moy otets...": an author's forename in a bibliography
        if _is_place(text, start, end, reg, possessive or not last, spans):
            return Match(start, end, word, None, "place", line=here)
        ov = _override(reg, slug, here, word, start, end)
        return ov or Match(start, end, word, alias.id, "alias", (alias.id,), line=here)
    ctx = _context(text, start, end, reg, citation_area) if not compound else _Ctx()
    mstart = ctx.start if ctx.start >= 0 else start
    if _is_place(text, mstart, end, reg, possessive or not last, spans):
        return Match(start, end, word, None, "place", line=here)
    ov = _override(reg, slug, here, word, start, end)
    if ov:
        return ov
    person, reason = _choose(people, ctx, text, end, slug, here, citation_area)
    if person is None:
        mstart = start                  # unresolved: the link would cover the name only
    return Match(mstart, end, text[mstart:end], person.id if person else None, reason,
                 tuple(p.id for p in people), line=here)


def _override(reg, slug, line, word, start, end):
    ov = reg.overrides.get((slug, line, word))
    if ov is None:
        return None
    reg.used_overrides.add((slug, line, word))
    return Match(start, end, word, None if ov.person == "none" else ov.person, "override", line=line)


def _context(text: str, start: int, end: int, reg: Register, citation_area: bool = False) -> _Ctx:
    """Initials after the name index-style (``Smirnov, A. P.``), else initials or a
    forename (with patronymic) before it, else a forename after it."""
    after = text[end:end + 40]
    inverted = _INITIALS_AFTER.search(after)
    if inverted and not inverted.group(2):          # "Smirnov, A. P. (1878-1938)", "Kaganovich, L. M.:"
        inits = _initials(inverted.group(1))
        if inits:
            return _Ctx(initials=inits)
    before = text[max(0, start - 40):start]
    base = start - len(before)
    m = _INITIALS_BEFORE.search(before.rstrip(" ") if before.endswith(" ") else before)
    if m:
        inits = _initials(m.group(1))
        head = before[:m.start(1)]
        if inits == ("i",) and re.search(r"(?<![\w'’-])[a-z]+\s+$", head):
            inits = ()                                          # "and so did I. Liubchenko: ..."
        if inits:
            f = re.search(r"(?<![\w'’-])([A-Z][a-z'’]+)\s+$", head)
            if f and fold(f.group(1)) in reg.forename_keys:      # Robert W. Thurston
                return _Ctx(forename=fold(f.group(1)), start=base + f.start(1))
            # a forename we cannot read before them (OCR "Roben H . McNeal", glued "LewisH. Siegelbaum"):
            # the initials are middle initials
            middle = bool(f) or bool(re.search(r"[a-z]$", head))
            return _Ctx(initials=inits, start=base + m.start(1), middle=middle)
    m = _FORENAME_BEFORE.search(before)
    if m:
        first, second = m.group(1), m.group(2)
        if (second and _PATRONYMIC_RE.search(second) and fold(second) not in reg.surnames
                and fold(first) in reg.forename_keys):
            return _Ctx(forename=fold(first), start=base + m.start(1))
        name = second or first
        if fold(name) in reg.forename_keys and not _PATRONYMIC_RE.search(name):
            return _Ctx(forename=fold(name), start=base + (m.start(2) if second else m.start(1)))
    # in notes and bibliographies "Yakovlev, A.S. Tsel' zhizni"; but in "Stalin, A. P. Smirnov and ..."
    # the initials belong to the next name
    if inverted and citation_area and fold(inverted.group(2)) not in reg.surnames:
        inits = _initials(inverted.group(1))
        if inits:
            return _Ctx(initials=inits)
    m = _FORENAME_AFTER.search(after)
    if m and fold(m.group(1)) in reg.forename_keys:
        second = m.group(2)
        patronymic = bool(second) and bool(_PATRONYMIC_RE.search(second)) and fold(second) not in reg.surnames
        if patronymic or (citation_area and not second):     # Bukharin, Nikolai Ivanovich / Knight, Amy.
            return _Ctx(forename=fold(m.group(1)))
    return _Ctx()


def _initials(printed: str) -> tuple[str, ...]:
    """``"Ya. S. "`` -> ``('ia', 's')``; () for abbreviations that are not initials (Dr., St.)."""
    found = re.findall(r"(Dzh|[A-Z][a-z]?)(?:\s?\.|\s(?=[A-Z]))", printed)
    if not found or _NOT_INITIALS.intersection(found):
        return ()
    return tuple(fold(x) for x in found)


def _fits(p: Person, ctx: _Ctx) -> bool:
    """Do the initials or forename in the text agree with what the register knows?"""
    if ctx.forename:
        return ctx.forename in p.given_keys() or any(fold(a) == ctx.forename for a in p.aliases)
    sets = p.initial_sets()
    if not sets:
        return True
    if any(all(k.startswith(x) for x, k in zip(ctx.initials, known)) for known in sets):
        return True
    return ctx.middle and any(all(k.startswith(x) for x, k in zip(ctx.initials, known[1:]))
                              for known in sets if len(known) > 1)


def _choose(people, ctx, text, end, slug, line, citation_area):
    """The person a name means, or None and why (for the review list)."""
    if ctx.initials or ctx.forename:
        fit = [p for p in people if _fits(p, ctx)]
        if len(fit) > 1 and any(p.initial_sets() for p in fit):
            fit = [p for p in fit if p.initial_sets()]         # printed initials fit a person we know them of
        if not fit and len(ctx.initials) > 1:
            # the first initial decides; a wrong second one is a misprint (L. A. Aronshtam for L. N.)
            fit = [p for p in people if _fits(p, _Ctx(initials=ctx.initials[:1]))]
        if len(fit) == 1:
            return fit[0], "initials" if ctx.initials else "forename"
        if not fit:
            return None, "no-match"
        people = fit
    elif len(people) == 1:
        if people[0].requires_initials:
            return None, "ambiguous"
        return people[0], "unique"
    if _CITATION_AFTER.match(text[end:end + 80]):
        scholars = [p for p in people if p.scholar]
        if len(scholars) == 1:
            return scholars[0], "citation"
        if scholars:
            people = scholars
    defaults = [p for p in people if p.default_for(slug, line)]
    if len(defaults) == 1:
        return defaults[0], "default"
    # the one namesake the bare name may mean anywhere (a person whose defaults are
    # limited to some texts is not meant elsewhere)
    eligible = [p for p in people if (not p.requires_initials and not p.default_in) or ctx.initials or ctx.forename]
    if len(eligible) == 1:
        return eligible[0], "only-eligible"
    return None, "ambiguous"


MEMORY_PASSAGES = 12     # how far back in a unit an explicitly named person is remembered


def _discourse(found: list[Match], memory: dict, text: str = "", reg: Register | None = None) -> None:
    """One sense per discourse.  An ambiguous bare name takes, in this order:
    the person named with initials or forename in the same passage; the one
    candidate whose register ``context`` words occur in the passage; the person
    last named explicitly in the preceding passages of the unit (``memory``)."""
    local: dict[frozenset, set[str]] = {}
    for m in found:
        if m.person and m.reason in ("initials", "forename"):
            local.setdefault(frozenset(m.candidates), set()).add(m.person)
    seq = memory.get("_seq", 0) + 1
    memory["_seq"] = seq
    for m in found:
        if m.reason == "default" and len(local.get(frozenset(m.candidates), ())) == 1:
            named = next(iter(local[frozenset(m.candidates)]))     # "Ya. Shmidt ... against Shmidt"
            if named != m.person:
                m.person, m.reason = named, "same-passage"
        if m.person is None and m.reason == "ambiguous":
            key = frozenset(m.candidates)
            ids = local.get(key, set())
            by_context = _by_context(m, text, reg) if reg else None
            if len(ids) == 1:
                m.person, m.reason = next(iter(ids)), "same-passage"
            elif by_context:
                m.person, m.reason = by_context, "context"
            elif not ids and key in memory and seq - memory[key][1] <= MEMORY_PASSAGES:
                m.person, m.reason = memory[key][0], "same-unit"
    for key, ids in local.items():
        if len(ids) == 1:
            memory[key] = (next(iter(ids)), seq)
        else:
            memory.pop(key, None)


CONTEXT_CHARS = 250       # how near a register context word must stand


def _by_context(m: Match, text: str, reg: Register) -> str | None:
    near = text[max(0, m.start - CONTEXT_CHARS):m.end + CONTEXT_CHARS]
    hits = [pid for pid in m.candidates
            if any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", near) for w in reg.by_id[pid].context)]
    return hits[0] if len(hits) == 1 else None


def _is_place(text: str, start: int, end: int, reg: Register, skip_after: bool, spans=()) -> bool:
    """``Kirov Plant``, ``Kuibyshev Province``, ``imeni Sergo Ordzhonikidze``, ``city of Kalinin``.

    ``spans`` are the matches of the register's ``not_persons`` patterns in the passage."""
    if not skip_after:
        nxt = _NEXT_WORD.match(text, end, end + 40)
        if nxt and nxt.group(1) in reg.place_words:
            return True
    before = text[max(0, start - 30):start]
    if before.endswith((" ", "\n")) and before[:-1].endswith(reg.place_before):
        return True
    return any(a <= start and end <= b for a, b in spans)


_NEXT_WORD = re.compile(r"\s+([\w-]+)")


class _Spans:
    """The matches of the register's ``not_persons`` patterns in a passage,
    found once and only if a name in the passage needs them."""

    def __init__(self, pattern: re.Pattern | None, text: str):
        self.pattern, self.text, self.found = pattern, text, None

    def __iter__(self):
        if self.found is None:
            self.found = [m.span() for m in self.pattern.finditer(self.text)] if self.pattern else []
        return iter(self.found)


# ------------------------------------------------------------------ editorial tools
_INITIAL_BEFORE_WORD = re.compile(rf"(?:(?<![\w.])(?:{_INITIAL}){{1,3}}|(?:Comrades?|comrades?|Com\.) )$")


def suggest(edition, limit: int | None = None, min_passages: int = 2, examples: int = 2,
            common: float = 3.3) -> str:
    """``names --suggest``: recurring capitalised words the register does not know
    (names first: words printed after initials or "Comrade"), with counts per text
    and example passages; then the review list of unresolved mentions."""
    from .model import plain as plain_text
    reg = edition.persons
    seen: dict[str, dict] = {}
    for text in edition.texts:
        lines = {ln.no: ln.text for ln in text.lines}
        for unit in text.units:
            if unit.drop:
                continue
            blocks = list(unit.blocks) + [b for n in unit.notes for b in n.blocks]
            for block in blocks:
                _suggest_block(reg, text, block, plain_text(block.plain()), seen, common, lines)
    rows = [("/".join(sorted(d["spellings"])), d) for d in seen.values() if len(d["passages"]) >= min_passages]
    rows.sort(key=lambda r: (-r[1]["named"], -len(r[1]["passages"]), r[0]))
    out = ["# Recurring capitalised words not in texts/persons.yml",
           "# word  passages  per-text  (after initials/Comrade)  examples"]
    for word, d in rows[:limit]:
        per = " ".join(f"{k}:{v}" for k, v in sorted(d["texts"].items()))
        out.append(f"{word}  {len(d['passages'])}  {per}  ({d['named']})")
        for loc, snip in d["examples"][:examples]:
            out.append(f"    {loc}: {snip}")
    review = [str(dg) for t in edition.texts for dg in t.report.diagnostics if dg.code == "W-PERSON-AMBIGUOUS"]
    out.append("")
    out.append(f"# Review list: {len(review)} mentions not linked (ambiguous, or initials that fit no one)")
    out.extend(review)
    return "\n".join(out) + "\n"


def _suggest_block(reg, text, block, plain, seen, common, lines) -> None:
    from wordfreq import zipf_frequency
    known = reg.surnames.keys() | reg.aliases.keys() if reg else set()
    for m in WORD_RE.finditer(plain):
        word = _POSSESSIVE_RE.sub("", m.group())
        if not word[:1].isupper() or word.isupper() or len(word) < 3 or "-" in word:
            continue
        if fold(word) in known or (reg and word in reg.place_words):
            continue
        if fold(word) in (reg.forename_keys if reg else ()) or zipf_frequency(word.lower(), "en") >= common:
            continue
        d = seen.setdefault(fold(word), {"passages": set(), "texts": {}, "named": 0, "examples": [],
                                         "spellings": set()})
        d["spellings"].add(word)
        key = (text.slug, block.loc.line)
        if key not in d["passages"]:
            d["passages"].add(key)
            d["texts"][text.slug] = d["texts"].get(text.slug, 0) + 1
            if len(d["examples"]) < 3:
                snip = " ".join(plain[max(0, m.start() - 50):m.end() + 40].split())
                no = next((n for n in range(block.loc.line, max(block.line_end, block.loc.line) + 1)
                           if word in lines.get(n, "")), block.loc.line)
                d["examples"].append((f"{text.source_path}:{no}", snip))
        if _INITIAL_BEFORE_WORD.search(plain[max(0, m.start() - 20):m.start()].rstrip() + " ") or \
                _INITIAL_BEFORE_WORD.search(plain[max(0, m.start() - 20):m.start()]):
            d["named"] += 1
