"""Person matching: one fixture sentence per rule, register validation, the stage.

Each rule of the issue is shown by a sentence and the persons a reader should
find linked in it (``None`` for a name that must not be linked).
"""
from __future__ import annotations

import pytest

from edition.model import Block, Edition, Loc, Note, Text, Unit, iter_tokens, plain, token
from edition.persons import (Register, RegisterError, find_mentions, fold, person_url, suggest)

REGISTER = """\
place_words: [Plant, Province, region, district, Regional]
place_before: [imeni, city of, named after]
not_persons:
  - pattern: '\\bin Kalinin\\b'
    why: the city
forenames: [Yuri, Benjamin, Vasily]
overrides:
  - {text: demo, line: 7, surface: Yakovlev, person: none, why: a namesake}
persons:
  - id: stalin-iosif
    name: {family: Stalin, given: Iosif, patronymic: Vissarionovich}
    identification: Leader
    forenames: [Joseph]
    aliases: [Koba]
    variants: [Stolin]
  - id: yezhov-nikolai
    name: {family: Yezhov, given: Nikolai, patronymic: Ivanovich}
    identification: NKVD chief
    variants: [Yezbov]
  - id: yagoda-genrikh
    name: {family: Yagoda, given: Genrikh}
    identification: NKVD chief
    variants: [IAgoda]
  - id: bukharin-nikolai
    name: {family: Bukharin, given: Nikolai, patronymic: Ivanovich}
    identification: Theorist
  - id: larina-anna
    name: {family: Larina, given: Anna, patronymic: Mikhailovna}
    identification: Bukharin's wife
    variants: [Bukharina]
  - id: kirov-sergei
    name: {family: Kirov, given: Sergei, patronymic: Mironovich}
    identification: Leningrad leader
  - id: kuibyshev-valerian
    name: {family: Kuibyshev, given: Valerian, patronymic: Vladimirovich}
    identification: Gosplan
  - id: kalinin-mikhail
    name: {family: Kalinin, given: Mikhail, patronymic: Ivanovich}
    identification: Head of state
  - id: ordzhonikidze-grigory
    name: {family: Ordzhonikidze, given: Grigory, patronymic: Konstantinovich}
    aliases: [Sergo]
    default: true
    identification: Heavy industry
  - id: ordzhonikidze-papulia
    name: {family: Ordzhonikidze, given: Pavel, patronymic: Konstantinovich}
    forenames: [Papulia]
    requires_initials: true
    identification: Sergo's brother
  - id: kaganovich-lazar
    name: {family: Kaganovich, given: Lazar, patronymic: Moiseevich}
    default: true
    identification: Politburo
  - id: kaganovich-mikhail
    name: {family: Kaganovich, given: Mikhail, patronymic: Moiseevich}
    requires_initials: true
    identification: His brother
  - id: smirnov-aleksandr
    name: {family: Smirnov, given: Aleksandr, patronymic: Petrovich}
    requires_initials: true
    context: [Eismont]
    identification: Old Bolshevik
  - id: smirnov-ivan
    name: {family: Smirnov, given: Ivan, patronymic: Nikitich}
    requires_initials: true
    default_in: ["demo:100-200"]
    identification: Trotskyist
  - id: zhukov-yuri
    name: {family: Zhukov, given: Yuri, patronymic: Nikolaevich}
    scholar: true
    default_in: [furr]
    identification: Historian
  - id: zhukov-georgy
    name: {family: Zhukov, given: Georgy, patronymic: Konstantinovich}
    default_in: [khlevniuk]
    identification: Marshal
  - id: tukhachevsky-mikhail
    name: {family: Tukhachevsky, given: Mikhail, patronymic: Nikolaevich}
    identification: Marshal
  - id: zinoviev-grigory
    name: {family: Zinoviev, given: Grigory}
    identification: Opposition leader
  - id: kamenev-lev
    name: {family: Kamenev, given: Lev}
    identification: Opposition leader
  - id: yakovlev-yakov
    name: {family: Yakovlev, given: Yakov, patronymic: Arkadievich}
    identification: Agriculture
  - id: sher-v
    name: {family: Sher, given: V., patronymic: V.}
    identification: Menshevik
  - id: getty-j-arch
    name: {family: Getty, given: J. Arch}
    forenames: [Arch]
    scholar: true
    identification: Historian
"""


