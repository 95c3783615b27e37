"""The rules of an assessment record's fields, on their own (recording and amending both use them)."""
import pytest

from trainer.assessments.rules import check_explained, check_text, check_version, row_id
from trainer.enums import Rating
from trainer.errors import Invalid


@pytest.mark.parametrize("rating", [Rating.M, Rating.U])
@pytest.mark.parametrize("narrative", [None, "", "   ", "too short", "  bad    "])
def test_m_and_u_need_a_narrative_that_explains_them(rating, narrative):
    with pytest.raises(Invalid) as refused:
        check_explained(rating, narrative)
    assert refused.value.errors == [("narrative", f"A rating of {rating} ({rating.label}) needs a narrative that "
                                                  "explains it.")]


@pytest.mark.parametrize("rating", [Rating.M, Rating.U])
def test_an_explained_m_or_u_passes(rating):
    check_explained(rating, "Radio log not kept.")
    check_explained(rating, "ten chars!")


@pytest.mark.parametrize("rating", [Rating.P, Rating.S, None])
def test_p_s_and_no_rating_need_no_narrative(rating):
    check_explained(rating, "")
    check_explained(rating, None)


@pytest.mark.parametrize("value, expected", [("1", 1), (42, 42), ("2147483647", 2**31 - 1), ("0", None), ("-1", None),
                                             ("2147483648", None), ("99999999999999999999999", None), ("abc", None),
                                             ("1e3", None), ("", None), (None, None)])
def test_a_row_id_is_a_positive_database_integer(value, expected):
    assert row_id(value) == expected


@pytest.mark.parametrize("value", ["-1", "abc", "", None, "99999999999999999999999"])
def test_a_version_that_no_form_holds_is_a_damaged_form(value):
    with pytest.raises(Invalid, match="damaged"):
        check_version(value)
    assert check_version("0") == 0 and check_version("7") == 7


def test_a_narrative_keeps_its_line_breaks_but_not_a_control_character(app):
    with app.test_request_context():
        assert check_text("Radio log not kept.\r\nSecond line.", "narrative", "narrative", required=True)
        with pytest.raises(Invalid) as refused:
            check_text("Radio log\x07 not kept.", "narrative", "narrative", required=True)
    assert refused.value.errors[0][0] == "narrative" and "control character" in refused.value.errors[0][1]
