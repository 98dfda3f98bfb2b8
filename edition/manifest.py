"""The manifest of one text (``texts/<slug>/edition.yml``): schema and loader.

Everything the edition knows about one source lives here: its bibliography,
the rules that clean and structure it, and the emendations applied to it.
The schema is declared once, below; ``python build_edition.py check --schema``
prints it as documentation.
"""
from __future__ import annotations

from .schema import Field, List, Map, is_regex, validate_text

PERSON = Map({
    "family": Field(str, "Family name", required=True),
    "given": Field(str, "Given names or initials"),
}, "A person's name")

ORIGINAL = Map({
    "title": Field(str, "Original-language title", required=True),
    "container_title": Field(str, "Original journal or book"),
    "issue": Field(str, "Original issue(s)"),
    "year": Field(int, "Year of the original publication"),
    "language": Field(str, "Language of the original (BCP 47, e.g. ru)"),
}, "For translations: the original publication")

BIBLIOGRAPHY = Map({
    "type": Field(str, "Kind of item (CSL type)", required=True,
                  choices=("book", "article-journal", "report", "chapter")),
    "authors": List(PERSON, "Authors in printed order", required=True),
    "editors": List(PERSON, "Editors"),
    "translators": List(PERSON, "Translators"),
    "title": Field(str, "Title as printed", required=True),
    "subtitle": Field(str, "Subtitle"),
    "sentence_case": Field(str, "Title (with subtitle) in sentence case, capitals only where the first word or "
                           "a proper noun needs them: APA prints titles so, and BibTeX protects those capitals "
                           "(without it, APA prints the title as given and BibTeX protects no capital)"),
    "container_title": Field(str, "Journal (for articles)"),
    "volume": Field(str, "Volume"),
    "issue": Field(str, "Issue"),
    "collection_title": Field(str, "Series the book or report belongs to"),
    "publisher": Field(str, "Publisher or issuing agency"),
    "publisher_place": Field(str, "Place of publication"),
    "institution": Field(str, "Issuing institution (reports)"),
    "year": Field(int, "Year of publication (leave out when the witness does not say: citations give n.d.)"),
    "issued": Field(str, "Full date of issue, YYYY-MM-DD, where known"),
    "genre": Field(str, "What kind of item this is, as citations print it (CSL genre): e.g. for a printing whose "
                   "venue is unknown, what it is a witness of"),
    "isbn": Field(str, "ISBN"),
    "issn": Field(str, "ISSN of the journal (articles)"),
    "report_number": Field(str, "Report number (reports)"),
    "url": Field(str, "Where the printed or online original can be found"),
    "original": ORIGINAL,
    "language": Field(str, "Language of this witness (BCP 47)", required=True),
    "rights": Field(str, "Rights statement", required=True),
}, "Bibliographic description, complete enough for a citation", required=True)

SOURCE = Map({
    "file": Field(str, "The verbatim witness, relative to the manifest", default="source.txt"),
    "seed": Field(str, "File name of the seed in ../shared/seeds it was copied from", required=True),
    "sha256": Field(str, "sha256 of the witness; checked on every build", required=True),
}, "The witness", required=True)

EMENDATION = Map({
    "line": Field(int, "Line of the witness the correction applies to", required=True),
    "original": Field(str, "Text as it stands in the witness (must occur on that line)", required=True),
    "replacement": Field(str, "Corrected text", required=True),
    "why": Field(str, "Reason, shown in the report", required=True),
}, "A correction the rules cannot make")

RESTORATION = Map({
    "lines": List(Field(int, "line"), "[first, last] witness lines that the OCR garbled beyond line-by-line repair",
                  required=True),
    "text": Field(str, "The passage as restored from those lines (e.g. a table as | cells |), newlines kept",
                  required=True),
    "why": Field(str, "What was garbled and how the restored text was read off the witness", required=True),
    "first": Field(str, "Text the first line must start with (guards the line numbers)", required=True),
}, "A passage rebuilt from a garbled range (a table the OCR printed one cell per line)")

