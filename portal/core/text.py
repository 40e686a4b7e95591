"""Accent-insensitive text for search ('Đăng ký thế chấp' -> 'dang ky the chap') and for
ASCII-only places such as a download's fallback file name."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def strip_accents(text: str) -> str:
    """'Kết quả Đất' -> 'Ket qua Dat': diacritics dropped, đ/Đ mapped to d/D (NFD drops tone
    marks, not đ), case kept."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics and map đ/Đ to d."""
    if not text:
        return ""
    return _SPACES.sub(" ", strip_accents(text).casefold()).strip()


def search_terms(query: str | None, limit: int = 8) -> list[str]:
    """The folded words of a search query, at most `limit`, LIKE wildcards removed."""
    words = fold(query).replace("%", " ").replace("_", " ").split()
    return words[:limit]


# Vietnamese collation (the order of Hoàng Phê's Từ điển tiếng Việt and of CLDR's "vi"
# collation): ă, â after a; đ after d; ê after e; ô, ơ after o; ư after u — letters of their
# own, so "Đăng ký" sorts after "Dịch vụ" and before "Em", never after "T" as a code-point sort
# puts it. Tone marks only break ties between otherwise equal words (ngang, huyền, hỏi, ngã,
# sắc, nặng), and case last.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = ("", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323")


def _collation_tables() -> tuple[dict[int, str], dict[int, str]]:
    primary: dict[int, str] = {}
    secondary: dict[int, str] = {}
    for rank, letter in enumerate(_ALPHABET):
        for tone_rank, tone in enumerate(_TONES):
            composed = unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter) + tone)
            if len(composed) != 1:
                continue  # a consonant takes no tone mark
            # Letters after every digit and punctuation mark, in the Vietnamese order.
            primary[ord(composed)] = chr(0x100 + rank)
            if tone_rank:  # an unmarked letter keeps itself: below every marked one
                secondary[ord(composed)] = chr(0xF0000 + tone_rank)
    return primary, secondary


_PRIMARY, _SECONDARY = _collation_tables()


def vietnamese_sort_key(text: str) -> tuple[str, str, str]:
    """A key that sorts Vietnamese text as a Vietnamese dictionary does (see above); the same
    on SQLite and PostgreSQL because it never depends on the database's collation."""
    lower = unicodedata.normalize("NFC", _SPACES.sub(" ", text).strip().lower())
    return lower.translate(_PRIMARY), lower.translate(_SECONDARY), text
