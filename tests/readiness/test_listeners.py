"""The readiness listeners keep their work for the whole transaction: a savepoint inside it (a certificate's
write drawing its status index again, say) neither applies that work early nor forgets it."""
from __future__ import annotations


def _hold_screening(db, make_person):
    """A watched change in a writing transaction: a person's screening put on hold, flushed, not committed."""
    from trainer.readiness.figures_cache import current_version

    person = make_person()
    db.session.commit()
    before = current_version()
    person.screening = "hold"
    db.session.flush()
    return before


def test_a_savepoint_rolled_back_keeps_the_transactions_readiness_work(make_person, db):
    from trainer.readiness.figures_cache import current_version

    before = _hold_screening(db, make_person)
    try:
        with db.session.begin_nested():
            raise RuntimeError("the savepoint's own work fails")
    except RuntimeError:
        pass
    db.session.commit()
    assert current_version() != before  # the readers' figures are marked out of date by the change kept


def test_a_savepoint_released_leaves_the_work_to_the_transactions_commit(make_person, db):
    from trainer.readiness.figures_cache import current_version

    before = _hold_screening(db, make_person)
    with db.session.begin_nested():
        pass
    assert current_version() == before  # nothing applied yet: the transaction may still add to it
    db.session.commit()
    assert current_version() != before
