"""The catalog exchange format (docs/catalog-format.md): ONE "long" table, the same in CSV and
XLSX. Each row is a procedure (`loai` = thu_tuc) or one of its documents, fees or steps, which
follow it. This module turns rows into ProcedureData and back; it opens no file and no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import time

from portal.catalog.models import (
    ApplicantType,
    DocumentForm,
    FeeBasis,
    FeeKind,
    OnlineLevel,
    ShareUnit,
    StepRole,
    TimeUnit,
)
from portal.catalog.operations import ChainData, DocumentData, FeeData, ProcedureData, StepData
from portal.core.i18n import LazyText
from portal.core.i18n import lazy_text as _l
from portal.core.text import fold

PROCEDURE, DOCUMENT, FEE, STEP = "thu_tuc", "giay_to", "phi", "buoc"
# One agency of the inter-agency chain, in order: its code (ma_co_quan) and its share of the
# legal time (thoi_han, in don_vi_thoi_han: ngay or phan_tram). It reuses existing columns, so
# files written before the chain existed still read.
CHAIN = "lien_thong"
# Issue 14: an exemption category (ten) of the version's phí and lệ phí.
EXEMPTION = "mien_phi"

COLUMNS: tuple[str, ...] = (
    "loai", "ma_thu_tuc", "ma_co_quan", "ma_linh_vuc", "ten",
    "muc_do", "doi_tuong", "thoi_han", "don_vi_thoi_han", "gio_chot", "lien_thong",
    "giai_quyet_ngay", "ket_qua", "can_cu_phap_ly", "trinh_tu", "ghi_chu_thay_doi",
    "hinh_thuc", "so_luong", "bat_buoc", "mau_don",
    "muc_thu", "ghi_chu",
    "vai_tro", "so_gio",
    # Issue 14, optional (files written before still read): a fee's type, how it is
    # counted and per what unit; whether the fees are paid at submission.
    "loai_phi", "cach_tinh", "don_vi_tinh", "thu_khi_nop",
)
REQUIRED_COLUMNS = COLUMNS[:24]

# The columns each record type uses; every other column of that row must stay empty, so that a
# value typed one column too far to the right is reported instead of silently dropped.
USED: dict[str, frozenset[str]] = {
    PROCEDURE: frozenset(COLUMNS[1:16]) | {"thu_khi_nop"},
    DOCUMENT: frozenset({"ma_thu_tuc", "ten", "hinh_thuc", "so_luong", "bat_buoc", "mau_don"}),
    FEE: frozenset({"ma_thu_tuc", "ten", "muc_thu", "ghi_chu", "loai_phi", "cach_tinh",
                    "don_vi_tinh"}),
    STEP: frozenset({"ma_thu_tuc", "ten", "vai_tro", "so_gio"}),
    CHAIN: frozenset({"ma_thu_tuc", "ma_co_quan", "thoi_han", "don_vi_thoi_han"}),
    EXEMPTION: frozenset({"ma_thu_tuc", "ten"}),
}

YES, NO = "co", "khong"
CHOICES: dict[str, dict[str, object]] = {
    "muc_do": {"toan_trinh": OnlineLevel.FULL, "mot_phan": OnlineLevel.PARTIAL,
               "truc_tiep": OnlineLevel.OFFLINE},
    "doi_tuong": {"cong_dan": ApplicantType.CITIZEN, "doanh_nghiep": ApplicantType.BUSINESS,
                  "ca_hai": ApplicantType.BOTH},
    "don_vi_thoi_han": {"ngay": TimeUnit.DAYS, "gio": TimeUnit.HOURS,
                        "trong_ngay": TimeUnit.SAME_DAY},
    "hinh_thuc": {"ban_chinh": DocumentForm.ORIGINAL, "ban_sao": DocumentForm.COPY,
                  "ban_sao_chung_thuc": DocumentForm.CERTIFIED_COPY},
    "vai_tro": {"mot_cua": StepRole.COUNTER, "chuyen_vien": StepRole.SPECIALIST,
                "lanh_dao": StepRole.LEADER, "buu_dien": StepRole.POSTAL,
                "ubnd_tinh": StepRole.COMMITTEE},
    "lien_thong": {YES: True, NO: False},
    "giai_quyet_ngay": {YES: True, NO: False},
    "bat_buoc": {YES: True, NO: False},
    "thu_khi_nop": {YES: True, NO: False},
    "loai_phi": {"phi": FeeKind.FEE, "le_phi": FeeKind.CHARGE,
                 "gia_dich_vu": FeeKind.SERVICE},
    "cach_tinh": {"moi_ho_so": FeeBasis.PER_DOSSIER, "theo_ban": FeeBasis.PER_UNIT},
}
# The chain's share unit, read from don_vi_thoi_han on a lien_thong row.
SHARE_UNITS: dict[str, object] = {"ngay": ShareUnit.DAYS, "phan_tram": ShareUnit.PERCENT}
_SHARE_CODES = {value: code for code, value in SHARE_UNITS.items()}
_CODES = {column: {value: code for code, value in options.items()}
          for column, options in CHOICES.items()}

# The database column sizes (models.py): longer text would fail on PostgreSQL mid-import.
MAX_LENGTH: dict[str, dict[str, int]] = {
    PROCEDURE: {"ma_thu_tuc": 32, "ma_co_quan": 16, "ma_linh_vuc": 32, "ten": 500,
                "ket_qua": 500, "ghi_chu_thay_doi": 500},
    DOCUMENT: {"ma_thu_tuc": 32, "ten": 500, "mau_don": 200},
    FEE: {"ma_thu_tuc": 32, "ten": 300, "ghi_chu": 500, "don_vi_tinh": 50},
    EXEMPTION: {"ma_thu_tuc": 32, "ten": 300},
    STEP: {"ma_thu_tuc": 32, "ten": 300},
    CHAIN: {"ma_thu_tuc": 32, "ma_co_quan": 16},
}
MAX_INTEGER = 2_000_000_000  # a 32-bit INTEGER column holds up to 2**31 - 1
MAX_ERRORS = 1000  # reported errors; checking stops there (the page shows the first 200)

_DIGITS = re.compile(r"\d+")
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+")  # Vietnamese thousands: 1.500.000
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RowError:
    """A problem in the file, located as Excel shows it: the header is line 1."""

    line: int
    column: str
    message: str | LazyText

    def __str__(self) -> str:
        if self.column:
            return str(_l("Dòng %(line)s, cột %(column)s: %(problem)s", line=self.line,
                          column=self.column, problem=self.message))
        return str(_l("Dòng %(line)s: %(problem)s", line=self.line, problem=self.message))


@dataclass
class ParsedProcedure:
    line: int
    data: ProcedureData


@dataclass
class ParsedCatalog:
    procedures: list[ParsedProcedure] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# --- writing ---------------------------------------------------------------------------------

def _row(kind: str, code: str, **cells) -> list:
    cells.update(loai=kind, ma_thu_tuc=code)
    return [cells.get(column, "") for column in COLUMNS]


def rows_of(data: ProcedureData) -> Iterator[list]:
    """The rows of one procedure, in COLUMNS order; numbers stay int so Excel can add them."""
    yield _row(
        PROCEDURE, data.code, ma_co_quan=data.agency_code, ma_linh_vuc=data.field_code,
        ten=data.name, muc_do=_CODES["muc_do"][data.online_level],
        doi_tuong=_CODES["doi_tuong"][data.applicant], thoi_han=data.time_amount,
        don_vi_thoi_han=_CODES["don_vi_thoi_han"][data.time_unit],
        gio_chot=data.cutoff.strftime("%H:%M") if data.cutoff else "",
        lien_thong=YES if data.inter_agency else NO,
        giai_quyet_ngay=YES if data.on_the_spot else NO, ket_qua=data.result,
        can_cu_phap_ly=data.legal_basis, trinh_tu=data.description,
        ghi_chu_thay_doi=data.change_note,
        thu_khi_nop=YES if data.payment_due_at_submission else NO)
    for d in data.documents:
        yield _row(DOCUMENT, data.code, ten=d.name, hinh_thuc=_CODES["hinh_thuc"][d.form],
                   so_luong=d.quantity, bat_buoc=YES if d.mandatory else NO,
                   mau_don=d.template_label)
    for f in data.fees:
        yield _row(FEE, data.code, ten=f.name, muc_thu=f.amount, ghi_chu=f.note,
                   loai_phi=_CODES["loai_phi"][f.kind], cach_tinh=_CODES["cach_tinh"][f.basis],
                   don_vi_tinh=f.unit_label)
    for name in data.exemptions:
        yield _row(EXEMPTION, data.code, ten=name)
    for s in data.steps:
        yield _row(STEP, data.code, ten=s.name, vai_tro=_CODES["vai_tro"][s.role], so_gio=s.hours)
    for c in data.chain:
        yield _row(CHAIN, data.code, ma_co_quan=c.agency_code, thoi_han=c.share,
                   don_vi_thoi_han=_SHARE_CODES[c.unit])


# --- reading ---------------------------------------------------------------------------------

def token(value: str) -> str:
    """Codes compare without case or accents: “Toàn trình”, “TOAN_TRINH” → toan_trinh."""
    return re.sub(r"[\s-]+", "_", fold(value))


def _listing(options) -> LazyText:
    names = list(options)
    return _l("%(names)s hoặc %(last)s", names=", ".join(names[:-1]), last=names[-1])


def _bad_or_empty(value: str) -> LazyText:
    if value:
        return _l("giá trị “%(value)s” không hợp lệ", value=value)
    return _l("không được để trống")


class _Cells:
    """One data row: typed accessors that record an error and return None when a cell is bad."""

    def __init__(self, line: int, kind: str, cells: dict[str, str], errors: list[RowError]):
        self.line, self.kind, self.cells, self._errors = line, kind, cells, errors
        self.failed = False

    def error(self, column: str, message: str | LazyText) -> None:
        self.failed = True
        self._errors.append(RowError(self.line, column, message))

    def text(self, column: str, required: bool = False) -> str:
        value = self.cells[column]
        limit = MAX_LENGTH[self.kind].get(column)
        if required and not value:
            self.error(column, _l("không được để trống"))
        elif limit and len(value) > limit:
            self.error(column, _l("dài %(length)s ký tự, tối đa %(limit)s ký tự",
                                  length=len(value), limit=limit))
        return value

    def choice(self, column: str, default: str = "", options: dict | None = None):
        value = self.cells[column]
        options = CHOICES[column] if options is None else options
        if not value and default:
            return options[default]
        if not value:
            self.error(column, _l("không được để trống; dùng %(options)s",
                                  options=_listing(options)))
            return None
        found = options.get(token(value))
        if found is None:
            self.error(column, _l("giá trị “%(value)s” không hợp lệ; dùng %(options)s",
                                  value=value, options=_listing(options)))
        return found

    def integer(self, column: str, minimum: int) -> int | None:
        value = self.cells[column]
        if not _DIGITS.fullmatch(value) or not minimum <= int(value) <= MAX_INTEGER:
            self.error(column, _l("%(problem)s; cần một số nguyên từ %(minimum)s trở lên",
                                  problem=_bad_or_empty(value), minimum=minimum))
            return None
        return int(value)

    def amount(self, column: str) -> int | None:
        value = self.cells[column]
        if _DIGITS.fullmatch(value) or _GROUPED.fullmatch(value):
            amount = int(value.replace(".", ""))
            if amount <= MAX_INTEGER:
                return amount
        self.error(column, _l("%(problem)s; ghi số tiền bằng đồng, ví dụ 1500000 hoặc 1.500.000",
                              problem=_bad_or_empty(value)))
        return None

    def clock(self, column: str) -> time | None:
        value = self.cells[column]
        if not value:
            return None
        match = _CLOCK.fullmatch(value)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
        self.error(column, _l("giá trị “%(value)s” không hợp lệ; ghi giờ dạng HH:MM, ví dụ 15:00",
                              value=value))
        return None


def _procedure(row: _Cells) -> ProcedureData | None:
    data = ProcedureData(
        code=row.text("ma_thu_tuc", required=True),
        agency_code=row.text("ma_co_quan", required=True),
        field_code=row.text("ma_linh_vuc", required=True),
        name=row.text("ten", required=True),
        online_level=row.choice("muc_do"), applicant=row.choice("doi_tuong"),
        time_amount=row.integer("thoi_han", 0), time_unit=row.choice("don_vi_thoi_han"),
        cutoff=row.clock("gio_chot"), inter_agency=row.choice("lien_thong", default=NO),
        on_the_spot=row.choice("giai_quyet_ngay", default=NO), result=row.text("ket_qua"),
        legal_basis=row.text("can_cu_phap_ly"), description=row.text("trinh_tu"),
        change_note=row.text("ghi_chu_thay_doi"),
        payment_due_at_submission=row.choice("thu_khi_nop", default=NO))
    return None if row.failed else data


def _child(row: _Cells) -> DocumentData | FeeData | StepData | ChainData | str | None:
    if row.kind == CHAIN:
        link = ChainData(row.text("ma_co_quan", required=True), row.integer("thoi_han", 1),
                         row.choice("don_vi_thoi_han", "ngay", SHARE_UNITS))
        return None if row.failed else link
    name = row.text("ten", required=True)
    if row.kind == EXEMPTION:
        return None if row.failed else name
    if row.kind == DOCUMENT:
        item = DocumentData(name, row.choice("hinh_thuc"), row.integer("so_luong", 1),
                            row.choice("bat_buoc"), row.text("mau_don"))
    elif row.kind == FEE:
        item = FeeData(name, row.amount("muc_thu"), row.text("ghi_chu"),
                       row.choice("loai_phi", default="phi"),
                       row.choice("cach_tinh", default="moi_ho_so"), row.text("don_vi_tinh"))
    else:
        item = StepData(name, row.choice("vai_tro"), row.integer("so_gio", 0))
    return None if row.failed else item


_LISTS = {DOCUMENT: "documents", FEE: "fees", STEP: "steps", CHAIN: "chain",
          EXEMPTION: "exemptions"}


def _columns(header: Sequence[str], errors: list[RowError]) -> dict[str, int]:
    names = [token(name) if name else "" for name in header]
    for index, name in enumerate(names):
        if name and name not in COLUMNS:
            errors.append(RowError(1, header[index],
                                   _l("cột không có trong định dạng danh mục")))
        elif name and names.index(name) != index:
            errors.append(RowError(1, name, _l("cột bị lặp lại")))
    for column in REQUIRED_COLUMNS:
        if column not in names:
            errors.append(RowError(1, column, _l("thiếu cột này ở dòng tiêu đề")))
    return {name: index for index, name in enumerate(names) if name in COLUMNS}


class _Parser:
    def __init__(self) -> None:
        self.result = ParsedCatalog()
        self.current: ParsedProcedure | None = None
        self.current_code = ""
        self.clean = False  # the current procedure and all its rows so far had no error
        self.started = False
        self.seen: dict[str, int] = {}

    @property
    def errors(self) -> list[RowError]:
        return self.result.errors

    def row(self, line: int, cells: dict[str, str]) -> None:
        kind = token(cells["loai"])
        if kind not in USED:
            shown = (_l("giá trị “%(value)s” không hợp lệ", value=cells["loai"]) if cells["loai"]
                     else _l("để trống"))
            self.errors.append(RowError(line, "loai", _l("%(problem)s; dùng %(options)s",
                                                         problem=shown, options=_listing(USED))))
            return
        row = _Cells(line, kind, cells, self.errors)
        for column in COLUMNS[1:]:
            if _CONTROL.search(cells[column]):
                row.error(column, _l("chứa ký tự điều khiển không in được; hãy xóa ký tự đó"))
            elif cells[column] and column not in USED[kind]:
                row.error(column, _l("cột này không dùng cho dòng loại %(kind)s; hãy để trống",
                                     kind=kind))
        if kind == PROCEDURE:
            self.start(row)
        else:
            self.child(row)

    def start(self, row: _Cells) -> None:
        self.finish()
        self.started = True
        code = row.cells["ma_thu_tuc"]
        if code in self.seen:
            row.error("ma_thu_tuc", _l("mã thủ tục “%(code)s” đã có ở dòng %(line)s", code=code,
                                       line=self.seen[code]))
        elif code:
            self.seen[code] = row.line
        data = _procedure(row)
        self.current_code = code
        self.current = ParsedProcedure(row.line, data) if data else None
        self.clean = data is not None

    def child(self, row: _Cells) -> None:
        code = row.cells["ma_thu_tuc"]
        if not self.started:
            row.error("loai", _l("dòng %(kind)s phải đứng sau dòng thu_tuc của thủ tục đó",
                                 kind=row.kind))
        elif not code:
            row.error("ma_thu_tuc", _l("không được để trống; ghi mã của thủ tục đứng trước"))
        elif self.current_code and code != self.current_code:
            row.error("ma_thu_tuc", _l("mã “%(code)s” khác mã “%(current)s” của dòng thu_tuc "
                                       "đứng trước", code=code, current=self.current_code))
        item = _child(row)  # checked even under a broken procedure: report every error
        if self.current is not None and item is not None:
            getattr(self.current.data, _LISTS[row.kind]).append(item)
        self.clean = self.clean and item is not None

    def finish(self) -> None:
        if self.current is None or not self.clean:
            return
        problems = self.current.data.problems()
        for problem in problems:
            self.errors.append(RowError(self.current.line, "", problem))
        if not problems:
            self.result.procedures.append(self.current)


def parse_table(rows: Iterable[Sequence[str]]) -> ParsedCatalog:
    """Rows of text cells, the header first (so the i-th row is line i), into procedures.

    Every row is checked even after an error, so the administrator gets the whole list at
    once — up to MAX_ERRORS: a file wrong on every line (one column off) would otherwise
    make millions of them. ``rows`` may be a stream: each row is looked at once, not kept.
    """
    parser = _Parser()
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(header):
        parser.errors.append(RowError(1, "", _l("tệp không có dòng tiêu đề; hãy xuất một tệp "
                                                "mẫu từ cổng rồi điền vào đó")))
        return parser.result
    index = _columns([cell.strip() for cell in header], parser.errors)
    if parser.errors:
        return parser.result  # without the right columns every row would only add noise
    for line, values in enumerate(rows, 2):
        cells = {c: (values[i].strip() if (i := index.get(c, len(values))) < len(values)
                     else "") for c in COLUMNS}
        if any(cells.values()):
            parser.row(line, cells)
        if len(parser.errors) >= MAX_ERRORS:
            del parser.errors[MAX_ERRORS - 1:]
            parser.errors.append(RowError(line, "", _l(
                "đã dừng kiểm tra ở dòng này sau %(count)s lỗi; hãy sửa các lỗi trên rồi nhập "
                "lại", count=MAX_ERRORS - 1)))
            return parser.result
    parser.finish()
    return parser.result
