"""The address floor (issue 15): the official list of the 2025 two-level structure, the
accent-insensitive ward search, the check that a ward belongs to its province, the one-line
address, and the dossier's postal address for labels (structured, else the old text)."""

from __future__ import annotations

from types import SimpleNamespace

import factories
import pytest

from portal import addresses
from portal.accounts import operations as account_ops
from portal.dossiers import operations as ops
from portal.dossiers.models import ReturnMethod

QUANG_NGAI, CAM_THANH, NGHIA_LO = "51", "21025", "21028"
HA_TINH, TRAN_PHU_HA_TINH = "42", "18100"


# --- the list -----------------------------------------------------------------------------

def test_34_provinces_of_the_two_level_structure():
    found = addresses.provinces()
    assert len(found) == 34 and len({p.code for p in found}) == 34
    names = [p.full_name for p in found]
    assert "Tỉnh Quảng Ngãi" in names and "Thành phố Hồ Chí Minh" in names
    assert "Tỉnh Kon Tum" not in names  # merged into Quảng Ngãi on 1 July 2025
    # Vietnamese order: Cần Thơ before Đà Nẵng (đ after d), Hà Nội before Hải Phòng.
    assert names.index("Thành phố Cần Thơ") < names.index("Thành phố Đà Nẵng")
    assert addresses.province(51).full_name == "Tỉnh Quảng Ngãi"
    assert addresses.province("1").full_name == "Thành phố Hà Nội"
    assert addresses.province("99") is None and addresses.province("abc") is None
    assert addresses.DEFAULT_PROVINCE == QUANG_NGAI


def test_wards_of_quang_ngai():
    wards = addresses.wards_of(QUANG_NGAI)
    names = {w.name for w in wards}
    assert len(wards) == 96
    assert {"Phường Cẩm Thành", "Phường Nghĩa Lộ", "Phường Kon Tum", "Đặc khu Lý Sơn"} <= names
    assert all(w.province_code == QUANG_NGAI for w in wards)
    assert addresses.wards_of("99") == () and addresses.wards_of("") == ()
    assert addresses.ward(CAM_THANH).name == "Phường Cẩm Thành"
    assert addresses.wards_of(QUANG_NGAI) is wards  # built once, kept in memory


@pytest.mark.parametrize("query", ["tran phu", "Trần Phú", "TRAN PHU", "  phu   tran "])
def test_search_ignores_accents_and_case(query):
    assert [w.name for w in addresses.search_wards(HA_TINH, query)] == ["Phường Trần Phú"]


def test_search_narrows_within_the_province_only():
    assert addresses.search_wards(QUANG_NGAI, "tran phu") == ()  # Hà Tĩnh's, not ours
    found = addresses.search_wards(QUANG_NGAI, "cam thanh")
    assert [w.code for w in found] == [CAM_THANH]
    assert addresses.search_wards(QUANG_NGAI, "dac khu")[0].name == "Đặc khu Lý Sơn"
    assert len(addresses.search_wards(QUANG_NGAI, "")) == 96
    assert addresses.search_wards(QUANG_NGAI, "%_%") == addresses.wards_of(QUANG_NGAI)


def test_check_refuses_a_ward_of_another_province():
    province, ward = addresses.check("51", 21025)
    assert (province.code, ward.code) == (QUANG_NGAI, CAM_THANH)
    with pytest.raises(addresses.AddressError) as refused:
        addresses.check(QUANG_NGAI, TRAN_PHU_HA_TINH)
    assert refused.value.field == "ward_code"
    assert str(refused.value) == ("Phường Trần Phú không thuộc Tỉnh Quảng Ngãi. Vui lòng chọn "
                                  "lại phường, xã.")
    for province_code, ward_code, field in (("", CAM_THANH, "province_code"),
                                            ("77", CAM_THANH, "province_code"),
                                            (QUANG_NGAI, "", "ward_code"),
                                            (QUANG_NGAI, "99999", "ward_code")):
        with pytest.raises(addresses.AddressError) as refused:
            addresses.check(province_code, ward_code)
        assert refused.value.field == field


def test_format_address():
    assert addresses.format_address("12 Lê Lợi", CAM_THANH, QUANG_NGAI) == (
        "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi")
    assert addresses.format_address("", "00004", "1") == "Phường Ba Đình, Thành phố Hà Nội"
    assert addresses.format_address(" Thôn 2 ", "", QUANG_NGAI) == "Thôn 2, Tỉnh Quảng Ngãi"


