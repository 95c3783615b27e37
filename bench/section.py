"""Runs one measurement in its own process:
`python -m bench.section NAME DATABASE SCALE INSTANCE URL QUICK OUT.json`."""
from __future__ import annotations

import importlib
import json
import sys
import traceback
from pathlib import Path

RUNNERS = {
    "pages": "bench.pages:run_pages",
    "load": "bench.load:run_load",
    "certs": "bench.certs:run_certs",
    "roster": "bench.roster:run_roster",
    "rebuild": "bench.roster:run_rebuild",
}


def main(argv: list[str]) -> int:
    name, database, scale, instance, url, quick, out = argv
    try:
        from bench.targets import Target

        module, function = RUNNERS[name].split(":")
        run = getattr(importlib.import_module(module), function)
        result = run(Target.from_argv(database, scale, instance, url), quick == "1")
    except Exception:
        result = {"error": traceback.format_exc()[-3000:]}
    Path(out).write_text(json.dumps(result, default=str, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
