"""Bulk issue for a unit: a plan of who would be certified, who carries a warning to confirm and who is
skipped and why; then certify everyone ready (and those with a warning the issuer confirmed), and stream the
PDFs (a ZIP, or one merged PDF for printing) while recording progress for the progress page."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from trainer.audit.services import record_event
from trainer.auth.scoping import get_scoped, scope_condition
from trainer.certificates import skip_reasons
from trainer.certificates.merge import merge_stream
from trainer.certificates.models import Certificate, CertificateBatch
from trainer.certificates.services import documents, issuing
from trainer.certificates.services.facts import valid_until_of
from trainer.certificates.services.reads import profile_title
from trainer.certificates.services.status import computed_status, live_condition, today
from trainer.curricula.models import ReadinessProfile
from trainer.db import write_intent
from trainer.enums import Screening
from trainer.errors import Invalid
from trainer.extensions import db
from trainer.org.models import Person, Unit
from trainer.readiness import engine
from trainer.spreadsheets import neutralise_cell

CHUNK = 25


@dataclass(frozen=True)
class Candidate:
    """A person of the unit who is ready and may be issued a certificate; `warnings` are those an issuer
    must have seen and confirmed first (a short validity, a profile meant for other personnel)."""
    person: Person
    readiness: object
    existing: Certificate | None  # an expired certificate the new one replaces
    warnings: list[issuing.IssueWarning]

    @property
    def valid_until(self) -> dt.date | None:
        return valid_until_of(self.readiness)


@dataclass(frozen=True)
class BatchPlan:
    """What a bulk issue would do as of `on`, worked out without writing anything: everyone in name order."""
    unit: Unit
    profile_code: str
    on: dt.date
    candidates: list[Candidate]
    skipped: list[dict]  # {"person_id", "name", "service_number", "reasons"} (skip_reasons): who is skipped, and why

    @property
    def ready(self) -> list[Candidate]:
        """Those issued a certificate without a question."""
        return [c for c in self.candidates if not c.warnings]

    @property
    def warned(self) -> list[Candidate]:
        """Those issued a certificate only if the issuer confirms the warnings for them."""
        return [c for c in self.candidates if c.warnings]


def _skip(person: Person, reasons: list) -> dict:
    return {"person_id": person.id, "name": person.full_name_latin, "service_number": person.service_number,
            "reasons": reasons}


def plan_batch(actor, unit_id, profile_code: str, *, on: dt.date | None = None) -> BatchPlan:
    """Who of the unit (and its sub-units) would receive a certificate, who carries a warning and who is
    skipped and why, read in as many queries for a large unit as for a small one. Writes nothing."""
    on = on or today()
    unit = get_scoped(actor, "unit", unit_id, "certificate.issue")
    if not profile_code:
        raise Invalid(_("Choose a readiness profile."), errors=[("profile", _("Choose a readiness profile."))])
    results = issuing.evaluate(engine.member_ids_as_of(on, unit=unit), profile_code, on)
    profile = db.session.scalar(select(ReadinessProfile).where(ReadinessProfile.code == profile_code))
    people = {p.id: p for p in db.session.execute(
        select(Person).where(Person.id.in_(list(results)))).unique().scalars()} if results else {}
    live = {c.person_id: c for c in db.session.execute(
        select(Certificate).where(Certificate.person_id.in_(list(results)), Certificate.profile_code == profile_code,
                                  live_condition())).unique().scalars()}
    skipped, candidates = [], []
    for person_id in sorted(results, key=lambda i: (people[i].family_name_latin, people[i].given_names_latin, i)):
        person, readiness = people[person_id], results[person_id]
        # The reasons are kept with the batch as codes and facts, worded in each reader's language when shown.
        unmet = [r for r in readiness.requirements if not r.met]
        reasons = [skip_reasons.unmet(r) for r in unmet]
        if person.status != "active":
            reasons.append(skip_reasons.left_service())
        if person.screening != Screening.CLEARED and not any(r.key == "screening" for r in unmet):
            reasons.append(skip_reasons.screening(person.screening))
        existing = live.get(person_id)
        if not reasons and existing is not None and computed_status(existing, on) in issuing.HELD:
            reasons.append(skip_reasons.holds(existing.serial))
        if reasons:
            skipped.append(_skip(person, reasons))
            continue
        warnings = issuing.warnings_against(profile, person, readiness, on) if profile is not None else []
        candidates.append(Candidate(person, readiness, existing, warnings))
    return BatchPlan(unit, profile_code, on, candidates, skipped)


def issue_batch(actor, unit_id, profile_code: str, *, on: dt.date | None = None,
                issue_anyway: Collection[int] = ()) -> CertificateBatch:
    """Issue a certificate, in one transaction, to every ready person of the unit (and its sub-units)
    without a warning, and to those with a warning whose person id is in `issue_anyway` (the issuer has
    seen the warnings and confirmed them for these people). The others with a warning are skipped, the
    warnings given as the reasons."""
    return issue_plan(actor, plan_batch(actor, unit_id, profile_code, on=on), issue_anyway=issue_anyway)


def issue_plan(actor, plan: BatchPlan, *, issue_anyway: Collection[int] = ()) -> CertificateBatch:
    """Carry out a plan made by `plan_batch` for the same actor, as `issue_batch` describes."""
    confirmed = set(issue_anyway)
    wanted = [c for c in plan.candidates if not c.warnings or c.person.id in confirmed]
    left_out = [_skip(c.person, [skip_reasons.warned(w) for w in c.warnings])
                for c in plan.warned if c.person.id not in confirmed]
    batch = CertificateBatch(unit_id=plan.unit.id, profile_code=plan.profile_code, as_of=plan.on,
                             created_by_id=actor.id, total=0, rendered=0, skipped=[])
    db.session.add(batch)
    db.session.flush()
    issued = issuing.create_many(actor, [(c.person, c.readiness, c.existing) for c in wanted], batch=batch,
                                 on=plan.on, title=profile_title(plan.profile_code))
    batch.total = issued
    batch.skipped = plan.skipped + left_out
    record_event(actor, "certificate.bulk_issue", batch, after={
        "unit": plan.unit.code, "profile": plan.profile_code, "issued": issued, "skipped": len(batch.skipped),
        "issued_despite_warnings": sum(1 for c in wanted if c.warnings)}, checkpoint=True)
    db.session.flush()
    return batch


def list_units_for_bulk_issue(actor, limit: int = 2000) -> list[Unit]:
    """The units the actor may issue certificates for, by nation and place in the tree."""
    return list(db.session.execute(select(Unit).where(scope_condition(actor, "unit", "certificate.issue"))
                                   .order_by(Unit.nation_code, Unit.path).limit(limit)).unique().scalars())


def get_batch(actor, batch_id) -> CertificateBatch:
    return get_scoped(actor, "certificate_batch", batch_id, "certificate.issue")


def list_issued(batch: CertificateBatch, limit: int = 1000) -> list[Certificate]:
    """The first `limit` certificates of a batch, for the page that lists who received one."""
    return list(db.session.execute(select(Certificate).where(Certificate.batch_id == batch.id)
                                   .order_by(Certificate.id).limit(limit)).unique().scalars())


@contextlib.contextmanager
def _intent(writing: bool):
    """Start the next transaction as a reader (plain BEGIN) or a writer (BEGIN IMMEDIATE on SQLite).
    Never held across a yield: the caller may resume a generator in another context."""
    token = write_intent.set(writing)
    try:
        yield
    finally:
        write_intent.reset(token)


def _end_transaction() -> None:
    """Close the open (read) transaction, if any, without touching loaded objects."""
    db.session.commit()


def _batch_certificates(batch_id: int) -> Iterator[Certificate]:
    """The batch's certificates in chunks, each chunk read in a short read-only transaction and then
    detached, so that rendering runs with no transaction open and no lock held, and earlier chunks
    are not kept in the session."""
    last = 0
    while True:
        _end_transaction()
        with _intent(False):
            rows = db.session.execute(select(Certificate).where(Certificate.batch_id == batch_id, Certificate.id > last)
                                      .order_by(Certificate.id).limit(CHUNK)).unique().scalars().all()
            db.session.expunge_all()  # detached objects keep what was loaded (person is joined)
            _end_transaction()
        if not rows:
            return
        for cert in rows:
            yield cert
        last = rows[-1].id


def _rendered(batch_id: int, count: int) -> None:
    """Record progress in a transaction of its own, as short as one UPDATE."""
    _end_transaction()
    with _intent(True):
        db.session.execute(CertificateBatch.__table__.update().where(CertificateBatch.id == batch_id)
                           .values(rendered=count))
        db.session.commit()


def _pdfs(batch_id: int, *, signed: bool = True) -> Iterator[tuple[Certificate, bytes]]:
    count = 0
    _rendered(batch_id, 0)
    for cert in _batch_certificates(batch_id):
        with _intent(False):
            # no transaction is open here: other writers go ahead
            pdf = documents.render_pdf(cert) if signed else documents.render_unsigned_pdf(cert)
        count += 1
        yield cert, pdf
        if count % 5 == 0:
            _rendered(batch_id, count)
    _rendered(batch_id, count)


def skipped_csv(batch: CertificateBatch) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Name"), _("Service number"), _("Why skipped")])
    for row in batch.skipped or []:
        reasons = "; ".join(skip_reasons.word(r) for r in row["reasons"])
        writer.writerow([neutralise_cell(v) for v in (row["name"], row["service_number"], reasons)])
    return out.getvalue().encode("utf-8-sig")


class _Sink:
    """A write-only file for zipfile that hands over what was written since the last call."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def stream_zip(batch_id: int, language: str = "en") -> Iterator[bytes]:
    """The batch's signed PDFs in a ZIP, with the list of who was skipped and why in `language` (the reader's)."""
    with _intent(False), force_locale(language):
        skipped = skipped_csv(db.session.get(CertificateBatch, batch_id))
        _end_transaction()  # never hold a transaction across a yield
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("skipped.csv", skipped)
        yield sink.take()
        for cert, pdf in _pdfs(batch_id):
            archive.writestr(documents.pdf_filename(cert), pdf)
            yield sink.take()
    yield sink.take()


def stream_merged(batch_id: int) -> Iterator[bytes]:
    """One PDF of every certificate of the batch, for printing: the pages are those of the signed files,
    without their signatures (a signature covers one whole file; the ZIP holds the signed ones)."""
    yield from merge_stream(pdf for _, pdf in _pdfs(batch_id, signed=False))
