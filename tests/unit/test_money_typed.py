"""Money a person types in yuan, as every form reads it (forms.fen_typed)."""

from __future__ import annotations

import pytest

from happiness_fair.forms import fen_typed

READ = [
    ("20", 2000),
    ("12.5", 1250),
    ("12.50", 1250),
    ("¥8", 800),
    ("￥8", 800),  # the yen sign a Chinese keyboard types
    ("１２．５０", 1250),  # full-width digits and point
    (" 3 ", 300),
    ("999999.99", 99_999_999),
    ("0000000000000012.50", 1250),  # leading zeros are no more money
]
REFUSED = [
    "1e3", "-1", "0.001", "NaN", "inf", "1,000", "12.", ".5", "12元", "1_000", "十块",
    "١٢",  # Arabic-Indic digits
    "10²", "²", "①②", "㊿", "⑴",  # characters NFKC would make digits of
]  # fmt: skip


@pytest.mark.parametrize(("typed", "fen"), READ)
def test_an_amount_in_yuan_is_read_as_fen(app, typed, fen):
    with app.test_request_context(method="POST", data={"fee_yuan": typed}):
        errors: dict = {}
        assert fen_typed("fee_yuan", errors) == fen
        assert errors == {}


@pytest.mark.parametrize("typed", REFUSED)
def test_anything_else_gets_a_message_on_the_field_it_was_typed_in(app, typed):
    with app.test_request_context(method="POST", data={"fee_yuan": typed}):
        errors: dict = {}
        assert fen_typed("fee_yuan", errors) is None
        assert list(errors) == ["fee_yuan"] and errors["fee_yuan"]


def test_an_empty_amount_is_asked_for_only_where_one_is_needed(app):
    with app.test_request_context(method="POST", data={"fee_yuan": " "}):
        optional: dict = {}
        assert fen_typed("fee_yuan", optional) is None and optional == {}
        needed: dict = {}
        assert fen_typed("fee_yuan", needed, required=True) is None and "fee_yuan" in needed


def test_too_much_is_refused_with_the_limit_in_yuan(app):
    for typed in ("1000000", "1000000.00", "999999999999", "9" * 300, "1" * 5000 + ".50"):
        with app.test_request_context(method="POST", data={"fee_yuan": typed}):
            errors: dict = {}
            assert fen_typed("fee_yuan", errors) is None
            assert errors == {"fee_yuan": ["金额最多 ¥999,999.99。"]}
