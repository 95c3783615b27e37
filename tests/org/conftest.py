import csv
import io

import pytest

HEADER = ["nation", "service_number", "family_name", "given_names", "rank_code", "national_rank", "category", "unit",
          "email", "family_name_latin", "given_names_latin", "screening"]


def roster_csv(rows, header=HEADER, delimiter=",", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] if isinstance(row, dict) else row)
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def person_row(**overrides) -> dict:
    row = {"nation": "NPL", "service_number": "NA-1001", "family_name": "श्रेष्ठ", "given_names": "राम",
           "rank_code": "OF-2", "national_rank": "Captain", "category": "military", "unit": "NPBATT-A",
           "email": "ram@example.org", "family_name_latin": "Shrestha", "given_names_latin": "Ram",
           "screening": "cleared"}
    row.update(overrides)
    return row


@pytest.fixture
def npl_units(make_unit):
    top = make_unit(nation="NPL", code="NPL-CONT", kind="contingent")
    a = make_unit(nation="NPL", code="NPBATT-A", parent=top)
    b = make_unit(nation="NPL", code="NPBATT-B", parent=top)
    return {"top": top, "a": a, "b": b}
