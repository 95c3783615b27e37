"""The dashboard's figures are computed once per change of the data and kept in the database, so that a second
view (on this app server or another one on the same database) is served from them, and the first view after a
change shows fresh figures."""
import datetime as dt

import pytest

from tests.conftest import BASE_CONFIG, login
from trainer import create_app
from trainer.readiness import aggregate

TODAY = dt.date.today()


@pytest.fixture
def computations(monkeypatch):
    """How many times the figures of a page were computed from the source tables."""
    calls = []
    real = aggregate.scope_readiness

    def counted(*args, **kwargs):
        calls.append(kwargs.get("unit"))
        return real(*args, **kwargs)

    monkeypatch.setattr(aggregate, "scope_readiness", counted)
    return calls


def _dashboard(client) -> str:
    response = client.get(f"/readiness/?profile=UN-PDT&as_of={TODAY.isoformat()}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_second_view_of_unchanged_data_is_served_from_the_cache_and_a_completion_refreshes_it(
        client, login_as, force, complete, computations, db):
    from trainer.curricula.models import Module

    login_as("commander", "nation", nation="NPL")
    first = _dashboard(client)
    assert "1 of 2" in first and len(computations) == 1

    second = _dashboard(client)
    assert len(computations) == 1, "the unchanged figures were computed again"
    assert "1 of 2" in second and "HR-01 Human rights — <strong>missing</strong>: 1 person" in second

    module = db.session.query(Module).filter_by(code="HR-01").one()
    complete(force["not_ready"], module, TODAY - dt.timedelta(days=3))
    fresh = _dashboard(client)
    assert len(computations) == 2
    assert "2 of 2" in fresh and "<strong>missing</strong>: 1 person" not in fresh

    _dashboard(client)
    assert len(computations) == 2


def test_each_reader_gets_the_figures_of_their_own_scope(client, login_as, force, computations, make_user):
    login_as("commander", "nation", nation="NPL")
    assert "1 of 2" in _dashboard(client)
    client.post("/logout")
    login_as("commander", "mission")
    page = _dashboard(client)
    assert "1 of 3" in page and "FRBATT" in page
    assert len(computations) == 2


def test_another_app_server_on_the_same_database_is_served_from_the_shared_cache(client, login_as, force, app,
                                                                                 computations):
    user = login_as("commander", "nation", nation="NPL")
    assert "1 of 2" in _dashboard(client)
    # Another process on the same database and the same (shared) key folder.
    other = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "INSTANCE_PATH": app.instance_path})
    other.test_client_class = type(client)
    other_client = other.test_client()
    try:
        assert login(other_client, user.username).status_code == 302
        page = _dashboard(other_client)
    finally:
        from trainer.extensions import db

        with other.app_context():
            db.engine.dispose()
    assert "1 of 2" in page and "NPBATT-2" in page
    assert len(computations) == 1, "the second server computed the figures again"
