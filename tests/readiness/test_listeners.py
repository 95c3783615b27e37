"""The readiness listeners and savepoints: a savepoint released applies the work so far (what the transaction reads
next is current), and one rolled back (a certificate's write drawing its status index again, say) does not forget
what the transaction had changed before it."""
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


def test_a_savepoint_released_applies_the_work_for_what_the_transaction_reads_next(make_person, db):
    """Each completion is recorded in a savepoint; a service (or the demo seed) that records and then reads
    readiness in the same transaction sees the new evidence."""
    from trainer.readiness.figures_cache import current_version

    before = _hold_screening(db, make_person)
    with db.session.begin_nested():
        pass
    assert current_version() != before
    db.session.commit()
    assert current_version() != before
