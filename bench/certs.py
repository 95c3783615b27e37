"""Section 4: certificates. A bulk issue of N certificates in one process (the real bulk path: issue
per unit, then render every PDF of the batch), the same with two processes on a copy of the database,
peak memory growth, and beside them a floor measured in the same run: a bare ReportLab page with the
same fonts, shaping, QR code and an Ed25519 signature."""
from __future__ import annotations

import io
import json
import multiprocessing
import os
import resource
import time

from bench.util import app_for, median

PROFILE = "UN-PDT-MIL"


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


# --- the floor -------------------------------------------------------------------------------------

def floor_page(native: str, latin: str, payload: bytes, qr_text: str, private_key) -> bytes:
    """What any certificate page costs: shaped names in their fonts, ~30 lines of text, a QR code and
    an Ed25519 signature. No database, no layout logic, no embedded file."""
    import segno
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    from trainer.pdf.text import font_name, split_runs

    signature = private_key.sign(payload)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=1, pageCompression=1)
    y = 500
    for text, size in ((native, 26), (latin, 15)):
        x = 100
        for script, chunk in split_runs(text):
            if script == "gap" or not chunk.strip():
                x += size * 0.28
                continue
            para = Paragraph(chunk, ParagraphStyle("n", fontName=font_name(script, True), fontSize=size,
                                                   leading=size * 1.3, shaping=1))
            para.wrap(10000, size * 3)
            para.drawOn(canvas, x, y)
            x += max(para.getActualLineWidths0() or [0])
        y -= 30
    canvas.setFont(font_name("latin"), 9)
    for line in range(30):
        canvas.drawString(60, 400 - line * 11, f"Line {line}: {latin} HR-0{line % 9} 1.0 01 Jan 2026 31 Dec 2027")
    canvas.drawString(60, 40, signature.hex()[:64])
    from trainer.certificates.pdf import QR_MASK  # the same QR code the certificates carry

    matrix = segno.make(qr_text, error="m", micro=False, mask=QR_MASK).matrix
    path = canvas.beginPath()
    module = 120 / (len(matrix) + 4)
    for r, row in enumerate(matrix):  # one rectangle per horizontal run of dark modules
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(650 + (start + 2) * module, 160 - (r + 2) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def measure_floor(samples: int) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import select

    from trainer.pdf.text import register_fonts
    from trainer.extensions import db
    from trainer.org.models import Person

    register_fonts()
    key = Ed25519PrivateKey.generate()
    people = db.session.execute(select(Person.given_names, Person.family_name, Person.given_names_latin,
                                       Person.family_name_latin).order_by(Person.id).limit(samples + 1)).all()
    payload = json.dumps({"x": "y" * 1500}).encode()
    qr_text = "http://127.0.0.1:5000/verify/XXXX-XXXX-XXXX-XXXX#t=" + "A" * 190
    floor_page(f"{people[0][0]} {people[0][1]}", f"{people[0][2]} {people[0][3]}", payload, qr_text, key)  # warm-up
    times = []
    for given, family, given_latin, family_latin in people[1:]:
        started = time.perf_counter()
        floor_page(f"{given} {family}", f"{given_latin} {family_latin}", payload, qr_text, key)
        times.append(time.perf_counter() - started)
    return {"median_s": median(times), "samples": len(times)}


# --- the real bulk path ----------------------------------------------------------------------------

def _unit_ids() -> list[int]:
    from sqlalchemy import select

    from trainer.org.models import Unit

    return list(db_scalars(select(Unit.id).where(Unit.kind == "company").order_by(Unit.nation_code, Unit.path)))


def db_scalars(query):
    from trainer.extensions import db

    return db.session.scalars(query)


def bulk_issue(unit_ids: list[int], limit: int) -> dict:
    """Issue per unit (one transaction each) and render each batch's PDFs as a ZIP stream, until
    `limit` certificates exist. Returns timings; runs inside an app context."""
    from sqlalchemy import select

    from trainer.auth.models import User
    from trainer.certificates import bulk
    from trainer.certificates.services import documents
    from trainer.extensions import db

    actor_id = db.session.scalar(select(User.id).where(User.username == "commander"))
    render_times: list[float] = []
    original = documents.render_pdf

    def timed_render(cert):
        started = time.perf_counter()
        try:
            return original(cert)
        finally:
            render_times.append(time.perf_counter() - started)

    documents.render_pdf = timed_render
    issued = 0
    issue_seconds = 0.0
    zip_bytes = 0
    started = time.perf_counter()
    try:
        for unit_id in unit_ids:
            if issued >= limit:
                break
            t0 = time.perf_counter()
            actor = db.session.get(User, actor_id)  # the ZIP stream clears the session between chunks
            # Everyone ready is issued, those with a warning too: the officer confirmed them all on the preview.
            plan = bulk.plan_batch(actor, unit_id, PROFILE)
            batch = bulk.issue_plan(actor, plan, issue_anyway=[c.person.id for c in plan.warned])
            db.session.commit()
            issue_seconds += time.perf_counter() - t0
            issued += batch.total
            batch_id = batch.id
            if batch.total:
                for chunk in bulk.stream_zip(batch_id):
                    zip_bytes += len(chunk)
    finally:
        documents.render_pdf = original
    wall = time.perf_counter() - started
    return {"issued": issued, "wall_s": wall, "issue_s": issue_seconds, "render_times": render_times,
            "zip_bytes": zip_bytes}


def make_ready(unit_ids: list[int], wanted: int) -> dict:
    """The demo data holds far fewer than `wanted` people ready for the profile, so before anything is
    timed, everyone cleared in the first companies gets a waiver for each requirement they miss
    (through the waiver table and the interval rebuild the readiness domain uses), until `wanted`
    people are ready. Rendering a waived line costs the same as a completed one."""
    import datetime as dt

    from sqlalchemy import insert, select

    from trainer.auth.models import User
    from trainer.extensions import db
    from trainer.org.models import Person, Unit
    from trainer.readiness import engine, intervals
    from trainer.readiness.models import Waiver

    today = dt.datetime.now(dt.timezone.utc).date()
    spec = engine.load_profile(PROFILE)
    commander = db.session.scalar(select(User.id).where(User.username == "commander"))
    ready, waived_people, rows = 0, [], []
    for unit_id in unit_ids:
        if ready >= wanted:
            break
        unit = db.session.get(Unit, unit_id)
        results = engine.evaluate(engine.member_ids_as_of(today, unit=unit), spec, today)
        cleared = set(db.session.scalars(select(Person.id).where(Person.id.in_(list(results)),
                                                                 Person.screening == "cleared",
                                                                 Person.status == "active")))
        for person_id, result in results.items():
            if person_id not in cleared:
                continue
            missing = [r.key for r in result.requirements if not r.met and r.kind in ("module", "exercise")]
            for key in missing:
                rows.append({"person_id": person_id, "requirement": key, "authority": "Benchmark set-up",
                             "reason": "Makes the person ready so that a bulk issue of certificates can be timed.",
                             "granted_on": today - dt.timedelta(days=1), "expires_on": today + dt.timedelta(days=365),
                             "granted_by_id": commander})
            if missing:
                waived_people.append(person_id)
            ready += 1
    if rows:
        db.session.execute(insert(Waiver), rows)
        intervals.refresh_people(waived_people)
    db.session.commit()
    return {"ready_people": ready, "people_given_waivers": len(waived_people), "waivers": len(rows)}


def _worker(target_argv: list[str], unit_ids: list[int], limit: int, queue, barrier) -> None:
    try:
        from bench.targets import Target

        with app_for(Target.from_argv(*target_argv)):
            from trainer.pdf.text import register_fonts

            register_fonts()
            barrier.wait()
            result = bulk_issue(unit_ids, limit)
        result.pop("render_times")
        queue.put(result)
    except Exception as exc:  # reported in the results, not swallowed
        queue.put({"error": repr(exc)})


def run_certs(target, quick: bool) -> dict:
    from bench.targets import clone, discard

    count = 100 if quick else 1000
    out: dict = {"target_count": count, "profile": PROFILE}
    with app_for(target):
        from trainer.certificates.services.keys import key_store
        from trainer.extensions import db

        key_store().ensure_current()
        db.session.commit()
        units = _unit_ids()
        out["setup"] = make_ready(units[:-1], int(count * 1.1) + 10)
        db.session.close()
        db.engine.dispose()  # a PostgreSQL database is copied only while nobody is connected to it
        twin = clone(target, "certs2")

        out["floor"] = measure_floor(30 if quick else 100)
        # warm-up: fonts and templates are loaded before memory and time are measured
        bulk_issue(units[-1:], 1)
        db.session.commit()
        rss_before = _rss_kib()
        result = bulk_issue(units[:-1], count)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        times = result.pop("render_times")
        issued = result["issued"]
        out["single"] = {**result, "per_second": issued / result["wall_s"] if result["wall_s"] else None,
                         "median_render_s": median(times),
                         "median_per_certificate_s": (median(times) or 0) + (result["issue_s"] / issued if issued else 0),
                         "peak_rss_growth_mb": max(0, peak - rss_before) / 1024}

    # Two processes, each with its own app, on a copy of the database taken before the single run.
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    barrier = ctx.Barrier(2)
    halves = [units[0:-1:2], units[1:-1:2]]
    workers = [ctx.Process(target=_worker, args=(twin.argv(), half, count // 2, queue, barrier)) for half in halves]
    for w in workers:
        w.start()
    results = [queue.get() for _ in workers]
    for w in workers:
        w.join()
    # Both start together (after their apps are built); the run lasts as long as the slower one.
    wall = max((r.get("wall_s", 0) for r in results), default=0)
    errors = [r["error"] for r in results if "error" in r]
    issued = sum(r.get("issued", 0) for r in results)
    out["two_processes"] = {"issued": issued, "wall_s": wall, "per_second": issued / wall if wall else None,
                            "errors": errors}
    discard(twin)
    return out
