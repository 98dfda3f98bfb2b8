"""Getty & Naumov, The Road to Terror: the tables the OCR exploded, rebuilt through ``restorations``.

What a reader sees: every table of the book as a real table (rows and columns,
its head as the head) in the page where the book prints it, its title line
before it and its source line after it, the cells read off the witness (a
cell that cannot be read with certainty keeps its OCR reading with ``[?]``),
and the paragraph a table interrupted at a page break joined again before it.

    witness:  "Arrests" / "Year -" / "1921" ... "1938" / "Total" / "200,271" / "\"9,329" ...
    edition:  Table 5. Secret Police ...  +  | Year | Total | ... |  /  | 1922 | 119,329 | ... |
"""
from __future__ import annotations

from pathlib import Path

import pytest

from edition.build import load_edition
from edition.model import plain

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def getty():
    return load_edition(ROOT, only=["getty"], until="rejoin").texts[0]


def tables(text, slug):
    unit = next(u for u in text.units if u.slug == slug)
    return [b for b in unit.blocks if b.kind == "table"], unit.blocks


def body(table):
    return {row[0]: row[1:] for row in table.rows[table.header_rows:]}


def around(blocks, table):
    """The plain text of the blocks just before and just after a table."""
    i = blocks.index(table)
    return plain(blocks[i - 1].text), plain(blocks[i + 1].text)


def shape(table):
    return len(table.rows), {len(r) for r in table.rows}


def test_territorial_units_table(getty):
    (table,), _ = tables(getty, "transliteration")
    assert shape(table) == (13, {4})
    assert table.rows[0] == ["Russian territory", "English usage", "Political organization", "Acronym"]
    assert table.rows[1] == ["oblast'", "region", "regional (party) committee", "obkom"]
    assert table.rows[6][2:] == ["territorial (state) executive committee", "kraiispolkom"]
    assert table.rows[-1] == ["", "", "city (state) executive committee", "gorispolkom"]     # 'norispolkom'


def test_table_1_party_expulsions_and_police_arrests(getty):
    found, blocks = tables(getty, "ch05")
    table = found[0]
    assert shape(table) == (4, {5})
    assert table.rows[0][0] == "Party organization"
    assert table.rows[0][1] == "A: NKVD files sent to party"
    assert body(table)["Western"] == ["3,233", "1,337 (30%)", "312 (23%)", "10%"]         # '3 1 2'
    assert body(table)["Ivanovo"][0] == "3,580"
    before, after = around(blocks, table)
    assert before == "Table 1. Party Expulsions and Police Arrests, 1935"
    assert after.startswith("Sources: RTsKhIDNI, f. 17, op. 120, d. 184")


def test_table_2_reasons_for_expulsion_columns_sum_to_100(getty):
    found, blocks = tables(getty, "ch05")
    table = found[1]
    assert shape(table) == (9, {3})
    assert table.rows[0] == ["", "Yezhov 1935 report", "Malenkov 1937 memo*"]
    rows = body(table)
    assert rows["Former Whites, kulaks, etc."] == ["19.1", "27.5"]
    assert rows["Moral corruption"] == ["", "20.6"]
    for col in (0, 1):
        assert round(sum(float(r[col]) for r in rows.values() if r[col]), 1) == 100.0
    before, after = around(blocks, table)
    assert before.startswith("Table 2. Reasons for Expulsion, 1935–36")
    assert after.startswith("Sources: RTsKhIDNI")
    assert plain(blocks[blocks.index(table) + 2].text).startswith("*Includes persons expelled in 1936")


def test_table_3_follows_the_paragraph_it_interrupted(getty):
    (table,), blocks = tables(getty, "ch07")
    assert shape(table) == (4, {5})
    assert table.rows[0][0] == "Time period"
    assert table.rows[0][4] == "Trotskyists/Zinovievists as % of expelled"
    assert body(table)["From 1936 obmen to Feb. 1937"] == ["13,752", "0.6", "6,658", "48.4"]
    i = blocks.index(table)
    assert plain(blocks[i - 1].text) == 'Table 3. Expulsion of "Oppositionists," 1935–36'
    paragraph = plain(blocks[i - 2].text)
    assert "Zinoviev, Kamenev, and Trotsky to be guilty" in paragraph
    assert paragraph.endswith("to criticize the NKVD chief to Stalin.")


