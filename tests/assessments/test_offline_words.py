"""The words the evaluation forms' script shows without a connection come from the page, in the reader's language."""
import re

from tests.conftest import login


def test_the_offline_warning_is_in_the_evaluators_language(world, app, db):
    eva = world.staff["eva"][1]
    eva.language = "fr"
    db.session.commit()
    client = app.test_client()
    login(client, "eva")
    page = client.get(f"/assessments/exercises/{world.exercise.id}/objectives/{world.objectives[0].id}"
                      ).get_data(as_text=True)
    forms = re.findall(r"<form[^>]*data-draft=[^>]*>", page)
    assert forms and all('data-offline="Il n’y a pas de connexion.' in form for form in forms), forms
