"""Serials, canonical payloads, keys, tokens, shaping and merging: no database."""
from __future__ import annotations

import datetime as dt
import os
import stat

import pytest

from trainer.certificates import serial as serials
from trainer.certificates.canonical import canonical_bytes
from trainer.certificates.signing import KeyStore, keys_from_keyset, make_token, read_token, verify_signature


def test_serials_are_grouped_crockford_with_a_valid_check_character():
    seen = set()
    for _ in range(200):
        s = serials.new_serial()
        assert len(s) == 16 and s.count("-") == 3
        compact = s.replace("-", "")
        assert all(c in serials.ALPHABET for c in compact[:-1]) and compact[-1] in serials.CHECK_ALPHABET
        assert serials.normalise(s) == s
        seen.add(s)
    assert len(seen) == 200


def _every_mistake_is_caught(compact):
    for i, original in enumerate(compact):
        for replacement in serials.CHECK_ALPHABET:
            if replacement != original:
                assert not serials.is_valid(compact[:i] + replacement + compact[i + 1:])
    for i in range(len(compact) - 1):
        if compact[i] != compact[i + 1]:
            swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2:]
            assert not serials.is_valid(swapped), swapped


def test_every_single_typing_mistake_and_adjacent_swap_is_caught():
    for _ in range(50):
        _every_mistake_is_caught(serials.new_serial().replace("-", ""))
    # The swaps a Luhn mod 32 check would miss (0 and Z next to each other) are caught too.
    body = "0Z0ZZ00ZZ0Z0"
    _every_mistake_is_caught(body + serials.check_symbol(body))


def test_typed_serials_are_forgiving_about_case_spaces_and_look_alike_letters():
    body = "K7QD3M9XV2H0"
    s = serials.format_serial(body + serials.check_symbol(body))
    typed = s.lower().replace("-", " ").replace("0", "o")
    assert serials.normalise(typed) == s
    with pytest.raises(serials.InvalidSerial, match="check character"):
        serials.normalise(s[:-1] + ("A" if s[-1] != "A" else "B"))
    with pytest.raises(serials.InvalidSerial):
        serials.normalise("ABCU-EFGH-JKMN-P")
    with pytest.raises(serials.InvalidSerial):
        serials.normalise("")


def test_canonical_json_is_one_byte_sequence_per_meaning():
    a = canonical_bytes({"b": 1, "a": "Ngone\u0301", "d": dt.date(2026, 1, 31)})
    b = canonical_bytes({"d": "2026-01-31", "a": "Ngoné", "b": 1})
    assert a == b == '{"a":"Ngoné","b":1,"d":"2026-01-31"}'.encode()
    with pytest.raises(TypeError):
        canonical_bytes({"x": 1.5})


def test_keys_are_generated_once_private_key_private_and_rotation_keeps_old_public_keys(tmp_path):
    store = KeyStore(tmp_path / "keys")
    kid = store.ensure_current()
    assert store.ensure_current() == kid
    assert len(kid) == 16
    mode = stat.S_IMODE(os.stat(tmp_path / "keys" / f"{kid}.key").st_mode)
    assert mode == 0o600
    data = b"certified facts"
    kid1, sig1 = store.sign(data)
    new = store.rotate()
    assert new != kid and store.current_kid() == new
    published = keys_from_keyset(store.keyset())
    assert set(published) == {kid, new}
    assert verify_signature(published, kid1, data, sig1)
    assert not verify_signature(published, kid1, data + b"!", sig1)
    kid2, sig2 = store.sign(data)
    assert kid2 == new and verify_signature(published, kid2, data, sig2)


def test_compact_token_verifies_offline_and_rejects_edits(tmp_path):
    store = KeyStore(tmp_path / "keys")
    kid = store.ensure_current()
    token = make_token(kid, store.private_key(kid), {"s": "ABCD", "n": "Ram Thapa"})
    keys = keys_from_keyset(store.keyset())
    assert read_token(token, keys) == {"s": "ABCD", "n": "Ram Thapa"}
    prefix, k, body, sig = token.split(".")
    tampered = ".".join([prefix, k, body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1], sig])
    assert read_token(tampered, keys) is None
    assert read_token("garbage", keys) is None


def test_complex_script_shaping_is_active():
    """Without uharfbuzz ReportLab silently draws unshaped glyphs: refuse to run like that."""
    from trainer.certificates.pdf import shaping_active

    assert shaping_active()


