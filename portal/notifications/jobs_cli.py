"""`flask messages run-job <name>` and `flask messages jobs`: the periodic jobs
(``portal.notifications.jobs``) by hand — to catch up after the worker was stopped, or to
try one at a chosen instant (docs/jobs.md)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from portal.calendar import VN_TZ

messages_cli = AppGroup("messages", help="Messages: the periodic jobs (overdue scan, reminders, "
                                         "digests, storage sweep).")


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("dùng dạng 2025-03-12T07:00 (giờ Việt Nam nếu không ghi múi "
                                 "giờ)", param_hint="--now") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VN_TZ)


@messages_cli.command("run-job")
@click.argument("name", type=click.Choice(["overdue-scan", "reminders", "digests",
                                           "storage-sweep"]))
@click.option("--now", "now_text", default=None,
              help="Run as at this instant (ISO 8601; Viet Nam time when no offset is given). "
                   "Default: now.")
def run_job(name: str, now_text: str | None) -> None:
    """Run one periodic job once and commit. Safe to repeat: nothing is sent twice."""
    from portal.notifications import jobs
    from portal.storage import StorageError

    try:
        count = jobs.run(name, _instant(now_text))
    except StorageError as exc:
        raise click.ClickException(f"Kho lưu trữ không phản hồi: {exc}") from exc
    what = "tệp mồ côi đã xóa" if name == "storage-sweep" else "thư đã xếp vào hàng đợi gửi"
    click.echo(f"{name}: {count} {what}.")


@messages_cli.command("jobs")
def list_jobs() -> None:
    """The periodic jobs and when each last ran."""
    from portal.notifications import jobs

    runs = jobs.last_runs()
    for name in jobs.JOBS:
        run = runs.get(name)
        last = (f"lần chạy cuối {run.last_run_at.astimezone(VN_TZ):%d/%m/%Y %H:%M}, "
                f"kết quả {run.last_count}") if run else "chưa chạy lần nào"
        click.echo(f"{name}: {last}")
