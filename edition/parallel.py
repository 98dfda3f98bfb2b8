"""The pipeline per text: cached, incremental, and over the cores.

Almost all pipeline work is per text.  Two things are not:

- the register of persons (``texts/persons.yml``): an input of every text,
  so it is part of every text's cache key (``edition.cache.Inputs.text_key``);
- the *corpus vocabulary* the ``paragraphs`` and ``rejoin`` stages consult to
  decide a line-end hyphen (``edition.clean.hyphenation``): the union of every
  text's own vocabulary.  An emendation in one text changes it a little.

So each text's result is stored with its own vocabularies and with every
corpus count it consulted (``CorpusView``).  A stored result is used when its
key matches *and* every count it consulted is still the same in today's
corpus; otherwise the text runs again.  The texts that run are run with the
other texts' vocabularies lent to them, stage group by stage group, one
process per text when there are several (``stage_groups``; the barrier between two
groups is where the corpus of the next group is known).  The result is the
same as one serial run over all texts, byte for byte (tested).

What a cached result holds is the ``Text`` and what the stages put on the
``Edition`` for it: its person ``mentions`` and the register (``persons``).
A new stage that leaves something else on the ``Edition`` for the writer must
add it to ``TextResult`` (and ``_results_of`` / ``_assemble``), or a build from
the cache would not have it.

    run_texts(root, only, progress, store, inputs)
    # nothing changed:   every text from build/cache, no stage runs
    # getty's manifest:  getty runs (emend ... ids); the four others come from build/cache
    # a clean cache:     5 texts over 2 processes; getty is the longest
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import importlib
import json
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from typing import Callable

from .cache import Inputs, Store, combine
from .clean.hyphenation import Vocabulary
from .memo import memo_place
from .model import Edition, Mention, Text
from .pipeline import STAGES, BuildError, run_pipeline

CORPUS_STAGES = ("paragraphs", "rejoin")        # the stages that consult every text's vocabulary


def stage_groups() -> list[tuple[str, str]]:
    """``STAGES`` after ``load``, cut before each corpus stage: ``[(first, last), ...]``.

    Made from ``edition.pipeline.STAGES`` each time, so a stage added there runs
    in its group without this module knowing it.  A stage that, like
    ``paragraphs``, reads *other* texts must be named in ``CORPUS_STAGES`` (and
    lend and record what it reads, see ``shared_vocabularies``), or the cached
    per-text results would miss that dependency.

    >>> stage_groups()[1][0]
    'paragraphs'
    """
    groups: list[list[str]] = [[]]
    for name in STAGES[1:]:
        if name in CORPUS_STAGES and groups[-1]:
            groups.append([])
        groups[-1].append(name)
    return [(group[0], group[-1]) for group in groups]
ROUNDS = 3                                       # reruns for corpus changes before one plain serial run


@dataclass
class TextResult:
    """One text after the whole pipeline, with what it needs from (and lends to) the corpus."""

    text: Text
    mentions: list[Mention] = field(default_factory=list)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)   # own, per corpus stage
    lookups: dict[str, dict[str, int]] = field(default_factory=dict)    # corpus counts consulted
    persons: object = None                                              # the register it was linked with


def workers() -> int:
    """Processes for the per-text work: the idle cores (``EDITION_JOBS`` overrides; 1 = in this process).

    On a machine already busy a pool is slower than one process (the texts
    travel between processes, and every worker warms its own caches), so the
    default counts only the cores the load average leaves free.
    """
    try:
        return max(1, int(os.environ.get("EDITION_JOBS", "")))
    except ValueError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except OSError:
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 1.5)))


def run_texts(root: str, only, progress: Callable[[str, float], None] | None, store: Store | None,
              inputs: Inputs | None, after_first_group: Callable[[Edition], None] | None = None,
              jobs: int | None = None, options: dict | None = None) -> Edition:
    """The edition after every stage; each text from the cache when it can be, else run.

    Bad input: the texts are run once more, serially, so that the ``BuildError``
    lists every problem of every stage that can run (``edition.pipeline``)."""
    try:
        return _run_texts(root, only, progress, store, inputs, after_first_group, jobs, options or {})
    except BuildError:
        plain = Edition(root=root, options={"only": only, **(options or {})})
        run_pipeline(plain)              # raises the full list
        raise


def _run_texts(root, only, progress, store, inputs, after_first_group, jobs, options) -> Edition:
    if store is not None and inputs is not None:       # the stages keep per-block memos beside the cache
        options = {**options, "memo": memo_place(str(store.directory), inputs.code)}
    loaded = _load(root, only, progress)
    loaded.options.update(options)
    order = [t.slug for t in loaded.texts]
    keys = {slug: inputs.text_key(slug) for slug in order} if inputs else {}
    results: dict[str, TextResult] = {}
    if store is not None:
        for slug in order:
            cached = store.load("pipeline", slug, keys[slug])
            if isinstance(cached, TextResult):
                results[slug] = cached
    pending = [t for t in loaded.texts if t.slug not in results]
    if pending and store is not None and inputs is not None:
        lexicon_from_cache(store, inputs)
    timings: dict[str, float] = {}
    ran: set[str] = set()
    for _ in range(ROUNDS):
        if pending:
            results.update(_run(root, loaded.options, pending, results, timings, after_first_group, jobs))
            ran.update(t.slug for t in pending)
            after_first_group = None
        stale = _inconsistent(results, order)
        if not stale:
            break
        pending = [t for t in _load(root, only, None).texts if t.slug in stale]
    else:               # the corpus kept moving: one plain run over all texts, the reference semantics
        plain = _load(root, only, None)
        plain.options.update(options)
        run_pipeline(plain, start=STAGES[1])
        ran = set(order)
        results = _results_of(plain)
    if progress:
        for name in STAGES[1:]:
            progress(name, timings.get(name, 0.0))
    if store is not None:
        for slug in order:
            if slug in ran:
                store.save("pipeline", slug, keys[slug], results[slug])
    edition = _assemble(loaded, order, results, store, inputs, root)
    edition.options["texts_run"] = [slug for slug in order if slug in ran]
    edition.options["text_keys"] = {slug: result_key(keys[slug], results[slug]) for slug in order} if keys else {}
    return edition


def result_key(key: str, result: TextResult) -> str:
    """What a text's result is a function of: its inputs (``key``) and the corpus counts it consulted
    (the same inputs give another result when another text changed a count it read)."""
    consulted = json.dumps(result.lookups, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{key}\0{consulted}".encode("utf-8")).hexdigest()


def _load(root: str, only, progress) -> Edition:
    edition = Edition(root=root, options={"only": only})
    return run_pipeline(edition, progress=progress, until="load")


def _inconsistent(results: dict[str, TextResult], order: list[str]) -> set[str]:
    """Texts whose consulted corpus counts differ from today's corpus (made from every text's vocabulary)."""
    stale: set[str] = set()
    for stage in CORPUS_STAGES:
        corpus = Vocabulary.union([results[s].vocabularies[stage] for s in order if stage in results[s].vocabularies])
        counts = corpus.counts
        for slug in order:
            consulted = results[slug].lookups.get(stage, {})
            if any(counts.get(word, 0) != n for word, n in consulted.items()):
                stale.add(slug)
    return stale


def _run(root: str, options: dict, texts: list[Text], known: dict[str, TextResult],
         timings: dict[str, float], after_first_group, jobs: int | None) -> dict[str, TextResult]:
    """Run ``texts`` through every stage after ``load``, with the ``known`` texts' vocabularies lent."""
    jobs = min(jobs or workers(), len(texts))
    context = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if jobs < 2 or context is None:
        return _run_here(root, options, texts, known, timings, after_first_group)
    preload(root)                # once here, inherited by every forked worker
    from .processes import die_with_parent
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                                                initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
        return _run_pooled(pool, root, options, texts, known, timings, after_first_group)


