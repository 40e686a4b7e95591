"""Run the load mix headless and report it (issue 17): per-route median/p95/p99, failures,
requests per second, the machine's load average before and after; as a Markdown table for
docs/benchmarks.md and a hand-written SVG (no plotting package).

Modes
- one run: ``--host`` (default nginx of ``make prod``, http://127.0.0.1:8080);
- ``--compare-host URL``: the same run again against ONE app instance, and the ratio of the
  two runs' requests per second and medians. The second run points at one gunicorn directly
  (default http://127.0.0.1:8001), not at nginx with one upstream: it needs no second nginx
  configuration and no change to the running stack, and the other instance stays up, idle
  (the database, Redis and S3 are the same). What it leaves out: nginx's work (static files,
  buffering of uploads) — small next to the app's, and nginx runs in both cases on the same 2
  cores; the report says which was measured;
- ``--soak-minutes N``: half the users for N minutes; the RSS of every process of the stack
  (the pidfiles given with ``--pidfile``, their children, and the children of ``--honcho-pid``)
  sampled from /proc once the users are spawned, then every minute until just before the end
  (``soak-rss.svg``: one line per process).

Usage (against make prod, after bench/load/prepare.py):
  PYTHONPATH=. .venv/bin/python bench/load/run.py --host http://127.0.0.1:8080 \
      --users 300 --spawn-rate 10 --run-time 10m --compare-host http://127.0.0.1:8001 \
      --out instance/load/report
  PYTHONPATH=. .venv/bin/python bench/load/run.py --soak-minutes 30 --users 300 \
      --pidfile instance/prod/app1.pid --pidfile instance/prod/app2.pid --honcho-pid <pid>
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def locust_command(args, host: str, users: int, run_time: str, prefix: Path) -> list[str]:
    return [args.locust, "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
            "--spawn-rate", str(args.spawn_rate), "--run-time", run_time, "--host", host,
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "30",
            "--exit-code-on-error", "0"]


def locust_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env["LOAD_ACCOUNTS"] = str(args.accounts)
    env["LOAD_JOURNAL"] = str(args.journal)
    if args.file_mb:
        env["LOAD_FILE_MB"] = args.file_mb
    return env


def read_stats(prefix: Path) -> list[dict]:
    """Locust's ``<prefix>_stats.csv``: one row per route and the aggregated one."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    out = []
    for row in rows:
        out.append({"type": row["Type"], "name": row["Name"] or "Tổng",
                    "requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                    "median": _num(row["50%"]), "p95": _num(row["95%"]),
                    "p99": _num(row["99%"]), "rps": float(row["Requests/s"])})
    return out


