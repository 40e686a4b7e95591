"""Applicants of the replay: Vietnamese names, addresses in Quảng Ngãi, companies (pure).

Identification numbers are written so they cannot be anyone's: CCCD numbers start with the
province code 051 followed by ``9`` (no birth-century code is 9), tax codes with 43009,
phone numbers use the 0255 landline prefix with a 9 after it (0255 9…)."""

from __future__ import annotations

import random
from dataclasses import dataclass

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ",
          "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lương", "Mai", "Tạ")
MIDDLE_MALE = ("Văn", "Minh", "Quốc", "Hữu", "Đức", "Thanh", "Công", "Ngọc", "Tấn", "Xuân")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bích", "Thùy", "Hồng", "Phương")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khoa", "Long", "Nam", "Phúc",
              "Quang", "Sơn", "Tài", "Thành", "Trung", "Tuấn", "Việt", "Vinh", "Hiếu", "Lộc")
GIVEN_FEMALE = ("Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
                "Mai", "Nga", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Trang", "Vân", "Yến")
# Wards and communes of Quảng Ngãi city and districts of the province (2019 boundaries).
PLACES = (
    ("Thành phố Quảng Ngãi", ("Phường Trần Hưng Đạo", "Phường Nguyễn Nghiêm", "Phường Lê Hồng "
                              "Phong", "Phường Trần Phú", "Phường Quảng Phú", "Phường Nghĩa "
                              "Chánh", "Phường Chánh Lộ", "Xã Tịnh Ấn Tây", "Xã Nghĩa Dõng")),
    ("Huyện Sơn Tịnh", ("Xã Tịnh Hà", "Xã Tịnh Phong", "Xã Tịnh Bình", "Xã Tịnh Thọ")),
    ("Huyện Tư Nghĩa", ("Thị trấn La Hà", "Xã Nghĩa Kỳ", "Xã Nghĩa Thương", "Xã Nghĩa Điền")),
    ("Huyện Bình Sơn", ("Thị trấn Châu Ổ", "Xã Bình Thạnh", "Xã Bình Trị", "Xã Bình Long")),
    ("Huyện Mộ Đức", ("Thị trấn Mộ Đức", "Xã Đức Tân", "Xã Đức Phong", "Xã Đức Nhuận")),
    ("Huyện Đức Phổ", ("Thị trấn Đức Phổ", "Xã Phổ Ninh", "Xã Phổ An", "Xã Phổ Quang")),
    ("Huyện Nghĩa Hành", ("Thị trấn Chợ Chùa", "Xã Hành Thuận", "Xã Hành Trung")),
    ("Huyện Lý Sơn", ("Xã An Vĩnh", "Xã An Hải")),
)
STREETS = ("Quang Trung", "Hùng Vương", "Lê Lợi", "Phan Đình Phùng", "Nguyễn Du", "Trần Hưng Đạo",
           "Phạm Văn Đồng", "Lê Trung Đình", "Nguyễn Nghiêm", "Bà Triệu", "Hai Bà Trưng")
COMPANY_KIND = ("Công ty TNHH", "Công ty TNHH MTV", "Công ty Cổ phần", "Doanh nghiệp tư nhân",
                "Hợp tác xã")
COMPANY_TRADE = ("Thương mại", "Xây dựng", "Vận tải", "Thủy sản", "Nông sản", "Du lịch",
                 "Dịch vụ", "Cơ khí", "Thực phẩm", "Đầu tư", "Môi trường", "Dược phẩm")
COMPANY_NAME = ("Sông Trà", "Thiên Ấn", "Ấn Phú", "Sa Huỳnh", "Dung Quất", "Mỹ Khê", "Trà Bồng",
                "Cà Đam", "Bến Đình", "Thạch Bích", "Phú Lộc", "An Phát", "Hưng Thịnh",
                "Minh Khang", "Tân Phát", "Đại Phong", "Hòa Bình", "Vạn Tường")


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str  # CCCD, 12 digits
    phone: str
    province: str
    district: str
    ward: str
    street: str

    @property
    def address(self) -> str:
        return f"{self.street}, {self.ward}, {self.district}, {self.province}"


@dataclass(frozen=True)
class Company:
    name: str
    tax_code: str
    address: str
    representative: Person


def person(rng: random.Random, serial: int) -> Person:
    """The ``serial``-th person (numbers are unique by serial)."""
    female = rng.random() < 0.5
    name = " ".join((rng.choice(FAMILY),
                     rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE),
                     rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)))
    district, wards = rng.choice(PLACES)
    street = (f"{rng.randint(1, 250)} {rng.choice(STREETS)}" if district.startswith("Thành")
              else f"Thôn {rng.randint(1, 9)}")
    return Person(name, f"0519{serial:08d}", f"02559{serial % 1_000_000:06d}", "Quảng Ngãi",
                  district, rng.choice(wards), street)


def company(rng: random.Random, serial: int, representative: Person) -> Company:
    name = (f"{rng.choice(COMPANY_KIND)} {rng.choice(COMPANY_TRADE)} "
            f"{rng.choice(COMPANY_NAME)} {serial % 97 + 1}")
    return Company(name, f"43009{serial:05d}", representative.address, representative)