REPLACEMENT = Map({
    "pattern": Field(str, "Regular expression (Python re) matched within lines", required=True, check=is_regex),
    "replacement": Field(str, "Replacement (\\1 for groups)", required=True),
    "why": Field(str, "Reason, shown in the report", required=True),
    "min": Field(int, "The rule must change at least this many places (default 1)", default=1),
}, "A systematic OCR repair made by rule, counted in the report")

FURNITURE = Map({
    "rule": Field(str, "Name of the rule (counted in the report)", required=True),
    "pattern": Field(str, "Regular expression matched against a whole line (stripped)", check=is_regex),
    "lines": List(Field(int, "line"), "A range [first, last] of witness lines to drop"),
    "why": Field(str, "Why this is not text", required=True),
    "min": Field(int, "The rule must drop at least this many lines (default 1)", default=1),
}, "Print furniture to remove: running heads, page numbers, notices")

UNIT = Map({
    "slug": Field(str, "Stable page slug (never from the title): intro, ch01, app2", required=True),
    "kind": Field(str, "What the unit is", required=True,
                  choices=("front", "part", "chapter", "back", "appendix")),
    "title": Field(str, "Title as printed (repaired)", required=True),
    "subtitle": Field(str, "Subtitle, e.g. the dates under a chapter head"),
    "label": Field(str, "Label before the title: Chapter 3, Part I, Essay 4"),
    "line": Field(int, "First witness line of the unit (its heading)", required=True),
    "match": Field(str, "Regular expression the line must match (guards the line number)",
                   required=True, check=is_regex),
    "heading_lines": Field(int, "How many lines from 'line' on are the printed heading (dropped as text)",
                           default=1),
    "drop": Field(bool, "Leave the unit out of the edition (reason in 'why')", default=False),
    "why": Field(str, "Why a unit is dropped or how its heading was restored"),
}, "A page of the edition")

HEADING = Map({
    "pattern": Field(str, "Regular expression for a heading line (whole block)", required=True, check=is_regex),
    "level": Field(int, "Heading level inside the page (2..4)", default=2),
    "case": Field(str, "Re-case the heading", default="keep", choices=("keep", "title")),
    "kind": Field(str, "Block kind produced", default="heading", choices=("heading", "document", "provenance")),
    "in_units": List(Field(str, "unit slug"), "Only in these units (default: all)"),
    "keep_upper": List(Field(str, "word"), "Words kept in capitals when re-casing (NKVD, VKP(b))"),
    "max_length": Field(int, "Only blocks up to this many characters", default=200),
    "why": Field(str, "What the rule recognises"),
}, "A rule for subheadings inside units")

STRUCTURE_ROLE = Map({
    "role": Field(str, "What the line is (shown as its class; the PDF writer styles it)", required=True,
                  choices=("dateline", "place", "addressee", "heading", "salutation", "salute", "office",
                           "signed", "source")),
    "pattern": Field(str, "Regular expression matched against the whole line (spaces collapsed)", required=True,
                     check=is_regex),
    "why": Field(str, "What the rule recognises"),
}, "A kind of line at the head (opener) or foot (closer) of a Document")

PARAGRAPH_CUT = Map({
    "line": Field(int, "The witness line (the first line of the paragraph in question)", required=True),
    "why": Field(str, "What the print shows there, read off the witness", required=True),
}, "An editor's decision on a paragraph boundary")

