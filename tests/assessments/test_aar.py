import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.assessments.conftest import EXERCISE, key, observation_form
from tests.conftest import login


def _record_and_adjudicate(app, w):
    ev = app.test_client()
    login(ev, "eva")
    url = f"/assessments/exercises/{w.exercise.id}/objectives/{w.objectives[0].id}"
    ev.post(url, data=observation_form(w, f"u{w.unit_a.id}", rating="S", narrative="Handover done within the hour."))
    ev.post(url, data=observation_form(w, f"u{w.unit_a.id}", rating="M", kind="improvement",
                                       narrative="Radio log not kept during the handover."))
    lead = app.test_client()
    login(lead, "lead")
    lead.post(url + "/adjudication", data={"target": f"u{w.unit_a.id}", "rating": "S", "supersedes_id": "",
                                           "rationale": "Objective met; logging must improve.", "submission_key": key()})
    return lead


def _publish(db, w, status="aar_published"):
    from trainer.exercises.models import Exercise

    db.session.rollback()
    ex = db.session.get(Exercise, w.exercise.id)
    ex.status = status
    db.session.commit()


def test_aar_pdf_holds_ratings_items_and_markings(world, app, db):
    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    response = lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data={
        "finding": "Radio log not kept", "corrective_action": "Train signallers on the log drill",
        "objective_id": str(world.objectives[0].id), "owner": f"u{world.unit_a.id}",
        "point_of_contact": "Maj. Thapa", "due_on": "2027-03-01", "status": "open"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    app.config["CLASSIFICATION_MARKING"] = "UN RESTRICTED"
    app.config["RELEASABILITY_MARKING"] = "RELEASABLE TO NPL, RWA"
    pdf = lead.get(f"/assessments/exercises/{world.exercise.id}/aar.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    pages = [p.extract_text() for p in reader.pages]
    text = " ".join(" ".join(pages).split())
    assert "Objective met; logging must improve." in text
    assert "Performed with some challenges" in text
    assert "Train signallers on the log drill" in text and "Maj. Thapa" in text
    assert "Radio log not kept during the handover." in text  # area for improvement with its observation
    for page in pages:
        assert "UN RESTRICTED" in page and "RELEASABLE TO NPL, RWA" in page


def _long_text(words: str, last: str, length: int = 5000) -> str:
    """`length` characters of ordinary sentences, `last` at the end."""
    sentences = [f"{words} during handover {n}, as the controller log shows." for n in range(1, length // 40)]
    return " ".join(sentences)[:length - len(last) - 1] + " " + last


def test_aar_pdf_lays_out_improvement_items_longer_than_a_page(world, app, db):
    from trainer.assessments.models import ImprovementItem

    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    finding = _long_text("The radio log was not kept", "The finding ends with the relief in place.")
    action = _long_text("Signallers train on the log drill", "The corrective action ends with a rehearsal.")
    contact = _long_text("Maj. Thapa, signals officer", "Contact ends here.")
    response = lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data={
        "finding": finding, "corrective_action": action, "objective_id": str(world.objectives[0].id),
        "owner": f"u{world.unit_a.id}", "point_of_contact": contact, "due_on": "2027-03-01", "status": "open"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert len(finding) == len(action) == len(contact) == 5000
    db.session.rollback()
    kept_contact = db.session.scalars(select(ImprovementItem.point_of_contact)).one()  # the form keeps its limits
    pdf = lead.get(f"/assessments/exercises/{world.exercise.id}/aar.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.data))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for expected in ("The finding ends with the relief in place.", "The corrective action ends with a rehearsal.",
                     " ".join(kept_contact.split()[-4:])):
        assert expected in text, expected
    assert len(reader.pages) > 3


def test_an_improvement_item_due_in_the_year_1_or_9999_is_refused_beside_the_date(world, app, db):
    from trainer.assessments.models import ImprovementItem

    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    for due_on in ("0001-01-01", "9999-12-31"):
        response = lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data={
            "finding": "The radio log was not kept.", "corrective_action": "Train on the log drill.",
            "objective_id": str(world.objectives[0].id), "owner": f"u{world.unit_a.id}",
            "point_of_contact": "Maj. Thapa", "due_on": due_on, "status": "open"})
        assert response.status_code == 422
        assert "Enter a date between 1900 and 2199." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(ImprovementItem)).all() == []


def test_players_see_results_only_once_published(world, app, db, client):
    _record_and_adjudicate(app, world)
    login(client, "anna")
    url = f"/assessments/exercises/{world.exercise.id}/aar"
    assert client.get(url).status_code == 404
    assert client.get(url.replace("/aar", "/aar.pdf")).status_code == 404
    _publish(db, world)
    page = client.get(url)
    assert page.status_code == 200 and "Objective met; logging must improve." in page.get_data(as_text=True)
    # a plain evaluator sees the adjudicated result now too, but still not the adjudication sheet
    evan = app.test_client()
    login(evan, "evan")
    assert evan.get(url).status_code == 200
    assert evan.get(f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[0].id}/adjudication").status_code == 403


def test_overdue_items_are_flagged(world, app, db, make_user):
    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data={
        "finding": "Late report", "corrective_action": "Drill", "objective_id": "", "owner": "nNPL",
        "point_of_contact": "", "due_on": "2020-01-01", "status": "in_progress"})
    officer = app.test_client()
    login(officer, make_user("training_officer", "nation", nation="NPL", username="npl.officer").username)
    listing = officer.get("/assessments/improvements?overdue=1").get_data(as_text=True)
    assert "Late report" in listing and "overdue" in listing


def test_out_of_scope_is_404(world, app, db, client, make_user, make_nation, make_unit):
    make_nation("FRA")
    make_user("commander", "nation", nation="FRA", username="fra.commander")
    make_unit(nation="FRA", code="FR-1")
    login(client, "fra.commander")
    ex_id = world.exercise.id
    for url in (f"/assessments/exercises/{ex_id}/aar", f"/assessments/exercises/{ex_id}/aar.pdf"):
        assert client.get(url).status_code == 404, url
    # nor the evaluator screens
    assert client.get(f"/assessments/exercises/{ex_id}").status_code == 404
    make_user("evaluator", "exercises", username="stranger")
    other = app.test_client()
    login(other, "stranger")
    for url in (f"/assessments/exercises/{ex_id}", f"/assessments/exercises/{ex_id}/objectives/{world.objectives[0].id}",
                f"/assessments/exercises/{ex_id}/aar"):
        assert other.get(url).status_code == 404, url


def test_a_trainee_account_directing_the_exercise_writes_the_report(world, app, db, add_participant, make_user,
                                                                    make_unit):
    """Whoever directs the exercise edits its report, whatever their account's role: the page offers the
    summary and the improvement items, and saving them works."""
    _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    director = add_participant(world.exercise, role="exercise_director", unit=make_unit(nation="RWA", code="RW-DIR"))
    make_user("trainee", "self", person=director.person, username="dirtrainee")
    client = app.test_client()
    login(client, "dirtrainee")
    base = f"/assessments/exercises/{world.exercise.id}"
    page = client.get(f"{base}/aar").get_data(as_text=True)
    assert f"{base}/aar/summary" in page and f"{base}/improvements/new" in page
    assert client.post(f"{base}/aar/summary", data={"executive_summary": "Handover drill met.",
                                                     "version": "0"}).status_code == 302
    assert "Handover drill met." in client.get(f"{base}/aar").get_data(as_text=True)
    assert client.get(f"{base}/improvements/new").status_code == 200
    created = client.post(f"{base}/improvements/new", data={
        "finding": "Radio log not kept", "corrective_action": "Log drill", "objective_id": str(world.objectives[0].id),
        "owner": f"u{world.unit_a.id}", "point_of_contact": "Maj. Thapa", "due_on": "2027-03-01", "status": "open"})
    assert created.status_code == 302, created.get_data(as_text=True)[:1000]
    assert client.get(created.headers["Location"]).status_code == 200
    # an evaluator who does not adjudicate reads the report but is sent back to it, told who writes it
    eva = app.test_client()
    login(eva, "eva")
    refused = eva.post(f"{base}/aar/summary", data={"executive_summary": "Mine.", "version": "1"})
    assert refused.status_code == 302 and refused.headers["Location"].endswith(f"{base}/aar")
    page = eva.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Only the lead evaluator, the exercise director or a training officer may edit the report." in page
    assert "Handover drill met." in page and "Mine." not in page
    assert eva.get(f"{base}/improvements/new").status_code == 302


def test_the_participant_counts_read_in_the_plural_where_they_should(world, app, db):
    lead = _record_and_adjudicate(app, world)
    page = lead.get(f"/assessments/exercises/{world.exercise.id}/aar").get_data(as_text=True)
    assert "2 evaluators, 1 exercise director, 1 lead evaluator, 3 players" in page
    world.staff["lead"][1].language = "fr"
    db.session.commit()
    page = lead.get(f"/assessments/exercises/{world.exercise.id}/aar").get_data(as_text=True)
    assert "2 évaluateurs" in page and "3 joueurs" in page and "1 directeur de l&#39;exercice" in page


def test_summary_version_conflict_keeps_typed_text(world, app, db):
    lead = _record_and_adjudicate(app, world)
    url = f"/assessments/exercises/{world.exercise.id}/aar/summary"
    assert lead.post(url, data={"executive_summary": "First summary.", "version": "0"}).status_code == 302
    stale = lead.post(url, data={"executive_summary": "My competing summary.", "version": "0"})
    assert stale.status_code == 409
    body = stale.get_data(as_text=True)
    assert "My competing summary." in body and "First summary." in body


def test_a_save_over_a_version_committed_meanwhile_is_a_conflict_even_after_the_check(world, app, db, monkeypatch):
    """Between reading the row and writing it, another request may commit (PostgreSQL runs both at once): the
    UPDATE itself names the version read, so the later save is refused instead of overwriting."""
    from sqlalchemy import update

    from trainer.assessments import aar, improvements
    from trainer.assessments.models import AfterActionReport, ImprovementItem

    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    base = f"/assessments/exercises/{world.exercise.id}"
    assert lead.post(f"{base}/aar/summary", data={"executive_summary": "First.", "version": "0"}).status_code == 302
    assert lead.post(f"{base}/improvements/new", data={
        "finding": "Radio log not kept", "corrective_action": "Drill", "objective_id": str(world.objectives[0].id),
        "owner": "nNPL", "point_of_contact": "", "due_on": "2027-01-01", "status": "open"}).status_code == 302

    def committed_meanwhile(model):
        real = aar.utcnow

        def now():  # runs after the version check, before the flush: another writer's commit lands here
            db.session.execute(update(model).values(version=model.version + 1),
                               execution_options={"synchronize_session": False})
            return real()
        return now

    monkeypatch.setattr(aar, "utcnow", committed_meanwhile(AfterActionReport))
    raced = lead.post(f"{base}/aar/summary", data={"executive_summary": "Second.", "version": "1"})
    assert raced.status_code == 409 and "Someone else saved the executive summary" in raced.get_data(as_text=True)
    monkeypatch.setattr(improvements, "utcnow", committed_meanwhile(ImprovementItem))
    item = db.session.execute(select(ImprovementItem)).scalar_one()
    raced = lead.post(f"/assessments/improvements/{item.id}", data={
        "finding": "Changed", "corrective_action": "Drill", "objective_id": str(world.objectives[0].id),
        "owner": "nNPL", "point_of_contact": "", "due_on": "2027-01-01", "status": "open", "version": "1"})
    assert raced.status_code == 409 and "Someone else changed this improvement item" in raced.get_data(as_text=True)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.execute(select(AfterActionReport.executive_summary)).scalar_one() == "First."
    assert db.session.execute(select(ImprovementItem.finding)).scalar_one() == "Radio log not kept"


def test_two_first_saves_of_the_summary_at_once_keep_the_later_ones_text(world, app, db, monkeypatch):
    """No summary yet: two editors save their first one at once; the second meets the first one's row (the
    exercise's one report) and is shown its form again with its text, as for any other conflict."""
    from sqlalchemy import insert

    from trainer.assessments import aar
    from trainer.assessments.models import AfterActionReport

    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    real = aar.utcnow

    def the_other_lands_first():
        with db.session.no_autoflush:  # the other transaction's row, written before this one's is flushed
            db.session.execute(insert(AfterActionReport).values(exercise_id=world.exercise.id,
                                                                 executive_summary="Theirs.", version=1))
        return real()

    monkeypatch.setattr(aar, "utcnow", the_other_lands_first)
    raced = lead.post(f"/assessments/exercises/{world.exercise.id}/aar/summary",
                      data={"executive_summary": "Mine, typed at length.", "version": "0"})
    assert raced.status_code == 409
    assert "Mine, typed at length." in raced.get_data(as_text=True)


def test_validated_item_needs_a_later_p_or_s_on_the_same_capability(world, app, db, make_exercise, add_participant,
                                                                    make_person, make_user):
    lead = _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    item = {"finding": "Radio log not kept", "corrective_action": "Drill", "objective_id": str(world.objectives[0].id),
            "owner": "nNPL", "point_of_contact": "", "due_on": "2020-01-01", "status": "validated"}
    refused = lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data=item)
    assert refused.status_code == 422 and "later exercise" in refused.get_data(as_text=True)
    item["status"] = "open"
    assert lead.post(f"/assessments/exercises/{world.exercise.id}/improvements/new", data=item).status_code == 302
    # a later exercise rates the same capability S
    from trainer.assessments.models import Adjudication, ImprovementItem
    from trainer.exercises.models import Objective

    later = make_exercise(code="EX-BRAVO", start=world.exercise.end_at + dt.timedelta(days=30),
                          end=world.exercise.end_at + dt.timedelta(days=32), **{**EXERCISE, "status": "aar_draft"})
    objective = db.session.execute(select(Objective).where(Objective.exercise_id == later.id, Objective.number == 1)).scalar_one()
    player = add_participant(later, role="player", unit=world.unit_a)
    adj = Adjudication(exercise_id=later.id, objective_id=objective.id, audience=f"p{player.id}",
                       target_participant_id=player.id, rating="S", rationale="Logs kept.", submission_key=key())
    db.session.add(adj)
    db.session.commit()
    saved = db.session.execute(select(ImprovementItem)).scalar_one()
    # The lead evaluator of EX-ALPHA does not read EX-BRAVO's results (not its staff, not published, not its
    # manager): its adjudication is neither offered nor accepted.
    lead_page = lead.get(f"/assessments/improvements/{saved.id}").get_data(as_text=True)
    assert "EX-BRAVO" not in lead_page and "Logs kept." not in lead_page
    validated = {**item, "status": "validated", "version": "1", "validated_by_adjudication_id": str(adj.id)}
    refused = lead.post(f"/assessments/improvements/{saved.id}", data=validated)
    assert refused.status_code == 422 and "later exercise" in refused.get_data(as_text=True)
    # A training officer of Nepal manages both exercises: offered, accepted.
    officer = app.test_client()
    login(officer, make_user("training_officer", "nation", nation="NPL", username="npl.officer").username)
    assert "EX-BRAVO" in officer.get(f"/assessments/improvements/{saved.id}").get_data(as_text=True)
    assert officer.post(f"/assessments/improvements/{saved.id}", data=validated).status_code == 302
    db.session.rollback()
    db.session.expire_all()
    stored = db.session.execute(select(ImprovementItem.status, ImprovementItem.validated_by_adjudication_id)).one()
    assert tuple(stored) == ("validated", adj.id)
    listing = officer.get("/assessments/improvements").get_data(as_text=True)
    assert "EX-BRAVO" in listing and "Validated" in listing
    # The lead evaluator still edits the item: the validation they cannot read is kept as it is, not lost.
    page = lead.get(f"/assessments/improvements/{saved.id}").get_data(as_text=True)
    assert "As validated earlier, in an exercise whose results you do not see" in page and "EX-BRAVO" not in page
    edited = lead.post(f"/assessments/improvements/{saved.id}", data={**validated, "finding": "Radio log kept late",
                                                                      "version": "2"})
    assert edited.status_code == 302, edited.get_data(as_text=True)[:500]
    db.session.expire_all()
    stored = db.session.execute(select(ImprovementItem.finding, ImprovementItem.validated_by_adjudication_id)).one()
    assert tuple(stored) == ("Radio log kept late", adj.id)
    # A player reads the published plan's item, without a form to save.
    _publish(db, world, "aar_published")
    anna = app.test_client()
    login(anna, "anna")
    page = anna.get(f"/assessments/improvements/{saved.id}").get_data(as_text=True)
    assert "Radio log kept late" in page and "<fieldset disabled>" in page and ">Save</button>" not in page


def test_validation_candidates_are_only_exercises_whose_results_the_editor_reads(world, app, db, make_exercise,
                                                                                 add_participant, make_unit,
                                                                                 make_user):
    """A later exercise of another nation rating the same capability is not offered to Nepal's officer: its
    players' names and ratings stay out of sight until the officer reaches its report."""
    from trainer.assessments.models import Adjudication
    from trainer.exercises.models import Objective

    _record_and_adjudicate(app, world)
    _publish(db, world, "aar_draft")
    foreign = make_exercise(code="EX-URY", start=world.exercise.end_at + dt.timedelta(days=30),
                            end=world.exercise.end_at + dt.timedelta(days=32),
                            **{**EXERCISE, "status": "aar_draft", "lead": "URY", "nations": ()})
    objective = db.session.execute(select(Objective).where(Objective.exercise_id == foreign.id,
                                                           Objective.number == 1)).scalar_one()
    player = add_participant(foreign, role="player", unit=make_unit(nation="URY", code="URY-B1"))
    db.session.add(Adjudication(exercise_id=foreign.id, objective_id=objective.id, audience=f"p{player.id}",
                                target_participant_id=player.id, rating="P", rationale="Seen.", submission_key=key()))
    db.session.commit()
    officer = app.test_client()
    login(officer, make_user("training_officer", "nation", nation="NPL", username="npl.officer2").username)
    form = officer.get(f"/assessments/exercises/{world.exercise.id}/improvements/new"
                       f"?objective_id={world.objectives[0].id}").get_data(as_text=True)
    assert "EX-URY" not in form
    foreign.status = "aar_published"        # published, but still another nation's exercise: out of reach
    db.session.commit()
    form = officer.get(f"/assessments/exercises/{world.exercise.id}/improvements/new"
                       f"?objective_id={world.objectives[0].id}").get_data(as_text=True)
    assert "EX-URY" not in form
    ury = app.test_client()
    login(ury, make_user("training_officer", "nation", nation="URY", username="ury.officer").username)
    assert ury.get(f"/assessments/exercises/{world.exercise.id}/improvements/new").status_code == 404


def _strings(node, out, transform=(1, 0, 0, 1, 0, 0)):
    """Every String the chart draws as (string, x, y) on the page's axes, walking groups (with their
    transforms) and drawing widgets as the renderer does."""
    from reportlab.graphics.shapes import Group, String, mmult
    from reportlab.graphics.widgetbase import Widget

    if isinstance(node, String):
        a, b, c, d, e, f = transform
        out.append((node, a * node.x + c * node.y + e, b * node.x + d * node.y + f))
    elif isinstance(node, Widget):
        _strings(node.draw(), out, transform)
    elif isinstance(node, Group):
        inner = mmult(transform, node.transform) if getattr(node, "transform", None) else transform
        for child in node.contents:
            _strings(child, out, inner)
    return out


FRENCH = {"P": "Exécutée sans difficulté", "S": "Exécutée avec quelques difficultés",
          "M": "Exécutée avec des difficultés majeures", "U": "N'a pas pu être exécutée"}


def test_the_chart_axis_labels_never_overlap_in_english_or_french():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from trainer.assessments.pdf import LABEL_SIZE, ratings_chart
    from trainer.enums import Rating

    english = {r.value: r.label for r in Rating}
    for labels in (english, FRENCH):
        drawing = ratings_chart({"P": 3, "S": 12, "M": 1, "U": 0}, labels)
        strings = [(s, x, y) for s, x, y in _strings(drawing, []) if y < drawing.contents[0].y]
        words = " ".join(s.text for s, _, _ in strings)
        for letter, label in labels.items():  # every word of every label is drawn
            assert all(word in words for word in label.split()), label
        boxes = []
        for s, x, y in strings:
            width = stringWidth(s.text, s.fontName, s.fontSize)
            left = x - width / 2 if s.textAnchor == "middle" else x - width if s.textAnchor == "end" else x
            boxes.append((left, left + width, y, s.text))
        for i, (l1, r1, y1, t1) in enumerate(boxes):
            for l2, r2, y2, t2 in boxes[i + 1:]:
                if abs(y1 - y2) < LABEL_SIZE:  # on the same line: their extents must not meet
                    assert r1 <= l2 or r2 <= l1, (t1, t2)
        # and they stay inside the drawing
        assert min(b[0] for b in boxes) >= 0 and max(b[1] for b in boxes) <= drawing.width
        assert min(b[2] for b in boxes) >= 0
