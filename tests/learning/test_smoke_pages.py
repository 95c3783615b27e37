"""Every learning and curricula page renders for the people who use it."""
from __future__ import annotations

import datetime as dt

from tests.conftest import login


def test_training_officer_pages_render(app, db, client, curricula_loaded, make_unit, make_person, make_user):
    unit = make_unit(nation="NPL", code="NPL-B9")
    person = make_person(unit=unit, family_name="=Formula")
    officer = make_user("training_officer", "nation", nation="NPL", username="o.npl")
    login(client, officer.username)
    for url in ["/learning/", "/learning/assign", "/learning/assignments", "/learning/sessions", "/learning/sessions/new",
                f"/learning/people/{person.id}", f"/learning/people/{person.id}/recognise",
                f"/learning/matrix?unit_id={unit.id}", f"/learning/attention?unit_id={unit.id}",
                "/curricula/", "/curricula/modules/TS-01", "/curricula/profiles/TST-PROFILE"]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
    response = client.post("/learning/assign", data={"code": "TST-PROFILE", "unit_id": str(unit.id),
                                                     "due_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = client.get(f"/learning/matrix?unit_id={unit.id}")
    assert "Not started" in response.get_data(as_text=True)
    csv = client.get(f"/learning/matrix/export?unit_id={unit.id}&format=csv")
    assert csv.status_code == 200 and "'=Formula" in csv.get_data(as_text=True)
    xlsx = client.get(f"/learning/matrix/export?unit_id={unit.id}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
