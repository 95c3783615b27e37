"""Account administration as an administrator meets it: what cannot be undone lightly asks first, refusals
stay on the page with what was typed, the profile takes a time zone as people type it, and everything
(pages, the credentials sheet, the command line) in the reader's language."""
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.catalogue import long_english_pieces
from tests.conftest import login
from trainer.auth.models import User
from trainer.auth.zones import zone_named

ADMIN_PART = Path(__file__).resolve().parents[2] / "translations" / "parts" / "admin.fr.po"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin_and_user(client, make_user):
    admin = make_user("admin", username="the.admin")
    user = make_user("training_officer", "mission", username="the.officer")
    assert login(client, admin.username).status_code == 302
    return admin, user


def test_disabling_an_account_asks_first_and_says_what_will_happen(client, db, admin_and_user):
    admin, user = admin_and_user
    account = _text(client.get(f"/admin/users/{user.id}"))
    # the account page links to the question; it holds no form that disables at once
    assert f'href="/admin/users/{user.id}/disable"' in account
    assert f'action="/admin/users/{user.id}/disable"' not in account
    question = client.get(f"/admin/users/{user.id}/disable")
    page = _text(question)
    assert question.status_code == 200
    assert "Disable the account the.officer of Test User?" in page
    assert "Every session of the account ends now, on every device." in page
    assert f'action="/admin/users/{user.id}/disable"' in page and f'href="/admin/users/{user.id}"' in page
    db.session.expire_all()
    assert db.session.get(User, user.id).disabled is False  # asking changed nothing
    done = client.post(f"/admin/users/{user.id}/disable", follow_redirects=True)
    assert "Account disabled; all of its sessions have ended." in _text(done)
    db.session.expire_all()
    assert db.session.get(User, user.id).disabled is True


def test_ones_own_account_offers_no_disabling(client, admin_and_user):
    admin, _user = admin_and_user
    assert f'/admin/users/{admin.id}/disable"' not in _text(client.get(f"/admin/users/{admin.id}"))
    refused = client.get(f"/admin/users/{admin.id}/disable", follow_redirects=True)
    assert "You cannot disable your own account: ask another administrator." in _text(refused)


def test_removing_a_grant_asks_first(client, db, admin_and_user):
    admin, user = admin_and_user
    grant = user.grants[0]
    question = _text(client.get(f"/admin/users/{user.id}/grants/{grant.id}/remove"))
    assert f"Remove the grant “{grant.describe()}” from Test User?" in question
    db.session.expire_all()
    assert len(db.session.get(User, user.id).grants) == 1
    client.post(f"/admin/users/{user.id}/grants/{grant.id}/remove")
    db.session.expire_all()
    assert db.session.get(User, user.id).grants == []


def test_resetting_a_password_asks_first(client, db, admin_and_user):
    admin, user = admin_and_user
    before = db.session.get(User, user.id).password_hash
    assert "Replace the password of Test User (the.officer)" in _text(client.get(f"/admin/users/{user.id}/reset-password"))
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_a_refused_grant_is_shown_on_the_account_page_with_the_choice_kept(client, db, admin_and_user):
    admin, user = admin_and_user
    response = client.post(f"/admin/users/{user.id}/grants",
                           data={"role": "commander", "scope_kind": "nation", "nation_code": "", "unit_id": ""})
    page = _text(response)
    assert response.status_code == 422
    assert "A nation scope needs a nation." in page and "Choose a nation." in page
    assert re.search(r'<option selected value="commander">', page) and re.search(r'<option selected value="nation">', page)
    assert "Test User" in page and "the.officer" in page  # still the account page
    db.session.expire_all()
    assert [g.role for g in db.session.get(User, user.id).grants] == ["training_officer"]


