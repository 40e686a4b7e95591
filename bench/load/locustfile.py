"""The load mix of issue 17: anonymous visitors, citizens, counter officers and supervisors on
the portal at the centre's busiest hour. Run by bench/load/run.py (or ``locust -f``).

Why this mix — the seed year (report 62/BC-HCC, /work/shared/seed/appendix1-2019.csv)
-------------------------------------------------------------------------------------------
- Received in the period 15/12/2018–14/12/2019: 66,551 dossiers at the centre's 16
  departments + 21,850 at the city land registry = 88,401; of which 7,815 online (8.8 %).
  About 250 working days → ~354 dossiers a working day, ~44 an hour over 8 opening hours.
  The report gives no hourly figures; we take the busiest hour as 3 × the average (the morning
  peak of a counter service): ~130 dossiers received per hour, the number the portal must take
  when the province's goal — every dossier online — is met. Resolved 64,527 + 19,716 = 84,243:
  about as many officer actions "receive" as submissions (each dossier is received once),
  plus 12,996 resolved on the spot.
- Lookups: every dossier is followed by its applicant; the report names quick lookup, SMS on
  result, 6,843 results sent home. We count ~3 lookups per dossier (after submission, on the
  appointment day, when the SMS comes) → ~400 lookups/hour at the peak.
- Catalog: ~1,400 procedures published; a citizen reads the catalog and one or two procedure
  pages before filing, and many visitors only read (forms, fees, papers): ~10 catalog and
  procedure pages per dossier filed → ~1,300 pages/hour.
- Staff: 16 departments + the land registry, 1–3 counter officers each at the peak (~40),
  opening their queue and a dossier before every action; the centre's supervisors (a handful)
  open the statistics and monitoring pages a few times an hour.

So, per dossier submitted: ~10 catalog/procedure pages, ~3 lookups, ~3 officer page views and
one "receive", ~0.2 statistics pages. The Locust user classes and their wait times are set so
that a run keeps those ratios: Anonymous (weight 50: catalog, procedure pages, lookups),
Citizen (30: one in three of their tasks a full submission with two 1–5 MB files, the others a
saved draft or their list of dossiers), Officer (15: queue, workspace, receive) and Supervisor
(5: statistics, monitoring). A 300-user run is far above the seed year's real rate (its
purpose is to find the limits); the ratios are the seed year's.

Accounts: bench/load/prepare.py writes them to ``LOAD_ACCOUNTS`` (JSON, default
instance/load/accounts.json). Every acknowledged submission is appended to ``LOAD_JOURNAL``
(JSONL, default instance/load/submissions.jsonl): dossier id, code, the draft it came from,
the time; drills.py compares it with the database after a fault.

Per-route names (``name=``) carry no id: the report is per route.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import threading
import time
from pathlib import Path

import pyotp
from locust import HttpUser, between, events, task

ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", "instance/load/accounts.json"))
JOURNAL = Path(os.environ.get("LOAD_JOURNAL", "instance/load/submissions.jsonl"))
# Upload sizes (MB): the "two 1–5 MB files"; smaller for the smoke test.
FILE_MB = tuple(float(x) for x in os.environ.get("LOAD_FILE_MB", "1,5").split(","))
SEARCHES = ["ly lich tu phap", "khai sinh", "đăng ký kết hôn", "chứng thực", "đất đai",
            "giấy phép xây dựng", "hộ tịch", "con dấu", "doanh nghiệp", "quốc tịch",
            "công chứng", "thay đổi", "cấp lại", "bản sao"]
# A long name in Vietnamese with spaces and marks, as phones and scanners make them.
FILE_NAMES = ["Tờ khai yêu cầu – {n}.pdf", "Bản chụp căn cước công dân mặt trước {n}.pdf",
              "Giấy xác nhận nơi cư trú (bản sao) {n}.pdf",
              "Đơn đề nghị của ông Nguyễn Văn Ấn {n}.pdf"]
# The test (tests/integration/test_load_mix.py) shortens the waits and runs one user of each class.
WAIT_SCALE = float(os.environ.get("LOAD_WAIT_SCALE", "1"))
ONE_EACH = os.environ.get("LOAD_ONE_EACH") == "1"
CODE = re.compile(r"\b[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}-\d{6}-\d{4}\b")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

_lock = threading.Lock()
_data: dict | None = None
_counters: dict[str, itertools.count] = {}
_last_step: dict[str, int] = {}  # TOTP: the server takes each step once per account
_blobs: list[bytes] = []


def accounts() -> dict:
    global _data
    with _lock:
        if _data is None:
            _data = json.loads(ACCOUNTS.read_text(encoding="utf-8"))
        return _data


def next_account(kind: str):
    """Each Locust user its own account (round-robin over the pool)."""
    pool = accounts()[kind]
    with _lock:
        counter = _counters.setdefault(kind, itertools.count())
        return pool[next(counter) % len(pool)]


def totp_code(email: str, secret: str) -> str:
    """A code for a time step this account has not used yet (waits for the next step if both
    the current and the next one are used: one account logging in three times in 30 s)."""
    totp = pyotp.TOTP(secret)
    while True:
        now = int(time.time()) // totp.interval
        with _lock:
            last = _last_step.get(email)
            for step in (now, now + 1):
                if last is None or step > last:
                    _last_step[email] = step
                    return totp.at(step * totp.interval)
        time.sleep(1)


def pdf_blob(size: int) -> bytes:
    """Starts like a PDF (what the upload check reads), then filler; made once per size."""
    head = b"%PDF-1.4\n% portal load test\n"
    return head + os.urandom(min(size, 65536)) * (size // 65536 + 1)


def blobs() -> list[bytes]:
    with _lock:
        if not _blobs:
            low, high = FILE_MB[0], FILE_MB[-1]
            for i in range(4):
                mb = low + (high - low) * i / 3
                _blobs.append(pdf_blob(int(mb * 1024 * 1024))[:int(mb * 1024 * 1024)])
        return _blobs


def csrf(text: str) -> str:
    found = CSRF.search(text)
    if not found:
        raise ValueError("no CSRF token on the page")
    return html.unescape(found.group(1))


def input_value(text: str, name: str) -> str:
    for tag in re.findall(r"<input[^>]*>", text):
        if re.search(rf'name="{re.escape(name)}"', tag):
            found = re.search(r'value="([^"]*)"', tag)
            return html.unescape(found.group(1)) if found else ""
    return ""


def record(entry: dict) -> None:
    JOURNAL.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    with _lock, JOURNAL.open("a", encoding="utf-8") as out:
        out.write(line)


class PortalUser(HttpUser):
    abstract = True

    def log_in(self, email: str, password: str, secret: str | None = None) -> bool:
        page = self.client.get("/tai-khoan/dang-nhap", name="/tai-khoan/dang-nhap")
        with self.client.post("/tai-khoan/dang-nhap", name="/tai-khoan/dang-nhap [POST]",
                              data={"csrf_token": csrf(page.text), "email": email,
                                    "password": password},
                              catch_response=True) as answer:
            if answer.status_code != 200 or "/dang-nhap" in answer.url:
                answer.failure(f"login refused for {email}: {answer.status_code}")
                return False
        if secret is None:
            return True
        for _attempt in range(3):
            with self.client.post("/tai-khoan/xac-thuc", name="/tai-khoan/xac-thuc [POST]",
                                  data={"csrf_token": csrf(answer.text),
                                        "code": totp_code(email, secret)},
                                  catch_response=True) as answer:
                if answer.status_code == 200 and "/xac-thuc" not in answer.url:
                    return True
                if _attempt < 2:  # a used step (another process of the run): the next one
                    answer.success()
                else:
                    answer.failure(f"second factor refused for {email}")
        return False


class Anonymous(PortalUser):
    """Visitors who only read: the home page, catalog searches, procedure pages, lookups."""

    weight = 50
    wait_time = between(2 * WAIT_SCALE, 8 * WAIT_SCALE)

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(6)
    def search(self):
        self.client.get("/thu-tuc", params={"q": random.choice(SEARCHES)}, name="/thu-tuc?q=")

    @task(2)
    def search_partial(self):
        """The live search (htmx): the results list alone."""
        self.client.get("/thu-tuc", params={"q": random.choice(SEARCHES)},
                        headers={"HX-Request": "true"}, name="/thu-tuc?q= [htmx]")

    @task(6)
    def procedure(self):
        code = random.choice(accounts()["catalog_codes"])
        self.client.get(f"/thu-tuc/{code}", name="/thu-tuc/[code]")

    @task(5)
    def lookup(self):
        """A known code and its 4 digits (a miss counts against the address's throttle)."""
        known = accounts()["lookups"]
        if not known:
            return
        entry = random.choice(known)
        self.client.get("/tra-cuu", params={"ma": entry["code"], "so": entry["digits"]},
                        name="/tra-cuu?ma=&so=")


class Citizen(PortalUser):
    """A citizen logged in: saves drafts, submits with two files, reads their dossiers."""

    weight = 30
    wait_time = between(3 * WAIT_SCALE, 10 * WAIT_SCALE)

    def on_start(self):
        self.email = next_account("citizens")
        self.logged_in = self.log_in(self.email, accounts()["password"])

    def _start_draft(self) -> tuple[int, str] | None:
        code = random.choice(accounts()["submit_procedures"])
        self.client.get(f"/thu-tuc/{code}", name="/thu-tuc/[code]")
        page = self.client.get(f"/ho-so/moi/{code}", name="/ho-so/moi/[code]")
        with self.client.post(f"/ho-so/moi/{code}", name="/ho-so/moi/[code] [POST]",
                              data={"csrf_token": csrf(page.text), "on_behalf": "self"},
                              catch_response=True) as answer:
            found = re.search(r"/ho-so/(\d+)/nguoi-nop", answer.url)
            if not found:
                answer.failure(f"no draft made: {answer.status_code} {answer.url}")
                return None
        return int(found.group(1)), answer.text

    def _applicant(self, draft: int, page: str, action: str = "next") -> str | None:
        data = {"csrf_token": csrf(page), "action": action,
                "address": "52 Hùng Vương, phường Trần Phú, Quảng Ngãi"}
        for name in ("name", "id_number", "phone", "email", "representative"):
            data[name] = input_value(page, name)
        with self.client.post(f"/ho-so/{draft}/nguoi-nop", name="/ho-so/[id]/nguoi-nop [POST]",
                              data=data, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"applicant step: {answer.status_code}")
                return None
        return answer.text

    @task(1)
    def list_dossiers(self):
        if self.logged_in:
            self.client.get("/ho-so", name="/ho-so")

    @task(1)
    def save_draft(self):
        """Begin, fill the applicant step, "Lưu nháp" (back to the list)."""
        if not self.logged_in or not (started := self._start_draft()):
            return
        self._applicant(*started, action="draft")

    @task(1)
    def submit(self):
        if not self.logged_in or not (started := self._start_draft()):
            return
        draft, page = started
        papers = self._applicant(draft, page)
        if papers is None:
            return
        # The two mandatory papers' upload forms (prepare.py chose procedures with two).
        mandatory = [m.group(1) for m in re.finditer(r'<section id="req-(\d+)".*?</h2>',
                                                     papers, re.S) if "Bắt buộc" in m.group(0)]
        token = csrf(papers)
        for n, rid in enumerate(mandatory[:2]):
            blob = random.choice(blobs())
            name = random.choice(FILE_NAMES).format(n=n + 1)
            with self.client.post(f"/ho-so/{draft}/giay-to/{rid}",
                                  name="/ho-so/[id]/giay-to/[req] [POST upload]",
                                  data={"csrf_token": token},
                                  files={"files": (name, blob, "application/pdf")},
                                  catch_response=True) as answer:
                if answer.status_code != 200 or "Đã tải lên" not in answer.text:
                    answer.failure(f"upload refused: {answer.status_code}")
                    return
        self.client.post(f"/ho-so/{draft}/giay-to", name="/ho-so/[id]/giay-to [POST]",
                         data={"csrf_token": token})
        self.client.post(f"/ho-so/{draft}/nhan-ket-qua", name="/ho-so/[id]/nhan-ket-qua [POST]",
                         data={"csrf_token": token, "return_method": "counter"})
        self._submit(draft, token)

    def _submit(self, draft: int, token: str) -> None:
        """Submit; a lost answer (connection reset, 502/503 while an instance dies) is sent
        again as a citizen would: the second click shows what the first did."""
        for attempt in range(3):
            with self.client.post(f"/ho-so/{draft}/nop", name="/ho-so/[id]/nop [POST]",
                                  data={"csrf_token": token}, catch_response=True) as answer:
                if answer.status_code == 200 and f"/ho-so/{draft}" in answer.url:
                    found = CODE.search(answer.text)
                    if found and "kiem-tra" not in answer.url:
                        record({"draft": draft, "code": found.group(0), "email": self.email,
                                "at": time.time(), "attempts": attempt + 1})
                        return
                    answer.failure("submitted page without a dossier code")
                    return
                if answer.status_code in (0, 502, 503, 504):
                    answer.failure(f"submit answer lost ({answer.status_code}), sending again")
                    time.sleep(1)
                    continue
                answer.failure(f"submit: {answer.status_code} {answer.url}")
                return


class Officer(PortalUser):
    """A counter officer of Sở Tư pháp: the dashboard, the reception queue, a dossier's
    workspace, "Tiếp nhận hồ sơ". Two officers receiving the same dossier: one wins, the other
    gets 409 (the fresh dossier and the conflict message) — an expected answer."""

    weight = 15
    wait_time = between(2 * WAIT_SCALE, 6 * WAIT_SCALE)

    def on_start(self):
        account = next_account("officers")
        self.logged_in = self.log_in(account["email"], accounts()["password"],
                                     account["totp_secret"])

    @task(1)
    def dashboard(self):
        if self.logged_in:
            self.client.get("/can-bo/", name="/can-bo/")

    @task(3)
    def receive(self):
        if not self.logged_in:
            return
        queue = self.client.get("/can-bo/hang-doi", params={"loai": "cho-tiep-nhan"},
                                name="/can-bo/hang-doi?loai=cho-tiep-nhan")
        ids = re.findall(r'href="/can-bo/ho-so/(\d+)"', queue.text)
        if not ids:
            return
        # Several officers pick among the same first few: conflicts happen, as at a desk.
        # A paper dossier waiting at the counter is received on its scan page: skipped.
        for dossier in random.sample(ids[:8], min(3, len(ids[:8]))):
            page = self.client.get(f"/can-bo/ho-so/{dossier}", name="/can-bo/ho-so/[id]")
            form = re.search(rf'<form[^>]*action="/can-bo/ho-so/{dossier}/receive".*?</form>',
                             page.text, re.S)
            if form is not None:
                break
        else:
            return
        data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(0)))
        data.setdefault("csrf_token", csrf(page.text))
        with self.client.post(f"/can-bo/ho-so/{dossier}/receive",
                              name="/can-bo/ho-so/[id]/receive [POST]",
                              data={k: html.unescape(v) for k, v in data.items()},
                              catch_response=True) as answer:
            if answer.status_code == 409:
                answer.success()  # the other officer was first: expected
                events.request.fire(request_type="OUTCOME", name="receive: conflict 409",
                                    response_time=0, response_length=0, exception=None,
                                    context={})
            elif answer.status_code != 200:
                answer.failure(f"receive: {answer.status_code}")

    @task(1)
    def search(self):
        if self.logged_in:
            self.client.get("/can-bo/tim-kiem", params={"q": "Tải"}, name="/can-bo/tim-kiem?q=")


class Supervisor(PortalUser):
    """The centre's supervisor: the statistics table, charts, the monitoring dashboard."""

    weight = 5
    wait_time = between(5 * WAIT_SCALE, 15 * WAIT_SCALE)

    def on_start(self):
        account = next_account("supervisors")
        self.logged_in = self.log_in(account["email"], accounts()["password"],
                                     account["totp_secret"])

    @task(3)
    def statistics(self):
        if self.logged_in:
            self.client.get("/thong-ke/", name="/thong-ke/")

    @task(2)
    def monitoring(self):
        if self.logged_in:
            self.client.get("/thong-ke/giam-sat", name="/thong-ke/giam-sat")

    @task(1)
    def charts(self):
        if self.logged_in:
            self.client.get("/thong-ke/bieu-do", name="/thong-ke/bieu-do")


if ONE_EACH:  # one user of each class, whatever the weights (the test's --users 4)
    for _user_class in (Anonymous, Citizen, Officer, Supervisor):
        _user_class.fixed_count = 1
    del _user_class  # a module-level name Locust would take for a fifth class
