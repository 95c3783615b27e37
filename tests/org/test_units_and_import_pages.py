"""Nations and units pages, the roster upload with its preview and confirm step, and the CLI."""
import io

from sqlalchemy import func, select

from tests.org.conftest import person_row, roster_csv
from trainer.audit.models import AuditEvent
from trainer.org.models import Nation, Person, Unit


def test_admin_activates_and_deactivates_a_nation(client, db, login_as):
    login_as("admin")
    page = client.get("/admin/nations?q=urug").get_data(as_text=True)
    assert "Uruguay" in page and "Activate" in page
    assert client.post("/admin/nations/URY/toggle").status_code == 302
    db.session.expire_all()
    assert db.session.get(Nation, "URY").active is True
    client.post("/admin/nations/URY/toggle")
    db.session.expire_all()
    assert db.session.get(Nation, "URY").active is False
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("nation.%"))) == 2
    assert client.post("/admin/nations/XXX/toggle").status_code == 422


def test_units_are_a_tree_with_codes_unique_within_a_nation(client, db, login_as, npl_units, make_unit):
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/units/new", data={"nation_code": "NPL", "code": "npbatt-a-1", "name": "Alpha 1",
                                               "kind": "company", "parent_id": npl_units["a"].id})
    assert response.status_code == 302
    db.session.expire_all()
    unit = db.session.scalar(select(Unit).where(Unit.code == "NPBATT-A-1"))
    assert unit.path == f"{npl_units['a'].path}{unit.id}/"
    again = client.post("/units/new", data={"nation_code": "NPL", "code": "NPBATT-A-1", "name": "Dup", "kind": "company",
                                            "parent_id": npl_units["a"].id})
    assert again.status_code == 409 and "Already used in this nation" in again.get_data(as_text=True)
    make_unit(nation="FRA", code="NPBATT-A-1")  # the same code in another nation is fine
    page = client.get("/units").get_data(as_text=True)
    assert page.index("NPBATT-A<") < page.index("NPBATT-A-1") < page.index("NPBATT-B")


def test_moving_a_unit_moves_its_subtree(client, db, login_as, npl_units, make_unit, make_person):
    child = make_unit(nation="NPL", code="A-1", parent=npl_units["a"])
    grandchild = make_unit(nation="NPL", code="A-1-X", parent=child)
    person = make_person(unit=grandchild)
    login_as("training_officer", "nation", nation="NPL")
    response = client.post(f"/units/{child.id}/edit", data={"code": "A-1", "name": "Moved", "kind": "company",
                                                           "parent_id": npl_units["b"].id, "version": child.version})
    assert response.status_code == 302
    db.session.expire_all()
    child, grandchild = db.session.get(Unit, child.id), db.session.get(Unit, grandchild.id)
    b = npl_units["b"]
    assert child.path == f"/{npl_units['top'].id}/{b.id}/{child.id}/"
    assert grandchild.path == f"{child.path}{grandchild.id}/"
    db.session.expire_all()
    # The person follows the subtree: a unit-scoped officer of B now sees them.
    client.post("/logout")
    db.session.expire_all()
    login_as("training_officer", "unit", unit=b)
    assert client.get(f"/personnel/{person.id}").status_code == 200
    client.post("/logout")
    db.session.expire_all()
    login_as("training_officer", "nation", nation="NPL")
    db.session.expire_all()
    cycle = client.post(f"/units/{npl_units['b'].id}/edit", data={"code": b.code, "name": b.name, "kind": b.kind,
                                                                   "parent_id": grandchild.id, "version": b.version})
    assert cycle.status_code == 422 and "under itself" in cycle.get_data(as_text=True)


