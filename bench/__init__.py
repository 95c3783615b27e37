"""`make bench`: the benchmark suite at realistic scale (see docs/performance.md).

`python -m bench` builds fresh instance folders and databases (SQLite, and a throwaway PostgreSQL 15) with the
demo data at 1,000 and 10,000 people (and 100,000 on PostgreSQL), runs each measurement in its own process, prints one table (every
figure beside its reference and target), and writes bench/results.json and the latest-run block of
docs/performance.md (the rest of the page is kept). `python -m bench --quick` is a smaller dry run.
"""