def preload(root: str) -> None:
    """Load the word lists, the segmentation dictionary and the OCR lexicon in this process."""
    from .clean.hyphenation import preload
    from .clean.ocr_words import preload as preload_segmenter
    from .stages.correct import edition_lexicon
    preload()
    preload_segmenter()
    edition_lexicon(root).prefixes()


def lexicon_from_cache(store: Store, inputs: Inputs) -> None:
    """The OCR lexicon (``correct.edition_lexicon``) from build/cache, keyed by the code and exactly
    what it is made from (``Inputs.lexicon``); made and saved when missing.  So a build that
    reruns one text, or ``serve``, does not assemble it again: the stage finds it made."""
    from .stages.correct import adopt_lexicon, edition_lexicon
    key = combine("lexicon", inputs.code, inputs.lexicon())
    cached = store.load("lexicon", "ocr", key)
    if cached is not None and getattr(cached, "_prefixes", None) is not None:
        adopt_lexicon(inputs.lexicon(), cached)
        return
    lexicon = edition_lexicon(inputs.root)
    lexicon.prefixes()
    store.save("lexicon", "ocr", key, lexicon)


def _run_here(root, options, texts, known, timings, after_first_group) -> dict[str, TextResult]:
    """All ``texts`` in this process, as one edition (stage by stage, like a plain run)."""
    outside = {stage: {slug: r.vocabularies[stage] for slug, r in known.items() if stage in r.vocabularies}
               for stage in CORPUS_STAGES}
    edition = Edition(root=root, texts=texts, options={**options, "outside_vocabularies": outside})
    for first, last in stage_groups():
        _timed_stages(edition, first, last, timings)
        if after_first_group is not None:
            after_first_group(_joined(root, known, edition.texts))
            after_first_group = None
    return _results_of(edition)