def test_roster_upload_previews_then_imports_on_confirm(client, db, login_as, npl_units):
    login_as("training_officer", "nation", nation="NPL")
    data = roster_csv([person_row(), person_row(service_number="NA-2", family_name="Gurung", given_names="Sita",
                                                family_name_latin="Gurung", given_names_latin="Sita")])
    response = client.post("/personnel/import", data={"file": (io.BytesIO(data), "roster.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Check before importing" in page and "NA-2" in page
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/personnel/import", data={"token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 2
    # The stored upload is used once; the same token cannot import again.
    assert client.post("/personnel/import", data={"token": token}).status_code == 302
    assert "no longer available" in client.get("/personnel/import").get_data(as_text=True)


def test_a_confirmed_import_whose_commit_fails_keeps_the_upload_for_another_try(client, db, login_as, npl_units,
                                                                                monkeypatch):
    from sqlalchemy.exc import OperationalError

    from trainer import transactions

    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/personnel/import", data={"file": (io.BytesIO(roster_csv([person_row()])), "roster.csv")},
                           content_type="multipart/form-data")
    token = response.get_data(as_text=True).split('name="token" type="hidden" value="')[1].split('"')[0]
    real_commit = transactions.db.session.commit
    failures = iter([True])

    def commit_once_locked():
        if next(failures, False):
            raise OperationalError("COMMIT", {}, Exception("database is locked"))
        return real_commit()

    monkeypatch.setattr(transactions.db.session, "commit", commit_once_locked)
    assert client.post("/personnel/import", data={"token": token}).status_code == 503
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    # the same confirmation works once the database answers again: nothing to upload a second time
    assert client.post("/personnel/import", data={"token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1


def test_roster_upload_with_errors_shows_a_table_of_them(client, login_as, npl_units):
    login_as("training_officer", "nation", nation="NPL")
    data = roster_csv([person_row(rank_code="XX"), person_row(service_number="N2", unit="NOPE")])
    response = client.post("/personnel/import", data={"file": (io.BytesIO(data), "bad.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="roster-errors"' in page and "<td>2</td><td>rank_code</td>" in page and "<td>3</td><td>unit</td>" in page
    assert 'name="token"' not in page


def test_roster_upload_of_a_token_from_someone_else_is_refused(client, login_as, npl_units):
    login_as("training_officer", "nation", nation="NPL")
    response = client.post("/personnel/import", data={"token": "../../etc/passwd-aaaaaaaaaaaaaaaaaaaa"})
    assert response.status_code == 302


def test_cli_import_and_dry_run(runner, db, npl_units, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_csv([person_row()]))
    result = runner.invoke(args=["personnel", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "1 new" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0
    result = runner.invoke(args=["personnel", "import", str(path)])
    assert result.exit_code == 0 and "1 new" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
    result = runner.invoke(args=["personnel", "import", str(path)])
    assert "0 new, 0 updated" in result.output and "1 unchanged" in result.output


def test_cli_import_reports_errors_and_exits_non_zero(runner, db, npl_units, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(roster_csv([person_row(category="navy"), person_row(service_number="X2", email="@")]))
    result = runner.invoke(args=["personnel", "import", str(path)])
    assert result.exit_code != 0
    assert "row 2, column category" in result.output and "row 3, column email" in result.output
    assert "nothing was imported" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_stale_unit_edit_is_a_conflict_and_changes_nothing(client, db, login_as, npl_units):
    unit = npl_units["a"]
    login_as("training_officer", "nation", nation="NPL")
    data = {"code": unit.code, "name": "First", "kind": unit.kind, "parent_id": unit.parent_id, "version": unit.version}
    assert client.post(f"/units/{unit.id}/edit", data=data).status_code == 302
    stale = client.post(f"/units/{unit.id}/edit", data={**data, "name": "Second"})
    assert stale.status_code == 409 and 'value="Second"' in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).name == "First"


def test_unit_scoped_officer_cannot_add_a_top_level_unit(client, login_as, npl_units):
    login_as("training_officer", "unit", unit=npl_units["a"])
    response = client.post("/units/new", data={"nation_code": "NPL", "code": "ROGUE", "name": "Rogue", "kind": "company",
                                               "parent_id": ""})
    assert response.status_code == 422
    response = client.post("/units/new", data={"nation_code": "NPL", "code": "ROGUE", "name": "Rogue", "kind": "company",
                                               "parent_id": npl_units["b"].id})
    assert response.status_code == 422


def test_commander_cannot_import(client, login_as, npl_units):
    login_as("commander", "nation", nation="NPL")
    assert client.get("/personnel/import").status_code == 403