def test_delivery_address_of_old_and_new_dossiers():
    old = SimpleNamespace(return_method=ReturnMethod.POSTAL, postal_province_code="",
                          postal_ward_code="", postal_street="Thôn 1",
                          postal_ward="Tịnh Phong", postal_district="Sơn Tịnh",
                          postal_province="Quảng Ngãi")
    assert addresses.dossier_delivery_address(old) == "Thôn 1, Tịnh Phong, Sơn Tịnh, Quảng Ngãi"
    new = SimpleNamespace(**{**old.__dict__, "postal_province_code": QUANG_NGAI,
                             "postal_ward_code": NGHIA_LO, "postal_district": ""})
    assert addresses.dossier_delivery_address(new) == "Thôn 1, Phường Nghĩa Lộ, Tỉnh Quảng Ngãi"
    counter = SimpleNamespace(**{**new.__dict__, "return_method": ReturnMethod.COUNTER})
    assert addresses.dossier_delivery_address(counter) is None
    empty = SimpleNamespace(**{**old.__dict__, "postal_street": "", "postal_ward": "",
                               "postal_district": "", "postal_province": ""})
    assert addresses.dossier_delivery_address(empty) is None


# --- where the portal stores addresses (both databases) ---------------------------------

def _draft():
    version = factories.published_procedure(factories.agency())
    user = factories.citizen()
    return ops.start_dossier(version, user, None), user


def test_postal_return_from_the_list_stores_codes_and_names(db_session):
    dossier, _user = _draft()
    ops.set_return_method(dossier, ReturnMethod.POSTAL, ops.PostalAddress(
        "Nguyễn Văn An", "0912345678", "", "", "", "12 Lê Lợi", province_code="51",
        ward_code="21025"))
    assert (dossier.postal_province_code, dossier.postal_ward_code) == (QUANG_NGAI, CAM_THANH)
    assert (dossier.postal_province, dossier.postal_district, dossier.postal_ward) == (
        "Tỉnh Quảng Ngãi", "", "Phường Cẩm Thành")
    assert addresses.dossier_delivery_address(dossier) == (
        "12 Lê Lợi, Phường Cẩm Thành, Tỉnh Quảng Ngãi")
    with pytest.raises(ops.DossierError) as refused:
        ops.set_return_method(dossier, ReturnMethod.POSTAL, ops.PostalAddress(
            "Nguyễn Văn An", "0912345678", "", "", "", "12 Lê Lợi", province_code="51",
            ward_code=TRAN_PHU_HA_TINH))
    assert refused.value.field == "ward_code" and "không thuộc" in str(refused.value)
    assert dossier.postal_ward_code == CAM_THANH  # the refused choice changed nothing
    ops.set_return_method(dossier, ReturnMethod.COUNTER, None)
    assert (dossier.postal_province_code, dossier.postal_ward_code) == ("", "")


def test_the_profile_keeps_codes_and_old_text_stays(db_session):
    user = factories.citizen()
    user.address = "Tổ 3, phường Trần Phú, thành phố Quảng Ngãi"  # typed before the list
    account_ops.update_profile(user, user.full_name, user.phone, None)
    assert user.address == "Tổ 3, phường Trần Phú, thành phố Quảng Ngãi"
    account_ops.update_profile(user, user.full_name, user.phone, ("51", "21028", "Tổ 3"))
    assert (user.address_province_code, user.address_ward_code, user.address_street,
            user.address) == ("51", "21028", "Tổ 3", "Tổ 3, Phường Nghĩa Lộ, Tỉnh Quảng Ngãi")
    with pytest.raises(account_ops.AccountError) as refused:
        account_ops.update_profile(user, user.full_name, user.phone, ("42", "21028", "Tổ 3"))
    assert refused.value.field == "ward_code"
    account_ops.update_profile(user, user.full_name, user.phone, None)  # emptied: removed
    assert (user.address, user.address_ward_code) == ("", "")


def test_a_code_the_list_no_longer_has_keeps_the_stored_name():
    gone = SimpleNamespace(return_method=ReturnMethod.POSTAL, postal_province_code="51",
                           postal_ward_code="99999", postal_street="Thôn 1",
                           postal_ward="Xã Đã Sáp Nhập", postal_district="",
                           postal_province="Tỉnh Quảng Ngãi")
    assert addresses.dossier_delivery_address(gone) == (
        "Thôn 1, Xã Đã Sáp Nhập, Tỉnh Quảng Ngãi")
