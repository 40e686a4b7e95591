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
