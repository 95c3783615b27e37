"""The bench's table says "not run" for a measurement that was not taken, never PASS."""
from bench import report


def _results(pages: dict) -> dict:
    return {"runs": {"postgresql": {"xlarge": {"pages": pages}}}}


def _row(rows, starts: str) -> dict:
    return next(r for r in rows if r["what"].startswith(starts))


def test_report_pdf_left_out_is_not_run():
    rows = report.rows(_results({"dashboard": {"median_s": 0.08, "queries": 20}, "people": 100000}))
    pdf = _row(rows, "Readiness report PDF, everyone")
    assert pdf["postgresql"] == "not run"
    assert pdf["result"] == "not run"
    assert not any(r["what"].startswith("Readiness report PDF: memory") for r in rows)


def test_report_pdf_measured_is_judged():
    pages = {"report_pdf": {"seconds": 12.0, "first_byte_s": 1.0, "bytes": 1048576, "complete": True,
                            "memory_growth_mib": 5}}
    assert _row(report.rows(_results(pages)), "Readiness report PDF, everyone")["result"] == "PASS"
    pages["report_pdf"]["seconds"] = 45.0
    assert _row(report.rows(_results(pages)), "Readiness report PDF, everyone")["result"] == "MISS"
    pages["report_pdf"].update(seconds=12.0, complete=False)
    assert _row(report.rows(_results(pages)), "Readiness report PDF, everyone")["result"] == "MISS"
    pages["report_pdf"].update(complete=True, streamed=False)  # one body made in memory before the first byte
    row = _row(report.rows(_results(pages)), "Readiness report PDF, everyone")
    assert row["result"] == "MISS" and row["reference"].startswith("NOT STREAMED")


def test_the_report_row_gives_the_number_of_people_in_its_scope_beside_the_data_sets_size():
    """The row is named for the data set's size; the report covers those the profile applies to, which may be
    fewer: the dashboard's total for the same scope and profile."""
    pages = {"report_pdf": {"seconds": 12.0, "first_byte_s": 1.0, "bytes": 1048576, "complete": True,
                            "people": 95998}}
    reference = _row(report.rows(_results(pages)), "Readiness report PDF, everyone")["reference"]
    assert reference.endswith("the dashboard's total for the same scope and profile: 95,998 people")


def test_a_figure_missing_from_a_section_is_not_run():
    rows = report.rows(_results({"unit_battalion": {"median_s": None, "queries": 20, "people": 710}}))
    unit = _row(rows, "Unit page, battalion")
    assert unit["postgresql"] == "not run" and unit["result"] == "not run"
    print(report.table(rows))


def test_memory_is_judged_flat_only_across_sizes():
    pdf = {"seconds": 12.0, "first_byte_s": 1.0, "bytes": 1048576, "complete": True, "memory_growth_mib": 160}
    one = report.rows(_results({"report_pdf": pdf}))
    assert _row(one, "Readiness report PDF: memory")["result"] == "n/a"
    two = report.rows({"runs": {"postgresql": {"large": {"pages": {"report_pdf": {**pdf, "memory_growth_mib": 20}}},
                                               "xlarge": {"pages": {"report_pdf": pdf}}}}})
    assert _row(two, "Readiness report PDF: memory")["result"] == "MISS"


def test_a_run_replaces_only_the_last_runs_block_of_the_performance_page(tmp_path):
    from bench.report_text import END, START

    page = tmp_path / "performance.md"
    results = {"started_at": "2026-12-06T20:00:00+00:00", "total_minutes": 23.0, "machine": {"cores": 2}}
    report.write_markdown(page, results, [])
    assert page.read_text().startswith("# Performance") and START in page.read_text()

    page.write_text(page.read_text().replace(START, "Intro kept.\n\n" + START) + "\n## A dated finding\n\nKept too.\n")
    report.write_markdown(page, {**results, "started_at": "2026-12-07T08:00:00+00:00"}, [])
    text = page.read_text()
    assert "Intro kept." in text and "## A dated finding\n\nKept too." in text
    assert "2026-12-07T08:00:00" in text and "2026-12-06T20:00:00" not in text
    assert text.count(START) == 1 and text.count(END) == 1


def test_each_data_sets_build_time_is_reported_with_its_size():
    build = {"seconds": {"migrate": 2.5, "curricula_import": 4.5, "demo_seed": 412.0, "analyze": 5.0},
             "rows": {"people": 100000, "units": 3000, "completions": 1545842, "exercises": 2000}}
    row = _row(report.rows({"runs": {"postgresql": {"xlarge": {"build": build}}}}), "Data set built, 100,000 people")
    assert row["postgresql"] == "424.0 s" and row["sqlite"] == "not run"
    assert "100,000 people, 3,000 units, 1,545,842 completions, 2,000 exercises" in row["reference"]
