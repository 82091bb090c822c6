"""The networks chapter's tables: rows built from the studies' records and written by
sparsebook.tables (hand-made records first, then the committed studies)."""

import pytest

from sparsebook.findings import coding
from sparsebook.sweep import load_study
from sparsebook.tables import format_value, table


def cells(rows, columns):
    """Every cell as the page writes it, one dict per row, keyed by the column's shown name."""
    return [{name: format_value(row[key], kind) for key, (name, kind) in columns.items()}
            for row in rows]


def scores(**changes):
    record = {"objective": 22.3347, "reconstruction": 11.0872, "penalty": 11.2476, "l0": 43.2495,
              "gap_pct": 15.5293, "fista_iterations_worth": 36}
    return {**record, **changes}


def test_encoder_rows_name_the_encoders_in_the_order_given():
    rows = coding.encoder_score_rows({"untrained": scores(), "trained": scores(), "fista": scores()})
    assert [row["encoder"] for row in rows] == ["one ISTA step", "trained layer", "FISTA"]
    assert set(rows[0]) == set(coding.ENCODER_SCORE_COLUMNS)


def test_encoder_cells_read_as_numbers_a_reader_reads():
    shown = cells(coding.encoder_score_rows({"trained": scores()}), coding.ENCODER_SCORE_COLUMNS)
    assert shown == [{"encoder": "trained layer", "objective": "22.3", "error": "11.1", "λ‖h‖₁": "11.2",
                      "active": "43.2", "gap": "15.5 %", "FISTA its.": "36"}]


def test_encoder_cells_show_a_dash_where_a_value_is_missing():
    record = scores(fista_iterations_worth=None, gap_pct=None)
    del record["l0"]  # an older record without the code's size
    (shown,) = cells(coding.encoder_score_rows({"untrained": record}), coding.ENCODER_SCORE_COLUMNS)
    assert shown["FISTA its."] == shown["gap"] == shown["active"] == "–"


def test_encoder_rows_refuse_an_unknown_encoder():
    with pytest.raises(ValueError, match="unknown encoders \\['lista'\\]"):
        coding.encoder_score_rows({"lista": scores()})


def lista_record(depths=(1, 2)):
    return {"rows": [{"depth": d, "parameters": 10 * d, "lista": 28.62 / d, "ista": 51.53, "fista": 51.53,
                      "gap_pct": {"lista": 48.24 / d, "ista": 166.89, "fista": 1234.56},
                      "lista_fista_iterations_worth": 14 * d} for d in depths]}


def test_lista_rows_flatten_the_gaps_into_columns_of_both_tables():
    rows = coding.lista_depth_rows(lista_record())
    assert [row["depth"] for row in rows] == [1, 2]
    assert rows[1]["gap_lista"] == pytest.approx(24.12) and rows[1]["worth"] == 28
    for columns in (coding.LISTA_OBJECTIVE_COLUMNS, coding.LISTA_GAP_COLUMNS):
        assert set(columns) <= set(rows[0])


def test_lista_cells_write_gaps_with_one_decimal_and_thousands_separators():
    (first, _) = cells(coding.lista_depth_rows(lista_record()), coding.LISTA_GAP_COLUMNS)
    assert first == {"T": "1", "LISTA": "48.2 %", "ISTA": "166.9 %", "FISTA": "1,234.6 %",
                     "LISTA worth (FISTA its.)": "14"}
    (objectives, _) = cells(coding.lista_depth_rows(lista_record()), coding.LISTA_OBJECTIVE_COLUMNS)
    assert objectives == {"T": "1", "LISTA weights": "10", "LISTA": "28.6", "ISTA": "51.5", "FISTA": "51.5"}


def test_lista_gap_cell_shows_a_dash_where_a_gap_is_missing():
    record = lista_record((1,))
    record["rows"][0]["gap_pct"]["ista"] = None
    record["rows"][0]["lista_fista_iterations_worth"] = None
    (shown,) = cells(coding.lista_depth_rows(record), coding.LISTA_GAP_COLUMNS)
    assert shown["ISTA"] == shown["LISTA worth (FISTA its.)"] == "–"


@pytest.mark.parametrize("lista", [{}, {"rows": []}])
def test_lista_rows_need_the_studys_rows(lista):
    with pytest.raises(ValueError, match="non-empty 'rows'"):
        coding.lista_depth_rows(lista)


def test_the_committed_studies_make_tables_of_the_page_width():
    encoder, _ = load_study("coding_encoder")
    lista, _ = load_study("coding_lista")
    shown = cells(coding.encoder_score_rows(encoder["encoders"]), coding.ENCODER_SCORE_COLUMNS)
    assert [row["encoder"] for row in shown] == ["one ISTA step", "trained layer", "FISTA"]
    assert shown[2]["gap"] == "0.0 %"
    rows = coding.lista_depth_rows(lista)
    assert [row["depth"] for row in rows] == lista["depths"]
    for columns in (coding.ENCODER_SCORE_COLUMNS, coding.LISTA_OBJECTIVE_COLUMNS,
                    coding.LISTA_GAP_COLUMNS):
        assert len(columns) <= 7  # wider tables are split (the column is 688 px)
    html = table(rows, coding.LISTA_GAP_COLUMNS).to_html()
    assert "gap_lista" not in html and "LISTA worth (FISTA its.)" in html
