"""The one table (every figure beside its reference and target), and docs/performance.md."""
from __future__ import annotations

from pathlib import Path


def _ms(seconds) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _s(seconds) -> str:
    return "—" if seconds is None else f"{seconds:,.2f} s"


def _num(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _verdict(ok) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def _le(value, limit):
    return None if value is None else value <= limit


def _ge(value, limit):
    return None if value is None else value >= limit


def rows(r: dict) -> list[dict]:
    out: list[dict] = []

    def add(section, what, measured, reference, target, ok):
        out.append({"section": section, "what": what, "measured": measured, "reference": reference,
                    "target": target, "result": _verdict(ok)})

    pages = r.get("pages") or {}
    if "error" in pages:
        add("1-3", "pages", "error", "", "", False)
    dash, ref = pages.get("dashboard") or {}, pages.get("reference_sql") or {}
    if dash:
        ratio = dash["median_s"] / ref["median_s"] if ref.get("median_s") else None
        people = pages.get("people_in_dashboard")
        add("1", f"Commander dashboard, whole mission ({people:,} people), median of {dash['samples']}",
            _ms(dash["median_s"]), f"hand-written SQL {_ms(ref.get('median_s'))}"
            + ("" if pages.get("reference_agrees") else " (DISAGREES with the page)"),
            "≤ 100 ms", _le(dash["median_s"], 0.100))
        add("1", "Dashboard / reference SQL", _num(ratio, 2) + "×", "same per-unit figures: "
            + ("yes" if pages.get("reference_agrees") else "NO"), "≤ 1.5×", _le(ratio, 1.5))
    small = r.get("pages_small") or {}
    for key, label in (("unit_battalion", "Unit drill-down, battalion"), ("unit_contingent", "Unit drill-down, contingent"),
                       ("person", "Person page"), ("dashboard", "Dashboard")):
        big = pages.get(key)
        if not big:
            continue
        little = small.get(key) or {}
        people = f" ({big['people']:,} people)" if big.get("people") else ""
        same = None if not little else little.get("queries") == big["queries"]
        small_people = f", {little['people']:,} people" if little.get("people") else ""
        add("2", f"{label}{people}: queries per request", str(big["queries"]),
            f"small database{small_people}: {little.get('queries', '—')}", "same", same)
        if key != "dashboard":
            add("2", f"{label}: median time", _ms(big["median_s"]), f"small database: {_ms(little.get('median_s'))}",
                "—", None)
    pdf = pages.get("report_pdf")
    if pdf:
        add("3", f"Readiness report PDF, {pdf.get('people') or '?':,} personnel", _s(pdf["seconds"]),
            f"{pdf['bytes'] / 1048576:,.1f} MiB, {pdf['queries']} queries", "≤ 10 s", _le(pdf["seconds"], 10))

    certs = r.get("certs") or {}
    if "error" in certs:
        add("4", "certificates", "error", "", "", False)
    single, floor, two = certs.get("single"), certs.get("floor") or {}, certs.get("two_processes") or {}
    if single:
        per = single["median_per_certificate_s"]
        ratio = per / floor["median_s"] if floor.get("median_s") and single["issued"] else None
        if not single["issued"]:
            add("4", "Certificates issued in bulk", "0", "nobody in the data set is ready for " + certs.get("profile", "the profile"),
                f"{certs.get('target_count', 0):,}", False)
        add("4", f"Certificate, median time each (bulk of {single['issued']:,})", _ms(per if single["issued"] else None),
            f"bare ReportLab page {_ms(floor.get('median_s'))}", "ratio ≤ 1.5", _le(ratio, 1.5))
        add("4", "Certificate / floor", _num(ratio, 2) + "×", "", "≤ 1.5×", _le(ratio, 1.5))
        add("4", "Certificates per second, one process", _num(single["per_second"]),
            f"{single['issued']:,} in {_s(single['wall_s'])}", "≥ 25/s",
            _ge(single["per_second"], 25) if single["issued"] >= certs.get("target_count", 0) else False)
        add("4", "Peak memory growth, one process", f"{single['peak_rss_growth_mb']:,.0f} MB", "RSS", "≤ 100 MB",
            _le(single["peak_rss_growth_mb"], 100))
    if two:
        add("4", "Certificates per second, two processes", _num(two.get("per_second")),
            f"{two.get('issued', 0):,} in {_s(two.get('wall_s'))}" + (f"; errors: {two['errors']}" if two.get("errors") else ""),
            "≥ 45/s", _ge(two.get("per_second"), 45) if not two.get("errors") else False)

    load = r.get("load") or {}
    if "error" in load:
        add("5", "load test", "error", "", "", False)
    hello = load.get("hello") or {}
    for key, label, p95_limit, ratio_limit in (("login", "Login page (GET)", 0.25, 0.3), ("module_list", "Module list", 0.25, None),
                                               ("exercise", "Exercise page", 0.25, None),
                                               ("unit_readiness", "Unit readiness", 0.25, None),
                                               ("dashboard", "Dashboard", 1.0, None)):
        page = load.get(key)
        if not page:
            continue
        ratio = page.get("ratio_to_hello")
        ok_ratio = _ge(ratio, ratio_limit) if ratio_limit else None
        add("5", f"{label}: requests/s (ratio to hello-world)", f"{page['rps']:,.1f} ({_num(ratio, 2)})",
            f"hello-world {hello.get('rps', 0):,.0f}/s", f"≥ {ratio_limit}" if ratio_limit else "—", ok_ratio)
        add("5", f"{label}: p95 latency, errors", f"{_ms(page['p95_s'])}, {page['errors']} errors",
            f"hello-world p95 {_ms(hello.get('p95_s'))}", f"≤ {p95_limit * 1000:.0f} ms, 0 errors",
            (_le(page["p95_s"], p95_limit) or False) and page["errors"] == 0)

    roster = r.get("roster") or {}
    if "error" in roster:
        add("6", "roster import", "error", "", "", False)
    if roster.get("seconds") is not None:
        add("6", f"Roster import, {roster['rows']:,} rows ({roster['new']:,} new)", _s(roster["seconds"]),
            "`flask personnel import`, end to end", "≤ 15 s", _le(roster["seconds"], 15))
    return out


def table(rows_: list[dict]) -> str:
    headers = ["#", "Measure", "Measured", "Reference (same run)", "Target", "Result"]
    keys = ["section", "what", "measured", "reference", "target", "result"]
    widths = [max(len(h), *(len(str(r[k])) for r in rows_)) if rows_ else len(h) for h, k in zip(headers, keys)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows_:
        out.append("  ".join(str(r[k]).ljust(w) for k, w in zip(keys, widths)))
    return "\n".join(out)


def _markdown_table(rows_: list[dict]) -> str:
    out = ["| # | Measure | Measured | Reference (same run) | Target | Result |", "|---|---|---|---|---|---|"]
    for r in rows_:
        out.append("| " + " | ".join(str(r[k]).replace("|", "/") for k in
                                     ("section", "what", "measured", "reference", "target", "result")) + " |")
    return "\n".join(out)


# Causes found with cProfile on this data set (see the commit history for the fixes already made).
FINDINGS = """
- **Commander dashboard, unit drill-down (readiness).** First the per-person engine ran for everyone
  seven times a page (the day and six trend points); then set-based GROUP BY queries over the validity
  intervals, which still read all ~144,000 intervals twice a page (~0.3 s each). Now a person's
  readiness for a profile is stored as stretches of dates over which it stays the same
  (`readiness_states`, computed with the engine's own rules and rebuilt with the intervals on every
  change to completions, waivers, exercise credits, module versions or the profile). Per-unit totals
  for today, the forecast and the six trend points come from one pass over the postings (a column per
  date), ready counts from one join of the few ready stretches (their own index) to the postings, and
  the most common gaps from one index seek per person, the largest remaining query (~20 ms for 10,000
  people). The unit page lists its fifty people from their stretches instead of the worded engine, in
  the same ordered statement as the page of people; it reads its subtree through the unit index (a
  `LIKE` with a computed pattern cannot use one in SQLite), counts its dates and gaps from its postings'
  rows, and finds its people's ready stretches through the person index. Table aliases (`aliased()`
  copies every column of its table) are built once instead of on every request: a fifth of a unit
  page. Rendering: `Markup.format` escaped every argument of every level badge and a macro and
  `url_for` ran per unit row; the 300-row mission tree went from ~40 ms to ~5 ms.
- **Readiness report PDF (readiness).** The "Personnel not ready" section was one ReportLab `Table`
  of ~9,000 rows of Paragraphs, re-measured at every page split (quadratic), then tables of 40 rows.
  Now the long person lists are one flowable that wraps each distinct text once, knows its row
  heights up front and draws each page as one block of text and one set of grid lines, repeating
  the heading and column header on every page. What remains is mostly the per-person engine, which
  writes the reason of every requirement (met ones included) that the report lists for gaps only.
- **Certificates (certificates).** Choosing the best of the eight QR mask patterns cost about 60 ms
  a certificate, so the mask is fixed (all masks are valid). Then: the QR code is drawn in whole
  modules under one transform; it is encoded by a table-driven encoder built on segno's tables that
  lays out each version once (tested symbol for symbol against segno at every version and mask);
  plain-ASCII lines skip the split into script runs; signing keys are parsed once per key file; and
  a bulk issue writes a unit's certificates, status events and audit events with a few statements
  (the audit head locked once) instead of several per certificate.
- **Exercise page (exercises).** `timeutil.get_zone` walked the time-zone database on every call
  (over 100 ms a request); then the conflict checks rebuilt eight aliased tables and their queries
  on every call and the page loaded every participant twice to show two counts. The aliases and
  queries are now built once, and the counts are count-only queries.
- **Module list (curricula).** The template calls `list_versions` once per module (N+1, 14 extra
  queries a page). Fix: read all versions in one query and group them in Python.
- **Two workers on a loaded machine.** With 20 closed-loop clients on 2 sync workers, p95 latency
  is about 20 / throughput, so a page must cost about 25 ms of CPU or less to meet 250 ms.
"""


def write_markdown(path: Path, results: dict, rows_: list[dict]) -> None:
    m = results.get("machine", {})
    build = results.get("build", {})
    data_rows = build.get("rows", {})
    text = f"""# Performance

Figures from `make bench` ({'quick dry run' if results.get('quick') else 'full run'}, started
{results.get('started_at')}, {results.get('total_minutes')} minutes in all). Every figure is measured in
the same run as its reference, on the same machine, so the ratios hold even where the absolute times
move with the machine. The raw figures are in `bench/results.json`.

## Results

{_markdown_table(rows_)}

## Machine

- CPU: {m.get('cpu')} ({m.get('cores')} cores), RAM {m.get('ram_gib')} GiB
- Python {m.get('python')}, SQLite {m.get('sqlite')}, SQLAlchemy {m.get('sqlalchemy')}, ReportLab {m.get('reportlab')}
- {m.get('os')}; load average when the run started: {m.get('load_average_at_start')}, when it ended:
  {m.get('load_average_at_end')}. The machine was shared with other work (test suites) during the
  run, so absolute times are pessimistic; each ratio compares figures taken under the same load.

## Data set

`flask --app wsgi db upgrade heads`, `curricula import`, then `demo seed --scale {build.get('scale')}` in a
fresh temporary instance folder (seconds: {build.get('seconds')}). Rows:
{', '.join(f'{k} {v:,}' for k, v in data_rows.items() if v is not None)}.

## What each figure measures

1. **Commander dashboard** (`/readiness/?profile=UN-PDT-MIL&forecast=` today + 90 days, signed in as the
   mission commander): server time of the whole page through the Flask test client in one process
   (trend, forecast and 30/60/90-day counts included), median of 20 after a warm-up. The reference is one
   hand-written SQL query (`bench/reference.py`) computing the same per-unit totals and percentages
   (with the roll-up to parent units) from the same tables on the same database, median of 20; the
   bench checks that both give the same figures for every unit before comparing times.
2. **Unit drill-down and person page**: SQL statements per request, counted on the engine, on the
   large database and on the small demo database (`--scale small`): the count must not depend on the
   number of people. Times are medians of 20.
3. **Readiness report PDF** for everyone the profile applies to, in one request.
4. **Certificates**: the demo data holds fewer people ready for UN-PDT-MIL than the bulk issue
   needs, so before anything is timed the section gives everyone cleared in the first companies a
   waiver for each requirement they miss (the waiver table plus the interval rebuild the readiness
   domain uses), until 1,100 people are ready. Then the real bulk path (`bulk.issue_batch` per company, then every PDF of the batch
   streamed into a ZIP) until 1,000 certificates exist; median time per certificate (PDF rendering
   plus its share of the issuing transaction), certificates per second, and peak RSS growth of the
   process. Then the same with two processes (each with its own app) on a copy of the database taken
   before. The floor is a bare ReportLab page (`bench/certs.py:floor_page`) with the same fonts,
   HarfBuzz shaping of the native-script name, a QR code of the same size and an Ed25519 signature.
5. **Pages under load**: gunicorn with 2 sync workers, 20 client threads for 10 s per page
   (`http.client`, loopback, each client signed in once through the login form and reusing its
   cookie). Requests per second are compared with a bare Flask hello-world served the same way in
   the same run. Every non-200 answer, timeout or reset counts as an error.
6. **Roster import**: a 10,000-row CSV (7,000 new people, 3,000 existing of whom 1,000 changed)
   through `flask --app wsgi personnel import FILE`, end to end, including the process start.

## Why targets are missed, and the fixes

{FINDINGS}

## Rerunning

    make bench                     # the full run (about 15 minutes on 2 cores); rewrites this file
    .venv/bin/python -m bench --quick              # a small dry run while developing
    .venv/bin/python -m bench --only pages --keep  # one section; keep the temporary instance

The suite never runs inside `make test`: tests may assert query counts, never times.
"""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("{FINDINGS}", FINDINGS.strip()))
