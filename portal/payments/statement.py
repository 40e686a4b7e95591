"""Bank statement import for VietQR transfers (docs/payments.md "Bank statement import").

Pure: ``parse`` reads the accountant's file into StatementLines (all or nothing: one bad line
refuses the file and every bad line is named), ``match`` classifies each line against the
amounts due. Recording what matched is the payment domain's business.

The layout, CSV (UTF-8 with or without BOM, ``;`` or ``,`` between fields) or the first sheet
of an XLSX workbook, one credit per row, an optional header row first:

    date ; amount credited ; description (the transfer note) ; bank reference
    07/12/2026 ; 1.500.000 ; MBVCB.123 HS 0000017H482612070001 ; FT26341000001

- date: dd/mm/yyyy (or yyyy-mm-dd, dd-mm-yyyy; a time after it is ignored; an XLSX date cell)
- amount: whole dong, "1.500.000", "1,500,000", "1 500 000", "1500000", "1.500.000 ₫" or a
  number cell; a trailing ",00"/".00" is accepted; it must be positive (credits only)
- description: free text; empty is allowed (the line is then "unknown")
- bank reference: the bank's transaction number, required (it catches a line imported twice)
"""

from __future__ import annotations

import csv
import enum
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from portal.core.i18n import lazy_text as _l

MAX_LINES = 20_000
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")
_HEADER_WORDS = ("ngay", "date", "so tien", "amount", "noi dung", "description")
# Whole dong, plain or in groups of three (dots, commas or spaces), optionally ",00"/".00".
_AMOUNT = re.compile(r"(?P<whole>\d+|\d{1,3}(?P<sep>[.,\s])\d{3}(?:(?P=sep)\d{3})*)"
                     r"(?:[.,]0{1,2})?")


class StatementError(ValueError):
    """The file was refused; ``problems`` lists every (line number, message), line 0 for the
    file as a whole."""

    def __init__(self, problems: list[tuple[int, object]]):
        self.problems = problems
        super().__init__("; ".join(f"{line}: {message}" for line, message in problems))


@dataclass(frozen=True)
class StatementLine:
    line_no: int  # the line (CSV) or row (XLSX) in the file, from 1
    booked_on: date
    amount_vnd: int
    description: str
    reference: str


class LineKind(enum.Enum):
    MATCHED = "matched"  # the code of an amount due, the exact amount
    SHORT = "short"  # a code due, less than due
    EXCESS = "excess"  # a code due, more than due
    DUPLICATE = "duplicate"  # the code already paid or matched above, or the reference seen
    UNKNOWN = "unknown"  # no code due (none, an unknown one, or several)


@dataclass(frozen=True)
class LineMatch:
    line: StatementLine
    kind: LineKind
    code: str | None = None  # the code as given in ``expected``/``already_paid``
    expected_vnd: int | None = None

    @property
    def difference_vnd(self) -> int:
        """Paid minus due (negative: short), 0 when nothing was due."""
        return 0 if self.expected_vnd is None else self.line.amount_vnd - self.expected_vnd


@dataclass(frozen=True)
class MatchResult:
    lines: list[LineMatch] = field(default_factory=list)

    def of(self, kind: LineKind) -> list[LineMatch]:
        return [m for m in self.lines if m.kind is kind]

    @property
    def matched(self) -> list[LineMatch]:
        return self.of(LineKind.MATCHED)

    @property
    def to_resolve(self) -> list[LineMatch]:
        """Every line a person must look at (all but the exact matches)."""
        return [m for m in self.lines if m.kind is not LineKind.MATCHED]


# --- parsing --------------------------------------------------------------------------------

