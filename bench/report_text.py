"""The text of docs/performance.md around the table: the machine, the data sets, what each figure measures."""
from __future__ import annotations


def document(results: dict, table: str) -> str:
    m = results.get("machine", {})
    return f"""# Performance

Figures from `make bench` ({'quick dry run' if results.get('quick') else 'full run'}, started
{results.get('started_at')}, {results.get('total_minutes')} minutes in all).

## Results

{table}

## Machine

- CPU: {m.get('cpu')} ({m.get('cores')} cores), RAM {m.get('ram_gib')} GiB
"""