STRUCTURE = Map({
    "speakers": Map({
        "pattern": Field(str, "Regular expression for a speaker label at the start of a line; group 'label' "
                         "is the label as printed (e.g. Bukharin, A voice, MOLOTOV)", check=is_regex),
        "labels": List(Field(str, "label"), "Labels accepted as printed: no person's name (A voice, Voices, "
                       "Chairman) or a speaker the register does not hold"),
        "register": Field(bool, "Also accept a one-word label that names a person of texts/persons.yml",
                          default=False),
        "why": Field(str, "Where the transcripts are"),
    }, "Speaker turns of a transcript: each turn its own passage (kind 'turn'), the label styled"),
    "stage_directions": Field(str, "Regular expression for a stage direction inside a speech "
                              "('(Laughter.)'); set apart in the text with 'stage' tokens", check=is_regex),
    "epigraphs": Map({
        "attribution": Field(str, "Regular expression for the attribution at the end of an epigraph "
                             "(group 'attribution', with its dash): '.-N. I. Yezhov, 1935'", check=is_regex),
        "unit_kinds": List(Field(str, "unit kind"), "Kinds of unit that open with epigraphs (default: chapter)"),
        "max_blocks": Field(int, "At most this many opening paragraphs are epigraphs", default=4),
        "why": Field(str, "How the epigraphs are printed"),
    }, "Epigraphs at the head of a unit: its opening paragraphs up to the last that ends with an "
       "attribution (kind 'epigraph', the attribution marked)"),
    "documents": Map({
        "opener": List(STRUCTURE_ROLE, "Lines that open a Document (after its head, before its first "
                       "paragraph): dateline, place, addressee, heading, salutation; tried in order"),
        "closer": List(STRUCTURE_ROLE, "Lines that close a Document (at the end of a paragraph inside it): "
                       "closing formula (salute), office, signature (signed), date, source; tried in order"),
        "signature_roles": List(Field(str, "role"), "Closer roles of which one must be present for the lines "
                                "to be a closer (default: signed)"),
        "wrap_width": Field(int, "An opener line at least this long was wrapped by the print and may go on "
                            "in the next line", default=60),
    }, "The opener and closer of the Documents (after a heading rule of kind 'document')"),
}, "Inner structure of Documents and transcripts (edition.clean.structure)")

NOTES = Map({
    "style": Field(str, "How notes are printed", default="none",
                   choices=("none", "endnotes-section", "footnote-lists", "grouped-endnotes", "page-footnotes")),
    "marker_patterns": List(Field(str, "regex", check=is_regex),
                            "Regular expressions for in-text markers; the first group that matches is the "
                            "number (superscript digits allowed); the whole match is replaced by the marker"),
    "candidate_patterns": List(Field(str, "regex", check=is_regex),
                               "Like marker_patterns, for markers that could also be ordinary text (digits "
                               "glued after a period or quote): a match is a marker only where it fits the "
                               "note sequence, otherwise it stays text (footnote-lists)"),
    "list_heading": Field(str, "Regular expression for the heading of a footnote list (footnote-lists); the "
                          "list blocks after it are the notes, paragraphs after the list up to the next heading "
                          "continue its last note", default="Footnotes", check=is_regex),
    "entry_patterns": List(Field(str, "regex", check=is_regex),
                           "Regular expressions for the start of a note (a notes-section paragraph or a footnote "
                           "list item), matched at its start; group 1 is the number, the match is cut off. A "
                           "paragraph that does not start a note continues the note before it"),
    "section_unit": Field(str, "Slug of the unit holding the notes (removed once distributed)"),
    "groups": List(Map({
        "heading": Field(str, "Regular expression for the group heading in the notes section", required=True,
                         check=is_regex),
        "unit": Field(str, "Unit the group's notes belong to", required=True),
    }), "Endnote groups and the unit each belongs to"),
    "letter_notes": Map({
        "units": List(Field(str, "unit slug"), "Units whose tables carry lettered notes"),
        "marker": Field(str, "Regular expression for a letter marker in a table cell; first matching group "
                        "is the letter (superscript letters allowed)", default=r"\s*\^([a-z])\b|\s*([ᵃ-ᶻⁱⁿ])",
                        check=is_regex),
        "entry": Field(str, "Regular expression for the start of a letter note in the paragraphs right after "
                       "the table; first matching group is the letter", default=r"\^([a-z])|([ᵃ-ᶻⁱⁿ])",
                       check=is_regex),
    }, "Lettered notes under tables: markers in the cells, notes in the paragraphs after each table "
       "(keys na, nb ...; the letters must be unique in the unit: repair misprints by emendation)"),
    "footnote_units": List(Field(str, "unit slug"),
                           "Units whose pages carry footnotes cut into the running text (page-footnotes); "
                           "the numbering restarts in each"),
    "not_footnotes": List(Map({
        "line": Field(int, "Witness line that begins like a footnote but is not one", required=True),
        "last": Field(int, "Last line of a range of such lines (a numbered list), if more than one"),
        "why": Field(str, "What the line really is", required=True),
    }), "Lines the footnote finder must not take as a footnote start (page-footnotes)"),
    "note_continuations": List(Map({
        "line": Field(int, "First witness line of text that continues the footnote printed above it",
                      required=True),
        "last": Field(int, "Last line of that text, if more than one"),
        "why": Field(str, "Which note it ends and how the print shows it", required=True),
    }), "Lines the footnote finder left in the body although they end a footnote (after a blank line or a "
        "page break): given to the nearest footnote that begins before them (page-footnotes)"),
    "options": Map({}, "reserved"),
}, "Where the notes are and how markers look")

