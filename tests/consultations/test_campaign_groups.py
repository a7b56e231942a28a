"""Campaigns against similar answers: groups smaller than a consultation's smallest campaign
size (default 5) are shown to editors as similar answers, never counted as campaigns."""

import csv
import io

import pytest
from django.urls import reverse

from consultations import services
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, Response

PROPOSAL = qid("proposal")
LETTER = (
    "We ask the ministry to recognise diplomas from abroad within three months and to "
    "publish every decision with its reasons in plain language"
)  # 23 words
OTHER = (
    "Interpreters in every hospital would help my family more than anything else the city "
    "could pay for this year, and more nurses too"
)

pytestmark = pytest.mark.django_db


def edited(text: str, n: int) -> str:
    """The letter with its n-th word (from the end) replaced: a word changed, as people do."""
    words = text.split()
    words[-1 - n % 5] = ["swiftly", "clearly", "openly", "fairly", "simply"][n % 5]
    return " ".join(words)


@pytest.fixture
def answers(answer, make_user):
    """A letter sent 5 times (two with a word changed) and another 4 times (one changed), and
    four answers of people's own."""

    def send(text, count, prefix):
        return [
            answer(
                make_user(f"{prefix}{n}@example.org"),
                {PROPOSAL: edited(text, n) if n % 2 else text},
            )
            for n in range(count)
        ]

    five = send(LETTER, 5, "five")
    four = send(OTHER, 4, "four")
    own = [
        answer(make_user(f"own{n}@example.org"), {PROPOSAL: f"My own view number {n}: {text}"})
        for n, text in enumerate(["fees", "housing first", "schools", "language courses"])
    ]
    return five, four, own


def labels(responses, field):
    return {getattr(r, field) for r in Response.objects.filter(pk__in=[r.pk for r in responses])}


def test_five_answers_are_a_campaign_and_four_are_similar_answers(consultation, answers):
    five, four, own = answers
    assert consultation.campaign_min_size == 5
    assert services.detect_campaigns(consultation) == 1
    [campaign] = labels(five, "campaign")
    assert campaign.startswith("campaign-") and labels(five, "similar_group") == {""}
    [similar] = labels(four, "similar_group")
    assert similar.startswith("similar-") and labels(four, "campaign") == {""}
    assert labels(own, "campaign") == labels(own, "similar_group") == {""}
    heard = services.what_we_heard(consultation)
    assert heard["campaigns"] == [{"campaign": campaign, "n": 5}]


def test_a_changed_setting_moves_groups_when_the_page_is_published(consultation, answers):
    five, four, _own = answers
    services.detect_campaigns(consultation)
    [campaign] = labels(five, "campaign")
    consultation.campaign_min_size = 4
    consultation.save_revision().publish()  # the setting takes effect with the page
    [promoted] = labels(four, "campaign")
    assert promoted.startswith("campaign-") and labels(four, "similar_group") == {""}
    heard = services.what_we_heard(consultation)
    assert heard["campaigns"] == [{"campaign": campaign, "n": 5}, {"campaign": promoted, "n": 4}]
    consultation.campaign_min_size = 6
    consultation.save_revision().publish()
    assert labels(five, "campaign") == labels(four, "campaign") == {""}
    assert labels(five, "similar_group") == {campaign.replace("campaign-", "similar-")}
    assert services.what_we_heard(consultation)["campaigns"] == []
    # Detecting again gives what the sorting gave.
    services.detect_campaigns(consultation)
    assert labels(five, "similar_group") == {campaign.replace("campaign-", "similar-")}
    assert services.sort_campaign_groups(consultation) == 0


def test_a_campaign_below_the_size_after_spam_is_not_counted_as_one(consultation, answers):
    five, _four, _own = answers
    services.detect_campaigns(consultation)
    services.update_responses(Response.objects.filter(pk=five[0].pk), spam=True)
    assert services.what_we_heard(consultation)["campaigns"] == []


