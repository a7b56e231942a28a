"""Bulk import of answers (issue 20 point 3): the template in the export's format and in each of
the consultation's languages, a dry run, an all-or-nothing import checked by the questionnaire
engine, the same file refused twice, and bad files refused with a reason, never a 500."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import Locale

from consultations import counts, importing
from consultations.demo_questionnaire import qid, recognition_questionnaire
from consultations.models import AnswerCount, ConsultationPage, ImportBatch, Response

pytestmark = pytest.mark.django_db

DEFAULT_ROW = {
    "respondent_type": "individual",
    "country": "DE",
    "language": "en",
    "publication": "",
    "channel": "",
    "applied": "yes",
    "outcome": "full",
    "difficulty": "4",
    "priorities": "cost",
    "proposal": "Shorter waits.",
    "consent": "yes",
}


def columns(consultation, lang="en"):
    return importing.template_columns(consultation, lang)


def csv_bytes(consultation, rows, *, encoding="utf-8", delimiter=",", keys=True):
    cols = columns(consultation)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([c.header for c in cols])
    if keys:
        writer.writerow([f"key:{c.key}" for c in cols])
    for row in rows:
        values = {**DEFAULT_ROW, **row}
        writer.writerow([values[c.key] for c in cols])
    return out.getvalue().encode(encoding)


def make_batch(consultation, data, name="answers.csv"):
    batch = ImportBatch(
        consultation=consultation,
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    batch.file.save("test.bin", ContentFile(data), save=False)
    batch.save()
    return batch


def check_then_import(consultation, data, name="answers.csv"):
    batch = make_batch(consultation, data, name)
    assert importing.run(batch.pk, False) == "checked", batch.__class__.objects.get(
        pk=batch.pk
    ).report
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing")
    assert importing.run(batch.pk, True) == "imported"
    return ImportBatch.objects.get(pk=batch.pk)


def counts_are_right(consultation):
    return counts.current(consultation.pk) == counts.recount(consultation.pk)


@pytest.fixture
def admin_client(client, editor):
    client.force_login(editor)
    return client


def test_template_in_the_exports_format_in_each_language(admin_client, consultation):
    arabic = Locale.objects.get_or_create(language_code="ar")[0]
    copy = consultation.copy_for_translation(arabic, copy_parents=True)
    translated = ConsultationPage.objects.get(pk=copy.pk)
    raw = recognition_questionnaire()
    raw[1]["value"]["label"] = "هل تقدمت بطلب الاعتراف؟"
    translated.questionnaire = raw
    translated.save_revision().publish()
    base = f"/admin/consultations/{consultation.pk}/import/"
    # Reached from the consultation's header buttons, beside "Tags by group".
    assert base in admin_client.get(f"/admin/pages/{consultation.pk}/edit/").content.decode()
    page = admin_client.get(base).content.decode()
    assert f"{base}template.csv?lang=ar" in page and f"{base}template.xlsx?lang=en" in page
    body = b"".join(admin_client.get(f"{base}template.csv?lang=en").streaming_content)
    header, keys = body.decode("utf-8-sig").splitlines()[:2]
    assert header.startswith("Respondent type,Country,Language,Publication,Channel,Have you")
    assert keys.split(",")[:6] == [
        "key:respondent_type",
        "key:country",
        "key:language",
        "key:publication",
        "key:channel",
        "key:applied",
    ]
    arabic_csv = b"".join(admin_client.get(f"{base}template.csv?lang=ar").streaming_content)
    assert "هل تقدمت بطلب الاعتراف؟" in arabic_csv.decode("utf-8-sig")
    xlsx = admin_client.get(f"{base}template.xlsx?lang=ar")
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    first, sheet_of_keys = workbook.worksheets
    assert "هل تقدمت بطلب الاعتراف؟" in [c.value for c in first[1]]
    assert ("هل تقدمت بطلب الاعتراف؟", "applied") in [
        (row[0], row[1]) for row in sheet_of_keys.iter_rows(min_row=2, values_only=True)
    ]
    # A label in the translation's language is understood in the file as well.
    data = csv_bytes(consultation, [{}]).replace(
        b"Have you applied for recognition of a qualification in the EU?",
        "هل تقدمت بطلب الاعتراف؟".encode(),
    )
    batch = check_then_import(consultation, data.replace(b"key:applied", b""))
    assert batch.row_count == 1


def test_dry_run_then_import_with_channel_batch_and_counts(admin_client, consultation):
    rows = [
        {"channel": "paper", "outcome": "Partly recognised", "priorities": "Lower fees; time"},
        {"channel": "Workshop", "difficulty": "Don't know", "respondent_type": "An individual"},
        {"outcome": "Something else: an appeal is pending", "priorities": "Other: a helpline"},
        {"applied": "no", "outcome": "", "difficulty": ""},
    ]
    data = csv_bytes(consultation, rows)
    url = f"/admin/consultations/{consultation.pk}/import/"
    response = admin_client.post(url, {"file": SimpleUploadedFile("paper.csv", data)})
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "4 rows can be imported" in page and "Partly recognised" in page  # the first rows
    assert not Response.objects.exists()  # a dry run
    done = admin_client.post(response["Location"])
    assert done.status_code == 302
    assert "4 answers imported" in admin_client.get(done["Location"]).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == "imported" and batch.row_count == 4 and not batch.file
    imported = {r.receipt_number: r for r in Response.objects.filter(import_batch=batch)}
    assert len(imported) == 4
    first, second, third, fourth = sorted(imported.values(), key=lambda r: r.receipt_number)
    assert [r.channel for r in (first, second, third, fourth)] == [
        "paper",
        "workshop",
        "import",
        "import",
    ]
    assert first.answers[qid("outcome")] == {"choice": "partial"}
    assert first.answers[qid("priorities")] == {"choices": ["cost", "time"]}
    assert second.answers[qid("difficulty")] == "dont_know"
    assert second.respondent_type == "individual"
    assert third.answers[qid("outcome")] == {"other": "an appeal is pending"}
    assert third.answers[qid("priorities")] == {"choices": [], "other": "a helpline"}
    assert fourth.answers[qid("applied")] is False and qid("outcome") not in fourth.answers
    assert all(r.status == "submitted" and r.submitted_at for r in imported.values())
    assert counts_are_right(consultation)
    summary = counts.summary(consultation.pk)
    assert summary["totals"]["responses"] == 4
    assert summary["by_channel"] == {"import": 2, "paper": 1, "workshop": 1}


def test_one_wrong_row_near_the_end_imports_nothing_and_is_named(consultation, settings):
    # Earlier rows are already inserted when it fails.
    settings.PARTICIPATION_CONSULTATIONS_IMPORT_CHUNK = 5
    rows = [{} for _ in range(30)]
    rows[-2] = {"outcome": "Volledig erkend", "consent": ""}  # rows 3..32: this is row 31
    data = csv_bytes(consultation, rows)
    batch = make_batch(consultation, data)
    assert importing.run(batch.pk, False) == "rejected"
    report = ImportBatch.objects.get(pk=batch.pk).report
    assert report["error_rows"] == 1 and report["valid"] == 29
    (error,) = report["errors"]
    assert error["row"] == 31
    reasons = " ".join(error["reasons"])
    assert "“Volledig erkend” is not one of its options in English" in reasons
    assert "Tick the box to agree" in reasons  # the required consent
    # The import itself is all or nothing too (the file changed since its check, say).
    before = counts.current(consultation.pk)
    batch = make_batch(consultation, data, "again.csv")
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing")
    assert importing.run(batch.pk, True) == "rejected"
    assert not Response.objects.exists()
    assert counts.current(consultation.pk) == before
    assert ImportBatch.objects.get(pk=batch.pk).report["errors"][0]["row"] == 31


@pytest.mark.parametrize(
    ("encoding", "delimiter", "text"),
    [
        ("utf-8-sig", ",", "Café – 20 € élève; تأخير"),
        ("utf-8", ",", "Café – 20 € élève; تأخير"),
        ("utf-16", "\t", "Café – 20 € élève; تأخير"),  # with a BOM
        ("utf-16-le", ",", "Café – 20 € élève; تأخير"),  # without
        ("utf-16-be", ";", "Café – 20 € élève; تأخير"),
        ("cp1252", ";", "Café – 20 € élève"),  # Excel's CSV in Western Europe
    ],
)
def test_encodings_with_and_without_bom(consultation, encoding, delimiter, text):
    data = csv_bytes(consultation, [{"proposal": text}], encoding=encoding, delimiter=delimiter)
    check_then_import(consultation, data)
    assert Response.objects.get().answers[qid("proposal")] == text


def test_formulas_are_stored_as_text_never_evaluated(consultation):
    formulas = ["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", '\'=HYPERLINK("x")']
    rows = [{"proposal": text} for text in formulas]
    check_then_import(consultation, csv_bytes(consultation, rows))
    stored = sorted(r.answers[qid("proposal")] for r in Response.objects.all())
    # The export's guard (a quote before the formula) is taken off: the text as written.
    assert stored == sorted(["=1+1", "+SUM(A1:A9)", "-2+3", "@cmd", '=HYPERLINK("x")'])
    # An XLSX formula is read as its text, not as a computed value; headers by label alone.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.header for c in columns(consultation)])
    values = {**DEFAULT_ROW, "proposal": "=SUM(1,2)", "difficulty": 3, "applied": True}
    sheet.append([values[c.key] for c in columns(consultation)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    check_then_import(consultation, buffer.getvalue(), "answers.xlsx")
    latest = Response.objects.latest("pk")
    assert latest.answers[qid("proposal")] == "=SUM(1,2)"
    assert latest.answers[qid("difficulty")] == 3 and latest.answers[qid("applied")] is True


def test_labels_of_a_language_not_offered_and_bad_fixed_values_refused(consultation):
    rows = [
        {"outcome": "Teilweise anerkannt"},  # German: the consultation offers English only
        {"priorities": "cost; cost; time; language; digital"},
        {"language": "xx", "country": "Atlantis", "channel": "pigeon"},
        {"difficulty": "9", "applied": "maybe"},
        {"respondent_type": "organisation"},  # an organisation answers through its account
    ]
    batch = make_batch(consultation, csv_bytes(consultation, rows))
    assert importing.run(batch.pk, False) == "rejected"
    errors = {e["row"]: " ".join(e["reasons"]) for e in ImportBatch.objects.get().report["errors"]}
    assert "“Teilweise anerkannt” is not one of its options in English" in errors[3]
    assert "Choose at most 3 options" in errors[4]
    assert "xx" in errors[5] and "Atlantis" in errors[5] and "pigeon" in errors[5]
    assert "Answer yes or no" in errors[6]
    assert "on behalf of an organisation cannot be imported" in errors[7]
    assert not Response.objects.exists()


def test_closed_consultation_accepts_imports_and_says_so(admin_client, consultation):
    ConsultationPage.objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=2)
    )
    url = f"/admin/consultations/{consultation.pk}/import/"
    assert "This consultation is not open" in admin_client.get(url).content.decode()
    batch = check_then_import(consultation, csv_bytes(consultation, [{}]))
    assert "not open" in batch.report["notes"][0]
    assert Response.objects.filter(import_batch=batch).count() == 1


def test_wrong_type_oversized_and_broken_files_refused_with_a_reason(
    admin_client, consultation, settings
):
    url = f"/admin/consultations/{consultation.pk}/import/"

    def refused(name, data):
        response = admin_client.post(url, {"file": SimpleUploadedFile(name, data)})
        assert response.status_code == 400
        return response.content.decode()

    assert "not a spreadsheet" in refused("answers.csv", b"%PDF-1.7\n%%EOF")
    assert "old Excel file (XLS)" in refused("answers.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert "not a spreadsheet" in refused("answers.xlsx", b"PK\x03\x04garbage")
    assert "not a spreadsheet" in refused("answers.csv", bytes(range(256)) * 4)
    assert "is empty" in refused("answers.csv", b"")  # the form's own message
    settings.PARTICIPATION_CONSULTATIONS_IMPORT_MAX_BYTES = 100
    assert "an import can be at most" in refused("answers.csv", csv_bytes(consultation, [{}]))
    settings.PARTICIPATION_CONSULTATIONS_IMPORT_MAX_BYTES = 10**6
    # Unknown columns and rows past the limit: the check refuses the file, with the reason.
    data = csv_bytes(consultation, [{}]).replace(b"Channel", b"Chanel").replace(b"key:channel", b"")
    response = admin_client.post(url, {"file": SimpleUploadedFile("typo.csv", data)})
    assert "“Chanel”" in admin_client.get(response["Location"]).content.decode()
    settings.PARTICIPATION_CONSULTATIONS_IMPORT_MAX_ROWS = 2
    data = csv_bytes(consultation, [{}, {}, {}])
    response = admin_client.post(url, {"file": SimpleUploadedFile("long.csv", data)})
    assert "at most 2 rows" in admin_client.get(response["Location"]).content.decode()
    assert not Response.objects.exists()


def test_same_file_twice_refused_and_an_export_imports_again(
    admin_client, consultation, answer, make_user, settings
):
    from consultations.documents import response_columns, response_rows
    from participation.documents.spreadsheets import iter_csv

    answer(
        make_user("online@example.org"),
        {qid("applied"): False, qid("consent"): True, qid("priorities"): {"choices": ["digital"]}},
    )
    cols = response_columns(consultation)
    exported = "".join(iter_csv(response_rows(consultation, cols), cols, keys=True)).encode()
    settings.PARTICIPATION_CONSULTATIONS_IMPORT_INLINE_BYTES = 0  # through the background task
    url = f"/admin/consultations/{consultation.pk}/import/"
    checked = admin_client.post(url, {"file": SimpleUploadedFile("export.csv", exported)})
    page = admin_client.get(checked["Location"]).content.decode()
    assert "1 row can be imported" in page and "Columns not imported" in page and "Receipt" in page
    admin_client.post(checked["Location"])
    copy = Response.objects.get(import_batch__isnull=False)
    assert copy.answers[qid("priorities")] == {"choices": ["digital"]}
    assert copy.channel == "online"  # the file's column: as the export has it
    again = admin_client.post(url, {"file": SimpleUploadedFile("again.csv", exported)})
    assert again.status_code == 400
    assert "already imported" in again.content.decode()
    assert Response.objects.count() == 2 and counts_are_right(consultation)


def test_batch_page_queries_do_not_grow_and_others_are_refused(
    admin_client, consultation, make_user, client
):
    small = check_then_import(consultation, csv_bytes(consultation, [{}] * 2), "a.csv")
    large = check_then_import(consultation, csv_bytes(consultation, [{}] * 40), "b.csv")
    base = f"/admin/consultations/{consultation.pk}/import/"
    found = []
    for batch in (small, large):
        admin_client.get(f"{base}{batch.pk}/")
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(f"{base}{batch.pk}/").status_code == 200
        found.append(len(captured))
    assert found[0] == found[1], found
    # A large file in the background: its progress, on a page that reloads itself.
    working = make_batch(consultation, b"x", "big.csv")
    ImportBatch.objects.filter(pk=working.pk).update(rows_done=7)
    page = admin_client.get(f"{base}{working.pk}/").content.decode()
    assert "7 rows read so far" in page and 'http-equiv="refresh"' in page
    assert AnswerCount.objects.filter(consultation=consultation).exists()
    client.logout()
    client.force_login(make_user("someone@example.org"))
    for path in (base, f"{base}template.csv", f"{base}{small.pk}/"):
        assert client.get(path).status_code in (302, 403)
    assert client.post(f"{base}{small.pk}/").status_code in (302, 403)
