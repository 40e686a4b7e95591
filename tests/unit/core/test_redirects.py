"""core.redirects.safe_redirect_target: a path of this site or the default (issue 10, item 3).
The routes that use it are checked end to end in tests/web/auth/test_safe_redirects.py."""

import pytest

from portal.core.redirects import MAX_TARGET_LENGTH, safe_redirect_target

DEFAULT = "/tai-khoan/ho-so-ca-nhan"


@pytest.mark.parametrize("target", [
    None, "", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "\t//evil.example", "/\r\n/evil.example", "/\n/evil.example",
    "/\x0b/evil.example", "/\x00/evil.example", "/\x7f/evil.example", "/\u0085/evil.example",
    "/\u200b/evil.example", "/\u202e/evil.example", "/\u2028/evil.example", " //evil.example",
    "/ /evil.example", "/\u3000/evil.example", "/\xa0/evil.example", "https://evil.example",
    "http:evil.example", "HTTPS:\\\\evil.example", "javascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,x", "evil.example", "ho-so/12",
    "\uff0f\uff0fevil.example", "%2F%2Fevil.example", "/ho-so/" + "a" * MAX_TARGET_LENGTH,
])
def test_hostile_or_odd_targets_give_the_default(target):
    assert safe_redirect_target(target, DEFAULT) == DEFAULT


@pytest.mark.parametrize("target", [
    "/", "/ho-so/12?tab=x", "/thu-tuc?q=gi%E1%BA%A5y+ph%C3%A9p&page=2", "/thu-tuc?q=giấy",
    "/can-bo/ho-so/5#lich-su", "/%2F%2Fevil.example", "/thong-ke/?nam=2025&co-quan=3",
])
def test_paths_of_the_site_are_kept(target):
    assert safe_redirect_target(target, DEFAULT) == target


def test_the_cleaned_path_is_returned():
    assert safe_redirect_target("/ho-so/\u200b12", DEFAULT) == "/ho-so/12"
