"""WCAG 2.2 AA in the browser: axe-core (vendored in tests/e2e/vendor) runs on the pages every role uses
daily, on the demo data; no violation of serious or critical impact is allowed."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.demo_pages import demo_ids
from tests.e2e.conftest import PASSWORD, e2e_login, e2e_sign_out

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
         "resultTypes": ["violations"]}


@pytest.fixture
def demo(live_server):
    """The small demo data set, and the ids of objects the pages below open."""
    from trainer.auth.services import AuthSettings
    from trainer.demo import services as demo_services
    from trainer.extensions import db

    app = live_server.app
    with app.app_context():
        demo_services.seed("small", PASSWORD, AuthSettings.from_config(app.config))
        db.session.commit()
        return demo_ids(db)


PAGES = {
    None: ["/login", "/verify", "/verify/{serial}"],
    "trainee": ["/", "/learning/", "/curricula/modules/{module}", "/learning/modules/{module}/lessons/{lesson}",
                "/readiness/people/{own_person}", "/certificates/", "/exercises/", "/notifications", "/account"],
    "officer": ["/personnel", "/personnel/{person}", "/units", "/units/{unit}", "/learning/assign", "/learning/matrix",
                "/learning/attention", "/learning/sessions", "/exercises/{exercise}", "/exercises/{exercise}/participants",
                "/exercises/{exercise}/msel", "/curricula/", "/curricula/profiles/UN-PDT-MIL"],
    "commander": ["/readiness/", "/readiness/units/{unit}", "/readiness/people/{person}", "/readiness/deployments",
                  "/certificates/{certificate}", "/certificates/bulk"],
    "evaluator": ["/assessments/", "/assessments/exercises/{exercise}"],
    "admin": ["/admin/users", "/admin/nations", "/admin/audit/", "/admin/audit/verify"],
}


def _violations(page) -> list[dict]:
    page.evaluate(AXE)   # evaluated through the browser's debugging protocol: the page's CSP does not apply
    result = page.evaluate("options => axe.run(document, options)", RULES)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_every_role_s_pages_have_no_serious_accessibility_violations(live_server, page, demo):
    problems, checked = [], 0
    for username, paths in PAGES.items():
        if username is not None:
            e2e_login(page, live_server, username)
        for path in paths:
            url = live_server.url + path.format(**demo)
            response = page.goto(url)
            assert response.status < 400, f"{path} as {username}: HTTP {response.status}"
            for violation in _violations(page):
                nodes = [n["target"] for n in violation["nodes"][:3]]
                problems.append(f"{path} as {username or 'visitor'}: {violation['id']} ({violation['impact']}): "
                                f"{violation['help']} at {json.dumps(nodes)}")
            checked += 1
        if username is not None:
            e2e_sign_out(page)
    assert checked >= 30
    assert not problems, f"{len(problems)} serious or critical violations:\n" + "\n".join(problems)
