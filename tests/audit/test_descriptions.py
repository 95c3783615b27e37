"""Every kind of audit event reads as a sentence: who did what to which object, the objects named and linked.

The first test reads the application's code for every action it records (record_event and record_events
calls) and fails when one has no description of its own; the samples below give each kind realistic
recorded details, as its service writes them."""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

TRAINER = Path(__file__).resolve().parents[2] / "trainer"

# Actions built from a value at run time: the values that value takes.
DYNAMIC = {
    "exercise.participant.{decision}": ("exercise.participant.confirm", "exercise.participant.decline"),
    "{kind}_assignment.create": ("module_assignment.create", "profile_assignment.create"),
    "{kind}_assignment.withdraw": ("module_assignment.withdraw", "profile_assignment.withdraw"),
}


def _functions(tree):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _enclosing(tree, call):
    for function in _functions(tree):
        if any(node is call for node in ast.walk(function)):
            return function
    return None


def _calls(trees, name):
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if callee == name:
                    yield path, tree, node


def _argument(call, function, parameter):
    """The expression `call` passes for `function`'s parameter."""
    names = [a.arg for a in function.args.args]
    position = names.index(parameter)
    for keyword in call.keywords:
        if keyword.arg == parameter:
            return keyword.value
    return call.args[position] if position < len(call.args) else None


def _actions(expression, path, tree, trees, seen=()) -> set[str]:
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        return _actions(expression.body, path, tree, trees, seen) | _actions(expression.orelse, path, tree, trees, seen)
    if isinstance(expression, ast.JoinedStr):
        template = "".join(v.value if isinstance(v, ast.Constant) else "{" + ast.unparse(v.value) + "}"
                           for v in expression.values)
        assert template in DYNAMIC, f"{path}: the action {template!r} is built at run time: list its values in DYNAMIC"
        return set(DYNAMIC[template])
    if isinstance(expression, ast.Name):
        function = _enclosing(tree, expression)
        assert function is not None and expression.id in [a.arg for a in function.args.args], \
            f"{path}: cannot tell which actions {expression.id!r} holds"
        assert function.name not in seen
        found = set()
        for where, other_tree, call in _calls(trees, function.name):
            argument = _argument(call, function, expression.id)
            if argument is not None:
                found |= _actions(argument, where, other_tree, trees, seen + (function.name,))
        return found
    raise AssertionError(f"{path}: cannot tell which action {ast.unparse(expression)} records")


