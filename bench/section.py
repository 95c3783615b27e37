"""Runs one measurement in its own process: `python -m bench.section NAME INSTANCE QUICK OUT.json`."""
from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path


def main(argv: list[str]) -> int:
    name, instance, quick, out = argv
    quick_run = quick == "1"
    try:
        if name == "pages":
            from bench.pages import run_pages as run
        elif name == "pages_small":
            from bench.pages import run_small as run
        elif name == "certs":
            from bench.certs import run_certs as run
        elif name == "load":
            from bench.load import run_load as run
        elif name == "roster":
            from bench.roster import run_roster as run
        else:
            raise SystemExit(f"unknown section {name}")
        result = run(Path(instance), quick_run)
    except Exception:
        result = {"error": traceback.format_exc()[-3000:]}
    Path(out).write_text(json.dumps(result, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
