"""Passage ids as a reader and an editor meet them: numbering, the build check, updates, redirects.

Synthetic texts (built from the model, no pipeline) exercise the stage and
the ledger; the last test runs the real pipeline and fails when a ledger and
its text disagree (what CI must catch).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from edition import cite
from edition.ledger import Ledger, next_body_id
from edition.model import Block, Edition, Loc, Note, Text, Unit
from edition.pipeline import BuildError
from edition.stages import ids

ROOT = Path(__file__).resolve().parent.parent
SRC = "texts/demo/source.txt"

PARAS = {
    "ch01": [(10, "heading", "The New Situation"),
             (12, "para", "In the autumn of 1932 the leadership faced a crisis in the countryside."),
             (15, "para", "The decree of 7 August was applied with a severity that surprised its authors."),
             (18, "para", "Kaganovich travelled south in November with a commission of the Politburo.")],
    "ch02": [(30, "heading", "Party Purges"),
             (32, "para", "The chistka of 1933 expelled hundreds of thousands of members for passivity."),
             (35, "para", "Its instructions were drafted by a commission under Rudzutak and approved.")],
}
NOTES = {"ch01": [("n1", "1", 50, "RGASPI, f. 558, op. 11, d. 740, l. 12."), ("n2", "2", 51, "Ibid., l. 14.")]}


def block(line: int, kind: str, text: str, end: int | None = None) -> Block:
    return Block(kind, text, Loc(SRC, line), line_end=end or line + 1)


def make_edition(root: Path, paras=None, notes=None, sha="a" * 64) -> Edition:
    paras = PARAS if paras is None else paras
    notes = NOTES if notes is None else notes
    units = []
    for slug, blocks in paras.items():
        unit = Unit(slug, slug.upper(), "chapter", Loc(SRC, blocks[0][0]))
        unit.blocks = [block(*b) for b in blocks]
        unit.notes = [Note(key, label, [block(line, "para", t)], Loc(SRC, line), refs=[f"r-{key}"])
                      for key, label, line, t in notes.get(slug, [])]
        units.append(unit)
    text = Text("demo", {"source": {"sha256": sha}, "bibliography": BIB}, "texts/demo/edition.yml", SRC)
    text.units = units
    (root / "texts" / "demo").mkdir(parents=True, exist_ok=True)
    return Edition(str(root), [text])


BIB = {"type": "book", "authors": [{"family": "Getty", "given": "J. Arch"}], "title": "Demo", "year": 1999,
       "language": "en", "rights": "r"}


def pids(edition: Edition) -> dict[str, list[str]]:
    return {u.slug: [b.pid for b in u.blocks] + [n.pid for n in u.notes] for u in edition.texts[0].units}


def ledger_text(root: Path) -> str:
    return (root / "texts" / "demo" / "passages.tsv").read_text(encoding="utf-8")


# ---------------------------------------------------------------- first numbering
def test_first_update_numbers_in_reading_order_and_creates_the_ledger(tmp_path):
    ed = make_edition(tmp_path)
    summary = ids.update(ed)
    assert "created" in summary
    assert pids(ed) == {"ch01": ["p1", "p2", "p3", "p4", "n1", "n2"], "ch02": ["p1", "p2", "p3"]}
    note = ed.texts[0].units[0].notes[0]
    assert note.pid == note.blocks[0].pid == "n1"
    data = ledger_text(tmp_path)
    assert "ch01\tp2\tlive\t\tpara\t12-13\t" in data
    assert ids.update(make_edition(tmp_path)).endswith("unchanged")          # idempotent, byte for byte
    assert ledger_text(tmp_path) == data


def test_build_without_a_ledger_numbers_provisionally_and_warns(tmp_path):
    ed = make_edition(tmp_path)
    ids.run(ed)
    assert pids(ed)["ch02"] == ["p1", "p2", "p3"]
    assert [d.code for d in ed.texts[0].report.diagnostics] == ["W-IDS-PROVISIONAL"]
    assert not (tmp_path / "texts" / "demo" / "passages.tsv").exists()      # a build never writes it
    assert any("missing" in m for m in ids.check(ed))                       # ... and CI says so


def test_build_accepts_an_agreeing_ledger(tmp_path):
    ids.update(make_edition(tmp_path))
    ed = make_edition(tmp_path)
    ids.run(ed)
    assert pids(ed)["ch01"][:2] == ["p1", "p2"]
    assert ed.texts[0].report.ids["passages"] == 9
    assert ids.check(ed) == []


# ---------------------------------------------------------------- changes
def test_corrected_paragraph_keeps_its_id_and_ci_asks_for_a_refresh(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    paras["ch01"][2] = (15, "para", "The decree of 7 August was applied with a severity that surprised its own authors.")
    ed = make_edition(tmp_path, paras)
    ids.run(ed)                                                             # a build goes on
    assert pids(ed)["ch01"][2] == "p3"
    stale = ids.check(ed)
    assert len(stale) == 1 and "changed since the ledger was written" in stale[0] and "source.txt:15" in stale[0]
    assert "1 corrected" in ids.update(make_edition(tmp_path, paras))
    assert ids.check(make_edition(tmp_path, paras)) == []


def test_new_paragraph_stops_the_build_then_gets_a_letter(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    paras["ch01"].insert(2, (14, "para", "A paragraph the furniture rule used to drop by mistake, now restored."))
    with pytest.raises(BuildError) as err:
        ids.run(make_edition(tmp_path, paras))
    assert "texts/demo/source.txt:14: new passage ch01#p2a" in "\n".join(err.value.messages)
    assert "ids --update" in err.value.hint
    ed = make_edition(tmp_path, paras)
    assert "1 new" in ids.update(ed)
    assert pids(ed)["ch01"] == ["p1", "p2", "p2a", "p3", "p4", "n1", "n2"]  # nobody else renumbered


def test_merged_paragraphs_keep_the_first_id_and_the_second_becomes_an_alias(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    (l1, _, t1), (l2, _, t2) = paras["ch01"][1], paras["ch01"][2]
    paras["ch01"][1:3] = [(l1, "para", f"{t1} {t2}", l2 + 1)]                # a page-break split rejoined
    ed = make_edition(tmp_path, paras)
    summary = ids.update(ed)
    assert "1 merged" in summary
    assert pids(ed)["ch01"][:3] == ["p1", "p2", "p4"]
    assert "ch01\tp3\talias\tch01#p2\t" in ledger_text(tmp_path)
    assert cite.redirects(ed, ed.texts[0]) == {"ch01": {"p3": "#p2"}}


def test_split_paragraph_keeps_its_id_for_the_beginning(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    paras["ch02"][1:2] = [(32, "para", "The chistka of 1933 expelled hundreds of thousands", 32),
                          (33, "para", "of members for passivity.", 33)]
    ed = make_edition(tmp_path, paras)
    assert "1 split (1 new parts)" in ids.update(ed)
    assert pids(ed)["ch02"] == ["p1", "p2", "p2a", "p3"]


def test_removed_paragraph_is_retired_and_resolves_to_the_next(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    del paras["ch01"][2]
    ed = make_edition(tmp_path, paras)
    assert "1 retired" in ids.update(ed)
    assert "ch01\tp3\tretired\tch01#p4\t" in ledger_text(tmp_path)
    restored = make_edition(tmp_path)                                        # the paragraph comes back
    assert "1 revived" in ids.update(restored)
    assert pids(restored)["ch01"][2] == "p3"


def test_passage_moved_to_another_page_resolves_from_its_old_address(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    moved = paras["ch01"].pop()                                              # page boundary shifted
    paras["ch02"].insert(0, moved)
    ed = make_edition(tmp_path, paras)
    assert "1 moved" in ids.update(ed)
    assert pids(ed)["ch02"] == ["p0a", "p1", "p2", "p3"]
    assert cite.redirects(ed, ed.texts[0]) == {"ch01": {"p4": "ch02.html#p0a"}}
    assert Ledger.parse(ledger_text(tmp_path), "x")[0].resolve("ch01", "p4") == ("ch02", "p0a")


def test_ambiguous_match_stops_with_file_line_and_a_pin_decides(tmp_path):
    ids.update(make_edition(tmp_path))
    paras = {k: list(v) for k, v in PARAS.items()}
    paras["ch02"][0] = (30, "heading", "Party Expulsions")                 # rewritten heading ...
    ed = make_edition(tmp_path, paras, sha="b" * 64)                        # ... and a new witness: no line evidence
    with pytest.raises(BuildError) as err:
        ids.update(ed)
    msg = "\n".join(err.value.messages)
    assert "texts/demo/source.txt:30: passage 'party expulsions'" in msg
    assert "ch02#p1 'party purges' (texts/demo/passages.tsv:" in msg and "@30" in msg
    data = ledger_text(tmp_path).replace("ch02\tp1\tlive\t\t", "ch02\tp1\tlive\t@30\t")  # the editor decides
    (tmp_path / "texts" / "demo" / "passages.tsv").write_text(data, encoding="utf-8")
    ed = make_edition(tmp_path, paras, sha="b" * 64)
    with pytest.raises(BuildError) as err:                                  # a build does not apply it ...
        ids.run(ed)
    assert "pin @30 of ch02#p1 is applied by `ids --update`" in "\n".join(err.value.messages)
    ids.update(ed)                                                          # ... the update does
    assert pids(ed)["ch02"][0] == "p1"
    assert "\t@30\t" not in ledger_text(tmp_path)


def test_ledger_errors_name_their_line(tmp_path):
    ids.update(make_edition(tmp_path))
    path = tmp_path / "texts" / "demo" / "passages.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[7] = lines[7].replace("\tlive\t", "\tgone\t")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BuildError) as err:
        ids.run(make_edition(tmp_path))
    assert err.value.messages == ["texts/demo/passages.tsv:8: bad status 'gone' (one of live, alias, retired)"]


def test_new_ids_fall_between_their_neighbours():
    assert next_body_id("p14", "p15", {"p14", "p15"}) == "p14a"
    assert next_body_id("p14a", "p15", {"p14", "p14a", "p15"}) == "p14b"
    assert next_body_id("p14", "p15", {"p14", "p14a", "p15"}) == "p14b"     # p14a was retired: never reused
    assert next_body_id(None, "p1", {"p1"}) == "p0a"


# ---------------------------------------------------------------- the real corpus (CI)
def _pipeline_complete() -> bool:
    from edition.pipeline import STAGES
    return all(importlib.util.find_spec(f"edition.stages.{s}") for s in STAGES)


@pytest.mark.skipif(not _pipeline_complete(), reason="the pipeline is not complete yet")
def test_ledgers_agree_with_the_texts():
    """Every text has a committed ledger that agrees with it (run `build_edition.py ids --update`)."""
    from edition.build import load_edition
    edition = load_edition(ROOT, until="persons")
    problems = ids.check(edition)
    assert not problems, "\n".join(problems[:40]) + (f"\n... {len(problems)} in all" if len(problems) > 40 else "")
