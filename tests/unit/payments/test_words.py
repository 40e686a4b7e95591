"""Amounts in Vietnamese words, as the receipt prints them."""

import pytest

from portal.payments.words import amount_in_words


@pytest.mark.parametrize(("amount", "words"), [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi tư đồng"),
    (105, "Một trăm lẻ năm đồng"),
    (110, "Một trăm mười đồng"),
    (1005, "Một nghìn không trăm lẻ năm đồng"),
    (80_000, "Tám mươi nghìn đồng"),
    (1_005_000, "Một triệu không trăm lẻ năm nghìn đồng"),
    (1_500_000, "Một triệu năm trăm nghìn đồng"),
    (2_050_300, "Hai triệu không trăm năm mươi nghìn ba trăm đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)