def _run_pooled(pool, root, options, texts, known, timings, after_first_group) -> dict[str, TextResult]:
    """One process per text, group by group; between groups the corpus vocabulary is gathered."""
    own = {stage: {slug: r.vocabularies[stage] for slug, r in known.items() if stage in r.vocabularies}
           for stage in CORPUS_STAGES}
    counted: dict[str, dict] = {stage: {} for stage in CORPUS_STAGES}     # counted in this run
    peaks = options.setdefault("worker_peak_mb", {})   # per text: the peak memory of its worker process
    current = {t.slug: t for t in texts}
    lookups: dict[str, dict] = {slug: {} for slug in current}
    mentions: dict[str, list] = {slug: [] for slug in current}
    persons = None
    groups = stage_groups()
    for index, (first, last) in enumerate(groups):
        next_stage = groups[index + 1][0] if index + 1 < len(groups) else None
        futures = []
        for slug, text in current.items():
            lent = {stage: {s: v for s, v in own[stage].items() if s != slug} for stage in CORPUS_STAGES}
            ready = {stage: {slug: counted[stage][slug]} for stage in CORPUS_STAGES if slug in counted[stage]}
            futures.append(pool.submit(_group_in_worker, root, {**options, "own_vocabularies": ready}, text,
                                       first, last, lent, next_stage))
        errors: list[str] = []
        hint = ""
        for future in futures:
            outcome = future.result()
            if "errors" in outcome:
                errors.extend(outcome["errors"])
                hint = hint or outcome["hint"]
                continue
            text = outcome["text"]
            current[text.slug] = text
            peaks[text.slug] = max(peaks.get(text.slug, 0.0), outcome["peak_mb"])
            for name, seconds in outcome["timings"].items():
                timings[name] = timings.get(name, 0.0) + seconds
            for stage, consulted in outcome["lookups"].items():
                lookups[text.slug][stage] = consulted
            if next_stage in CORPUS_STAGES:
                own[next_stage][text.slug] = counted[next_stage][text.slug] = outcome["next_vocabulary"]
            mentions[text.slug].extend(outcome["mentions"])
            persons = outcome["persons"] if outcome["persons"] is not None else persons
        if errors:
            raise BuildError(errors, hint=hint)
        if after_first_group is not None:
            after_first_group(_joined(root, known, list(current.values())))
            after_first_group = None
    return {slug: TextResult(text, mentions[slug], {stage: own[stage][slug] for stage in CORPUS_STAGES},
                             lookups[slug], persons)
            for slug, text in current.items()}


