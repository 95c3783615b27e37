"""The text of docs/performance.md around the table: the run, its table and the machine. The page keeps its
dated findings; a run replaces only what stands between the two markers below (or writes a new page)."""
from __future__ import annotations

START = "<!-- make bench: the latest run, written by bench/report.py -->"
END = "<!-- make bench: end of the latest run -->"


def latest_run(results: dict, table: str) -> str:
    m = results.get("machine", {})
    return f"""{START}
## The latest `make bench` run

Figures from `make bench` ({'quick dry run' if results.get('quick') else 'full run'}, started
{results.get('started_at')}, {results.get('total_minutes')} minutes in all). Every figure is measured in the same
run as its reference, on the same machine; the raw figures are in `bench/results.json`.

{table}

Machine: {m.get('cpu')} ({m.get('cores')} cores), RAM {m.get('ram_gib')} GiB. PostgreSQL 15 is a throwaway server
started as the tests start one, with `fsync`, `synchronous_commit` and `full_page_writes` off (nothing on it needs
to survive a crash); a production server keeps them on, which would weigh most on the figures that write most: the
data set builds, the roster import, `readiness rebuild` and the certificates.
{END}"""


def document(results: dict, table: str, page: str | None = None) -> str:
    """The performance page with this run's block: in place of the last run's block on `page` when it has one."""
    block = latest_run(results, table)
    if page and START in page and END in page:
        before, rest = page.split(START, 1)
        return before + block + rest.split(END, 1)[1]
    return f"# Performance\n\n{block}\n"