OCR_RULES = ("gloss-bracket", "spaced-letters", "broken-hyphen", "archival", "archival-part", "year", "issue",
             "digits", "day-month", "word", "real-word", "title", "case-split", "split", "punct-spacing", "reading",
             "dash", "unclear", "note-spacing")

OCR = Map({
    "enabled": Field(bool, "Correct OCR damage word by word (stage 'correct'); every change is logged in the "
                     "report and in texts/<slug>/corrections.tsv", default=False),
    "rules": List(Field(str, "rule", choices=OCR_RULES), "The repairs to make, in this order (default: all)"),
    "confusions": List(Map({
        "printed": Field(str, "What the OCR printed (rn, h, r, fi)", required=True),
        "reads": Field(str, "What it stands for (m, b, s, fr)", required=True),
    }), "The character-confusion model of this witness: candidate readings of a damaged word"),
    "digits": List(Map({
        "printed": Field(str, "A letter the OCR printed for a digit (o, l, I, z, g)", required=True),
        "reads": Field(str, "The digit", required=True),
    }), "Letters read for digits inside numbers (years, dates, folio and issue numbers)"),
    "keep": List(Field(str, "word"), "Words the rules must never change (a rare word that looks damaged)"),
    "real_word": List(Map({
        "printed": Field(str, "What the OCR printed (h)", required=True),
        "reads": Field(str, "What it stands for (b)", required=True),
        "min_gap": Field(float, "How much more common (wordfreq zipf) the reading must be than the printed "
                         "word (a/o turns 'papular' into 'popular', never 'tame' into 'tome')", default=0.0),
    }), "Confusions so frequent in this witness that a real word may be a misreading ('he' for 'be'); "
        "the rule 'real-word' tries them when both neighbouring words favour the other reading"),
    "veto": List(Map({
        "line": Field(int, "Witness line of the change (as in corrections.tsv)", required=True),
        "before": Field(str, "The text the rule would change (as in corrections.tsv)", required=True),
        "why": Field(str, "Why the change is wrong", required=True),
    }), "Single automatic changes an editor rejects; a veto that matches nothing is an error"),
}, "Word-level OCR correction (stage 'correct')")

PDF = Map({
    "notes": Field(str, "Where the PDF prints the notes: at the foot of the page where they are cited, or "
                   "at the end of each chapter (for long notes and lists)", default="footnotes",
                   choices=("footnotes", "endnotes")),
    "keywords": List(Field(str, "keyword"), "Keywords of the PDF's metadata (the authors' names are added)"),
}, "The PDF of this text (site/pdf/<slug>.pdf)")

