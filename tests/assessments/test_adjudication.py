from sqlalchemy import select

from tests.assessments.conftest import key, observation_form
from trainer.readiness.models import ExerciseCredit


def _adj_url(w, n=0):
    return f"/assessments/exercises/{w.exercise.id}/objectives/{w.objectives[n].id}/adjudication"


def _rate(client, w, target, rating, narrative):
    url = f"/assessments/exercises/{w.exercise.id}/objectives/{w.objectives[0].id}"
    assert client.post(url, data=observation_form(w, target, rating=rating, narrative=narrative)).status_code == 302


def _signed_in(app, username):
    """Another browser, signed in as `username`."""
    from tests.conftest import login

    browser = app.test_client()
    login(browser, username)
    return browser


def _credits(db):
    db.session.rollback()
    return sorted((c.person_id, c.rating) for c in db.session.execute(select(ExerciseCredit)).scalars())


def test_only_the_lead_or_director_adjudicates(world, client, sign_in, db):
    sign_in("eva")
    form = {"target": f"u{world.unit_a.id}", "rating": "P", "rationale": "Clear.", "supersedes_id": "",
            "submission_key": key()}
    assert client.get(_adj_url(world)).status_code == 403
    assert client.post(_adj_url(world), data=form).status_code == 403
    assert _credits(db) == []


def test_ratings_side_by_side_never_averaged_and_hidden_from_other_evaluators(world, app, client, sign_in):
    sign_in("eva")
    target = f"u{world.unit_a.id}"
    _rate(client, world, target, "P", "Eva saw a textbook handover to the protection desk.")
    other = _signed_in(app, "evan")
    _rate(other, world, target, "M", "Evan saw the handover skip the protection desk entirely.")
    # an evaluator sees only their own ratings outside adjudication
    evan_page = other.get(f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[0].id}").get_data(as_text=True)
    assert "Evan saw" in evan_page and "Eva saw" not in evan_page
    lead = _signed_in(app, "lead")
    sheet = lead.get(_adj_url(world)).get_data(as_text=True)
    assert "Eva saw" in sheet and "Evan saw" in sheet
    assert ">P</span>" in sheet and ">M</span>" in sheet
    assert ">S</span>" not in sheet  # no "average" of P and M appears anywhere


def test_unit_p_credits_each_confirmed_player_and_a_later_m_withdraws_them(world, client, sign_in, db):
    sign_in("lead")
    target = f"u{world.unit_a.id}"
    first = client.post(_adj_url(world), data={"target": target, "rating": "P", "rationale": "Both evaluators agree.",
                                                "supersedes_id": "", "submission_key": key()})
    assert first.status_code == 302
    anna, bo = world.players["anna"].person_id, world.players["bo"].person_id
    assert _credits(db) == sorted([(anna, "P"), (bo, "P")])  # not the nominee, not unit B's player
    from trainer.assessments.models import Adjudication

    current = db.session.execute(select(Adjudication)).scalar_one()
    no_reason = client.post(_adj_url(world), data={"target": target, "rating": "M", "rationale": "Re-read the logs.",
                                                    "supersedes_id": str(current.id), "submission_key": key()})
    assert no_reason.status_code == 422
    second = client.post(_adj_url(world), data={"target": target, "rating": "M", "rationale": "Re-read the logs.",
                                                 "reason": "Controller log", "supersedes_id": str(current.id),
                                                 "submission_key": key()})
    assert second.status_code == 302
    assert _credits(db) == []
    rows = db.session.execute(select(Adjudication).order_by(Adjudication.id)).scalars().all()
    assert [r.rating for r in rows] == ["P", "M"] and rows[1].supersedes_id == rows[0].id


def test_player_adjudication_credits_that_player(world, client, sign_in, db):
    sign_in("director")
    target = f"p{world.players['cy'].id}"
    assert client.post(_adj_url(world), data={"target": target, "rating": "S", "rationale": "Minor delay only.",
                                               "supersedes_id": "", "submission_key": key()}).status_code == 302
    credit = db.session.execute(select(ExerciseCredit)).scalar_one()
    assert credit.person_id == world.players["cy"].person_id and credit.rating == "S"
    assert credit.ended_on == world.exercise.end_at.date() and credit.exercise_code == "EX-ALPHA"