def test_a_grant_the_account_already_holds_is_refused_not_added_twice(client, db, admin_and_user):
    admin, user = admin_and_user
    response = client.post(f"/admin/users/{user.id}/grants", data={"role": "training_officer", "scope_kind": "mission",
                                                                   "nation_code": "", "unit_id": ""})
    assert response.status_code in (409, 422)
    assert "The account already holds this grant." in _text(response)
    db.session.expire_all()
    assert [(g.role, g.scope_kind) for g in db.session.get(User, user.id).grants] == [("training_officer", "mission")]


def test_a_taken_account_name_keeps_what_was_typed(client, admin_and_user):
    response = client.post("/admin/users/new", data={"username": "the.officer", "display_name": "Amina Diallo",
                                                     "email": "amina@example.org"})
    page = _text(response)
    assert response.status_code == 422
    assert "Another account has this name: choose another." in page
    assert 'value="Amina Diallo"' in page and 'value="amina@example.org"' in page


def test_the_account_list_becomes_cards_on_phones_and_says_when_a_search_finds_nothing(client, admin_and_user):
    page = _text(client.get("/admin/users"))
    assert 'class="table table-sm table-hover align-middle table-stack users-table"' in page
    assert 'data-label="Last sign-in"' in page
    assert "No account matches “nobody-here”." in _text(client.get("/admin/users?q=nobody-here"))


@pytest.mark.parametrize("typed, zone", [("Asia/Kathmandu", "Asia/Kathmandu"), ("asia/kathmandu", "Asia/Kathmandu"),
                                         ("America/New York", "America/New_York"), ("Kathmandu", "Asia/Kathmandu"),
                                         ("UTC", "UTC"), ("Nowhere/Town", None), ("", None)])
def test_a_time_zone_is_found_as_people_type_it(typed, zone):
    assert zone_named(typed) == zone


def test_the_profile_saves_a_typed_city_and_keeps_an_unknown_zone_with_its_error(client, db, admin_and_user):
    admin, _user = admin_and_user
    client.post("/account", data={"display_name": "Test User", "language": "en", "timezone": "kinshasa"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).timezone == "Africa/Kinshasa"
    page = _text(client.post("/account", data={"display_name": "Test User", "language": "en", "timezone": "Atlantis"}))
    assert "No time zone is called that" in page and 'value="Atlantis"' in page
    db.session.expire_all()
    assert db.session.get(User, admin.id).timezone == "Africa/Kinshasa"


def test_account_pages_and_the_disable_question_are_in_french(client, db, admin_and_user):
    admin, user = admin_and_user
    db.session.get(User, admin.id).language = "fr"
    db.session.commit()
    account = _text(client.get(f"/admin/users/{user.id}"))
    assert '<html lang="fr"' in account
    assert "Désactiver le compte…" in account and "Habilitations" in account
    question = _text(client.get(f"/admin/users/{user.id}/disable"))
    assert "Désactiver un compte" in question and "Toutes les sessions du compte sont fermées immédiatement" in question
    assert "Disable" not in question and "Cancel" not in question
    refused = _text(client.post(f"/admin/users/{user.id}/grants",
                                data={"role": "commander", "scope_kind": "nation", "nation_code": "", "unit_id": ""}))
    assert "Un périmètre pays nécessite un pays." in refused


def test_the_credentials_sheet_is_in_the_readers_language(client, db, login_as, make_unit, make_person, tmp_path):
    unit = make_unit(nation="NPL", code="NPBATT-A")
    make_person(unit=unit, family_name="Shrestha", given_names="Ram", service_number="NA 1001")
    officer = login_as("training_officer", "nation", nation="NPL")
    officer.language = "fr"
    db.session.commit()
    response = client.post(f"/units/{unit.id}/accounts", data={"include_subunits": "y"})
    assert response.mimetype == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                        check=True).stdout)  # undo the "fi" ligature
    text = " ".join(text.split())
    assert "Identifiants de connexion — NPL NPBATT-A" in text
    assert "Mot de passe à usage unique" in text and "Matricule / unité" in text
    assert "One-time password" not in text and "Sign in at" not in text
    assert "npl-na-1001" in text


