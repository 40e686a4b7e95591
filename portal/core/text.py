"""Accent-insensitive text for search: 'Đăng ký thế chấp' -> 'dang ky the chap'."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip Vietnamese diacritics and map đ/Đ to d (NFD drops tone marks, not đ)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def search_terms(query: str | None, limit: int = 8) -> list[str]:
    """The folded words of a search query, at most `limit`, LIKE wildcards removed."""
    words = fold(query).replace("%", " ").replace("_", " ").split()
    return words[:limit]