# --- the adjudication page: the undecided first, filters, definitions once -----------------------

def _sections(page: str) -> list[str]:
    import re

    return re.findall(r'id="adj-([pu]\d+)" aria-labelledby', page)


def test_the_sheet_lists_the_rated_undecided_first_and_gathers_those_nobody_rated(world, app, client, sign_in):
    sign_in("eva")
    unit_a, unit_b, cy = f"u{world.unit_a.id}", f"u{world.unit_b.id}", f"p{world.players['cy'].id}"
    _rate(client, world, unit_a, "P", "Unit A kept a complete radio log.")
    _rate(client, world, cy, "S", "Cy passed the report with a short delay.")
    _rate(client, world, unit_b, "M", "Unit B lost forty minutes at the checkpoint.")
    lead = _signed_in(app, "lead")
    assert lead.post(_adj_url(world), data={"target": unit_a, "rating": "P", "rationale": "Agreed.",
                                             "supersedes_id": "", "submission_key": key()}).status_code == 302

    page = lead.get(_adj_url(world)).get_data(as_text=True)
    # the rated ones only, those waiting for a decision before the one already adjudicated
    assert _sections(page) == [cy, unit_b, unit_a]
    # the four definitions once, not once per form
    assert page.count("were completed in a manner that achieved the objective(s) and did not negatively impact the performance") == 1
    assert page.count('aria-describedby="hseep-def-P"') == 4  # the three rows' forms and the short one point at it
    # anna and bo (nobody rated them) have no form each: one short form lists them
    unrated = page[page.index('id="adj-unrated"'):]
    for name in ("anna", "bo"):
        assert f'value="p{world.players[name].id}"' in unrated
    assert 'id="adj-p%d"' % world.players["anna"].id not in page
    assert "To adjudicate" in page and ">2</span>" in page  # the pending filter's count


def test_the_filters_show_pending_adjudicated_or_all_rated(world, app, client, sign_in):
    sign_in("eva")
    unit_a, cy = f"u{world.unit_a.id}", f"p{world.players['cy'].id}"
    _rate(client, world, unit_a, "P", "Unit A kept a complete radio log.")
    _rate(client, world, cy, "S", "Cy passed the report with a short delay.")
    lead = _signed_in(app, "lead")
    lead.post(_adj_url(world), data={"target": unit_a, "rating": "P", "rationale": "Agreed.", "supersedes_id": "",
                                      "submission_key": key()})
    assert _sections(lead.get(_adj_url(world) + "?show=pending").get_data(as_text=True)) == [cy]
    assert _sections(lead.get(_adj_url(world) + "?show=adjudicated").get_data(as_text=True)) == [unit_a]
    assert _sections(lead.get(_adj_url(world) + "?show=rated").get_data(as_text=True)) == [cy, unit_a]
    assert _sections(lead.get(_adj_url(world) + "?show=nonsense").get_data(as_text=True)) == [cy, unit_a]
    nothing = lead.get(_adj_url(world, 1) + "?show=pending").get_data(as_text=True)
    assert _sections(nothing) == [] and "Nothing waits for a decision" in nothing


def test_a_refused_adjudication_stays_on_the_page_with_what_was_typed_whatever_the_filter(world, app, client, sign_in):
    sign_in("eva")
    cy = f"p{world.players['cy'].id}"
    _rate(client, world, cy, "S", "Cy passed the report with a short delay.")
    lead = _signed_in(app, "lead")
    refused = lead.post(_adj_url(world), data={"target": cy, "rating": "", "rationale": "My typed rationale stays.",
                                                "supersedes_id": "", "submission_key": key(), "show": "adjudicated"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert _sections(page) == [cy] and "My typed rationale stays." in page and "Choose a rating" in page
    # a refused form for someone nobody rated keeps its values in the short form
    anna = f"p{world.players['anna'].id}"
    refused = lead.post(_adj_url(world), data={"target": anna, "rating": "U", "rationale": "",
                                                "supersedes_id": "", "submission_key": key()})
    page = refused.get_data(as_text=True)
    unrated = page[page.index('id="adj-unrated"'):]
    assert f'value="{anna}" selected' in unrated and 'id="adj-unrated-U" value="U" checked' in unrated