@pytest.fixture(scope="module")
def reg() -> Register:
    return Register.from_text(REGISTER, "persons.yml")


def links(sentence: str, reg: Register, **kw) -> list[tuple[str, str | None]]:
    """(printed words, person) for every name found, linked or not."""
    return [(m.surface, m.person) for m in find_mentions(sentence, reg, **kw) if m.reason != "place"]


def linked(sentence: str, reg: Register, **kw) -> list[str]:
    return [m.person for m in find_mentions(sentence, reg, **kw) if m.person]


# ---------------------------------------------------------------- folding
@pytest.mark.parametrize("a,b", [
    ("Yezhov", "Ezhov"), ("Yagoda", "Iagoda"), ("Yagoda", "IAgoda"), ("Tukhachevsky", "Tukhachevskii"),
    ("Tukhachevsky", "Tukhachevskiy"), ("Zinoviev", "Zinovyev"), ("Zinoviev", "Zinov'ev"),
    ("Piatakov", "Pyatakov"), ("Krestinsky", "Krestinskiy"), ("Andreev", "Andreyev"),
    ("Kuibyshev", "Kuybyshev"), ("Yenukidze", "Enukidze"), ("Beria", "Beriia"), ("Kaganovich", "Kaganovitch"),
])
def test_transliterations_fold_together(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a,b", [("Levin", "Lenin"), ("Tomsk", "Tomsky"), ("Kirov", "Kirova"),
                                 ("Bukharin", "Bukharina"), ("Smirnov", "Smirnova")])
def test_different_names_stay_apart(a, b):
    assert fold(a) != fold(b)


# ---------------------------------------------------------------- one rule, one sentence
def test_plain_name_and_transliteration(reg):
    assert linked("Ezhov replaced Iagoda; Yezhov was then shot.", reg) == [
        "yezhov-nikolai", "yagoda-genrikh", "yezhov-nikolai"]


def test_possessive_straight_and_curly(reg):
    found = find_mentions("Stalin's letter and Stalin’s reply, the Bukharins' flat", reg)
    assert [(m.surface, m.person) for m in found] == [("Stalin", "stalin-iosif"), ("Stalin", "stalin-iosif")]


def test_never_inside_a_longer_word(reg):
    assert linked("Stalinist Stalingrad, the Kaganoviches, the Yezhovshchina, Trotskyists", reg) == []


def test_feminine_form_is_not_the_man(reg):
    assert links("Bukharina (Larina) wrote memoirs about Bukharin.", reg) == [
        ("Bukharina", "larina-anna"), ("Larina", "larina-anna"), ("Bukharin", "bukharin-nikolai")]


@pytest.mark.parametrize("sentence", [
    "He worked at the Kirov Plant.", "the Kuibyshev Province committee", "the Ordzhonikidze region",
    "the factory imeni Sergo Ordzhonikidze", "he lived in the city of Kalinin", "he was born in Kalinin",
    "the Stalin district", "a plant named after Kirov",
])
def test_places_and_things_named_after_persons(reg, sentence):
    assert linked(sentence, reg) == []


def test_possessive_is_the_person_even_before_a_place_word(reg):
    assert linked("Kirov's region was Leningrad.", reg) == ["kirov-sergei"]


def test_same_surname_told_apart_by_initials(reg):
    text = "A. P. Smirnov and I. N. Smirnov; then Smirnov, A. P. again; and M. M. Kaganovich"
    assert linked(text, reg) == ["smirnov-aleksandr", "smirnov-ivan", "smirnov-aleksandr", "kaganovich-mikhail"]


def test_same_surname_told_apart_by_forename(reg):
    assert linked("Lazar Kaganovich and Mikhail Kaganovich; Papulia Ordzhonikidze", reg) == [
        "kaganovich-lazar", "kaganovich-mikhail", "ordzhonikidze-papulia"]


def test_bare_surname_takes_the_register_default(reg):
    assert linked("Kaganovich and Ordzhonikidze disagreed.", reg) == ["kaganovich-lazar", "ordzhonikidze-grigory"]


