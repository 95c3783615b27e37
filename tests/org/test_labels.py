"""Stored values read in the reader's language: grades from the grade file, nations from the ISO 3166
translations; codes themselves never change."""
from trainer.org.grades import grade_choices, grade_label
from trainer.org.labels import nation_name


def test_every_grade_has_a_french_label_that_keeps_its_code():
    for code, label in grade_choices("fr"):
        assert label.startswith(code + " ") and label != grade_label(code, "en"), code
    assert grade_label("OF-3", "fr") == "OF-3 (équivalent commandant / capitaine de corvette)"
    assert grade_label("OF-3", "ar") == grade_label("OF-3", "en")  # no Arabic in the file: English
    assert grade_label("XX-1", "fr") == "XX-1"


def test_nations_are_named_in_the_reader_s_language():
    assert nation_name("COD", "fr") == "République démocratique du Congo"
    assert nation_name("NPL", "fr") == "Népal" and nation_name("NPL", "en") == "Nepal"
    assert nation_name("ZZZ", "fr", fallback="Nowhere") == "Nowhere"


def test_the_nations_page_finds_a_country_by_its_french_name(client, db, login_as):
    admin = login_as("admin")
    admin.language = "fr"
    db.session.commit()
    page = client.get("/admin/nations?q=allemagne").get_data(as_text=True)
    assert "DEU" in page and "Allemagne" in page and "FRA" not in page
    assert "DEU" in client.get("/admin/nations?q=germany").get_data(as_text=True)
