"""Addresses from the official list of administrative units (issue 15).

Since 1 July 2025 local government has two levels: 34 provinces and centrally-run cities,
and their communes, wards and special zones (*xã, phường, đặc khu*). The list comes from the
maintained package ``vietnam-provinces`` (the General Statistics Office's codes), never from
a hand-typed table; ``docs/delivery.md`` ("Addresses") says how to update it when units change.

An address the portal takes is a province code, a ward code and the street and house number.
Codes are stored as the official zero-padded strings ("51" for Quảng Ngãi, "21211" for Xã
Tịnh Khê); the names are read from the list when shown. Addresses stored before (free text,
with a district) stay as they were and are shown as stored.

The package's data is read-only and the same in every process, so the lists are built once
per process and kept (no state that matters: a restart rebuilds them identically).

Domain-free: no model and no HTTP here; ``dossier_delivery_address`` reads a dossier's
columns by name only."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vietnam_provinces import Province as _Province
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as _Ward
from vietnam_provinces import __version__ as DATA_VERSION

from portal.core.i18n import lazy_text as _l
from portal.core.refusal import Refusal
from portal.core.text import fold, search_terms, vietnamese_sort_key

__all__ = ["DATA_VERSION", "DEFAULT_PROVINCE", "AddressError", "Province", "Ward",
           "check", "dossier_delivery_address", "format_address", "province", "provinces",
           "search_wards", "ward", "wards_of"]

# The demo centre is Quảng Ngãi's (merged with Kon Tum in 2025, keeping the name).
DEFAULT_PROVINCE = "51"


class AddressError(Refusal):
    """A province or ward that is not on the list, or a ward of another province."""


@dataclass(frozen=True)
class Province:
    code: str  # "51"
    name: str  # as the list names it: "Quảng Ngãi", "Thành phố Hà Nội"
    full_name: str  # as an address writes it: "Tỉnh Quảng Ngãi", "Thành phố Hà Nội"


@dataclass(frozen=True)
class Ward:
    code: str  # "21211"
    name: str  # "Xã Tịnh Khê", "Phường Cẩm Thành", "Đặc khu Lý Sơn"
    province_code: str
    folded: str  # "xa tinh khe": what the type-ahead matches


def _province_code(code: object) -> str:
    return f"{int(code):02d}"  # type: ignore[call-overload]


def _ward_code(code: object) -> str:
    return f"{int(code):05d}"  # type: ignore[call-overload]


def _normal(code: object, width: int) -> str | None:
    """A code as typed or posted ("51", 51, "051") in its stored form, or None."""
    text = str(code or "").strip()
    if not text.isdigit() or len(text) > 6:
        return None
    return f"{int(text):0{width}d}"


def _full_name(p: _Province) -> str:
    # A centrally-run city's name already says "Thành phố"; a province's does not.
    if p.division_type is VietNamDivisionType.TINH:
        return f"Tỉnh {p.name}"
    return p.name


@cache
def _provinces() -> tuple[Province, ...]:
    found = (Province(_province_code(p.code), p.name, _full_name(p))
             for p in _Province.iter_all())
    return tuple(sorted(found, key=lambda p: vietnamese_sort_key(p.full_name.removeprefix(
        "Tỉnh ").removeprefix("Thành phố "))))


@cache
def _province_index() -> dict[str, Province]:
    return {p.code: p for p in _provinces()}


@cache
def _wards() -> dict[str, tuple[Ward, ...]]:
    by_province: dict[str, list[Ward]] = {code: [] for code in _province_index()}
    for w in _Ward.iter_all():
        entry = Ward(_ward_code(w.code), w.name, _province_code(w.province_code), fold(w.name))
        by_province.setdefault(entry.province_code, []).append(entry)
    return {code: tuple(sorted(found, key=lambda w: vietnamese_sort_key(w.name)))
            for code, found in by_province.items()}


@cache
def _ward_index() -> dict[str, Ward]:
    return {w.code: w for found in _wards().values() for w in found}


def provinces() -> tuple[Province, ...]:
    """The 34 provinces and centrally-run cities, in Vietnamese alphabetical order."""
    return _provinces()


def province(code: object) -> Province | None:
    normal = _normal(code, 2)
    return _province_index().get(normal) if normal else None


def ward(code: object) -> Ward | None:
    normal = _normal(code, 5)
    return _ward_index().get(normal) if normal else None


def wards_of(province_code: object) -> tuple[Ward, ...]:
    """The communes, wards and special zones of a province (none for an unknown code)."""
    normal = _normal(province_code, 2)
    return _wards().get(normal, ()) if normal else ()


def search_wards(province_code: object, query: str | None) -> tuple[Ward, ...]:
    """The province's wards whose name holds every word of ``query``, accents and case
    ignored ("tran phu" finds "Phường Trần Phú"); all of them for an empty query."""
    found = wards_of(province_code)
    words = search_terms(query)
    if not words:
        return found
    return tuple(w for w in found if all(word in w.folded for word in words))


def check(province_code: object, ward_code: object) -> tuple[Province, Ward]:
    """The province and ward of an address, or ``AddressError`` naming the field at fault
    (``province_code`` / ``ward_code``, the form pieces' names)."""
    found = province(province_code)
    if found is None:
        raise AddressError(_l("Vui lòng chọn tỉnh, thành phố trong danh sách."), "province_code")
    unit = ward(ward_code)
    if unit is None:
        raise AddressError(_l("Vui lòng chọn phường, xã trong danh sách."), "ward_code")
    if unit.province_code != found.code:
        raise AddressError(_l("%(ward)s không thuộc %(province)s. Vui lòng chọn lại phường, xã.",
                              ward=unit.name, province=found.full_name), "ward_code")
    return found, unit


def format_address(street: str | None, ward_code: object, province_code: object) -> str:
    """One line, as an envelope or a form writes it: "12 Lê Lợi, Phường Cẩm Thành, Tỉnh
    Quảng Ngãi". Unknown codes are left out rather than guessed."""
    found, unit = province(province_code), ward(ward_code)
    parts = [(street or "").strip(), unit.name if unit else "",
             found.full_name if found else ""]
    return ", ".join(part for part in parts if part)


def dossier_delivery_address(dossier) -> str | None:
    """The dossier's postal return address as one line — from the official list when the
    address was chosen from it, else the text stored before (with its district) — or None
    when the result is not returned by post or no address is stored. For labels and pages."""
    method = getattr(dossier.return_method, "value", dossier.return_method)
    if method != "postal":
        return None
    if getattr(dossier, "postal_ward_code", None):
        # The list's names; a unit the list no longer has keeps the name stored with it.
        unit, found = ward(dossier.postal_ward_code), province(dossier.postal_province_code)
        parts = (dossier.postal_street, unit.name if unit else dossier.postal_ward,
                 found.full_name if found else dossier.postal_province)
    else:
        parts = (dossier.postal_street, dossier.postal_ward, dossier.postal_district,
                 dossier.postal_province)
    return ", ".join(part.strip() for part in parts if part and part.strip()) or None