def test_unresolvable_mention_is_not_linked_but_reviewed(reg):
    found = find_mentions("Smirnov spoke.", reg)
    assert found[0].person is None and found[0].review and found[0].reason == "ambiguous"


def test_initials_that_fit_no_registered_namesake(reg):
    found = find_mentions("Yuri Zhukov and Vasily Stalin and S. P. Yagoda", reg)
    assert [(m.surface, m.person) for m in found if m.person] == [("Yuri Zhukov", "zhukov-yuri")]
    assert [m.reason for m in found if not m.person] == ["no-match", "no-match"]


def test_same_passage_resolves_a_later_bare_name(reg):
    assert linked("I. N. Smirnov was arrested. Smirnov confessed.", reg) == ["smirnov-ivan", "smirnov-ivan"]


def test_register_context_words(reg):
    assert linked("Smirnov and Eismont talked.", reg) == ["smirnov-aleksandr"]


def test_default_for_a_range_of_source_lines(reg):
    assert linked("Smirnov spoke.", reg, text_slug="demo", line=150) == ["smirnov-ivan"]
    assert linked("Smirnov spoke.", reg, text_slug="demo", line=250) == []


def test_scholar_in_a_citation(reg):
    text = "(Zhukov, *Inoy* 430; Getty, \"Excesses\" 129)".replace("*", "")
    assert linked(text, reg, text_slug="khlevniuk") == ["zhukov-yuri", "getty-j-arch"]
    # the same name outside a citation is the marshal in Khlevniuk's book
    assert linked("Zhukov told the writer", reg, text_slug="khlevniuk") == ["zhukov-georgy"]
    assert linked("Zhukov 2003, p. 5", reg, text_slug="khlevniuk") == ["zhukov-yuri"]


def test_alias(reg):
    assert linked("Koba wrote to Sergo.", reg) == ["stalin-iosif", "ordzhonikidze-grigory"]


def test_alias_used_as_a_forename_is_not_the_alias(reg):
    assert links("Sergo Ordzhonikidze and Sergo Lominadze", reg) == [("Sergo Ordzhonikidze", "ordzhonikidze-grigory")]


def test_ocr_variant(reg):
    assert linked("Comrade Yezbov and Comrade Stolin", reg) == ["yezhov-nikolai", "stalin-iosif"]


def test_ocr_glued_initials_and_spaced_initials(reg):
    assert linked("ComradeN. I. Yezhov, and S . M. Kirov", reg) == ["yezhov-nikolai", "kirov-sergei"]


def test_case_sensitive(reg):
    assert linked("a stalin and a kirov", reg) == []
    assert linked("MOLOTOV: STALIN speaks", reg) == ["stalin-iosif"]          # headings and speakers in capitals


def test_mixed_case_variant_must_be_printed_as_listed(reg):
    assert linked("Genrikh IAgoda and YAgoda", reg) == ["yagoda-genrikh"]


def test_compounds_of_names_and_hyphen_for_dash(reg):
    assert linked("the Zinoviev-Kamenev trial; 18. Kamenev-for the proposal", reg) == [
        "zinoviev-grigory", "kamenev-lev", "kamenev-lev"]
    assert linked("an anti-Stalin bloc", reg) == []


def test_unknown_forename_blocks_a_unique_surname(reg):
    assert linked("translated by Benjamin Sher; V. V. Sher was tried", reg) == ["sher-v"]


def test_override_by_source_line(reg):
    assert linked("Yakovlev spoke", reg, text_slug="demo", line=7) == []
    assert linked("Yakovlev spoke", reg, text_slug="demo", line=8) == ["yakovlev-yakov"]


def test_link_span_covers_initials_and_forename(reg):
    found = find_mentions("He met Nikolai Ivanovich Yezhov and A. P. Smirnov.", reg)
    assert [m.surface for m in found] == ["Nikolai Ivanovich Yezhov", "A. P. Smirnov"]


def test_person_url():
    assert person_url("yezhov-nikolai") == "persons/y.html#yezhov-nikolai"


# ---------------------------------------------------------------- register validation
def errors_of(text: str) -> list[str]:
    with pytest.raises(RegisterError) as exc:
        Register.from_text(text, "texts/persons.yml")
    return exc.value.messages


