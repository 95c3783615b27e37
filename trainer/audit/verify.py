"""Verifying the audit log: the chain in the database, its head, the checkpoint file outside it, and
how they agree.

What each check catches:
- the walk (seq without gaps, each prev_hash the hash before it, each hash recomputed with the key):
  an edited, inserted, deleted, renumbered or reordered event, and a chain recomputed without the key;
- the head (its seq and hash are the chain's last event; its HMAC): a removed tail, a head moved back
  or forward, a deleted head;
- the checkpoints (each signed line's event still has the signed hash and lies within the chain; the
  keyed boundary is the one the first checkpoint recorded): a truncation, a deletion of everything,
  a rewrite of the whole chain, a moved boundary;
- the checkpoint file itself (signatures, numbering, links) and, given copies taken off the host,
  that the file still begins with every line of each copy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _, ngettext
from sqlalchemy import func, select

from trainer.audit import checkpoints
from trainer.audit.chain import GENESIS, event_content, event_hash, key_id, same
from trainer.audit.models import AuditEvent, AuditHead
from trainer.audit.services import audit_keys, checkpoint_path, head_problem, key_folder
from trainer.extensions import db

BATCH = 5000


@dataclass
class Problem:
    message: str
    seq: int | None = None


@dataclass
class ChainReport:
    ok: bool
    checked: int
    problems: list[Problem] = field(default_factory=list)
    head: object = None
    keyed_from: int | None = None
    checkpoints: int = 0
    latest: checkpoints.Checkpoint | None = None
    first_broken: int | None = None

    @property
    def problem(self) -> str:
        return self.problems[0].message if self.problems else ""

    @property
    def seq(self) -> int | None:
        """The first broken link of the chain, else the event the first problem is about."""
        if self.first_broken is not None:
            return self.first_broken
        return next((p.seq for p in self.problems if p.seq is not None), None)


@dataclass
class _Walk:
    checked: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    problem: Problem | None = None


def _walk(key: bytes | None, keyed_from: int, *, start: int = 1, prev: str = GENESIS,
          upto: int | None = None) -> _Walk:
    """Check every link from event `start` (whose predecessor's hash is `prev`) to `upto`."""
    walk = _Walk(last_seq=start - 1, last_hash=prev)
    columns = (AuditEvent.seq, AuditEvent.at, AuditEvent.actor_id, AuditEvent.actor_name, AuditEvent.action,
               AuditEvent.object_type, AuditEvent.object_id, AuditEvent.details, AuditEvent.prev_hash,
               AuditEvent.hash)
    while True:
        query = select(*columns).where(AuditEvent.seq > walk.last_seq).order_by(AuditEvent.seq).limit(BATCH)
        if upto is not None:
            query = query.where(AuditEvent.seq <= upto)
        rows = db.session.execute(query).all()
        if not rows:
            return walk
        for ev in rows:
            expected = walk.last_seq + 1
            if ev.seq != expected:
                walk.problem = Problem(_("event %(seq)s is missing (the next one is %(next)s)", seq=expected, next=ev.seq),
                                       expected)
                return walk
            if ev.prev_hash != walk.last_hash:
                walk.problem = Problem(_("event %(seq)s does not link to the event before it", seq=ev.seq), ev.seq)
                return walk
            if ev.seq >= keyed_from and key is None:
                walk.problem = Problem(_("the audit key is missing from %(folder)s: event %(seq)s and the ones after "
                                         "it cannot be checked", folder=key_folder(), seq=ev.seq), ev.seq)
                return walk
            content = event_content(seq=ev.seq, at=ev.at.isoformat(), actor_id=ev.actor_id, actor_name=ev.actor_name,
                                    action=ev.action, object_type=ev.object_type, object_id=ev.object_id,
                                    details=ev.details)
            if not same(event_hash(key, keyed_from, walk.last_hash, content), ev.hash):
                walk.problem = Problem(_("event %(seq)s was altered (its hash does not match its content)", seq=ev.seq),
                                       ev.seq)
                return walk
            walk.last_seq, walk.last_hash = ev.seq, ev.hash
            walk.checked += 1


def _head():
    return db.session.execute(select(AuditHead.seq, AuditHead.hash, AuditHead.keyed_from, AuditHead.mac)
                              .where(AuditHead.id == 1)).first()


def _hashes_at(seqs) -> dict[int, str]:
    found: dict[int, str] = {}
    seqs = sorted(set(seqs))
    for start in range(0, len(seqs), 500):
        chunk = seqs[start:start + 500]
        found.update(db.session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(chunk))).all())
    return found


def _boundary(found: checkpoints.CheckpointFile, head, problems: list[Problem]) -> int:
    """The first keyed event: as the first checkpoint recorded it (the database's copy can be edited)."""
    ordered = sorted(found.checkpoints, key=lambda c: c.n)
    if ordered:
        first = ordered[0]
        others = sorted({c.keyed_from for c in ordered} - {first.keyed_from})
        if others:
            problems.append(Problem(_("the checkpoints disagree on the first keyed event (%(checkpoint)s records "
                                      "%(first)s, later ones %(others)s)", checkpoint=first.words(),
                                      first=first.keyed_from, others=", ".join(map(str, others)))))
        if head is not None and head.keyed_from != first.keyed_from:
            problems.append(Problem(_("the database says events from %(seq)s on are keyed, but %(checkpoint)s "
                                      "recorded %(first)s: the boundary was moved", seq=head.keyed_from,
                                      checkpoint=first.words(), first=first.keyed_from)))
        return first.keyed_from
    return head.keyed_from if head is not None else 1