def test_table_4_totals_confirm_the_repaired_cells(getty):
    (table,), blocks = tables(getty, "ch09")
    assert shape(table) == (7, {3})
    assert table.rows[0] == ["", "Checked by CC", "Expelled (%)"]
    rows = body(table)
    assert rows["Gorkom dept. heads"] == ["2,031", "111 (5.5%)"]            # 'III'
    assert rows["Cell secretaries"] == ["94,145", "3,212 (3.4%)"]           # "3.2'2"
    number = lambda s: int(s.split()[0].replace(",", ""))
    *parts, total = list(rows.values())
    assert sum(number(r[0]) for r in parts) == number(total[0]) == 103469
    assert sum(number(r[1]) for r in parts) == number(total[1]) == 3605
    i = blocks.index(table)
    assert plain(blocks[i - 1].text).startswith("Table 4. Verification and Expulsion of Party Cadres")
    assert "first secretary of Kuibyshev oblast" in plain(blocks[i - 2].text)


def test_document_170_table_of_limits(getty):
    (table,), blocks = tables(getty, "ch11")
    assert shape(table) == (49, {4})
    assert table.rows[0] == ["", "First Category", "Second Category", "Total"]
    rows = body(table)
    assert rows["Belorussian SSR"] == ["2,000", "10,000", "12,000"]
    for first, second, total in list(rows.values())[:7]:
        assert int(first.replace(",", "")) + int(second.replace(",", "")) == int(total.replace(",", ""))
    assert rows["Yaroslavl region"] == ["", "", ""]                           # figures lost in the source
    assert "lost in the source" in around(blocks, table)[1]


def test_document_182_table_of_limits_across_two_pages(getty):
    (table,), blocks = tables(getty, "ch12")
    assert shape(table) == (23, {3})
    assert table.rows[0] == ["", "First Category", "Second Category"]
    rows = body(table)
    assert rows["Armenian SSR"] == ["", "1,000"]
    assert rows["Sverdlovsk region"] == ["", "[blank]"]
    second = [r[1] for r in rows.values()]
    assert sum(int(c.replace(",", "")) for c in second if c != "[blank]") == 9200
    assert around(blocks, table)[1] == "[The figures of the first category are lost in the source.]"


def test_appendix_table_5_arrests_and_sentences(getty):
    (arrests, sentences), blocks = tables(getty, "app1")
    assert shape(arrests) == (20, {4}) and arrests.header_rows == 2
    assert arrests.rows[1] == ["Year", "Total", 'For "counter-revolutionary" crimes', 'For "anti-Soviet agitation"']
    rows = body(arrests)
    assert list(rows) == [str(y) for y in range(1921, 1939)]
    assert rows["1937"][:2] == ["936,750", "779,056"]
    assert rows["1922"][0] == "119,329"                                      # '"9,329'
    assert rows["1933"][0] == "505,256"                                      # '505.256'
    assert rows["1938"][0] == "638,509"                                      # '638,507'; the text's 1,575,259
    assert rows["1930"][0] == "33'7544 [?]"
    assert rows["1935"][2] == "43,686" and rows["1934"][2] == "16,788"
    assert sum(int(rows[y][0].replace(",", "")) for y in ("1937", "1938")) == 1575259
    assert shape(sentences) == (2, {5})
    assert sentences.rows[1] == ["1939", "+.552 [?]", "54,666", "3,783", "2,888"]
    i = blocks.index(arrests)
    assert plain(blocks[i - 1].text) == "Table 5. Secret Police (GPU, OGPU, NKVD) Arrests and Sentences, 1921–39"
    assert "which they have claimed would confirm their respective projections" in plain(blocks[i - 2].text)
    assert plain(blocks[blocks.index(sentences) + 1].text).startswith("Source: Gosudarstvennyi arkhiv")


def test_the_witness_lines_of_every_table_are_listed_in_the_report(getty):
    restored = {d.loc.line for d in getty.report.dropped if d.rule == "restored-from"}
    for first, last in [(246, 276), (9349, 9362), (9443, 9459), (12758, 12772), (16242, 16254),
                        (21358, 21426), (23395, 23419), (23428, 23461), (26476, 26596)]:
        assert {first, last} <= restored, (first, last)
    assert getty.report.counts["restoration"] == 14          # + the two halves of Document 45's book list
    assert not [v for v in getty.manifest["verse"] if v["lines"][0] in (246, 9349, 9443, 12758, 21358, 23395, 26476)]