def _group_in_worker(root, options, text, first, last, lent, next_stage) -> dict:
    """In a worker process: one text through the stages ``first`` .. ``last``."""
    from .cache import write_now
    write_now()                                    # forked from serve: its memos are written before it ends
    edition = Edition(root=root, texts=[text], options={**options, "outside_vocabularies": lent})
    timings: dict[str, float] = {}
    try:
        _timed_stages(edition, first, last, timings)
    except BuildError as exc:
        return {"errors": exc.messages, "hint": exc.hint}
    next_vocabulary = None
    if next_stage in CORPUS_STAGES:
        lines_of = importlib.import_module(f"edition.stages.{next_stage}").vocabulary_lines
        next_vocabulary = Vocabulary.from_lines(lines_of(text))
    lookups = {stage: per_text.get(text.slug, {})
               for stage, per_text in edition.options.get("corpus_lookups", {}).items()}
    return {"text": text, "timings": timings, "lookups": lookups, "next_vocabulary": next_vocabulary,
            "mentions": edition.mentions, "persons": edition.persons, "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """This process' peak resident memory so far, in MB (Linux reports KB)."""
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed_stages(edition: Edition, first: str, last: str, timings: dict[str, float]) -> None:
    def record(name: str, seconds: float) -> None:
        timings[name] = timings.get(name, 0.0) + seconds
    run_pipeline(edition, progress=record, start=first, until=last)


def _joined(root: str, known: dict[str, TextResult], texts: list[Text]) -> Edition:
    """An edition of every text known so far (for work that needs only the units, e.g. citations)."""
    by_slug = {slug: r.text for slug, r in known.items()}
    by_slug.update({t.slug: t for t in texts})
    return Edition(root=root, texts=list(by_slug.values()))


def _results_of(edition: Edition) -> dict[str, TextResult]:
    vocabularies = edition.options.get("vocabularies", {})
    lookups = edition.options.get("corpus_lookups", {})
    out = {}
    for text in edition.texts:
        out[text.slug] = TextResult(
            text=text,
            mentions=[m for m in edition.mentions if m.text_slug == text.slug],
            vocabularies={stage: vocabularies[stage][text.slug] for stage in CORPUS_STAGES
                          if text.slug in vocabularies.get(stage, {})},
            lookups={stage: lookups.get(stage, {}).get(text.slug, {}) for stage in CORPUS_STAGES},
            persons=edition.persons)
    return out


def _assemble(loaded: Edition, order: list[str], results: dict[str, TextResult], store: Store | None,
              inputs: Inputs | None, root: str) -> Edition:
    edition = Edition(root=root, options=dict(loaded.options))
    edition.texts = [results[slug].text for slug in order]
    for slug in order:
        edition.mentions.extend(results[slug].mentions)
    edition.persons = _register(results, order, store, inputs, root)
    return edition


def _register(results, order, store, inputs, root):
    """The register the texts were linked with (from a text run now, else from the cache, else read)."""
    for slug in order:
        if results[slug].persons is not None:
            return results[slug].persons
    key = combine(inputs.code, inputs.shared) if inputs else ""
    cached = store.load("register", "persons", key) if store is not None else None
    if isinstance(cached, tuple):
        return cached[0]
    from .persons import load_register
    try:
        register = load_register(root)
    except FileNotFoundError:
        register = None
    if store is not None:
        store.save("register", "persons", key, (register,))
    return register