def test_the_create_command_speaks_the_operators_language(app, runner, db):
    result = runner.invoke(args=["users", "create", "--username", "chef", "--name", "Chef", "--password",
                                 "a long phrase for the chief"], env={"LANGUAGE": "fr", "LC_ALL": "", "LANG": ""})
    assert result.exit_code == 0, result.output
    assert "Compte chef créé : " in result.output
    assert db.session.scalar(select(User).where(User.username == "chef")) is not None


def test_the_create_command_refuses_overlong_values_in_words_and_creates_nothing(app, runner, db):
    result = runner.invoke(args=["users", "create", "--username", "c" * 81, "--name", "N" * 201, "--email",
                                 "x@" + "e" * 260, "--password", "a long phrase for the chief"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "The account name is too long: at most 80 characters." in result.output
    assert "The name shown is too long" in result.output and "The e-mail address is too long" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_refused_single_sign_on_link_stays_on_the_account_page_with_what_was_typed(client, db, admin_and_user):
    admin, user = admin_and_user
    issuer = "https://sso.example.org/realms/mission"
    client.post(f"/admin/users/{admin.id}/sso-links", data={"issuer": issuer, "subject": "abc-123", "value": ""})
    response = client.post(f"/admin/users/{user.id}/sso-links", data={"issuer": issuer, "subject": "abc-123", "value": ""})
    page = _text(response)
    assert response.status_code == 422
    assert "That identity is already linked to the account the.admin." in page
    assert 'value="abc-123"' in page and "the.officer" in page


def _main(page: str) -> str:
    return page.split("<main", 1)[-1].split("</main>", 1)[0]


def test_the_sign_in_page_follows_the_browsers_language(app):
    anonymous = app.test_client()
    page = _text(anonymous.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert '<html lang="fr"' in page and "Nom de compte" in page and "Se connecter" in page
    assert not [s for s in long_english_pieces(ADMIN_PART) if s in _main(page)]


def test_english_and_french_readers_of_one_process_each_get_their_own_language(app):
    """The catalogues are looked up once per language and kept: readers who alternate never get each other's."""
    english, french = app.test_client(), app.test_client()
    in_french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    for _ in range(2):
        english_page, french_page = _text(english.get("/login")), _text(french.get("/login", headers=in_french))
        # a form's label (Python) and the page's own sentences (the template)
        assert "Account name" in english_page and "Skip to content" in english_page
        assert "Nom de compte" not in english_page and "Aller au contenu" not in english_page
        assert "Nom de compte" in french_page and "Aller au contenu" in french_page
        assert "Account name" not in french_page and "Skip to content" not in french_page
        # WTForms' own messages too, from its catalogue
        english_page = _text(english.post("/login", data={"username": "", "password": ""}))
        french_page = _text(french.post("/login", data={"username": "", "password": ""}, headers=in_french))
        assert "This field is required." in english_page and "Ce champ est requis." not in english_page
        assert "Ce champ est requis." in french_page and "This field is required." not in french_page


def test_the_bulk_accounts_page_and_the_questions_are_in_french(client, db, login_as, make_unit, make_person):
    unit = make_unit(nation="NPL", code="NPBATT-A")
    make_person(unit=unit)
    admin = login_as("admin")
    admin.language = "fr"
    db.session.commit()
    other = db.session.get(User, admin.id)
    pages = [_text(client.get(f"/units/{unit.id}/accounts")),
             _text(client.get(f"/admin/users/{other.id}/reset-password")),
             _text(client.get(f"/admin/users/{other.id}/grants/{other.grants[0].id}/remove"))]
    assert "<strong>1</strong> personne n’a pas de compte dans cette unité et ses sous-unités." in pages[0]
    for page in pages:
        assert '<html lang="fr"' in page
        found = [s for s in long_english_pieces(ADMIN_PART) if s in _main(page)]
        assert not found, found[:5]
