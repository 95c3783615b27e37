"""`make bench`: the benchmark suite at realistic scale (see docs/performance.md).

`python -m bench` builds a fresh instance folder and SQLite database with the large demo data, runs
each measurement in its own process, prints one table (every figure beside its reference and target),
and writes bench/results.json and docs/performance.md. `python -m bench --quick` is a smaller dry run.
"""
