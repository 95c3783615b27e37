"""`python -m bench [--quick] [--keep] [--only SECTION ...]` — see bench/__init__.py."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench import build, report
from bench.util import PYTHON, ROOT, env_for, machine

SECTIONS = ("pages", "pages_small", "load", "certs", "roster")


def run_section(name: str, instance: Path, quick: bool, workdir: Path) -> dict:
    out = workdir / f"{name}.json"
    started = time.perf_counter()
    print(f"  running {name} ...", flush=True)
    subprocess.run([PYTHON, "-m", "bench.section", name, str(instance), "1" if quick else "0", str(out)],
                   cwd=ROOT, env=env_for(instance), check=False)
    result = json.loads(out.read_text()) if out.exists() else {"error": "no result written"}
    result["section_wall_s"] = round(time.perf_counter() - started, 1)
    if "error" in result:
        print(f"  {name} failed:\n{result['error']}", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Benchmarks at realistic scale.")
    parser.add_argument("--quick", action="store_true", help="small data set and short runs (a dry run while developing)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folders")
    parser.add_argument("--only", nargs="*", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--no-write", action="store_true", help="print the table only; leave results.json and docs alone")
    args = parser.parse_args()
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="trainer-bench-"))
    results: dict = {"started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "quick": args.quick, "machine": machine()}
    try:
        scale = "small" if args.quick else "large"
        large = workdir / "instance-large"
        print(f"Building the {scale} demo database in {large} ...", flush=True)
        results["build"] = build.build(large, scale)
        print(f"  {results['build']['seconds']} {results['build']['rows']}", flush=True)
        if "pages_small" in sections:
            small = workdir / "instance-small"
            print(f"Building the small demo database in {small} ...", flush=True)
            results["build_small"] = build.build(small, "small")
            results["pages_small"] = run_section("pages_small", small, args.quick, workdir)
        for name in sections:
            if name != "pages_small":
                results[name] = run_section(name, large, args.quick, workdir)
    finally:
        results["total_minutes"] = round((time.perf_counter() - started) / 60, 1)
        results["machine"]["load_average_at_end"] = [round(x, 2) for x in __import__("os").getloadavg()]
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Kept {workdir}")
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
