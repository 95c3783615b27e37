"""The problems found in a pack are worded in the reader's language: the page's language on the upload page,
the operator's in `curricula validate` and `curricula import`. File names, keys and values stay as written."""
from __future__ import annotations

import io
import re

import pytest
import yaml

from tests.curricula.test_import import _zip, counts

FRENCH = {"LANGUAGE": "fr", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C"}

# (English, French) of the problems the broken pack below has.
EXPECTED = [
    ("missing required field 'stem' in question 1", "champ obligatoire 'stem' absent dans la question 1"),
    ("answer must be one of A, B, C or D (found 'Z')", "`answer` doit être A, B, C ou D (trouvé : 'Z')"),
    ("unknown key 'colour' in the profile (allowed: ", "clé inconnue 'colour' dans le profil (autorisées : "),
    ("the English text (en) is required", "le texte anglais (en) est obligatoire"),
]


@pytest.fixture
def broken_pack(pack_root):
    """A question with no stem and a wrong answer, an unknown key in the profile, and a module title in French
    only."""
    (pack_root / "packs/test/TS-02/questions.yaml").write_text("- id: x\n  answer: Z\n")
    profile = pack_root / "profiles/test.yaml"
    profile.write_text(profile.read_text() + "colour: blue\n")
    module = pack_root / "packs/test/TS-01/module.yaml"
    doc = yaml.safe_load(module.read_text())
    doc["title"] = {"fr": "Titre"}
    module.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return pack_root


def _upload(client, root):
    return client.post("/curricula/upload", data={"archive": (io.BytesIO(_zip(root)), "pack.zip")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_upload_page_lists_the_problems_in_the_users_language(app, db, client, login_as, broken_pack, language):
    user = login_as("admin")
    user.language = language
    db.session.commit()
    response = _upload(client, broken_pack)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for english, french in EXPECTED:
        shown, other = (french, english) if language == "fr" else (english, french)
        assert shown.replace("'", "&#39;") in page, page
        assert other.replace("'", "&#39;") not in page
    # The file and line stay as written, and the list is in the page's language (no lang="en" island, no note).
    assert "pack.zip:curricula/packs/test/TS-02/questions.yaml:1" in page
    assert "lang=" not in re.search(r"<ul[^>]*problem-list[^>]*>", page).group(0)
    assert "listed in English" not in page and "indiqués en anglais" not in page
    assert counts(db)["Module"] == 0


@pytest.mark.parametrize("command", ["validate", "import"])
def test_the_commands_list_the_problems_in_the_operators_language(app, db, runner, broken_pack, command):
    root = broken_pack
    in_french = runner.invoke(args=["curricula", command, str(root)], env=FRENCH)
    in_english = runner.invoke(args=["curricula", command, str(root)], env=ENGLISH)
    assert in_french.exit_code == in_english.exit_code == 1
    for english, french in EXPECTED:
        assert french in in_french.output and english not in in_french.output, in_french.output
        assert english in in_english.output and french not in in_english.output, in_english.output
    assert f"{root}/packs/test/TS-02/questions.yaml:1: " in in_french.output
    assert "indiqués en anglais" not in in_french.output
    assert counts(db)["Module"] == 0


def test_a_problem_keeps_its_message_and_data_and_is_english_outside_an_application(tmp_path):
    from trainer.curricula.loader import load_curricula

    missing = load_curricula([str(tmp_path / "nowhere")]).problems
    assert [p.msgid for p in missing] == ["no such folder or file"]
    assert str(missing[0]) == f"{tmp_path / 'nowhere'}: no such folder or file"
