"""Per-block memos (edition/memo.py): the ``correct`` stage redoes only the blocks that changed,
and what it makes with a memo is what it makes without one."""
from __future__ import annotations

from pathlib import Path

from edition.memo import close_memo, memo_place, open_memo
from edition.model import Edition
from edition.pipeline import run_pipeline
from edition.stages import correct

REPO = Path(__file__).resolve().parent.parent
SLUG = "medvedev"                   # a corrected text (ocr.enabled) that builds in about a second
EDIT = ("Gubkom which", "Gubkom, which")      # texts/medvedev/source.txt:500


def corrected(options: dict, edit: tuple[str, str] | None = None) -> Edition:
    """Medvedev up to ``notes``, one block edited (``edit``), then ``correct`` with ``options``."""
    edition = Edition(root=str(REPO), options={"only": [SLUG], **options})
    run_pipeline(edition, until="notes")
    if edit:
        block = next(b for b, _ in correct.scoped_blocks(edition.texts[0]) if edit[0] in b.text)
        block.text = block.text.replace(*edit)
    run_pipeline(edition, start="correct", until="correct", defer_errors=True)
    return edition


def made(edition: Edition) -> tuple[list, list, list]:
    text = edition.texts[0]
    blocks = [(b.text, b.rows) for b, _ in correct.scoped_blocks(text)]
    changes = [(c.loc.line, c.before, c.after, c.rule) for c in text.report.corrections]
    return blocks, changes, list(edition.errors)


def counting(monkeypatch) -> list:
    calls: list = []
    real = correct._correct_block

    def counted(block, corrector, window):
        calls.append(block.text)
        return real(block, corrector, window)
    monkeypatch.setattr(correct, "_correct_block", counted)
    return calls


def test_correct_redoes_only_the_block_that_changed(tmp_path, monkeypatch):
    place = {"memo": memo_place(str(tmp_path), "code-1")}
    first = corrected(place)
    assert made(first) == made(corrected({}))              # a memo being filled changes nothing
    assert first.texts[0].report.corrections                # the text is corrected at all

    calls = counting(monkeypatch)
    assert made(corrected(place)) == made(first)
    assert calls == []                                      # nothing changed: no block corrected again

    edited = corrected(place, EDIT)
    assert len(calls) == 1 and EDIT[1] in calls[0]         # the edited paragraph alone
    calls.clear()
    assert made(edited) == made(corrected({}, EDIT))        # and it is what a build without memo makes
    assert len(calls) > 1000                                # (which corrects every block)


def test_a_memo_is_kept_per_code_version_and_holds_only_what_the_last_run_used(tmp_path):
    edition = Edition(root=str(REPO), options={"memo": memo_place(str(tmp_path), "code-1")})
    memo = open_memo(edition, "correct", "x")
    assert memo.entries == {}
    memo.put("a", 1)
    memo.put("b", 2)
    close_memo(edition, memo)
    stored = sorted(p.name for p in tmp_path.rglob("*.pickle"))
    assert stored == ["correct-x-code-1.pickle"]
    again = open_memo(edition, "correct", "x")
    assert again.entries == {"a": 1, "b": 2}
    assert again.get("a") == 1 and again.get("c") is None
    close_memo(edition, again)                              # "b" was not used: not kept
    assert open_memo(edition, "correct", "x").entries == {"a": 1}
    other_code = Edition(root=str(REPO), options={"memo": memo_place(str(tmp_path), "code-2")})
    assert open_memo(other_code, "correct", "x").entries == {}


def test_without_a_build_cache_nothing_is_kept():
    edition = Edition(root=str(REPO), options={})           # check, build --no-cache
    memo = open_memo(edition, "correct", "x")
    memo.put("a", 1)
    close_memo(edition, memo)
    assert open_memo(edition, "correct", "x").entries == {}


# ---------------------------------------------------------------- per-unit memos
UNIT_SLUG = "getty"                 # the page-footnoted text: every stage with a per-unit memo keeps one there
# A word added on one line of ch. 3: no other unit's work consulted its count.
UNIT_EDIT = ("Bolsheviks", "Bolsheviks·x")
# A word changed there: other units decided a line-end hyphen ("Bol-" + "sheviks") on its count.
COUNTED_EDIT = ("Bolsheviks", "Bolshevics")