def test_merged_pdf_holds_every_page(tmp_path):
    import subprocess

    from reportlab.pdfgen.canvas import Canvas

    from trainer.certificates.merge import merge_stream

    def one(text):
        path = tmp_path / f"{text}.pdf"
        canvas = Canvas(str(path))
        canvas.drawString(100, 700, text)
        canvas.showPage()
        canvas.save()
        return path.read_bytes()

    merged = tmp_path / "merged.pdf"
    merged.write_bytes(b"".join(merge_stream(one(t) for t in ("first", "second", "third"))))
    info = subprocess.run(["pdfinfo", str(merged)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info
    text = subprocess.run(["pdftotext", str(merged), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split() == ["first", "second", "third"]


def test_check_only_symbols_round_trip_through_typing_and_urls(app):
    """Serials whose check symbol is one of * ~ $ = U are accepted as typed and survive a URL."""
    from flask import url_for
    from werkzeug.urls import unquote

    found = {}
    n = 0
    while len(found) < 5:
        body = f"{n:012d}"
        check = serials.check_symbol(body)
        if check in "*~$=U" and check not in found:
            found[check] = body
        n += 7919
    for check, body in found.items():
        serial = serials.format_serial(body + check)
        assert serials.normalise(serial.lower().replace("-", " ")) == serial
        with app.test_request_context():
            path = url_for("certificates.verify", serial=serial)
        assert unquote(path.rsplit("/", 1)[1]) == serial


def test_qr_codes_are_module_for_module_the_codes_segno_makes():
    """The certificate's own QR encoder must give the very symbol segno gives, at every version, with
    every mask, and leave text that needs another mode to segno."""
    import random
    import string

    import segno

    from trainer.certificates.qr import qr_matrix

    rng = random.Random(18004)
    alphabet = string.ascii_letters + string.digits + "-_.~#=/:?&%"
    texts = ["http://127.0.0.1:5000/verify/8J4A-0XAB-VA65-M#t=TC1." + "eyJoIjoi" * 30,
             "1234567890", "HTTPS://EXAMPLE.ORG/VERIFY/ABCD", "Ngoné Éclair", "王小明", "a"]
    # lengths at and around the edges of versions 1 to 40 at levels M, Q and H
    texts += ["".join(rng.choice(alphabet) for _ in range(n))
              for n in [1, 2, 13, 14, 15, 26, 27, 41, 62, 63, 84, 106, 122, 154, 180, 213, 251, 287, 331, 362,
                        412, 450, 504, 560, 624, 666, 711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370,
                        1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331]]
    for i, text in enumerate(texts):
        for mask in range(8) if i % 7 == 0 else (2,):
            expected = tuple(bytes(row) for row in segno.make(text, error="m", micro=False, mask=mask).matrix)
            assert qr_matrix(text, mask) == expected, (len(text), mask)
    with pytest.raises(ValueError):
        qr_matrix("x" * 2332, 2)


def test_a_page_printed_in_english_before_certificates_were_bilingual_still_checks_and_an_edit_still_fails():
    """Certificates printed before the page was bilingual (English labels, dates as 05 Mar 2026) are still
    read against their signed data; a bilingual page with one date changed is exposed by its own layout."""
    from tests.certificates.fakes import certified_facts
    from trainer.certificates import printed
    from trainer.certificates.file_checks import Page, check_printed

    facts = certified_facts("Ngoné Éclair", "Diagne", "Ngone Eclair", "Diagne")

    def page(layout, change=lambda text: text):
        return Page(1, [(change(t), change(t)) for _, _, texts in printed.expected_runs(facts, layout) for t in texts])

    for layout in (printed.ENGLISH, printed.BILINGUAL):
        findings = check_printed(page(layout), facts)
        assert [f.ok for f in findings] == [True], (layout, findings)
    assert "Valid until" in [t for _, t in page(printed.ENGLISH).spans]
    issued = printed.fmt_date(facts["issued_on"])
    assert issued == facts["issued_on"]  # ISO 8601 on the bilingual page
    edited = check_printed(page(printed.BILINGUAL, lambda t: t.replace(issued, "2020-01-01")), facts)
    assert [f.params.get("fact") for f in edited if not f.ok] == ["issue date"]
