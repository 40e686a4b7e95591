"""The order of catalog search results: the procedure people mean first, then Vietnamese
dictionary order.

A procedure's amendments name the act on the same thing with more words in front of it
("Cấp Phiếu lý lịch tư pháp" — issue; "Cấp lại phiếu lý lịch tư pháp", "Gia hạn phiếu …",
"Đính chính phiếu …" — re-issue, renew, correct), and narrower cases add words after it
("… cấp tỉnh", "… đối với tổ chức"). So, among the names containing the query as a phrase:
names that start with it, then fewer words before it, then shorter names; names that hold the
words only apart (or only in the code, field or agency) come after. Ties: the agency's place in
the list, then the name in Vietnamese collation (``core.text.vietnamese_sort_key``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from portal.core.text import fold, vietnamese_sort_key

# Kinds of match, best first.
STARTS, CONTAINS, WORDS_APART = 0, 1, 2


@lru_cache(maxsize=16384)
def _name_keys(name: str) -> tuple[str, int, tuple[str, str, str]]:
    # A pure function of the name, memoised: a broad query ranks the whole catalog (~1,400
    # names) on every keystroke, and folding and collating each name again would cost more
    # than the query itself. Nothing here depends on the database or the request.
    folded = fold(name)
    return folded, folded.count(" ") + 1, vietnamese_sort_key(name)


def result_order(terms: list[str]) -> Callable[[tuple[str, int, int]], tuple]:
    """The sort key for the results of a search of ``terms`` (folded words; none: browsing,
    by agency then name), applied to ``(name, agency position, id)`` rows."""
    phrase = " ".join(terms)

    def key(row: tuple[str, int, int]) -> tuple:
        name, agency_position, tiebreak = row
        folded, words, collated = _name_keys(name)
        at = folded.find(phrase) if phrase else -1
        if at < 0:
            return (WORDS_APART if phrase else STARTS), 0, 0, agency_position, collated, tiebreak
        return ((STARTS if at == 0 else CONTAINS), folded.count(" ", 0, at), words,
                agency_position, collated, tiebreak)

    return key
