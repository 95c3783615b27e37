"""The audit log's anchors outside the database: the keys, the head row made by the migrations, the
checkpoints written by `audit checkpoint` and after bulk operations, and chains older than the key."""
from __future__ import annotations

import datetime as dt
import json
import logging
import stat
import threading

import pytest
from sqlalchemy import select, text

from tests.audit import forger
from tests.conftest import login
from tests.org.conftest import person_row, roster_csv
from trainer.audit.chain import GENESIS, link_hash, event_content
from trainer.audit.services import checkpoint_path, key_folder, record_event, verify_chain


def _checkpoints():
    path = checkpoint_path()
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_the_migrations_create_the_head_and_an_empty_log_verifies(app, db, runner):
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="0010_question_source_length")
    db.session.execute(text("DELETE FROM audit_head"))  # as before the first write of an earlier version
    db.session.commit()
    db.session.remove()
    upgrade(revision="heads")
    assert forger.head(db) == {"id": 1, "seq": 0, "hash": GENESIS, "keyed_from": 1, "mac": None}
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: 0 events" in result.output
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0 and "Checkpoint 1: event 0" in result.output


def test_the_keys_live_in_the_instance_folder_and_never_in_the_database(app, db):
    record_event(None, "person.update", object_type="people", object_id=1)
    db.session.commit()
    folder = key_folder()
    assert folder.parent == checkpoint_path().parent.parent and folder.name == "audit-keys"
    for name in ("chain.key", "checkpoint.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    secret = (folder / "chain.key").read_text().strip()
    dumped = " ".join(str(v) for table in ("audit_events", "audit_head")
                      for row in db.session.execute(text(f"SELECT * FROM {table}")) for v in row)
    assert secret not in dumped and secret[:16] not in dumped


def test_key_and_checkpoint_folders_can_be_set(app, db, tmp_path, runner):
    app.config.update(AUDIT_KEY_DIR=str(tmp_path / "keys"), AUDIT_CHECKPOINT_DIR=str(tmp_path / "anchors"))
    record_event(None, "person.update", object_type="people", object_id=1)
    db.session.commit()
    assert (tmp_path / "keys" / "chain.key").exists() and (tmp_path / "keys" / "checkpoint.pub").exists()
    assert (tmp_path / "anchors" / "checkpoints.jsonl").read_text().count("\n") == 1
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    app.config["AUDIT_KEY_DIR"] = str(tmp_path / "other-keys")  # another installation's folder: no key
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "the audit key is missing" in result.output


def test_two_first_writers_both_land_on_one_chain(app, db):
    """The head row exists before the first write, so concurrent first writers queue on its lock."""
    errors = []
    barrier = threading.Barrier(2)

    def write(n):
        try:
            with app.app_context():
                barrier.wait()
                record_event(None, "person.update", object_type="people", object_id=n)
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and report.checked == 2, report.problems


def test_a_bulk_import_signs_the_committed_head_after_commit(app, db, runner, make_unit, tmp_path):
    make_unit(nation="NPL", code="NPBATT-A")
    roster = tmp_path / "roster.csv"
    roster.write_bytes(roster_csv([person_row(), person_row(service_number="NA-1002")]))
    result = runner.invoke(args=["personnel", "import", str(roster)])
    assert result.exit_code == 0, result.output
    last = _checkpoints()[-1]
    head = forger.head(db)
    assert last["by"] == "after roster.import" and (last["seq"], last["hash"]) == (head["seq"], head["hash"])
    assert head["seq"] > 3  # the unit events, the import and its two people, all covered
    assert verify_chain().ok


def test_a_rolled_back_bulk_writes_no_checkpoint_and_a_savepoint_does_not_confuse_it(app, db):
    record_event(None, "person.update", object_type="people", object_id=1)
    db.session.commit()
    before = len(_checkpoints())
    record_event(None, "certificate.bulk_issue", object_type="batch", object_id=1, checkpoint=True)
    db.session.rollback()
    assert len(_checkpoints()) == before
    with db.session.begin_nested() as nested:
        record_event(None, "person.update", object_type="people", object_id=2)
        nested.rollback()
    record_event(None, "certificate.bulk_issue", object_type="batch", object_id=1, checkpoint=True)
    db.session.commit()
    lines = _checkpoints()
    head = forger.head(db)
    assert len(lines) == before + 1 and (lines[-1]["seq"], lines[-1]["hash"]) == (head["seq"], head["hash"]) == (2, lines[-1]["hash"])
    assert verify_chain().ok


def test_a_checkpoint_that_cannot_be_written_never_fails_the_request(app, db, client, make_user, tmp_path, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    app.config["AUDIT_CHECKPOINT_DIR"] = str(blocker / "checkpoints")
    user = make_user("admin")
    with caplog.at_level(logging.ERROR, logger="trainer.audit"):
        response = login(client, user.username)
    assert response.status_code == 302
    assert "could not be written" in caplog.text
    result = verify_chain()
    assert not result.ok and "no checkpoint records the chain" in result.problem
    app.config["AUDIT_CHECKPOINT_DIR"] = str(tmp_path / "checkpoints")
    assert forger.head(db)["seq"] >= 2  # the account and the sign-in were both kept


def test_audit_checkpoint_signs_only_a_chain_that_verifies(app, db, runner):
    for n in range(3):
        record_event(None, "person.update", object_type="people", object_id=n)
        db.session.commit()
    forger.edit(db, 2, details='{"after":{"n":99}}')
    before = checkpoint_path().read_text()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "No checkpoint written: event 2 was altered" in result.output
    assert checkpoint_path().read_text() == before


def test_a_demo_reset_starts_a_new_chain_and_sets_the_old_checkpoints_aside(app, db):
    from trainer.demo.services import reset_database

    for n in range(3):
        record_event(None, "person.update", object_type="people", object_id=n)
        db.session.commit()
    reset_database()
    record_event(None, "demo.seed", object_type="database", object_id="small")
    db.session.commit()
    assert [c["seq"] for c in _checkpoints()] == [1]
    assert len(list(checkpoint_path().parent.glob("checkpoints-retired-*.jsonl"))) == 1
    assert verify_chain().ok


# --- a log written before the key existed -------------------------------------------------------------

def _legacy_log(app, db, events: int) -> None:
    """Go back to the schema before the key, write a chain as that version did, and upgrade again."""
    from flask_migrate import downgrade, upgrade

    db.session.remove()
    downgrade(revision="0010_question_source_length")
    try:
        prev = GENESIS
        at = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
        for seq in range(1, events + 1):
            content = event_content(seq=seq, at=at.isoformat(), actor_id=None, actor_name="system",
                                    action="person.update", object_type="people", object_id=str(seq),
                                    details="{}")
            values = {**content, "at": at, "prev_hash": prev, "hash": link_hash(prev, content)}
            db.session.execute(forger.EVENTS.insert().values(**values))
            prev = values["hash"]
        db.session.execute(text("DELETE FROM audit_head"))
        db.session.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :s, :h)"), {"s": events, "h": prev})
        db.session.commit()
        db.session.remove()
    finally:
        upgrade(revision="heads")


def test_a_chain_older_than_the_key_carries_over(app, db, runner):
    _legacy_log(app, db, 4)
    head = forger.head(db)
    assert (head["seq"], head["keyed_from"], head["mac"]) == (4, 5, None)
    assert verify_chain().ok
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0  # as the upgrade notes ask
    record_event(None, "person.update", object_type="people", object_id=5)
    db.session.commit()
    assert [(c["seq"], c["keyed_from"]) for c in _checkpoints()] == [(4, 5), (5, 5)]
    report = verify_chain()
    assert report.ok and report.checked == 5 and report.keyed_from == 5


def test_a_forger_cannot_rewrite_the_events_older_than_the_key(app, db):
    """The old events' hashes need no key, but the first keyed event's HMAC covers the last of them,
    and the boundary sits in the first checkpoint."""
    _legacy_log(app, db, 4)
    for n in (5, 6):
        record_event(None, "person.update", object_type="people", object_id=n)
        db.session.commit()
    forger.edit(db, 2, actor_name="nobody")
    saved_mac = forger.head(db)["mac"]
    forger.rechain(db, key=None, from_seq=2)  # recomputes everything unkeyed and moves the boundary
    report = verify_chain()
    said = " | ".join(p.message for p in report.problems)
    assert not report.ok and "event 5 was altered" in said and "recorded 5: the boundary was moved" in said

    # Rechain only the unkeyed part and leave the keyed events and the head alone: the link breaks.
    rows = {r["seq"]: r for r in forger.rows(db)}
    db.session.execute(text("UPDATE audit_events SET hash = :h WHERE seq = 5"), {"h": rows[5]["hash"]})
    forger.set_head(db, seq=6, hash=rows[6]["hash"], keyed_from=5, mac=saved_mac)
    report = verify_chain()
    assert not report.ok and report.seq == 5


def test_the_guessed_boundary_is_refused_by_the_writer(app, db):
    """A head that claims no keyed event yet (no HMAC) while events are keyed takes no new event."""
    from trainer.audit.services import AuditUnavailable

    record_event(None, "person.update", object_type="people", object_id=1)
    db.session.commit()
    forger.set_head(db, mac=None)
    with pytest.raises(AuditUnavailable, match="without an HMAC"):
        record_event(None, "person.update", object_type="people", object_id=2)
    db.session.rollback()
    assert db.session.scalar(select(forger.EVENTS.c.seq).order_by(forger.EVENTS.c.seq.desc()).limit(1)) == 1


def test_a_change_signs_a_checkpoint_every_few_minutes_so_a_saved_head_cannot_hide_a_removed_tail(app, db,
                                                                                                 monkeypatch):
    """With no cron run and no bulk operation, the only checkpoint used to be the first keyed event's: deleting
    every later event and putting back a copy of the head row saved early passed `audit verify`."""
    from trainer.audit import services

    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    app.config["AUDIT_CHECKPOINT_MINUTES"] = 5
    for n in (1, 2, 3):
        record_event(None, "person.update", object_type="people", object_id=n)
        db.session.commit()
    assert [line["seq"] for line in _checkpoints()] == [1]  # the first change, then nothing within 5 minutes
    saved = forger.head(db)

    clock[0] += 5 * 60
    record_event(None, "person.update", object_type="people", object_id=99)
    db.session.rollback()  # a change refused: no checkpoint, and the next change still owes one
    for n in (4, 5, 6):
        record_event(None, "person.update", object_type="people", object_id=n)
        db.session.commit()
    assert [(line["seq"], line["by"]) for line in _checkpoints()][-1] == (4, "after every 5 minutes")

    forger.delete_events(db, 4, 5, 6)
    forger.set_head(db, **{k: v for k, v in saved.items() if k != "id"})
    report = verify_chain()
    assert not report.ok
    assert any("beyond the end of the chain (event 3)" in p.message for p in report.problems), report.problems
