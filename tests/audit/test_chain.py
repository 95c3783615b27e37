from sqlalchemy import text

from trainer.audit.services import record_event, verify_chain


def _three_events(db):
    for i in range(3):
        record_event(None, "test.event", object_type="thing", object_id=i, after={"n": i})
    db.session.commit()


def test_intact_chain_verifies(db, runner):
    _three_events(db)
    assert verify_chain().ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK" in result.output


def test_edited_event_is_found(db, runner):
    _three_events(db)
    db.session.execute(text("UPDATE audit_events SET details = :d WHERE seq = 2"), {"d": '{"n":99}'})
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.seq == 2
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and "event 2" in result.output


def test_deleted_event_is_found(db):
    _three_events(db)
    db.session.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.seq == 2


def test_deleted_last_event_is_found(db):
    _three_events(db)
    db.session.execute(text("DELETE FROM audit_events WHERE seq = 3"))
    db.session.commit()
    assert not verify_chain().ok


def test_reordered_events_are_found(db):
    _three_events(db)
    db.session.execute(text("UPDATE audit_events SET seq = seq + 100 WHERE seq IN (2, 3)"))
    db.session.execute(text("UPDATE audit_events SET seq = 3 WHERE seq = 102"))
    db.session.execute(text("UPDATE audit_events SET seq = 2 WHERE seq = 103"))
    db.session.commit()
    report = verify_chain()
    assert not report.ok and report.seq == 2
