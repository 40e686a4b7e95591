"""Amounts in Vietnamese words, as a receipt writes them ("Một triệu năm trăm nghìn đồng").

The reading rules: groups of three digits named nghìn, triệu, tỷ (then nghìn tỷ…); inside a
group, a zero hundreds digit is read "không trăm" when a higher group came before, a zero
tens digit before a units digit is "lẻ" ("một trăm lẻ năm"), 1 after a tens digit ≥ 2 is
"mốt" ("hai mươi mốt"), 5 after a tens digit is "lăm" ("mười lăm"), ten is "mười" and tens
from twenty are "mươi"."""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _group(n: int, full: bool) -> list[str]:
    """Words of 0 < n < 1000; ``full``: a higher group came before (read every place)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[units])
    return words


def _scale(index: int) -> list[str]:
    """The name of the group ``index`` (0: units, 1: nghìn, 2: triệu, 3: tỷ, 4: nghìn tỷ…)."""
    names = {0: [], 1: ["nghìn"], 2: ["triệu"]}[index % 3]
    return names + ["tỷ"] * (index // 3) if index % 3 == 0 else names


def _words(n: int) -> list[str]:
    if n == 0:
        return ["không"]
    groups: list[int] = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if value:
            words += _group(value, full=bool(words)) + (
                _scale(index) if index % 3 else ["tỷ"] * (index // 3))
        elif index % 3 == 0 and index and any(groups[index + 1:index + 3]):
            words += ["tỷ"] * (index // 3)  # "một nghìn tỷ": the tỷ of an empty group
    return words


def amount_in_words(amount: int) -> str:
    """``1500000`` → "Một triệu năm trăm nghìn đồng"."""
    if amount < 0:
        raise ValueError("amounts are never negative")
    text = " ".join(_words(amount)) + " đồng"
    return text[0].upper() + text[1:]