def _num(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as source:
        return list(csv.DictReader(source))


def run_once(args, host: str, users: int, run_time: str, label: str,
             sample=None) -> dict:
    prefix = args.out / label
    before = load_average()
    started = time.time()
    process = subprocess.Popen(locust_command(args, host, users, run_time, prefix),
                               env=locust_env(args), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    samples = sample(process) if sample else None
    output, _ = process.communicate()
    (args.out / f"{label}.log").write_text(output, encoding="utf-8")
    if process.returncode not in (0, 1):
        sys.exit(f"locust failed ({process.returncode}); see {args.out / label}.log")
    return {"label": label, "host": host, "users": users, "run_time": run_time,
            "load_before": before, "load_after": load_average(),
            "seconds": round(time.time() - started, 1), "stats": read_stats(prefix),
            "failures": read_failures(prefix), "rss": samples}


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown(runs: list[dict]) -> str:
    lines = []
    for run in runs:
        lines += [f"### {run['label']}: {run['users']} users, {run['run_time']}, {run['host']}",
                  "", f"Load average before: {run['load_before']}; after: {run['load_after']}.",
                  "", "| route | requests | failures | median ms | p95 ms | p99 ms | req/s |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for row in run["stats"]:
            name = row["name"] if row["type"] == "" else f"{row['type']} {row['name']}"
            lines.append(f"| {name.replace('|', '/')} | {row['requests']} | {row['failures']} | "
                         f"{_ms(row['median'])} | {_ms(row['p95'])} | {_ms(row['p99'])} | "
                         f"{row['rps']:.2f} |")
        if run["failures"]:
            lines += ["", "Failures:", ""]
            lines += [f"- {f['Method']} {f['Name']}: {f['Error']} × {f['Occurrences']}"
                      for f in run["failures"]]
        if run.get("rss"):
            lines += ["", "| process | RSS at start (MB) | RSS at end (MB) | change (MB) | "
                      "highest (MB) |", "|---|---:|---:|---:|---:|"]
            start, end, *rest = run["rss"]
            series = rest[0] if rest else []
            for key in sorted(set(start) | set(end), key=lambda k: int(k.split()[0])):
                change = (_mb(end[key] - start[key]) if key in start and key in end else "–")
                highest = max((kb for _, taken in series if (kb := taken.get(key))), default=None)
                lines.append(f"| {key} | {_mb(start.get(key))} | {_mb(end.get(key))} | "
                             f"{change} | {_mb(highest)} |")
            if series:
                lines += ["", f"{len(series)} samples, every minute from second {series[0][0]} "
                          f"to {series[-1][0]}; the whole series in report.json and "
                          "soak-rss.svg."]
        lines.append("")
    if len(runs) == 2:
        both, one = (_total(r) for r in runs)
        lines += ["### Two instances against one", "",
                  f"Requests/s: {both['rps']:.2f} (two) / {one['rps']:.2f} (one) = "
                  f"{both['rps'] / one['rps'] if one['rps'] else float('nan'):.2f}; median "
                  f"{_ms(both['median'])} ms / {_ms(one['median'])} ms; p95 {_ms(both['p95'])} ms"
                  f" / {_ms(one['p95'])} ms.", ""]
    return "\n".join(lines)


def _mb(kb) -> str:
    return "–" if kb is None else f"{kb / 1024:.1f}"


def _total(run: dict) -> dict:
    return next(r for r in run["stats"] if r["name"] in ("Aggregated", "Tổng"))


def svg(runs: list[dict]) -> str:
    """Horizontal bars: median and p95 per route, one colour per run (hand-written SVG)."""
    names = [r["name"] for r in runs[0]["stats"]
             if r["name"] not in ("Aggregated", "Tổng") and r["type"] != "OUTCOME"]
    top = max([r["p95"] or 0 for run in runs for r in run["stats"]] + [1])
    bar, gap, left, width = 8, 6, 330, 520
    height = 40 + len(names) * (len(runs) * 2 * bar + gap)
    colours = [("#1f5fa8", "#8fb4dd"), ("#b5541c", "#e6b08f")]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 80}" '
           f'height="{height}" font-family="sans-serif" font-size="11">',
           f'<text x="4" y="14">median (dark) and p95 (light), ms; scale 0–{top:.0f} ms; '
           + ", ".join(f"{run['label']} = {colours[i % 2][0]}" for i, run in enumerate(runs))
           + "</text>"]
    y = 30
    for name in names:
        out.append(f'<text x="4" y="{y + bar * len(runs)}">{_escape(name)}</text>')
        for i, run in enumerate(runs):
            row = next((r for r in run["stats"] if r["name"] == name), None)
            for kind, colour in (("median", colours[i % 2][0]), ("p95", colours[i % 2][1])):
                value = (row or {}).get(kind) or 0
                w = max(1, width * value / top)
                out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 1}" '
                           f'fill="{colour}"/><text x="{left + w + 3:.1f}" y="{y + bar - 1}">'
                           f"{value:.0f}</text>")
                y += bar
        y += gap
    out.append("</svg>")
    return "\n".join(out)


