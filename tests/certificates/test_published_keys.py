"""The issuing key and X.509 certificate of the PDF signatures beside the Ed25519 keys, their rotation and
publication, the offline verifier file, and the rate limit that staff are not counted against."""
from __future__ import annotations

import io
import json
import re
import stat
from html import unescape
from pathlib import Path

from cryptography import x509

from trainer.certificates.services.documents import render_pdf


def _keys_folder(app) -> Path:
    return Path(app.instance_path) / "signing-keys"


def test_the_issuing_key_is_created_on_first_use_private_and_published_as_pem(app, client, make_person, issue):
    cert = issue(make_person())
    render_pdf(cert)
    folder = _keys_folder(app)
    key_file = folder / f"{cert.key_id}.pdf.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    published = client.get("/verify/keys.json").get_json()
    [entry] = published["x509"]
    assert entry["current"] and entry["kid"] == cert.key_id
    certificate = x509.load_pem_x509_certificate(entry["pem"].encode())
    assert certificate.public_key().public_numbers() == \
        x509.load_pem_x509_certificate((folder / f"{cert.key_id}.pdf.crt").read_bytes()).public_key().public_numbers()
    assert "PRIVATE" not in json.dumps(published)
    assert "trainer.example.org" in entry["subject"]


def test_a_pdf_reader_sees_one_signature_over_the_whole_file_that_certifies_it(app, make_person, issue):
    from pypdf import PdfReader

    pdf = render_pdf(issue(make_person()))
    reader = PdfReader(io.BytesIO(pdf))
    [field] = [f for f in reader.get_fields().values() if f.get("/FT") == "/Sig"]
    signature = field["/V"]
    start, first, second, length = signature["/ByteRange"]
    assert start == 0 and second + length == len(pdf)
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert reader.trailer["/Root"]["/Perms"]["/DocMDP"] is not None  # certified: no changes permitted


def test_rotate_key_rotates_both_keys_and_keeps_the_old_certificates_published(app, client, runner, make_person, issue,
                                                                                tmp_path):
    first = issue(make_person())
    old_pdf = render_pdf(first)
    assert runner.invoke(args=["certificates", "rotate-key"]).exit_code == 0
    second = issue(make_person())
    new_pdf = render_pdf(second)
    assert second.key_id != first.key_id
    published = client.get("/verify/keys.json").get_json()
    assert {e["kid"] for e in published["x509"]} == {first.key_id, second.key_id}
    assert [e["kid"] for e in published["x509"] if e["current"]] == [second.key_id]
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(published))
    for name, pdf in (("old.pdf", old_pdf), ("new.pdf", new_pdf)):
        (tmp_path / name).write_bytes(pdf)
        result = runner.invoke(args=["certificates", "verify", str(tmp_path / name), "--keys", str(keys)])
        assert result.exit_code == 0, result.output


def test_the_keys_page_offers_the_offline_verifier_in_the_visitors_language(client, make_person, issue):
    cert = issue(make_person())
    page = client.get("/verify/keys").get_data(as_text=True)
    assert "/verify/offline.html" in page and cert.key_id in page and "BEGIN CERTIFICATE" in page
    response = client.get("/verify/offline.html", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    html = response.get_data(as_text=True)
    assert 'lang="fr"' in html and "Vérificateur de certificats hors ligne" in html
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "connect-src 'none'" in policy and "default-src 'none'" in policy and "unsafe" not in policy
    data = json.loads(re.search(r'<script type="application/json" id="verifier-data">(.*?)</script>', html,
                                re.DOTALL).group(1))
    assert cert.key_id in data["keys"] and data["messages"]["authentic"] == "Authentique"
    # Self-contained: nothing is loaded from anywhere.
    assert not re.search(r'\b(src|href)="', html)


def test_staff_are_not_counted_by_the_verify_rate_limit_but_visitors_and_trainees_are(app, client, login_as,
                                                                                       make_person, issue):
    cert = issue(make_person())
    app.config["VERIFY_RATE_LIMIT_PER_MINUTE"] = 3
    login_as("training_officer", "nation", nation="NPL")
    assert all(client.get(f"/verify/{cert.serial}").status_code == 200 for _ in range(6))
    client.post("/logout")
    codes = [client.get(f"/verify/{cert.serial}/status.json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    login_as("trainee", "self", person=cert.person)
    assert client.get(f"/verify/{cert.serial}").status_code == 429
