"""`python -m bench [--quick] [--keep] [--only SECTION ...] [--databases ...] [--xlarge-sqlite]` — see
bench/__init__.py."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench import build, report
from bench.targets import DATABASES, Server, Target
from bench.util import PYTHON, ROOT, machine

SECTIONS = ("pages", "load", "certs", "roster", "rebuild")
# Each scale's sections, in an order where none disturbs the next: the pages read, the certificates section adds
# waivers and certificates, the roster import adds people, and the rebuild comes last.
PLAN = (("medium", ("pages",)),
        ("large", ("pages", "load", "certs", "roster", "rebuild")),
        ("xlarge", ("pages", "certs", "roster", "rebuild")))
QUICK_PLAN = (("small", ("pages", "load", "certs", "roster", "rebuild")),)
QUIET_LOAD = 3.0  # the one-minute load average under which a section starts (the machine has 2 cores)


def wait_for_quiet(limit_minutes: float, log: list) -> float:
    """Wait (up to the limit) until the machine's one-minute load average is under QUIET_LOAD; returns it."""
    deadline = time.time() + limit_minutes * 60
    load = os.getloadavg()[0]
    while load >= QUIET_LOAD and time.time() < deadline:
        print(f"    load average {load:.2f}: waiting for a quieter machine ...", flush=True)
        time.sleep(30)
        load = os.getloadavg()[0]
    if load >= QUIET_LOAD:
        log.append(round(load, 2))
    return round(load, 2)


def run_section(name: str, target: Target, quick: bool, workdir: Path, quiet_minutes: float, noisy: list) -> dict:
    out = workdir / f"{target.database}-{target.scale}-{name}.json"
    load_before = wait_for_quiet(quiet_minutes, noisy)
    started = time.perf_counter()
    print(f"  {target.database} {target.scale}: {name} (load {load_before}) ...", flush=True)
    subprocess.run([PYTHON, "-m", "bench.section", name, *target.argv(), "1" if quick else "0", str(out)],
                   cwd=ROOT, env=target.env(), check=False)
    result = json.loads(out.read_text()) if out.exists() else {"error": "no result written"}
    result["section_wall_s"] = round(time.perf_counter() - started, 1)
    result["load_average"] = [load_before, round(os.getloadavg()[0], 2)]
    if "error" in result:
        print(f"  {name} failed:\n{result['error']}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks at realistic scale.")
    parser.add_argument("--quick", action="store_true", help="the small data set and short runs (a dry run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folders")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--databases", nargs="*", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--scales", nargs="*", choices=[s for s, _ in PLAN], help="run only these scales")
    parser.add_argument("--xlarge-sqlite", action="store_true",
                        help="run the 100,000-people scale on SQLite too (by default on PostgreSQL only)")
    parser.add_argument("--quiet-minutes", type=float, default=20.0,
                        help="how long to wait before each section for a load average under 3 (default 20)")
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave results.json and docs alone")
    args = parser.parse_args()
    sections = set(args.only or SECTIONS)
    plan = [(scale, [s for s in names if s in sections]) for scale, names in (QUICK_PLAN if args.quick else PLAN)
            if not args.scales or scale in args.scales]
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    results: dict = {"started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "quick": args.quick, "machine": machine(), "runs": {}, "noisy_loads": []}
    server = Server() if "postgresql" in args.databases else None
    try:
        if server is not None:
            results["machine"]["postgresql"] = server.version()
        for database in args.databases:
            runs = results["runs"].setdefault(database, {})
            for scale, names in plan:
                if not names or (scale == "xlarge" and database == "sqlite" and not args.xlarge_sqlite):
                    continue
                path = workdir / f"{database}-{scale}"
                url = server.database(f"bench_{scale}") if database == "postgresql" else None
                target = Target(database, scale, path, url)
                print(f"Building the {scale} data set on {database} in {path} ...", flush=True)
                run = runs[scale] = {"build": build.build(target)}
                print(f"  {run['build']['seconds']} {run['build']['rows']}", flush=True)
                for name in names:
                    run[name] = run_section(name, target, args.quick, workdir, args.quiet_minutes,
                                            results["noisy_loads"])
                if not args.keep:
                    shutil.rmtree(path, ignore_errors=True)
                    if url:
                        server.drop(f"bench_{scale}")
    finally:
        results["total_minutes"] = round((time.perf_counter() - started) / 60, 1)
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        if server is not None and not args.keep:
            server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept {workdir} (the PostgreSQL server stops with this process)")
    rows = report.rows(results)
    results["table"] = rows
    print()
    print(report.table(rows))
    print(f"\nTotal {results['total_minutes']} min.")
    if not args.no_write:
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
        report.write_markdown(ROOT / "docs" / "performance.md", results, rows)
        print("Wrote bench/results.json and docs/performance.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