def test_the_smallest_campaign_size_is_validated(consultation):
    from django.core.exceptions import ValidationError

    consultation.campaign_min_size = 1
    with pytest.raises(ValidationError) as refused:
        consultation.full_clean()
    assert "campaign_min_size" in refused.value.message_dict


def test_exports_carry_campaigns_only(client, editor, consultation, answers):
    five, four, _own = answers
    services.detect_campaigns(consultation)
    [campaign] = labels(five, "campaign")
    client.force_login(editor)
    response = client.get(reverse("consultations_export", args=[consultation.pk, "csv"]))
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    column = next(name for name in rows[0] if name.lower().startswith("campaign"))
    by_receipt = {row[next(iter(rows[0]))]: row[column] for row in rows}
    assert sorted(by_receipt.values()).count(campaign) == 5
    assert {by_receipt[r.receipt_number] for r in four} == {""}
    assert not any("similar-" in value for row in rows for value in row.values())


def test_editors_see_campaigns_and_similar_answers_apart(
    client, editor, consultation, answers, answer, make_user, django_assert_max_num_queries
):
    five, four, own = answers
    services.detect_campaigns(consultation)
    client.force_login(editor)
    address = reverse("consultations_detect_campaigns", args=[consultation.pk])
    client.get(address)  # warm caches (session, permissions)
    with django_assert_max_num_queries(30) as counted:
        html = client.get(address).content.decode()
    campaigns, similar = html.split('id="similar-heading"')
    assert "<dt>Smallest campaign</dt>" in campaigns and ">5</a></dd>" in campaigns
    assert "<td>5</td>" in campaigns and "within three months" in campaigns
    assert all(r.receipt_number not in campaigns for r in four)
    assert all(r.receipt_number in similar for r in four)
    assert all(r.receipt_number not in html for r in own)
    baseline = len(counted.captured_queries)
    # More answers in the groups, and more groups, cost no more queries.
    for n in range(6):
        answer(make_user(f"more{n}@example.org"), {PROPOSAL: LETTER})
    for n in range(2):
        answer(make_user(f"pair{n}@example.org"), {PROPOSAL: f"{OTHER} and more doctors"})
    services.detect_campaigns(consultation)
    with django_assert_max_num_queries(baseline):
        client.get(address)


def test_the_admin_page_without_groups_says_so(client, editor, consultation):
    client.force_login(editor)
    html = client.get(reverse("consultations_detect_campaigns", args=[consultation.pk])).content
    assert html.count(b"None found yet.") == 2


def test_the_analysis_tab_offers_the_setting(client, editor, consultation):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[consultation.pk])).content.decode()
    assert 'name="campaign_min_size"' in html and "similar answers" in html
    assert ConsultationPage._meta.get_field("campaign_min_size").default == 5


def test_the_command_lists_small_groups_as_similar_answers(tmp_path):
    import json

    from django.core.management import call_command

    answers = [{"id": n, "text": LETTER if n % 2 else edited(LETTER, 1)} for n in range(5)]
    answers += [{"id": f"o{n}", "text": OTHER} for n in range(4)]
    source, target = tmp_path / "answers.json", tmp_path / "result.json"
    source.write_text(json.dumps(answers), encoding="utf-8")
    call_command("analyse_answers", input=str(source), output=str(target))
    result = json.loads(target.read_text(encoding="utf-8"))
    assert result["campaigns"] == [{"id": 0, "size": 5, "member_ids": [0, 1, 2, 3, 4]}]
    assert result["similar_answers"] == [
        {"id": "o0", "size": 4, "member_ids": ["o0", "o1", "o2", "o3"]}
    ]
    call_command("analyse_answers", input=str(source), output=str(target), min_size=4)
    result = json.loads(target.read_text(encoding="utf-8"))
    assert [c["size"] for c in result["campaigns"]] == [5, 4] and result["similar_answers"] == []


def test_the_detect_command_reports_campaigns_from_the_size(consultation, answers):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("detect_campaigns", consultation=consultation.pk, stdout=out)
    assert "Recognition: 1 campaigns of 5 answers or more" in out.getvalue()
    five, four, _own = answers
    assert labels(four, "similar_group") != {""}
