"""Cross-tabs of the analysis tags by a property of the answers (issue 19 point 3, tags)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import services
from consultations.crosstabs import tag_crosstab
from consultations.models import Response

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(answer, make_user):
    """Five answers: housing x3 (two from Syria, one on paper), work x2, one spam answer."""
    made = [
        answer(make_user(f"t{n}@example.org"), {}, country=country)
        for n, country in enumerate(["SY", "SY", "UA", "UA", "SY"])
    ]
    tags_of = [["housing", "work"], ["housing"], ["housing"], ["work"], []]
    for response, tags in zip(made, tags_of, strict=True):
        response.tags.add(*tags)
    services.update_responses(Response.objects.filter(pk=made[2].pk), channel="paper")
    spam = answer(make_user("spam@example.org"), {}, country="SY")
    spam.tags.add("housing")
    services.update_responses(Response.objects.filter(pk=spam.pk), spam=True)
    return made


def test_tags_by_country_and_by_channel(consultation, tagged):
    table = tag_crosstab(consultation.pk, "country")
    assert [value for value, _label in table.columns] == ["SY", "UA"]
    assert table.columns[0][1] == "Syria"
    assert table.rows == [("housing", [2, 1], 3), ("work", [1, 1], 2)]  # spam not counted
    assert table.totals == [3, 2]
    by_channel = tag_crosstab(consultation.pk, "channel")
    assert by_channel.columns == [("online", "Online"), ("paper", "Paper")]
    assert by_channel.rows[0] == ("housing", [2, 1], 3)


def test_one_query_whatever_the_number_of_answers(consultation, tagged, answer, make_user):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            tag_crosstab(consultation.pk, "language")
        return len(captured)

    before = queries()
    for n in range(6):
        answer(make_user(f"more{n}@example.org"), {}).tags.add("housing", f"tag {n}")
    assert queries() == before == 1


def test_the_admin_page_shows_the_table_and_the_csv(client, editor, consultation, tagged):
    client.force_login(editor)
    url = f"/admin/consultations/{consultation.pk}/crosstab/"
    body = client.get(url, {"by": "country"}).content.decode()
    assert '<th scope="row">housing</th><td>3</td><td>2<br><meter' in body
    assert "Syria" in body
    response = client.get(url, {"by": "country", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Tag", "Answers", "Syria", "Ukraine"]
    assert rows[2] == ["housing", "3", "2", "1"]
    assert rows[-1] == ["All tagged answers", "5", "3", "2"]


def test_an_unknown_grouping_says_so_and_shows_answers_by_type(client, editor, consultation):
    client.force_login(editor)
    response = client.get(f"/admin/consultations/{consultation.pk}/crosstab/", {"by": "x"})
    assert response.status_code == 200
    assert "There is no such grouping" in response.content.decode()


def test_only_the_consultations_editors_may_read_it(client, make_user, consultation):
    client.force_login(make_user("stranger@example.org", is_staff=True))
    response = client.get(f"/admin/consultations/{consultation.pk}/crosstab/")
    assert response.status_code in (302, 403)