PERSON = """  - id: {id}
    name: {{family: {family}}}
    identification: x
"""


def test_two_persons_claiming_the_same_variant():
    text = ("persons:\n" + PERSON.format(id="a-a", family="Ivanov") + "    variants: [Ivanow]\n"
            + PERSON.format(id="b-b", family="Petrov") + "    variants: [Ivanow]\n")
    assert errors_of(text) == ["texts/persons.yml:9: b-b: variant 'Ivanow' is also claimed by a-a (line 5); "
                               "two persons cannot share a variant"]


def test_alias_that_is_another_persons_surname():
    text = ("persons:\n" + PERSON.format(id="a-a", family="Ivanov") + "    aliases: [Petrov]\n"
            + PERSON.format(id="b-b", family="Petrov"))
    assert errors_of(text) == ["texts/persons.yml:5: a-a: alias 'Petrov' is also the family name of b-b (line 6)"]


def test_variant_that_is_another_persons_surname():
    text = ("persons:\n" + PERSON.format(id="a-a", family="Ivanov") + "    variants: [Petrov]\n"
            + PERSON.format(id="b-b", family="Petrov"))
    assert errors_of(text) == ["texts/persons.yml:5: a-a: variant 'Petrov' is the family name of b-b (line 6)"]


def test_unknown_key_duplicate_id_bad_values():
    text = ("persons:\n" + PERSON.format(id="a-a", family="Ivanov") + "    birth: 1900\n"
            + PERSON.format(id="a-a", family="Petrov") + "    born: 19\n    wikidata: X1\n"
            + PERSON.format(id="Bad Id", family="Sidorov"))
    errs = errors_of(text)
    assert "texts/persons.yml:5: unknown key 'birth' (allowed: id, name, identification, born, died, variants, " \
           "ocr_forms, aliases, forenames, initials, requires_initials, default, default_in, context, scholar, wikidata, " \
           "note)" in errs
    assert "texts/persons.yml:9: persons[1].born: 19 is not a plausible year" in errs
    assert "texts/persons.yml:10: persons[1].wikidata: a Wikidata id looks like Q12345" in errs
    assert any("persons[2].id: an id is lower-case words joined by hyphens" in e for e in errs)


def test_duplicate_id_and_unknown_override_person():
    text = ("overrides:\n  - {text: furr, line: 3, surface: X, person: nobody, why: y}\npersons:\n"
            + PERSON.format(id="a-a", family="Ivanov") + PERSON.format(id="a-a", family="Petrov"))
    assert errors_of(text) == ["texts/persons.yml:7: duplicate id 'a-a' (first at line 4)",
                               "texts/persons.yml:2: override: unknown person 'nobody'"]


def test_the_real_register_is_valid_and_large():
    from edition.persons import load_register
    reg = load_register(".")
    assert len(reg.persons) > 200


# ---------------------------------------------------------------- the stage on a small edition
def small_edition(tmp_path, reg_text: str = REGISTER) -> Edition:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "persons.yml").write_text(reg_text, encoding="utf-8")
    text = Text(slug="demo", manifest={"short_title": "Demo", "bibliography": {"title": "Demo"}},
                manifest_path="texts/demo/edition.yml", source_path="texts/demo/source.txt")
    from edition.model import Line
    text.lines = [Line(1, "Stalin's letter to"), Line(2, "*Yezhov* reached the Kirov"), Line(3, "Plant."),
                  Line(4, "| Koba | Smirnov |"), Line(5, "See [Stalin](http://x) and Bukharin."),
                  Line(6, "1. Zhukov, Inoy 430.")]
    unit = Unit(slug="ch01", title="One", kind="chapter", loc=Loc(text.source_path, 1))
    unit.blocks = [
        Block("para", "Stalin's letter to " + token("em") + "Yezhov" + token("/em") + " reached the Kirov Plant."
              + token("note", "n1"), Loc(text.source_path, 1), line_end=3),
        Block("table", "", Loc(text.source_path, 4), line_end=4, rows=[["Koba", "Smirnov"]]),
        Block("para", "See " + token("link", "http://x") + "Stalin" + token("/link") + " and Bukharin.",
              Loc(text.source_path, 5), line_end=5),
    ]
    unit.notes = [Note("n1", "1", [Block("para", "Zhukov, Inoy 430.", Loc(text.source_path, 6), line_end=6)],
                       Loc(text.source_path, 6))]
    text.units = [unit]
    return Edition(root=str(tmp_path), texts=[text])