def per_unit(options: dict, edit: tuple[str, str] | None = None) -> Edition:
    """Getty up to ``units``, one witness line of ch. 3 edited (``edit``), then up to ``persons``."""
    edition = Edition(root=str(REPO), options={"only": [UNIT_SLUG], **options})
    run_pipeline(edition, until="units")
    if edit:
        unit = next(u for u in edition.texts[0].units if u.slug == "ch03")
        line = next(ln for ln in unit.lines if edit[0] in ln.text)
        line.text = line.text.replace(*edit, 1)
    run_pipeline(edition, start="footnotes", until="persons", defer_errors=True)
    return edition


def tree(edition: Edition) -> tuple:
    """What the stages made: the tree, every note, the report, the mentions and the errors."""
    from tree_dump import dump
    text = edition.texts[0]
    report = (text.report.counts, [(d.rule, d.loc, d.text) for d in text.report.dropped],
              [str(d) for d in text.report.diagnostics], text.report.notes)
    lookups = edition.options.get("corpus_lookups")       # the corpus counts the text's result rests on
    mentions = [(m.person, m.unit_slug, m.block.loc, m.surface, m.snippet, m.loc, m.in_note) for m in edition.mentions]
    orphans = [(u.slug, u.orphan_markers) for u in text.units]
    raw = [(r.label, r.number, r.unit, r.loc, r.text) for r in text.raw_notes]
    return (dump(edition), report, mentions, orphans, raw, sorted(edition.persons.used_overrides), edition.errors,
            lookups, sorted(text.breaks_used))


def test_per_unit_stages_redo_only_the_unit_that_changed(tmp_path, monkeypatch):
    """footnotes, paragraphs, notes and persons: an edit to one line of ch. 3 redoes ch. 3 alone, and
    what they make is what a run without memo makes (tree, notes, report, mentions, errors)."""
    from edition.notes import page_footnotes
    from edition.stages import footnotes, paragraphs, persons
    place = {"memo": memo_place(str(tmp_path), "code-1")}
    plain = per_unit({})
    assert tree(per_unit(place)) == tree(plain)               # a memo being filled changes nothing
    calls: dict[str, list] = {"footnotes": [], "paragraphs": [], "notes": [], "persons": []}

    def counted(name, module, function, unit_of):
        real = getattr(module, function)

        def wrapper(*args, **kwargs):
            calls[name].append(unit_of(*args))
            return real(*args, **kwargs)
        monkeypatch.setattr(module, function, wrapper)
    counted("footnotes", footnotes, "extract", lambda lines, *rest: lines[0].no)
    counted("paragraphs", paragraphs, "_blocks_recorded", lambda text, unit, *rest: unit.slug)
    counted("notes", page_footnotes, "_linked", lambda text, unit, *rest: unit.slug)
    counted("persons", persons, "_link_unit", 
            lambda text, reg, lines, citation, passages: passages[0][0].loc.line if passages else None)
    assert tree(per_unit(place)) == tree(plain)
    assert calls == {"footnotes": [], "paragraphs": [], "notes": [], "persons": []}   # nothing changed: nothing redone

    edited = tree(per_unit(place, UNIT_EDIT))
    ch03 = next(u for u in plain.texts[0].units if u.slug == "ch03")
    assert [calls["paragraphs"], calls["notes"], len(calls["footnotes"]), len(calls["persons"])] == [
        ["ch03"], ["ch03"], 1, 1]
    assert ch03.blocks[0].loc.line <= calls["persons"][0] <= ch03.blocks[-1].line_end
    assert edited == tree(per_unit({}, UNIT_EDIT))            # what a run without memo makes
    assert edited != tree(plain) and UNIT_EDIT[1] in edited[0]

    calls["paragraphs"].clear()
    counted_edit = tree(per_unit(place, COUNTED_EDIT))
    assert calls["paragraphs"][0] != "ch03" and "ch03" in calls["paragraphs"]     # others consulted the count
    assert counted_edit == tree(per_unit({}, COUNTED_EDIT))
