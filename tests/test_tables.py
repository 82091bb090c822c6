import pandas as pd
import pytest

from sparsebook.tables import MISSING, format_number, format_value, table


def test_format_number_keeps_three_significant_digits_with_thousands_separators():
    assert [format_number(v) for v in (4866.5207, 123456.7, 12.345, 1.0, 0.5, 0.012345, 0.0)] == \
        ["4,867", "123,457", "12.3", "1.00", "0.500", "0.0123", "0"]
    assert format_number(1.234e-5) == "1.23e-5"  # tiny values in the book's e-notation
    assert format_number(-4866.5) == "-4,866"  # round half to even, as Python rounds
    assert format_number(0.98765, digits=2) == "0.99"


def test_format_value_writes_each_kind():
    assert format_value(0.0027, "lam") == "2.7e-3" and format_value(0.25, "lam") == "0.25"
    assert format_value(0.97881, "accuracy") == "97.88 %"
    assert format_value(0.125, "percent") == "12.5 %"
    assert format_value(0.000123, "sci") == "1.2e-4" and format_value(0, "sci") == "0"
    assert format_value(4866.5, "seconds") == "4,866 s"
    assert format_value(20000, "int") == "20,000"
    assert format_value("FISTA", "text") == "FISTA"
    assert format_value(None) == MISSING and format_value(float("nan"), "accuracy") == MISSING
    assert format_value(3, lambda v: f"<{v}>") == "<3>"


def test_table_names_columns_for_a_reader_and_drops_the_index():
    rows = [{"method": "fista_float32", "lam": 0.0027, "test_accuracy": 0.97881, "seconds": 4866.5207},
            {"method": "lars", "lam": 1e-5, "test_accuracy": None, "seconds": 12.0}]
    styler = table(rows, {"method": ("method", "text"), "lam": ("λ", "lam"),
                          "test_accuracy": ("test accuracy", "accuracy"), "seconds": ("time", "seconds")},
                   caption="Full size")
    shown = styler.data
    assert list(shown.columns) == ["method", "λ", "test accuracy", "time"]
    assert shown.to_dict("records") == [
        {"method": "fista_float32", "λ": "2.7e-3", "test accuracy": "97.88 %", "time": "4,867 s"},
        {"method": "lars", "λ": "1e-5", "test accuracy": MISSING, "time": "12.0 s"}]
    html = styler.to_html()
    assert "white-space: nowrap" in html and "<caption>Full size</caption>" in html
    assert "row_heading" not in html  # no index column, no index-name row
    assert table(pd.DataFrame(rows), {"lam": ("λ", "lam")}).data["λ"].tolist() == ["2.7e-3", "1e-5"]


def test_table_refuses_bad_input():
    with pytest.raises(ValueError, match="lack the columns"):
        table([{"a": 1}], {"b": ("B", "number")})
    with pytest.raises(ValueError, match="kind must be one of"):
        table([{"a": 1}], {"a": ("A", "percentage")})
    with pytest.raises(TypeError, match=r"\(name shown, kind\) pair"):
        table([{"a": 1}], {"a": "A"})
    with pytest.raises(TypeError, match="list of dicts"):
        table("rows", {"a": ("A", "number")})
    with pytest.raises(ValueError, match="at least one key"):
        table([{"a": 1}], {})
    with pytest.raises(TypeError, match="needs a number"):
        format_value("x", "accuracy")