def test_stage_inserts_tokens_records_mentions_and_reviews(tmp_path):
    from edition.stages import persons as stage
    ed = small_edition(tmp_path)
    stage.run(ed)
    unit = ed.texts[0].units[0]
    first = unit.blocks[0].text
    assert plain(first) == "Stalin's letter to Yezhov reached the Kirov Plant."
    assert [t for t in iter_tokens(first)] == [
        ("person", "stalin-iosif"), ("/person", ""), ("em", ""), ("person", "yezhov-nikolai"), ("/person", ""),
        ("/em", ""), ("note", "n1")]
    assert unit.blocks[1].rows == [[token("person", "stalin-iosif") + "Koba" + token("/person"), "Smirnov"]]
    # never a link inside a link
    assert [k for k, _ in iter_tokens(unit.blocks[2].text)] == ["link", "/link", "person", "/person"]
    assert [(m.person, m.surface, str(m.loc), m.in_note) for m in ed.mentions] == [
        ("stalin-iosif", "Stalin", "texts/demo/source.txt:1", False),
        ("yezhov-nikolai", "Yezhov", "texts/demo/source.txt:2", False),
        ("stalin-iosif", "Koba", "texts/demo/source.txt:4", False),
        ("bukharin-nikolai", "Bukharin", "texts/demo/source.txt:5", False),
        ("zhukov-yuri", "Zhukov", "texts/demo/source.txt:6", True)]
    diags = [str(d) for d in ed.texts[0].report.diagnostics]
    assert "texts/demo/source.txt:4: W-PERSON-AMBIGUOUS: 'Smirnov' not linked (ambiguous; candidates: " \
           "smirnov-aleksandr, smirnov-ivan)" in diags
    assert any("'Stalin' not linked (inside a link" in d for d in diags)
    assert ed.persons is not None and ed.texts[0].report.counts["person-mentions"] == 5


def test_stage_reports_register_errors_with_file_and_line(tmp_path):
    from edition.pipeline import BuildError
    from edition.stages import persons as stage
    ed = small_edition(tmp_path, "persons:\n  - id: x-y\n    name: {family: X}\n")
    with pytest.raises(BuildError) as exc:
        stage.run(ed)
    assert exc.value.messages == ["texts/persons.yml:2: missing required key 'persons[0].identification'"]


def test_person_pages_and_suggest(tmp_path):
    from edition.person_pages import person_pages
    from edition.stages import persons as stage
    ed = small_edition(tmp_path)
    stage.run(ed)
    for i, b in enumerate(b for u in ed.texts[0].units for b in u.blocks + [b for n in u.notes for b in n.blocks]):
        b.pid = f"p{i + 1}"
    (tmp_path / "templates").mkdir()
    import shutil
    for name in ("persons_index.html.j2", "person.html.j2"):
        shutil.copy(f"templates/{name}", tmp_path / "templates" / name)
    pages = person_pages(ed)
    assert [p.url for p in pages] == ["persons/index.html", "persons/b.html", "persons/s.html",
                                      "persons/y.html", "persons/z.html"]
    index = pages[0].html
    assert 'href="s.html#stalin-iosif"' in index and "Koba, <em>see</em>" in index
    stalin = pages[2].html
    assert 'id="stalin-iosif" data-person="stalin-iosif"' in stalin
    assert 'class="passage-link" href="../texts/demo/ch01.html#p1"' in stalin
    assert 'href="../texts/demo/ch01.html#p2"' in stalin          # the table
    assert "<mark>Stalin</mark>&#39;s letter" in stalin            # escaped, name marked
    zhukov = pages[4].html
    assert 'class="in-note"' in zhukov
    report = suggest(ed)
    assert "texts/demo/source.txt:4: W-PERSON-AMBIGUOUS: 'Smirnov' not linked" in report