def rss_svg(series: list) -> str:
    """One line per process of the stack: its RSS (MB) minute by minute (hand-written SVG)."""
    keys = sorted({key for _, taken in series for key in taken}, key=lambda k: int(k.split()[0]))
    top = max([kb for _, taken in series for kb in taken.values()] + [1]) / 1024
    end = max(series[-1][0], 1)
    left, width, height = 60, 640, 320
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 20}" '
           f'height="{height + 56 + 14 * len(keys)}" font-family="sans-serif" font-size="11">',
           f'<text x="4" y="14">RSS per process (MB) over {end // 60} min</text>']
    step = next(s for s in (10, 25, 50, 100, 250, 500, 1000, 2500) if top / s <= 8)
    for mb in range(0, int(top) + 1, step):  # the axes: MB every step, a tick every 5 min
        y = 20 + height - height * mb / top
        out.append(f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#ddd"/><text x="{left - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{mb}</text>')
    for minute in range(0, end // 60 + 1, 5):
        x = left + width * minute * 60 / end
        out.append(f'<text x="{x:.1f}" y="{height + 34}" text-anchor="middle">'
                   f"{minute} min</text>")
    for i, key in enumerate(keys):
        colour = f"hsl({i * 360 // max(len(keys), 1)}, 60%, 40%)"
        points = " ".join(f"{left + width * second / end:.1f},"
                          f"{20 + height - height * taken[key] / 1024 / top:.1f}"
                          for second, taken in series if key in taken)
        out.append(f'<polyline fill="none" stroke="{colour}" points="{points}"/>')
        out.append(f'<text x="4" y="{height + 52 + 14 * i}" fill="{colour}">'
                   f"{_escape(key)}</text>")
    out.append("</svg>")
    return "\n".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the stack's processes and their memory ----------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(p) for p in task.read_text().split()]
        except OSError:
            pass
    return found


def stack_processes(pidfiles: list[str], roots: list[int]) -> dict[int, str]:
    """pid → a name for every process of the stack: the pidfiles' processes, the roots
    (honcho), and all their descendants."""
    pids = list(roots)
    for pidfile in pidfiles:
        try:
            pids.append(int(Path(pidfile).read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            print(f"pidfile not readable: {pidfile}", file=sys.stderr)
    named, queue = {}, list(pids)
    while queue:
        pid = queue.pop()
        if pid in named or not Path(f"/proc/{pid}").exists():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        named[pid] = cmd.strip()[:60]
        queue += children(pid)
    return named


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def sample_rss(pidfiles, roots) -> dict[str, int]:
    return {f"{pid} {name}": kb for pid, name in stack_processes(pidfiles, roots).items()
            if (kb := rss_kb(pid)) is not None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:8080")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", default="10m")
    parser.add_argument("--compare-host", help="then the same run against one instance")
    parser.add_argument("--soak-minutes", type=float, help="half the users for N minutes")
    parser.add_argument("--pidfile", action="append", default=[],
                        help="a process of the stack (repeat); its children are included")
    parser.add_argument("--honcho-pid", type=int, action="append", default=[],
                        help="a process whose children are all part of the stack")
    parser.add_argument("--accounts", type=Path, default=Path("instance/load/accounts.json"))
    parser.add_argument("--journal", type=Path,
                        default=Path("instance/load/submissions.jsonl"))
    parser.add_argument("--file-mb", help="upload sizes, 'low,high' MB (default 1,5)")
    parser.add_argument("--out", type=Path, default=Path("instance/load/report"))
    parser.add_argument("--locust", default=str(Path(sys.executable).parent / "locust"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.accounts.exists():
        sys.exit(f"{args.accounts} missing: run bench/load/prepare.py first")

    runs = []
    if args.soak_minutes:
        users = max(1, args.users // 2)
        seconds = int(args.soak_minutes * 60)

        def sample(process):
            """Every process's RSS once the users are spawned, then every minute, the last
            just before the end: (start, end, every sample as (second, {process: kB}))."""
            warm = min(60, seconds // 4, int(users / args.spawn_rate) + 10)
            time.sleep(warm)
            series = [(warm, sample_rss(args.pidfile, args.honcho_pid))]
            last = max(warm, seconds - 15)
            while series[-1][0] < last:
                step = min(60, last - series[-1][0])
                time.sleep(step)
                series.append((series[-1][0] + step, sample_rss(args.pidfile, args.honcho_pid)))
            return series[0][1], series[-1][1], series

        runs.append(run_once(args, args.host, users, f"{seconds}s", "soak", sample))
    else:
        runs.append(run_once(args, args.host, args.users, args.run_time, "two-instances"
                             if args.compare_host else "run"))
        if args.compare_host:
            runs.append(run_once(args, args.compare_host, args.users, args.run_time,
                                 "one-instance"))
    report = markdown(runs)
    (args.out / "report.md").write_text(report, encoding="utf-8")
    (args.out / "report.svg").write_text(svg(runs), encoding="utf-8")
    for run in runs:
        if run.get("rss") and len(run["rss"]) > 2:
            (args.out / "soak-rss.svg").write_text(rss_svg(run["rss"][2]), encoding="utf-8")
    (args.out / "report.json").write_text(json.dumps(runs, ensure_ascii=False, indent=1),
                                          encoding="utf-8")
    print(report)
    print(f"→ {args.out}/report.md, report.svg, report.json")
    return 1 if any(_total(r)["failures"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
