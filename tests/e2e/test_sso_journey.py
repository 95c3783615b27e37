"""Real-browser journeys for single sign-on: signing in at the OpenID provider's own login page (the test
provider started on 127.0.0.1), signing out there too, and a person no account is linked to."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import e2e_sign_out
from tests.oidc.provider import PASSWORD, provider_fixture  # noqa: F401  (oidc_provider)


@pytest.fixture
def live_server_config(oidc_provider):
    return oidc_provider.config()


def _link(live_server, user_id: int, value: str) -> None:
    from trainer.auth.identities import link_identity
    from trainer.auth.models import User
    from trainer.extensions import db

    with live_server.app.app_context():
        link_identity(None, db.session.get(User, user_id), issuer=live_server.app.config["OIDC_ISSUER"],
                      claim="preferred_username", value=value)
        db.session.commit()


def _at_the_provider(page, username: str) -> None:
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_linked_officer_signs_in_at_the_provider_and_signs_out_there_too(page, live_server, e2e_user):
    _link(live_server, e2e_user("training_officer", "mission", username="asha.karki"), "asha.k")

    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Sign in with the mission account").click()
    _at_the_provider(page, "asha.k")

    # Back at trainer, signed in as the linked account.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Asha Karki")

    # Signing out ends trainer's session and offers to end the provider's too.
    e2e_sign_out(page)
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.get_by_role("link", name="Sign out at the provider too").click()
    expect(page.get_by_role("heading", name="Sign out of the test identity provider?")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/login")))

    # Signed out at the provider as well: signing in again asks for the password again.
    page.get_by_role("link", name="Sign in with the mission account").click()
    _at_the_provider(page, "asha.k")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Asha Karki")


def test_a_person_without_a_linked_account_is_told_to_ask_an_administrator(page, live_server):
    page.goto(f"{live_server.url}/login")
    page.get_by_role("link", name="Sign in with the mission account").click()
    _at_the_provider(page, "bruno.m")

    expect(page.get_by_role("heading", name="Not signed in")).to_be_visible()
    expect(page.get_by_text("No trainer account is linked to this identity; ask an administrator.")).to_be_visible()
    expect(page.get_by_text("sub-0002-bruno")).to_be_visible()
    page.get_by_role("link", name="Back to sign-in").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
