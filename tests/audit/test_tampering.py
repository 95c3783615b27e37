"""Tampering with the audit log, as someone holding the database (and, separately, the checkpoint file)
but not the instance folder's keys would: every edit is found, `audit verify` exits non-zero and names
the reason, and so does the admin's verify page.

The log under attack: events 1 to 8, each written in its own transaction; checkpoint 1 (event 1) was
written after the first keyed event committed, checkpoint 2 (event 6) by `audit checkpoint`; events 7
and 8 came after the last checkpoint.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.audit import forger
from tests.conftest import login
from trainer.audit.checkpoints import make_line
from trainer.audit.services import checkpoint_path, record_event, verify_chain

GENESIS = "0" * 64


@pytest.fixture
def log(app, db, runner):
    saved = {}
    for n in range(1, 9):
        record_event(None, "person.update", object_type="people", object_id=n, after={"n": n})
        db.session.commit()
        if n == 5:
            saved["head at 5"] = forger.head(db)
        if n == 6:
            result = runner.invoke(args=["audit", "checkpoint"])
            assert result.exit_code == 0, result.output
    report = verify_chain()
    assert report.ok and report.checked == 8 and report.checkpoints == 2, report.problems
    return saved


# --- what is done to the database --------------------------------------------------------------------

def edit_details(db, log):
    forger.edit(db, 3, details='{"after":{"n":333}}')


def edit_actor(db, log):
    forger.edit(db, 5, actor_name="someone-else")


def edit_time(db, log):
    row = next(r for r in forger.rows(db) if r["seq"] == 4)
    forger.edit(db, 4, at=row["at"] - dt.timedelta(days=30))


def edit_prev_hash(db, log):
    forger.edit(db, 4, prev_hash=GENESIS)


def edit_and_rechain_unkeyed(db, log):
    forger.edit(db, 3, details='{"after":{"n":333}}')
    forger.rechain(db, key=None, from_seq=3)


def edit_and_rechain_guessed_key(db, log):
    forger.edit(db, 3, details='{"after":{"n":333}}')
    forger.rechain(db, key=secrets.token_bytes(32), from_seq=3)


def edit_and_rechain_with_secret_key(db, log):
    from flask import current_app

    forger.edit(db, 3, details='{"after":{"n":333}}')
    forger.rechain(db, key=current_app.config["SECRET_KEY"].encode(), from_seq=3)


def rewrite_everything_unkeyed(db, log):
    forger.edit(db, 1, actor_name="nobody")
    forger.rechain(db, key=None, from_seq=1)


def delete_last(db, log):
    forger.delete_events(db, 8)


def delete_last_move_head_back(db, log):
    row = next(r for r in forger.rows(db) if r["seq"] == 7)
    forger.delete_events(db, 8)
    forger.set_head(db, seq=7, hash=row["hash"])


def truncate_past_checkpoint_move_head_back(db, log):
    row = next(r for r in forger.rows(db) if r["seq"] == 4)
    forger.delete_events(db, 5, 6, 7, 8)
    forger.set_head(db, seq=4, hash=row["hash"])


def truncate_and_replay_saved_head(db, log):
    forger.delete_events(db, 6, 7, 8)
    forger.set_head(db, **{k: v for k, v in log["head at 5"].items() if k != "id"})


def delete_last_and_head(db, log):
    forger.delete_events(db, 8)
    forger.delete_head(db)


def delete_everything(db, log):
    forger.delete_events(db, *range(1, 9))
    forger.delete_head(db)


def delete_everything_fresh_head(db, log):
    forger.delete_events(db, *range(1, 9))
    forger.set_head(db, seq=0, hash=GENESIS, keyed_from=1, mac=None)


def delete_all_events_keep_head(db, log):
    forger.delete_events(db, *range(1, 9))


def delete_head(db, log):
    forger.delete_head(db)


def delete_middle(db, log):
    forger.delete_events(db, 4)


def delete_renumber_unkeyed(db, log):
    forger.delete_events(db, 4)
    forger.renumber_after(db, 4)
    forger.rechain(db, key=None, from_seq=4)


def delete_renumber_guessed_key(db, log):
    forger.delete_events(db, 4)
    forger.renumber_after(db, 4)
    forger.rechain(db, key=secrets.token_bytes(32), from_seq=4)


def reorder(db, log):
    forger.swap(db, 3, 4)


def reorder_and_rechain(db, log):
    forger.swap(db, 3, 4)
    forger.rechain(db, key=None, from_seq=3)


def append_forged_event(db, log):
    last = forger.rows(db)[-1]
    forged = {**last, "seq": 9, "prev_hash": last["hash"], "details": '{"after":{"forged":true}}'}
    db.session.execute(forger.EVENTS.insert().values(**{**forged, "hash": "f" * 64}))
    db.session.commit()
    forger.rechain(db, key=secrets.token_bytes(32), from_seq=9)


def head_moved_forward(db, log):
    forger.set_head(db, seq=9)


def boundary_moved(db, log):
    forger.set_head(db, keyed_from=9, mac=None)


# --- what is done to the checkpoint file -------------------------------------------------------------

def _lines():
    return checkpoint_path().read_text().splitlines()


def _write(lines):
    checkpoint_path().write_text("".join(line + "\n" for line in lines))


def checkpoint_edited(db, log):
    lines = _lines()
    data = json.loads(lines[1])
    data["seq"] = 8
    data["hash"] = forger.rows(db)[-1]["hash"]
    _write([lines[0], json.dumps(data, sort_keys=True, separators=(",", ":"))])


def checkpoint_line_removed(db, log):
    _write(_lines()[1:])


def checkpoint_file_deleted(db, log):
    os.remove(checkpoint_path())


def checkpoint_cut_mid_line(db, log):
    text = checkpoint_path().read_text()
    checkpoint_path().write_text(text[:-40])


def checkpoint_forged_with_other_key(db, log):
    last = forger.rows(db)[-1]
    import hashlib

    lines = _lines()
    forged = make_line(Ed25519PrivateKey.generate(), n=3, prev=hashlib.sha256(lines[-1].encode()).hexdigest(),
                       seq=last["seq"], hash="e" * 64, keyed_from=1, chain_key=None, by="audit checkpoint",
                       at=dt.datetime.now(dt.timezone.utc))
    _write(lines + [forged])


# name, what is done, what the report must say (each fragment must appear)
TAMPERINGS = [
    ("an event's details edited", edit_details, ["event 3 was altered"]),
    ("an event's actor edited", edit_actor, ["event 5 was altered"]),
    ("an event's time edited", edit_time, ["event 4 was altered"]),
    ("an event's link edited", edit_prev_hash, ["event 4 does not link to the event before it"]),
    ("one event edited, chain recomputed to the end unkeyed", edit_and_rechain_unkeyed,
     ["event 3 was altered", "the boundary was moved", "disagrees with event 6"]),
    ("one event edited, chain recomputed to the end with a guessed key", edit_and_rechain_guessed_key,
     ["event 3 was altered", "does not match its HMAC", "disagrees with event 6"]),
    ("one event edited, chain recomputed with the session secret as key", edit_and_rechain_with_secret_key,
     ["event 3 was altered", "does not match its HMAC"]),
    ("the whole chain rewritten unkeyed", rewrite_everything_unkeyed,
     ["event 1 was altered", "the boundary was moved", "checkpoint 1 (event 1"]),
    ("the last event deleted", delete_last, ["the chain ends at event 7 but its head records event 8"]),
    ("the last event deleted and the head moved back", delete_last_move_head_back,
     ["the head (event 7) does not match its HMAC"]),
    ("events deleted past a checkpoint and the head moved back", truncate_past_checkpoint_move_head_back,
     ["checkpoint 2 (event 6", "beyond the end of the chain (event 4)", "does not match its HMAC"]),
    ("events deleted and an earlier head row put back", truncate_and_replay_saved_head,
     ["checkpoint 2 (event 6", "beyond the end of the chain (event 5)"]),
    ("the last event and the head deleted", delete_last_and_head,
     ["the audit head row is missing"]),
    ("every event and the head deleted", delete_everything,
     ["the audit head row is missing", "checkpoint 1 (event 1", "beyond the end of the chain (event 0)"]),
    ("every event deleted and a fresh head put in", delete_everything_fresh_head,
     ["checkpoint 1 (event 1", "beyond the end of the chain (event 0)"]),
    ("every event deleted, the head left", delete_all_events_keep_head,
     ["the chain ends at event 0 but its head records event 8"]),
    ("the head deleted", delete_head, ["the audit head row is missing"]),
    ("a middle event deleted", delete_middle, ["event 4 is missing"]),
    ("one event deleted, the rest renumbered and rehashed unkeyed", delete_renumber_unkeyed,
     ["event 4 was altered", "the boundary was moved", "disagrees with event 6"]),
    ("one event deleted, the rest renumbered and rehashed with a guessed key", delete_renumber_guessed_key,
     ["event 4 was altered", "does not match its HMAC", "disagrees with event 6"]),
    ("two events swapped", reorder, ["event 3 does not link to the event before it"]),
    ("two events swapped and the chain recomputed", reorder_and_rechain,
     ["event 3 was altered", "disagrees with event 6"]),
    ("a forged event appended", append_forged_event, ["event 9 was altered", "does not match its HMAC"]),
    ("the head moved forward", head_moved_forward,
     ["the chain ends at event 8 but its head records event 9", "does not match its HMAC"]),
    ("the keyed boundary moved in the database", boundary_moved, ["the boundary was moved"]),
    ("a checkpoint line edited", checkpoint_edited, ["line 2 of the checkpoint file does not match its signature"]),
    ("a checkpoint line removed", checkpoint_line_removed,
     ["line 1 of the checkpoint file holds checkpoint 2, which does not follow"]),
    ("the checkpoint file deleted", checkpoint_file_deleted, ["no checkpoint records the chain"]),
    ("the checkpoint file cut short", checkpoint_cut_mid_line, ["line 2 of the checkpoint file is not a checkpoint"]),
    ("a checkpoint forged with another key", checkpoint_forged_with_other_key,
     ["line 3 of the checkpoint file is signed by an unknown key"]),
]


@pytest.mark.parametrize("tamper,expected", [pytest.param(t, e, id=name) for name, t, e in TAMPERINGS])
def test_tampering_is_detected_and_named(log, db, runner, tamper, expected):
    tamper(db, log)
    db.session.expire_all()
    report = verify_chain()
    said = " | ".join(p.message for p in report.problems)
    assert not report.ok
    for fragment in expected:
        assert fragment in said
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.startswith("BROKEN: ") and expected[0] in result.output


def test_every_listed_tampering_is_detected():
    """The tally the issue asks for: at least 18 tamperings, including the five it names."""
    names = [name for name, _, _ in TAMPERINGS]
    assert len(names) >= 18
    for required in ("the last event deleted and the head moved back", "the last event and the head deleted",
                     "every event and the head deleted", "one event edited, chain recomputed to the end unkeyed",
                     "one event edited, chain recomputed to the end with a guessed key",
                     "one event deleted, the rest renumbered and rehashed unkeyed",
                     "one event deleted, the rest renumbered and rehashed with a guessed key"):
        assert required in names


def test_a_copy_kept_off_the_host_exposes_removed_last_checkpoints(log, runner, tmp_path):
    copy = tmp_path / "offsite.jsonl"
    copy.write_text(checkpoint_path().read_text())
    assert runner.invoke(args=["audit", "verify", "--copy", str(copy)]).exit_code == 0
    checkpoint_path().write_text(checkpoint_path().read_text().splitlines()[0] + "\n")
    assert verify_chain().ok  # the shortened file alone still reads as a valid, shorter history
    result = runner.invoke(args=["audit", "verify", "--copy", str(copy)])
    assert result.exit_code == 1 and "checkpoints 2 to 2 were removed from the file" in result.output


def test_the_admin_verify_page_names_the_same_reason(log, db, client, make_user):
    admin = make_user("admin", username="auditor")
    login(client, admin.username)  # the account and the sign-in are events too
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    last = forger.head(db)["seq"]
    assert f"Intact: {last} events verified" in page
    row = next(r for r in forger.rows(db) if r["seq"] == last - 1)
    forger.delete_events(db, last)
    forger.set_head(db, seq=last - 1, hash=row["hash"])
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "Broken" in page and f"the head (event {last - 1}) does not match its HMAC" in page


def test_a_tampered_head_takes_no_new_event(log, db):
    """New events are never chained onto a head moved back: the write is refused, loudly."""
    from trainer.audit.services import AuditUnavailable

    delete_last_move_head_back(db, log)
    with pytest.raises(AuditUnavailable, match="does not match its HMAC"):
        record_event(None, "person.update", object_type="people", object_id=1)
    db.session.rollback()
    delete_head(db, log)
    with pytest.raises(AuditUnavailable, match="head row is missing"):
        record_event(None, "person.update", object_type="people", object_id=1)
