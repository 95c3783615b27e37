"""The one table (every figure on SQLite and on PostgreSQL side by side, beside its reference and target), and
docs/performance.md."""
from __future__ import annotations

from pathlib import Path

from bench.targets import DATABASES

PEOPLE = {"small": "320", "medium": "1,000", "large": "10,000", "xlarge": "100,000"}
COLUMNS = ("section", "what", "sqlite", "postgresql", "reference", "target", "result")
NOT_RUN = "not run"
HEADERS = ("#", "Measure", "SQLite", "PostgreSQL", "Reference, method (same run)", "Target", "Result")


def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _s(seconds) -> str:
    return "—" if seconds is None else f"{seconds:,.1f} s"


def _num(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _get(run: dict, *keys):
    for key in keys:
        if not isinstance(run, dict):
            return None
        run = run.get(key)
    return run


class Table:
    def __init__(self, results: dict):
        self.runs = results.get("runs", {})
        self.rows: list[dict] = []

    def scales(self) -> list[str]:
        found = {scale for runs in self.runs.values() for scale in runs}
        return [s for s in ("small", "medium", "large", "xlarge") if s in found]

    def value(self, database: str, scale: str, *keys):
        return _get(self.runs.get(database, {}), scale, *keys)

    def add(self, section, what, cells: dict, reference, target, checks: list):
        """cells: database -> text (NOT_RUN where the measurement was not taken); checks: booleans (None: not
        measured) that must all hold for a PASS. A row no database measured is "not run", whatever its checks."""
        known = [c for c in checks if c is not None]
        if all(cells.get(d, NOT_RUN) == NOT_RUN for d in DATABASES):
            result = NOT_RUN
        else:
            result = "n/a" if not known else ("PASS" if all(known) else "MISS")
        self.rows.append({"section": section, "what": what, **{d: cells.get(d, NOT_RUN) for d in DATABASES},
                          "reference": reference, "target": target, "result": result})

    def per_database(self, scale, fmt, *keys, limit=None, at_least=None):
        cells, checks = {}, []
        for database in DATABASES:
            value = self.value(database, scale, *keys)
            if database not in self.runs or scale not in self.runs[database]:
                continue
            cells[database] = NOT_RUN if value is None else fmt(value)
            if limit is not None:
                checks.append(None if value is None else value <= limit)
            if at_least is not None:
                checks.append(None if value is None else value >= at_least)
        return cells, checks

    def errors(self):
        for database, runs in self.runs.items():
            for scale, run in runs.items():
                for name, result in run.items():
                    if isinstance(result, dict) and "error" in result:
                        self.add("!", f"{name}, {PEOPLE.get(scale, scale)} people", {database: "error"},
                                 result["error"].strip().splitlines()[-1][:120], "", [False])


def _pages(t: Table) -> None:
    for scale in t.scales():
        people = PEOPLE[scale]
        cells, checks = t.per_database(scale, _ms, "pages", "dashboard", "median_s", limit=0.100)
        refs = [f"{d[:2]} {_ms(t.value(d, scale, 'pages', 'reference_sql', 'median_s'))}" for d in DATABASES
                if t.value(d, scale, "pages", "reference_sql")]
        if not cells:
            continue
        agree = [t.value(d, scale, "pages", "reference_agrees") for d in DATABASES if t.value(d, scale, "pages")]
        t.add("1", f"Commander dashboard, whole mission, {people} people: first view after a change (median)", cells,
              "hand-written SQL over the tables the engine reads (postings, profile assignments, screening, "
              "validity intervals, exercise credits), every unit and date in one statement (bench/reference.py): "
              + ", ".join(refs)
              + ("" if all(agree) else " — DISAGREES with the page"), "≤ 100 ms", checks + [all(agree)])
        ratio_cells, ratio_checks = {}, []
        for d in DATABASES:
            page, ref = t.value(d, scale, "pages", "dashboard", "median_s"), t.value(d, scale, "pages", "reference_sql",
                                                                                   "median_s")
            if page is not None and ref:
                ratio_cells[d] = f"{page / ref:.2f}×"
                ratio_checks.append(page / ref <= 1.5)
        t.add("1", f"Dashboard / reference SQL, {people} people", ratio_cells,
              "same figures for every unit and date, and the 30/60/90-day counts: "
              + ("yes" if all(agree) else "NO"), "≤ 1.5×", ratio_checks)
        cells, _ = t.per_database(scale, _ms, "pages", "dashboard", "writer_median_s")
        if any(cell != NOT_RUN for cell in cells.values()):  # runs from before the bench measured the writer: no row
            t.add("1", f"Recording one completion, {people} people: the writer, commit included (median)", cells,
                  "the person's readiness and their units' figures brought up to date in the same transaction", "—",
                  [])
        cells, _ = t.per_database(scale, _ms, "pages", "dashboard_cached", "median_s")
        t.add("1", f"Dashboard, {people} people: served from the shared cache (median)", cells,
              "no change since the last view", "—", [])
        cells, checks = t.per_database(scale, _ms, "pages", "dashboard_everyone", "median_s", limit=0.100)
        writer, _ = t.per_database(scale, _ms, "pages", "dashboard_everyone", "writer_median_s")
        t.add("1", f"Dashboard, {people} people: first view after a change to everyone (median)", cells,
              "a profile edited, a bulk statement: its writer counts every unit again after its commit ("
              + (", ".join(f"{d[:2]} {v}" for d, v in writer.items() if v != NOT_RUN) or "not measured")
              + "); the view served by another process, which reads the rows the writer stored and draws the page",
              "≤ 100 ms",
              checks if scale == "xlarge" else [])
    for key, label, limit in (("unit_battalion", "Unit page, battalion", 0.050),
                              ("unit_contingent", "Unit page, contingent", 0.050), ("person", "Person page", None)):
        for scale in t.scales():
            cells, checks = t.per_database(scale, _ms, "pages", key, "median_s", limit=limit)
            if not cells:
                continue
            people = [t.value(d, scale, "pages", key, "people") for d in DATABASES if t.value(d, scale, "pages", key)]
            sub = f" ({people[0]:,} people)" if people and people[0] else ""
            cached, _ = t.per_database(scale, _ms, "pages", key + "_cached", "median_s")
            reference = ("figures from the cache: " + ", ".join(f"{d[:2]} {v}" for d, v in cached.items())) \
                if cached and key != "person" else "—"
            t.add("2", f"{label}{sub} at {PEOPLE[scale]} people: first view after a change (median)", cells,
                  reference, f"≤ {limit * 1000:.0f} ms" if limit else "—", checks if scale == "xlarge" else [])
    for key, label in (("dashboard", "Dashboard"), ("unit_battalion", "Unit page, battalion"),
                       ("unit_contingent", "Unit page, contingent"), ("person", "Person page")):
        cells, checks = {}, []
        for d in DATABASES:
            counts = [(s, t.value(d, s, "pages", key, "queries")) for s in t.scales() if t.value(d, s, "pages", key)]
            if counts:
                cells[d] = " / ".join(str(q) for _, q in counts)
                checks.append(len({q for _, q in counts}) == 1)
        if cells:
            scales = " / ".join(PEOPLE[s] for s in t.scales() if any(t.value(d, s, "pages", key) for d in DATABASES))
            t.add("2", f"{label}: SQL statements per request at {scales} people", cells, "counted on the engine",
                  "the same at every scale", checks)


def _pdf(t: Table) -> None:
    for scale in t.scales():
        if not any(t.value(d, scale, "pages") for d in DATABASES):
            continue
        cells, checks = {}, []
        for d in DATABASES:  # the pages section may leave the report out (--quick at 100,000 people): not run
            if t.value(d, scale, "pages"):
                seconds = t.value(d, scale, "pages", "report_pdf", "seconds")
                cells[d] = NOT_RUN if seconds is None else _s(seconds)
                checks.append(None if seconds is None else seconds <= 30)
        first = ", ".join(f"{d[:2]} {_s(t.value(d, scale, 'pages', 'report_pdf', 'first_byte_s'))}" for d in DATABASES
                          if t.value(d, scale, "pages", "report_pdf"))
        size = next((t.value(d, scale, "pages", "report_pdf", "bytes") for d in DATABASES
                     if t.value(d, scale, "pages", "report_pdf")), 0) or 0
        ran = [d for d in DATABASES if t.value(d, scale, "pages", "report_pdf")]
        complete = all(t.value(d, scale, "pages", "report_pdf", "complete") for d in ran) if ran else None
        # Streamed: the response was an iterator, not one body (runs from before the flag was kept count as streamed).
        streamed = all(t.value(d, scale, "pages", "report_pdf", "streamed") is not False for d in ran) if ran else None
        listed = next((t.value(d, scale, "pages", "report_pdf", "people") for d in ran), None)
        t.add("3", f"Readiness report PDF, everyone ({PEOPLE[scale]} people)", cells,
              (("streamed" if streamed else "NOT STREAMED") + f": first bytes after {first}; {size / 1048576:,.1f} MiB"
               + ("" if complete else ", INCOMPLETE")
               + (f"; the dashboard's total for the same scope and profile: {listed:,} people" if listed else ""))
              if ran else "—", "≤ 30 s", checks + [complete, streamed])
    cells, checks = {}, []
    for d in DATABASES:
        growth = [(s, t.value(d, s, "pages", "report_pdf", "memory_growth_mib")) for s in t.scales()
                  if t.value(d, s, "pages", "report_pdf", "memory_growth_mib") is not None]
        if growth:
            cells[d] = " / ".join(f"{g:,.0f}" for _, g in growth) + " MiB"
            # Flat means the same growth at every size: one size alone shows nothing either way.
            checks.append(growth[-1][1] <= growth[0][1] + 25 if len(growth) > 1 else None)
    if cells:
        scales = " / ".join(PEOPLE[s] for s in t.scales()
                            if any(t.value(d, s, "pages", "report_pdf", "memory_growth_mib") is not None
                                   for d in DATABASES))
        t.add("3", f"Readiness report PDF: memory growth of the process at {scales} people", cells,
              "peak resident memory during the request minus before", "flat: largest ≤ smallest + 25 MiB", checks)


def _certs(t: Table) -> None:
    for scale in t.scales():
        single = {d: t.value(d, scale, "certs", "single") for d in DATABASES if t.value(d, scale, "certs", "single")}
        if not single:
            continue
        people = PEOPLE[scale]
        ratio_cells, checks = {}, []
        for d, s in single.items():
            floor = t.value(d, scale, "certs", "floor", "median_s")
            if s["issued"] and floor:
                ratio = s["median_per_certificate_s"] / floor
                ratio_cells[d] = f"{_ms(s['median_per_certificate_s'])} ({ratio:.2f}×)"
                checks.append(ratio <= 1.5)
            else:
                ratio_cells[d] = "none issued"
                checks.append(False)
        floors = ", ".join(f"{d[:2]} {_ms(t.value(d, scale, 'certs', 'floor', 'median_s'))}" for d in single)
        t.add("4", f"Certificate, median time each in a bulk issue ({people} people)", ratio_cells,
              f"bare ReportLab page (bench/certs.py): {floors}", "≤ 1.5× the page", checks)
        cells, checks = t.per_database(scale, lambda v: _num(v) + "/s", "certs", "single", "per_second", at_least=25)
        t.add("4", f"Certificates per second, one process ({people} people)", cells,
              "issue per company, then every PDF of the batch as a ZIP", "≥ 25/s", checks)
        cells, checks = t.per_database(scale, lambda v: f"{v:,.0f} MB" if v is not None else "—", "certs", "single",
                                       "peak_rss_growth_mb", limit=100)
        t.add("4", f"Certificates: peak memory growth, one process ({people} people)", cells, "RSS", "≤ 100 MB", checks)
        cells, checks = {}, []
        for d in DATABASES:
            two = t.value(d, scale, "certs", "two_processes")
            if two:
                cells[d] = f"{_num(two.get('per_second'))}/s" + (" (errors)" if two.get("errors") else "")
                checks.append(bool(two.get("per_second")) and two["per_second"] >= 100 and not two.get("errors"))
        t.add("4", f"Certificates per second, two processes ({people} people)", cells,
              "each process with its own app, on a copy of the database", "≥ 100/s", checks)


def _load(t: Table) -> None:
    pages = (("login", "Login page (GET)"), ("module_list", "Module list"), ("exercise", "Exercise page"),
             ("unit_readiness", "Unit readiness"), ("unit_contingent", "Unit readiness, a whole contingent"),
             ("person", "Person page"), ("dashboard", "Dashboard"))
    for scale in t.scales():
        if not any(t.value(d, scale, "load") for d in DATABASES):
            continue
        hello = {d: t.value(d, scale, "load", "hello", "rps") for d in DATABASES if t.value(d, scale, "load", "hello")}
        for key, label in pages:
            cells, checks = {}, []
            for d in DATABASES:
                page = t.value(d, scale, "load", key)
                if page:
                    cells[d] = f"{_ms(page['p95_s'])}, {page['errors']} errors, {page['rps']:,.0f}/s"
                    checks.append(page["p95_s"] is not None and page["p95_s"] <= 0.25 and page["errors"] == 0)
            if cells:
                t.add("5", f"{label} under load ({PEOPLE[scale]} people): p95, errors, requests/s", cells,
                      "hello-world " + ", ".join(f"{d[:2]} {v:,.0f}/s" for d, v in hello.items() if v),
                      "p95 ≤ 250 ms, 0 errors", checks)


def _roster(t: Table) -> None:
    for scale in t.scales():
        rows = [t.value(d, scale, "roster", "rows") for d in DATABASES if t.value(d, scale, "roster", "rows")]
        if rows:
            limit = 60 if rows[0] > 10000 else 15
            cells, checks = t.per_database(scale, _s, "roster", "seconds", limit=limit)
            new = next(t.value(d, scale, "roster", "new") for d in DATABASES if t.value(d, scale, "roster", "rows"))
            t.add("6", f"Roster import, {rows[0]:,} rows ({new:,} new), {PEOPLE[scale]} people", cells,
                  "`flask personnel import`, end to end", f"≤ {limit} s", checks)
    for scale in t.scales():  # after every roster row, so that the table reads in the sections' order
        cells, checks = t.per_database(scale, _s, "rebuild", "seconds", limit=60)
        if cells:
            sizes = next((f"{t.value(d, scale, 'rebuild', 'completions'):,} completions → "
                          f"{t.value(d, scale, 'rebuild', 'readiness_intervals'):,} intervals, "
                          f"{t.value(d, scale, 'rebuild', 'readiness_states'):,} stretches"
                          for d in DATABASES if t.value(d, scale, "rebuild", "seconds") is not None), None)
            if sizes is not None:
                t.add("7", f"`flask readiness rebuild`, {PEOPLE[scale]} people", cells, sizes, "≤ 60 s", checks)


def _build(t: Table) -> None:
    """How long each data set took to build: migrations, the shipped curricula, the demo data written in bulk (COPY on
    PostgreSQL) and, on PostgreSQL, fresh planner statistics."""
    for scale in t.scales():
        cells = {d: _s(sum(seconds.values())) for d in DATABASES
                 if (seconds := t.value(d, scale, "build", "seconds"))}
        sizes = next((t.value(d, scale, "build", "rows") for d in cells if t.value(d, scale, "build", "rows")), None)
        if cells and sizes:
            t.add("0", f"Data set built, {PEOPLE[scale]} people", cells,
                  f"migrations, curricula, demo seed in bulk (COPY on PostgreSQL): {sizes.get('people', 0):,} people, "
                  f"{sizes.get('units', 0):,} units, {sizes.get('completions', 0):,} completions, "
                  f"{sizes.get('exercises', 0):,} exercises", "—", [])


def rows(results: dict) -> list[dict]:
    t = Table(results)
    t.errors()
    _build(t)
    _pages(t)
    _pdf(t)
    _certs(t)
    _load(t)
    _roster(t)
    return t.rows


def table(rows_: list[dict]) -> str:
    widths = [max(len(h), *(len(str(r[k])) for r in rows_)) if rows_ else len(h) for h, k in zip(HEADERS, COLUMNS)]
    out = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)), "  ".join("-" * w for w in widths)]
    for r in rows_:
        out.append("  ".join(str(r[k]).ljust(w) for k, w in zip(COLUMNS, widths)))
    return "\n".join(out)


def markdown_table(rows_: list[dict]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for r in rows_:
        out.append("| " + " | ".join(str(r[k]).replace("|", "/") for k in COLUMNS) + " |")
    return "\n".join(out)


def write_markdown(path: Path, results: dict, rows_: list[dict]) -> None:
    from bench.report_text import document

    path.parent.mkdir(parents=True, exist_ok=True)
    page = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(document(results, markdown_table(rows_), page), encoding="utf-8")