def recorded_actions() -> set[str]:
    """Every action the application's code records."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in TRAINER.rglob("*.py")}
    found = set()
    for name in ("record_event", "record_events"):
        for path, tree, call in _calls(trees, name):
            if path.parent.name == "audit" and path.name == "services.py":
                continue
            action = call.args[1] if len(call.args) > 1 else next(k.value for k in call.keywords if k.arg == "action")
            found |= _actions(action, path, tree, trees)
    return found


def test_every_action_the_application_records_has_a_description_and_a_sample():
    from trainer.audit.descriptions import kind_of

    actions = recorded_actions()
    assert len(actions) >= 80, sorted(actions)  # the scan finds the calls (and would not pass on an empty list)
    undescribed = sorted(a for a in actions if kind_of(a) is None)
    assert not undescribed, f"actions recorded without a description in trainer/audit/descriptions: {undescribed}"
    unsampled = sorted(actions - set(SAMPLES))
    assert not unsampled, f"actions without a sample in tests/audit/test_descriptions.py: {unsampled}"


def test_the_scan_fails_on_an_action_it_cannot_read(tmp_path):
    tree = ast.parse("def f(actor, kind):\n    record_event(actor, f'{kind}.odd')\n")
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    with pytest.raises(AssertionError, match="DYNAMIC"):
        _actions(call.args[1], tmp_path / "x.py", tree, {tmp_path / "x.py": tree})


# --- one realistic event of each kind ------------------------------------------------------------------------

def _samples(w) -> dict:
    """action -> (object type, object id, details, words the sentence must hold)."""
    person, unit, ex, cert, user = w["person"], w["unit"], w["exercise"], w["certificate"], w["user"]
    p, u = str(person.id), str(unit.id)
    name = "Asha Karki"
    grant = {"role": "commander", "scope": "nation", "nation": "NPL"}
    return {
        "auth.login": ("users", user.id, {}, "Target Person signed in."),
        "auth.logout": ("users", user.id, {}, "Target Person signed out"),
        "auth.password_changed": ("users", user.id, {}, "changed their password"),
        "auth.sso_login": ("users", user.id, {"after": {"issuer": "https://sso.example.org", "subject": "s-1",
                                                         "subject_recorded": True}}, "for the first time"),
        "auth.sso_refused": ("identity", "s-9", {"after": {"issuer": "https://sso.example.org", "subject": "s-9",
                                                            "reason": "unknown_identity"}}, "no account is linked"),
        "user.create": ("users", user.id, {"after": {"username": "target", "grants": [grant]}},
                        "created the account Target Person with the grants commander of Nepal"),
        "user.grant_add": ("users", user.id, {"after": grant}, "granted commander of Nepal to Target Person"),
        "user.grant_remove": ("users", user.id, {"before": "Training officer — unit NPL-B1 (NPL) and sub-units"},
                              "removed the grant training officer of NPL-B1 and its sub-units from Target Person"),
        "user.disable": ("users", user.id, {}, "disabled the account of Target Person"),
        "api_token.create": ("api_tokens", 7, {"after": {"user": "target", "name": "National database sync",
                                                        "prefix": "a1b2c3d4e5f6", "read_only": True}},
                             "made the read-only API token “National database sync” (a1b2c3d4e5f6…) for target"),
        "api_token.revoke": ("api_tokens", 7, {"after": {"name": "National database sync", "prefix": "a1b2c3d4e5f6"}},
                             "revoked the API token “National database sync” (a1b2c3d4e5f6…)"),
        "user.enable": ("users", user.id, {}, "enabled the account of Target Person"),
        "user.password_reset": ("users", user.id, {}, "one-time password"),
        "user.profile": ("users", user.id, {"before": {"language": "en", "timezone": "UTC"},
                                            "after": {"language": "fr", "timezone": "UTC"}},
                         "changed their language from English to Français"),
        "user.bulk_create": ("units", u, {"after": {"count": 12, "usernames": []}}, "12 trainee accounts"),
        "user.sso_link": ("users", user.id, {"after": {"issuer": "https://sso.example.org", "claim": "email",
                                                       "value": "a@example.org"}}, "email a@example.org at"),
        "user.sso_unlink": ("users", user.id, {"before": {"issuer": "https://sso.example.org", "subject": "s-1"}},
                            "subject s-1 at https://sso.example.org"),
        "calendar.token.regenerate": ("users", user.id, {}, "calendar feed"),
        "nation.activate": ("nations", "NPL", {}, "activated the nation Nepal"),
        "nation.deactivate": ("nations", "NPL", {}, "deactivated the nation Nepal"),
        "unit.create": ("units", u, {"after": {"code": unit.code}}, f"created the unit {unit.code}"),
        "unit.update": ("units", u, {"before": {"name": "Old"}, "after": {"name": "New"}}, ": name."),
        "person.create": ("people", p, {"after": {}}, f"created the personnel record of {name}"),
        "person.update": ("people", p, {"before": {"email": None}, "after": {"email": "a@example.org"}},
                          f"edited the personnel record of {name}: e-mail."),
        "person.transfer": ("people", p, {"before": {"unit": 1}, "after": {"unit": unit.id, "on": "2026-05-01"}},
                            f"transferred {name} to {unit.code}"),
        "person.left_service": ("people", p, {"after": {"on": "2026-05-01"}}, "left service on 01 May 2026"),
        "people.assign": ("people", "", {"after": {"kind": "module", "code": "HR-01", "people": [1, 2, 3]}},
                          "assigned the module HR-01 to 3 people"),
        "people.transfer": ("units", u, {"after": {"on": "2026-05-01", "moved": [1], "already_there": 0}},
                            "transferred 1 person to"),
        "people.export": ("people", "", {"after": {"format": "csv", "people": [1, 2]}}, "2 personnel records as CSV"),
        "roster.import": ("roster", "abc", {"after": {"file": "npl.csv", "create": 3, "update": 2, "unchanged": 5,
                                                      "transfers": 1}}, "imported the roster npl.csv"),
        "module.import": ("modules", "1", {"after": {"code": "HR-01", "version": "1.0"}}, "version 1.0 of the module"),
        "profile.import": ("readiness_profiles", "1", {"after": {"code": "UN-PDT"}}, "readiness profile UN-PDT"),
        "profile.update": ("readiness_profiles", str(w["profile"].id),
                           {"before": {"required_modules": ["HR-01"]}, "after": {"required_modules": ["HR-01", "HR-02"]}},
                           "modules added: HR-02"),
        "curricula.import": ("curricula", "import", {"after": {"modules_added": ["a", "b"], "profiles_added": [],
                                                               "profiles_changed": ["c"]}}, "new module versions: 2"),
        "lesson.read": ("lesson_progress", "1", {"after": {"module": "HR-01", "lesson": "intro"}},
                        "read the lesson intro of HR-01"),
        "attempt.start": ("attempts", "1", {"after": {"module": "HR-01 1.0", "questions": 10}},
                          "started a knowledge check of HR-01 (version 1.0)"),
        "attempt.submit": ("attempts", "1", {"after": {"module": "HR-01", "score": 90, "passed": True}},
                           "passed the knowledge check of HR-01 with 90%"),
        "training.remind": ("people", p, {"after": {"modules": ["HR-01"], "on": "2026-05-01"}},
                            f"reminded {name} of 1 module"),
        "completion.record": ("completions", "1", {"after": {"person_id": person.id, "module": "HR-01 1.0",
                                                             "method": "classroom", "completed_on": "2026-04-02"}},
                              f"recorded a completion of HR-01 (version 1.0) for {name} on 02 Apr 2026"),
        "module_assignment.create": ("module_assignments", "1", {"after": {"code": "HR-01", "unit_id": unit.id}},
                                     f"assigned the module HR-01 to {unit.code}"),
        "profile_assignment.create": ("profile_assignments", "1", {"after": {"code": "UN-PDT", "person_id": person.id}},
                                      f"assigned the readiness profile UN-PDT to {name}"),
        "module_assignment.withdraw": ("module_assignments", "1", {"before": {"code": "HR-01", "person_id": person.id},
                                                                   "after": {"reason": "Posted elsewhere"}},
                                       "Reason: Posted elsewhere"),
        "profile_assignment.withdraw": ("profile_assignments", "1", {"before": {"code": "UN-PDT", "unit_id": unit.id},
                                                                     "after": {"reason": "Wrong unit"}},
                                        "withdrew the assignment of the readiness profile UN-PDT"),
        "session.create": ("classroom_sessions", "1", {"after": {"module": "HR-01 1.0", "unit_id": unit.id,
                                                                 "held_on": "2026-04-02"}},
                           "classroom session of HR-01"),
        "session.attendance": ("classroom_sessions", "1", {"after": {"rows": [{}, {}]}}, "attendance of 2 people"),
        "exercise.create": ("exercises", str(ex.id), {"after": {}}, f"created the exercise {ex.code}"),
        "exercise.update": ("exercises", str(ex.id), {"before": {"title": "a"}, "after": {"title": "b"}}, ": title."),
        "exercise.status": ("exercises", str(ex.id), {"before": {"status": "draft"}, "after": {"status": "planning"}},
                            "from Draft to Planning"),
        "exercise.objective.add": ("exercise_objectives", "1", {"exercise": ex.code, "after": {"number": 3}},
                                   f"added objective 3 to the exercise {ex.code}"),
        "exercise.objective.remove": ("exercise_objectives", "1", {"exercise": ex.code, "before": {"number": 3}},
                                      "removed objective 3"),
        "exercise.evaluator.assign": ("evaluator_assignments", "1", {"exercise": ex.code, "after": {
            "evaluator": person.id, "objective": 2}}, f"assigned {name} to evaluate objective 2"),
        "exercise.evaluator.unassign": ("evaluator_assignments", "1", {"exercise": ex.code, "before": {
            "evaluator": w["participant"].id, "objective": 1}}, f"removed the assignment of {name}"),
        "exercise.milestones": ("exercises", str(ex.id), {"before": {}, "after": {"initial_planning": "2030-01-01"}},
                                "planning meetings"),
        "exercise.milestone_held": ("exercises", str(ex.id), {"after": {"kind": "initial_planning", "done": True}},
                                    "was held"),
        "exercise.milestone_reopened": ("exercises", str(ex.id), {"after": {"kind": "initial_planning", "done": False}},
                                        "was not held after all"),
        "exercise.participant.nominate": ("exercise_participants", str(w["participant"].id), {
            "exercise": ex.code, "after": {"person": person.id, "nation": "NPL", "role": "player"}},
            f"nominated {name} as player"),
        "exercise.participant.confirm": ("exercise_participants", str(w["participant"].id), {"exercise": ex.code},
                                         f"confirmed the nomination of {name}"),
        "exercise.participant.decline": ("exercise_participants", str(w["participant"].id), {"exercise": ex.code},
                                         f"declined the nomination of {name}"),
        "exercise.participant.withdraw": ("exercise_participants", str(w["participant"].id), {"exercise": ex.code},
                                          f"withdrew {name} from the exercise"),
        "msel.inject.create": ("msel_injects", "1", {"exercise": ex.code, "after": {"number": 4}}, "added inject 4"),
        "msel.inject.update": ("msel_injects", "1", {"exercise": ex.code, "number": 4, "before": {"message": "a"},
                                                     "after": {"message": "b"}}, "edited inject 4 of the MSEL"),
        "msel.inject.release": ("msel_injects", "1", {"exercise": ex.code, "after": {"number": 4}}, "released inject 4"),
        "msel.inject.skip": ("msel_injects", "1", {"exercise": ex.code, "after": {"number": 4}}, "skipped inject 4"),
        "msel.import": ("exercises", str(ex.id), {"exercise": ex.code, "after": {"injects": [1, 2, 3]}}, "3 injects"),
        "assessment.observation.record": ("observations", "1", {"exercise": ex.code, "objective": 1,
                                                                "audience": f"p{w['participant'].id}",
                                                                "after": {"rating": "S"}}, f"for {name}, rated S"),
        "assessment.observation.amend": ("observations", "2", {"supersedes": 1, "reason": "Typo"}, "Reason: Typo"),
        "assessment.rating.amend": ("ratings", "2", {"supersedes": 1, "reason": "Recount", "before": {"rating": "M"},
                                                     "after": {"rating": "S"}}, "from M ("),
        "assessment.adjudicate": ("adjudications", "1", {"exercise": ex.code, "objective": 1, "audience": f"u{unit.id}",
                                                         "after": {"rating": "P"}}, f"for {unit.code}"),
        "assessment.aar.summary": ("after_action_reports", "1", {"exercise": ex.code, "after": {"version": 2}},
                                   "executive summary"),
        "assessment.improvement.create": ("improvement_items", "1", {"exercise": ex.code, "after": {}},
                                          "added the improvement item"),
        "assessment.improvement.update": ("improvement_items", "1", {"before": {"status": "open"},
                                                                     "after": {"status": "completed"}},
                                          "moved the improvement item"),
        "assessment.demo.seed": ("exercises", str(ex.id), {"observations": 4}, "Demonstration observations (4)"),
        "waiver.grant": ("waivers", "1", {"after": {"person": person.id, "requirement": "exercise", "authority": "Order 1",
                                                    "reason": "No place", "expires_on": "2027-01-20"}},
                         f"waived the exercise requirement for {name} until 20 Jan 2027"),
        "waiver.revoke": ("waivers", "1", {"after": {"person": person.id, "requirement": "HR-01", "reason": "Done"}},
                          f"revoked the waiver of HR-01 for {name}"),
        "deployment.create": ("deployments", "1", {"after": {"mission": "MINUSCA 14", "departure_on": "2026-12-27",
                                                             "return_on": "2027-07-07", "profile": "UN-PDT",
                                                             "people": 25}}, "25 people, departing 27 Dec 2026"),
        "deployment.remove_person": ("deployments", "1", {"after": {"person": person.id}}, f"removed {name} from"),
        "unit.assessed_level": ("assessed_levels", "1", {"after": {"unit": unit.id, "profile": "UN-PDT",
                                                                   "as_of": "2026-12-06", "computed": "red",
                                                                   "assessed": "amber", "reason": "Booked"}},
                                "as Partly ready (amber)"),
        "certificate.issue": ("certificates", str(cert.id), {"after": {"serial": cert.serial, "person_id": person.id,
                                                                       "profile": "UN-PDT", "valid_until": "2028-06-03"}},
                              f"issued the certificate {cert.serial} (UN-PDT) to {name}, valid until 03 Jun 2028"),
        "certificate.supersede": ("certificates", str(cert.id), {"after": {"replaced_by": "NEW-SERIAL"}},
                                  f"replaced the certificate {cert.serial} with NEW-SERIAL"),
        "certificate.revoke": ("certificates", str(cert.id), {"reason": "Wrong person", "serial": cert.serial},
                               f"revoked the certificate {cert.serial}. Reason: Wrong person"),
        "certificate.suspend": ("certificates", str(cert.id), {"after": {"serial": cert.serial}}, "suspended"),
        "certificate.reinstate": ("certificates", str(cert.id), {"after": {"serial": cert.serial}}, "reinstated"),
        "certificate.bulk_issue": ("certificate_batches", "7", {"after": {"unit": unit.code, "profile": "UN-PDT",
                                                                          "issued": 5, "skipped": 2}},
                                   "issued 5 certificates (UN-PDT)"),
        "certificate.open_badge_name": ("person", p, {"before": {"include_name": False}, "after": {"include_name": True}},
                                        "show their name in their Open Badges"),
        "certificate.rotate_key": ("signing_key", "k2", {"before": {"kid": "k1"}, "after": {"kid": "k2"}},
                                   "made the certificate signing key k2 current; k1 stays published"),
        "demo.seed": ("database", "small", {"after": {"scale": "small"}}, "demonstration data (small scale)"),
    }


def _sample_keys() -> set[str]:
    """The actions _samples gives (read from its source: the samples themselves need a database)."""
    source = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    function = next(n for n in source.body if isinstance(n, ast.FunctionDef) and n.name == "_samples")
    returned = next(n for n in ast.walk(function) if isinstance(n, ast.Return))
    return {key.value for key in returned.value.keys}


SAMPLES = _sample_keys()


@pytest.fixture
def world(db, make_user, make_unit, make_person, make_exercise, add_participant):
    from trainer.certificates.models import Certificate
    from trainer.curricula.models import ReadinessProfile

    admin = make_user("admin", username="boss")
    admin.display_name = "Mission Administrator"
    unit = make_unit(nation="NPL", code="NPL-B1")
    person = make_person(unit=unit, family_name="Karki", given_names="Asha")
    target = make_user("training_officer", "nation", nation="NPL", username="target")
    target.display_name = "Target Person"
    exercise = make_exercise(code="SHIELD-27", title="Blue Shield")
    participant = add_participant(exercise, person)
    profile = ReadinessProfile(code="UN-PDT", title={"en": "UN pre-deployment"}, content_hash="0" * 64)
    certificate = Certificate(serial="ABCD-EFGH-JKMN-P", person_id=person.id, profile_code="UN-PDT",
                              issued_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), issued_on=dt.date(2026, 1, 1),
                              valid_until=dt.date(2028, 1, 1), payload="{}", signature="x", key_id="k",
                              issued_by_id=admin.id)
    db.session.add_all([profile, certificate])
    db.session.commit()
    return {"admin": admin, "unit": unit, "person": person, "user": target, "exercise": exercise,
            "participant": participant, "certificate": certificate, "profile": profile}


def _record(db, actor, action, object_type, object_id, details):
    from trainer.audit.services import record_event

    record_event(actor, action, object_type=object_type, object_id=object_id, **details)
    db.session.commit()


def _record_samples(db, world, samples) -> list:
    """Records one event of each sample kind, as the account, the administrator or the system that does it;
    returns the events recorded."""
    from sqlalchemy import select

    from trainer.audit.models import AuditEvent

    start = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    for action, (object_type, object_id, details, _words) in samples.items():
        actor = world["user"] if action.startswith(("auth.", "calendar.")) else world["admin"]
        _record(db, None if action in ("demo.seed", "certificate.rotate_key") else actor, action, object_type,
                object_id, details)
    return db.session.scalars(select(AuditEvent).where(AuditEvent.seq > start).order_by(AuditEvent.seq)).all()


def test_each_kind_reads_as_its_own_sentence_naming_its_objects(app, db, world):
    from trainer.audit.descriptions import describe_events

    samples = _samples(world)
    admin = world["admin"]
    rows = _record_samples(db, world, samples)
    with app.test_request_context():
        described = describe_events(admin, rows)
    problems = []
    for item in described:
        sentence = item.sentence.plain()
        expected = samples[item.event.action][3]
        if item.kind is None or item.event.action in sentence or expected not in sentence:
            problems.append(f"{item.event.action}: {sentence!r} (expected {expected!r})")
    assert len(described) == len(samples)
    assert not problems, "\n".join(problems)


def test_a_grant_names_the_administrator_the_role_the_nation_and_the_account(app, db, world):
    """The sentence of a real grant, as the account page writes it: names linked to their pages."""
    from sqlalchemy import select

    from trainer.audit.descriptions import describe_events
    from trainer.audit.models import AuditEvent
    from trainer.auth.services import add_grant

    user = world["user"]
    add_grant(world["admin"], user, "commander", "nation", "NPL")
    db.session.commit()
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.grant_add")).one()
    with app.test_request_context():
        item = describe_events(world["admin"], [row])[0]
        html = str(item.sentence.html())
    assert item.sentence.plain() == "Mission Administrator granted commander of Nepal to Target Person."
    assert f'<a href="/admin/users/{world["admin"].id}">Mission Administrator</a>' in html
    assert f'<a href="/admin/users/{user.id}">Target Person</a>' in html


def test_objects_out_of_the_readers_reach_are_neither_named_nor_linked(app, db, world, make_user, make_unit,
                                                                        make_person):
    from sqlalchemy import select

    from trainer.audit.descriptions import describe_events
    from trainer.audit.models import AuditEvent

    elsewhere = make_person(unit=make_unit(nation="FRA", code="FRA-B1"), family_name="Dupont", given_names="Jean")
    _record(db, world["admin"], "person.left_service", "people", str(elsewhere.id), {"after": {"on": "2026-01-01"}})
    reader = make_user("commander", "nation", nation="NPL", username="reader")
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.left_service")).one()
    with app.test_request_context():
        item = describe_events(reader, [row])[0]
        html = str(item.sentence.html())
    assert "Dupont" not in item.sentence.plain() and f"person no. {elsewhere.id}" in item.sentence.plain()
    assert "/personnel/" not in html


def test_an_action_without_a_description_still_reads_as_who_did_what(app, db, world):
    from sqlalchemy import select

    from trainer.audit.descriptions import describe_events
    from trainer.audit.models import AuditEvent

    _record(db, world["admin"], "widget.polish", "widgets", "3", {})
    row = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "widget.polish")).one()
    with app.test_request_context():
        item = describe_events(world["admin"], [row])[0]
    assert item.kind is None
    assert item.sentence.plain() == "Mission Administrator: widget.polish on widgets 3."


def test_each_kind_reads_in_french_too(app, db, world):
    """Every kind's sentence in French: plural forms chosen by their counts, no placeholder left, none in English."""
    from flask_babel import force_locale

    from trainer.audit.descriptions import describe_events

    samples = _samples(world)
    admin = world["admin"]
    rows = _record_samples(db, world, samples)
    with app.test_request_context():
        english = {item.event.seq: item.sentence.plain() for item in describe_events(admin, rows)}
        with force_locale("fr"):
            french = describe_events(admin, rows)
            problems = [f"{item.event.action}: {item.sentence.plain()!r}" for item in french
                        if item.sentence.plain() == english[item.event.seq] or "%(" in item.sentence.plain()]
    assert len(french) == len(samples)
    assert not problems, "\n".join(problems)
