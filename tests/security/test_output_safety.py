"""What the application sends back: formula cells neutralised in every export, download names that
cannot break the header, security headers on errors, static files and downloads, sanitised Markdown,
and no template that switches escaping off."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from trainer.certificates.bulk import skipped_csv
from trainer.curricula.markdown import render_markdown
from trainer.exercises.msel_csv import cell as msel_cell
from trainer.security import content_disposition
from trainer.spreadsheets import neutralise_cell, xlsx_cell

ROOT = Path(__file__).resolve().parents[2]
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\x00=1", "|cmd", "%0A"]


@pytest.mark.parametrize("neutralise", [neutralise_cell, msel_cell, xlsx_cell])
def test_every_export_neutraliser_covers_every_formula_start(neutralise):
    for value in FORMULAS:
        assert neutralise(value).startswith("'")
    assert neutralise("Plain") == "Plain"


def test_an_xlsx_cell_behind_a_control_character_is_still_no_formula():
    """XLSX drops the control character; what is left starts with "=" and must not run."""
    for value in ("\x0b=HYPERLINK(\"http://x\")", "\x01+1", "\x1f@SUM(A1)"):
        assert xlsx_cell(value).startswith("'"), value


def test_one_module_decides_which_cells_are_formulas():
    """The rule lives in trainer/spreadsheets.py; an export that kept its own list would drift from it (four
    did, two of them without | and %)."""
    owners = [path.relative_to(ROOT).as_posix() for path in (ROOT / "trainer").rglob("*.py")
              if re.search(r"^(FORMULA_\w+|def neutralise\w*)\b", path.read_text(), re.M)
              and path.name != "spreadsheets.py"]
    assert owners == []


def test_the_skipped_people_list_of_a_bulk_issue_is_neutralised():
    batch = SimpleNamespace(skipped=[{"name": "=HYPERLINK(\"http://x\")", "service_number": "+1",
                                      "reasons": ["-bad"]}])
    text = skipped_csv(batch).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1" in text and "'-bad" in text


@pytest.mark.parametrize("name", ["certificate-शर्मा.pdf", 'MSEL-A"B;C.csv', "x\r\nSet-Cookie: a=b.csv", ""])
def test_download_names_keep_the_header_ascii_and_whole(name):
    value = content_disposition(name)
    value.encode("ascii")
    assert "\r" not in value and "\n" not in value
    assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"(; filename\*=UTF-8\'\'[A-Za-z0-9%._-]+)?', value)


def test_a_download_named_after_user_data_gets_a_safe_header(app, client, login_as, make_unit):
    unit = make_unit(nation="NPL", code='ÇA"B')
    login_as("admin")
    response = client.get(f"/learning/matrix/export?unit_id={unit.id}")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")
    assert disposition.startswith('attachment; filename="completions-NPL-_AB-') and "filename*=UTF-8''" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_headers_on_errors_static_files_and_anonymous_pages(client):
    for url, status in (("/static/css/app.css", 200), ("/no/such/page", 404), ("/login", 200),
                        ("/verify", 200), ("/personnel/1", 302)):
        response = client.get(url)
        assert response.status_code == status, url
        csp = response.headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "base-uri 'none'" in csp and "script-src 'self'" in csp, url
        assert "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"], url
    assert client.post("/healthz").status_code == 405
    assert "object-src 'none'" in client.post("/healthz").headers["Content-Security-Policy"]


@pytest.mark.parametrize("source, forbidden", [
    ("<script>alert(1)</script>", "<script"),
    ("[x](javascript:alert(1))", "javascript:"),
    ("[x](JaVaScRiPt:alert(1))", "avascript:"),
    ('<img src="x" onerror="alert(1)">', "onerror"),
    ("![x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ('<a href="data:text/html,<script>">x</a>', "data:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<p style="background:url(x)">x</p>', "style="),
    ("<svg onload=alert(1)>", "onload"),
])
def test_lesson_markdown_is_sanitised(source, forbidden):
    html = render_markdown(f"Text before\n\n{source}\n\nText after")
    assert forbidden.lower() not in html.lower()
    assert "Text after" in html


def test_no_template_or_view_switches_escaping_off_outside_the_sanitisers():
    """|safe, Markup( and autoescape false are allowed only where sanitised or fully escaped HTML is
    made: lesson Markdown (nh3), the server-drawn SVG charts (every label escaped), the language marks
    (lang and dir attributes from the fixed table of known languages around escaped text), the audit log's
    sentences (every value escaped, only the links to object pages made), the readiness pages' rows built in
    Python (every text escaped: tests/readiness/test_html.py), and the offline certificate verifier, which
    inlines the application's own script and style files (no user data)."""
    allowed = {"trainer/curricula/views.py", "trainer/readiness/views.py", "trainer/readiness/html.py",
               "trainer/i18n.py", "trainer/audit/descriptions/core.py", "trainer/certificates/offline_page.py"}
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "trainer").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        if re.search(r"\|\s*safe\b|\{%-?\s*autoescape\s+false|Markup\(", text) and rel not in allowed:
            offenders.append(rel)
    assert offenders == []
    for path in (ROOT / "templates").rglob("*"):
        assert path.is_dir() or path.suffix == ".html", f"{path}: only .html templates are autoescaped"