def _check_key(found: checkpoints.CheckpointFile, key: bytes | None, problems: list[Problem]) -> None:
    if key is None:
        return
    mine = key_id(key)
    other = next((c for c in sorted(found.checkpoints, key=lambda c: c.n) if c.chain_key not in (None, mine)), None)
    if other is not None:
        problems.append(Problem(_("%(checkpoint)s was made with the audit key %(key)s, but %(folder)s holds the "
                                  "key %(mine)s: the key was replaced", checkpoint=other.words(),
                                  key=other.chain_key, folder=key_folder(), mine=mine)))


def _check_head(head, walk: _Walk, key: bytes | None, problems: list[Problem]) -> None:
    if head is None:
        problems.append(Problem(_("the audit head row is missing: it was deleted from the database")))
        return
    if walk.problem is None:
        if head.seq > walk.last_seq:
            problems.append(Problem(_("the chain ends at event %(last)s but its head records event %(seq)s: events "
                                      "were removed from the end (or the head was moved forward)",
                                      last=walk.last_seq, seq=head.seq), walk.last_seq + 1))
        elif head.hash != walk.last_hash:
            problems.append(Problem(_("the head's hash is not the hash of event %(seq)s: the head was edited",
                                      seq=head.seq), head.seq))
        elif db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.seq > head.seq)) \
                and tuple(_head() or ()) == tuple(head):
            problems.append(Problem(_("events follow event %(seq)s, where the head stands: the head was moved back",
                                      seq=head.seq), head.seq + 1))
    problem = head_problem(head, key)
    if problem is not None:
        problems.append(Problem(problem, head.seq))


def _check_checkpoints(found: checkpoints.CheckpointFile, head, walk: _Walk, keyed_from: int,
                       problems: list[Problem]) -> None:
    end = head.seq if head is not None else walk.last_seq
    ordered = sorted(found.checkpoints, key=lambda c: c.n)
    if not ordered:
        if end >= keyed_from or walk.last_seq >= keyed_from:
            problems.append(Problem(_(
                "no checkpoint records the chain (the checkpoint file %(path)s is missing or empty), though events "
                "from %(seq)s on were written with the key and the first of them writes one: restore the file from "
                "its copy, or run `flask --app wsgi audit checkpoint` once the log is trusted", path=found.path,
                seq=keyed_from)))
        return
    hashes = _hashes_at(c.seq for c in ordered if 0 < c.seq <= end)
    disagreeing = []
    for c in ordered:
        if c.seq > end:
            disagreeing.append(Problem(_("%(checkpoint)s is beyond the end of the chain (event %(seq)s): events "
                                         "were removed and the head moved back", checkpoint=c.words(), seq=end),
                                       end + 1))
        elif c.seq == 0 and c.hash != GENESIS or c.seq > 0 and c.seq not in hashes:
            disagreeing.append(Problem(_("%(checkpoint)s names event %(seq)s, which is missing",
                                         checkpoint=c.words(), seq=c.seq), c.seq))
        elif c.seq > 0 and hashes[c.seq] != c.hash:
            disagreeing.append(Problem(_("%(checkpoint)s disagrees with event %(seq)s: the log was rewritten, "
                                         "renumbered or reordered", checkpoint=c.words(), seq=c.seq), c.seq))
    if disagreeing:
        first = disagreeing[0]
        more = len(disagreeing) - 1
        if more:
            problems.append(Problem(ngettext("%(problem)s (%(num)d later checkpoint disagrees too)",
                                             "%(problem)s (%(num)d later checkpoints disagree too)", more,
                                             problem=first.message), first.seq))
        else:
            problems.append(first)


def _anchor(found: checkpoints.CheckpointFile, head) -> checkpoints.Checkpoint | None:
    """The latest checkpoint within the chain that still agrees with it: an incremental walk starts there."""
    if head is None:
        return None
    within = sorted((c for c in found.checkpoints if c.seq <= head.seq), key=lambda c: c.seq, reverse=True)
    for c in within[:1]:
        if c.seq == 0 or _hashes_at([c.seq]).get(c.seq) == c.hash:
            return c
    return None


def verify(copies=(), *, since_checkpoint: bool = False) -> ChainReport:
    """Check the whole log (or, with since_checkpoint, the chain after the latest checkpoint that still
    agrees with it, plus the head and every checkpoint) and report every problem found."""
    keys = audit_keys()
    key = keys.chain_key()
    head = _head()
    found = checkpoints.read(checkpoint_path(), keys.public_keys())
    problems: list[Problem] = []
    keyed_from = _boundary(found, head, problems)
    _check_key(found, key, problems)
    anchor = _anchor(found, head) if since_checkpoint else None
    start, prev = (anchor.seq + 1, anchor.hash) if anchor is not None else (1, GENESIS)
    walk = _walk(key, keyed_from, start=start, prev=prev, upto=head.seq if head is not None else None)
    if walk.problem is not None:
        problems.insert(0, walk.problem)
    _check_head(head, walk, key, problems)
    _check_checkpoints(found, head, walk, keyed_from, problems)
    problems.extend(Problem(text) for text in found.problems)
    for copy in copies:
        problems.extend(Problem(text) for text in checkpoints.compare_with_copy(found, copy))
    checked = walk.checked + (start - 1)
    return ChainReport(ok=not problems, checked=checked, problems=problems, head=head, keyed_from=keyed_from,
                       checkpoints=len(found.checkpoints), latest=found.latest,
                       first_broken=walk.problem.seq if walk.problem is not None else None)