def _plain(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def _is_header(cells: list[object]) -> bool:
    """The first row names the columns: no date in the first cell, a column word in it."""
    try:
        parse_date(cells[0])
    except ValueError:
        return any(word in _plain(" ".join(str(c) for c in cells)) for word in _HEADER_WORDS)
    return False


def parse_amount(value: object) -> int:
    """A credited amount in whole dong; ValueError when it is not one."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        amount = int(value)
    else:
        text = str(value or "").replace("₫", "").replace("VND", "").strip().removeprefix("+")
        found = _AMOUNT.fullmatch(text.strip())
        if not found:
            raise ValueError(value)
        amount = int(re.sub(r"[^0-9]", "", found.group("whole")))
    if amount <= 0:
        raise ValueError(value)
    return amount


def parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().split(" ")[0].split("T")[0]
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _rows_from_csv(data: bytes) -> Iterable[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise StatementError([(line, _l("Tệp CSV phải được lưu với bảng mã UTF-8."))]) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, list(cells)
    except csv.Error:
        raise StatementError([(reader.line_num, _l("Dòng CSV không đọc được."))]) from None


def _rows_from_xlsx(data: bytes) -> Iterable[tuple[int, list[object]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - a broken zip or a file that is not a workbook
        raise StatementError([(0, _l("Tệp XLSX không mở được."))]) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if cell is None else cell for cell in row]
    finally:
        workbook.close()


def parse(data: bytes, filename: str) -> list[StatementLine]:
    """The statement's credit lines; StatementError naming every bad line otherwise."""
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        rows = _rows_from_xlsx(data)
    elif name.endswith((".csv", ".txt")):
        rows = _rows_from_csv(data)
    else:
        raise StatementError([(0, _l("Chỉ nhận sao kê dạng tệp CSV hoặc XLSX."))])
    lines: list[StatementLine] = []
    problems: list[tuple[int, object]] = []
    seen_content = False
    for number, cells in rows:
        if all(str(cell).strip() == "" for cell in cells):
            continue
        if not seen_content:
            seen_content = True
            if _is_header(cells):
                continue
        if len(lines) + len(problems) >= MAX_LINES:
            problems.append((number, _l("Tệp có quá %(max)s dòng.", max=MAX_LINES)))
            break
        line, line_problems = _line(number, cells)
        if line_problems:
            problems += [(number, problem) for problem in line_problems]
        else:
            lines.append(line)
    if problems:
        raise StatementError(problems)
    if not lines:
        raise StatementError([(0, _l("Tệp không có dòng giao dịch nào."))])
    return lines


def _line(number: int, cells: list[object]) -> tuple[StatementLine | None, list[object]]:
    if len(cells) < 4:
        return None, [_l("Cần 4 cột (ngày, số tiền, nội dung, mã giao dịch), dòng này có "
                         "%(count)s.", count=len(cells))]
    raw_date, raw_amount, raw_description, raw_reference = cells[:4]
    problems: list[object] = []
    try:
        booked_on = parse_date(raw_date)
    except ValueError:
        booked_on = None
        problems.append(_l("Ngày không hợp lệ: “%(value)s” (dd/mm/yyyy).", value=raw_date))
    try:
        amount = parse_amount(raw_amount)
    except ValueError:
        amount = 0
        problems.append(_l("Số tiền không hợp lệ: “%(value)s” (số đồng dương, ví dụ "
                           "1.500.000).", value=raw_amount))
    reference = str(raw_reference).strip()
    if not reference:
        problems.append(_l("Thiếu mã giao dịch của ngân hàng."))
    if problems:
        return None, problems
    return StatementLine(number, booked_on, amount, str(raw_description).strip(),
                         reference), []


# --- matching -------------------------------------------------------------------------------

def canonical(code: str) -> str:
    """A code as compared: letters and digits only, upper case (banks drop the dots and
    dashes of ``000.00.17.H48-261207-0001`` and may change the case or add spaces)."""
    return re.sub(r"[^0-9A-Z]", "", _plain(code).upper())


def _codes_in(description: str, known: Mapping[str, str]) -> list[str]:
    """The known codes (by canonical form) the description holds, in order of appearance."""
    squeezed = canonical(description)
    found = [(squeezed.find(key), key) for key in known if key and key in squeezed]
    # A code inside a longer one found where it is, is that longer one: from the 10,000th
    # dossier of a day the number has five digits, and …-1000 is the start of …-10000.
    found = [(at, key) for at, key in found
             if not any(len(other) > len(key) and there <= at
                        and at + len(key) <= there + len(other) for there, other in found)]
    return [known[key] for _, key in sorted(found)]


def match(lines: Iterable[StatementLine], expected: Mapping[str, int],
          already_paid: set[str] | frozenset[str] = frozenset(),
          seen_references: set[str] | frozenset[str] = frozenset()) -> MatchResult:
    """Each line classified against ``expected`` (code -> amount due, whole dong).

    A line names a code when the code's letters and digits appear in its description,
    whatever the case, spaces, dots or dashes. Then: the bank reference already seen (above
    or in ``seen_references``) -> duplicate; the code in ``already_paid`` or matched exactly
    by a line above -> duplicate; several codes -> unknown (a person splits it); the amount
    due exactly -> matched, less -> short, more -> excess; no code due -> unknown. Short and
    excess lines do not settle the code: a later exact line still matches."""
    paid = {canonical(code): code for code in already_paid}
    due = {canonical(code): code for code in expected}
    known = {**due, **paid}
    matched: set[str] = set()
    references = {ref.strip().upper() for ref in seen_references}
    result: list[LineMatch] = []
    for line in lines:
        reference = line.reference.strip().upper()
        codes = _codes_in(line.description, known)
        code = codes[0] if len(codes) == 1 else None
        if reference in references:
            result.append(LineMatch(line, LineKind.DUPLICATE, code))
            continue
        references.add(reference)
        if len(codes) != 1:
            result.append(LineMatch(line, LineKind.UNKNOWN))
            continue
        key = canonical(code)
        if key in paid or key in matched:
            result.append(LineMatch(line, LineKind.DUPLICATE, code))
            continue
        amount_due = expected[code]
        if line.amount_vnd == amount_due:
            matched.add(key)
            kind = LineKind.MATCHED
        else:
            kind = LineKind.SHORT if line.amount_vnd < amount_due else LineKind.EXCESS
        result.append(LineMatch(line, kind, code, amount_due))
    return MatchResult(result)