MANIFEST = Map({
    "slug": Field(str, "Stable slug of the text; the folder name", required=True),
    "order": Field(int, "Position on the home page", required=True),
    "short_title": Field(str, "Short title (author, short title) for lists and the person index", required=True),
    "nav_title": Field(str, "Very short name for the top navigation tabs (e.g. Getty & Naumov); "
                       "default: short_title"),
    "summary": Field(str, "One line on what this text is (home page)", required=True),
    "about": Field(str, "A paragraph on the witness and how the edition treats it (landing page)"),
    "source": SOURCE,
    "bibliography": BIBLIOGRAPHY,
    "witness_of": Map({
        "text": Field(str, "Slug of the fuller text this one is a witness of", required=True),
        "note": Field(str, "What part of it, as shown to the reader", required=True),
        "first_line": Field(int, "Line of the fuller text's witness where the parallel begins"),
    }, "Set when this text is a second witness of (part of) another"),
    "markup": Field(str, "Inline markup in the source: none, or a Markdown-like subset (emphasis, links)",
                    default="none", choices=("none", "markdown")),
    "wrap": Field(str, "Lines are hard-wrapped (join them) or one paragraph per line",
                  default="none", choices=("hard", "none")),
    "hyphen_keep": List(Field(str, "word"), "Hyphenated compounds to keep even at a line end"),
    "hyphen_join": List(Field(str, "word"), "Words to join even where the hyphenated form looks genuine"),
    "emendations": List(EMENDATION, "Corrections applied to the witness, listed in the report"),
    "replacements": List(REPLACEMENT, "Systematic OCR repairs by rule (after the emendations), counted"),
    "restorations": List(RESTORATION, "Passages rebuilt from garbled line ranges; the witness lines are listed "
                         "in the report"),
    "furniture": List(FURNITURE, "Print furniture removed, counted per rule"),
    "units": List(UNIT, "The pages of the text, in order", required=True),
    "headings": List(HEADING, "Subheading rules"),
    "verse": List(Map({
        "lines": List(Field(int, "line"), "[first, last] witness lines of a verse or dialogue block",
                      required=True),
        "why": Field(str, "What it is"),
    }), "Blocks whose line breaks are kept"),
    "paragraph_breaks": List(PARAGRAPH_CUT, "Witness lines that begin a new paragraph although no blank line "
                             "precedes them (items, heads or paragraphs the OCR ran together)"),
    "paragraph_joins": List(PARAGRAPH_CUT, "Witness lines that begin a paragraph continuing the one before it "
                            "(cut by a former page break where the rejoin rules find no evidence); the one before "
                            "may also be a document's opening lines (its addressees)"),
    "structure": STRUCTURE,
    "notes": NOTES,
    "ocr": OCR,
    "index_note": Field(str, "Why the printed index is left out (shown on the landing page)"),
    "pdf": PDF,
})


def load_manifest(text: str, path: str):
    """Parse and validate one manifest; returns ``(data, errors)``."""
    data, errors = validate_text(text, MANIFEST, path)
    if data is not None and not errors:
        errors.extend(_cross_checks(data, path))
    return data, errors


def _cross_checks(data, path):
    from .schema import SchemaError
    errors = []
    seen: dict[str, int] = {}
    for unit in data["units"]:
        if unit["slug"] in seen:
            errors.append(SchemaError(path, unit.line, f"duplicate unit slug {unit['slug']!r} "
                                      f"(first at line {seen[unit['slug']]})"))
        seen.setdefault(unit["slug"], unit.line)
    lines = [u["line"] for u in data["units"]]
    for prev, (unit, line) in zip(lines, list(zip(data["units"], lines))[1:]):
        if line <= prev:
            errors.append(SchemaError(path, unit.line, f"unit {unit['slug']!r} starts at line {line}, "
                                      f"not after the previous unit (line {prev}); list units in order"))
    for rule in data["furniture"]:
        if bool(rule["pattern"]) == bool(rule["lines"]):
            errors.append(SchemaError(path, rule.line, f"furniture rule {rule['rule']!r}: give either "
                                      "'pattern' or 'lines', not both or neither"))
    return errors
