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
