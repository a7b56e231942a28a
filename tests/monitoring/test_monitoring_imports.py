from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monitoring import imports
from monitoring.models import IndicatorValue

pytestmark = pytest.mark.django_db
HEADER = "indicator,country,city,year,value\n"


def test_import_values_good_file_creates_and_replaces(make_indicator):
    indicator = make_indicator(values=[("DE", 2020, 10)])
    report = imports.import_values(
        (
            HEADER + 'overcrowding,DE,,2020,12.5\novercrowding,fr,,2021,"9,75"\n'
            "overcrowding,DE,Berlin,2021,14\n"
        ).encode()
    )
    assert report.ok and (report.created, report.updated) == (2, 1)
    values = {(v.country.code, v.city, v.year): v.value for v in indicator.values.all()}
    assert values == {
        ("DE", "", 2020): Decimal("12.5"),
        ("FR", "", 2021): Decimal("9.75"),
        ("DE", "Berlin", 2021): Decimal("14"),
    }


def test_import_values_columns_in_any_order_and_semicolons(make_indicator):
    make_indicator()
    report = imports.import_values(b"year;value;country;indicator\n2020;3;PL;overcrowding\n")
    assert report.ok and report.created == 1


@pytest.mark.parametrize(
    "header, expected",
    [
        ("indicator,land,year,value\n", "missing: country"),
        ("indicator,country,year,value,colour\n", "unknown: colour"),
        ("indicator,country,year,value,value\n", "repeated"),
        ("", "empty"),
    ],
)
def test_import_values_wrong_columns_are_reported(make_indicator, header, expected):
    make_indicator()
    report = imports.import_values(
        (header + "overcrowding,DE,2020,1\n").encode() if header else b""
    )
    assert not report.ok and expected in report.error
    assert not IndicatorValue.objects.exists()


def test_import_values_bad_rows_are_reported_and_nothing_is_imported(make_indicator):
    make_indicator()
    report = imports.import_values(
        (
            HEADER
            + "overcrowding,DE,,2020,12\n"  # good, but not imported: all or nothing
            + "overcrowding,DE,,2021,twelve\n"
            + "overcrowding,XX,,2021,3\n"
            + "overcrowding,DE,,20x1,3\n"
            + "unknown-one,DE,,2021,3\n"
            + "overcrowding,DE,,2020,13\n"  # duplicate of line 2
            + "overcrowding,DE\n"
        ).encode()
    )
    assert not report.ok
    reasons = {r.line: r.reason for r in report.rejected}
    assert "“twelve” is not a number" in reasons[3]
    assert "Unknown country code “XX”" in reasons[4]
    assert "is not a year" in reasons[5]
    assert "Unknown indicator “unknown-one”" in reasons[6]
    assert "Duplicate: line 2" in reasons[7]
    assert "2 cells" in reasons[8]
    assert 2 not in reasons
    assert not IndicatorValue.objects.exists()


def test_import_values_limited_to_a_theme(make_indicator):
    make_indicator("employment", theme="employment-and-skills")
    housing = make_indicator("overcrowding")
    report = imports.import_values(
        (HEADER + "employment,DE,,2020,60\n").encode(), theme=housing.theme
    )
    assert "Unknown indicator" in report.rejected[0].reason


def test_import_values_50_mb_upload_is_refused_before_reading(make_indicator):
    class Huge:
        size = 50 * 1024 * 1024

        def read(self, n):  # pragma: no cover - must not be called
            raise AssertionError("read a file over the limit")

    report = imports.import_values(Huge())
    assert "50.0 MB" in report.error and "limit" in report.error


def test_import_values_size_limit_also_holds_without_a_size(make_indicator, settings):
    settings.PARTICIPATION_MONITORING_MAX_UPLOAD_BYTES = 100
    report = imports.import_values((HEADER + "overcrowding,DE,,2020,1\n" * 10).encode())
    assert "limit" in report.error


def test_import_values_size_limit_old_setting_name_still_read(make_indicator, settings):
    settings.MONITORING_MAX_UPLOAD_BYTES = 100  # the name before the PARTICIPATION_ prefix
    with pytest.warns(DeprecationWarning, match="PARTICIPATION_MONITORING_MAX_UPLOAD_BYTES"):
        report = imports.import_values((HEADER + "overcrowding,DE,,2020,1\n" * 10).encode())
    assert "limit" in report.error


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"\xff\xfe\x00\x00"])
def test_import_values_binary_file_is_refused(make_indicator, data):
    report = imports.import_values(data)
    assert report.error and not IndicatorValue.objects.exists()


def test_import_values_not_a_number_variants(make_indicator):
    make_indicator()
    for bad in ["NaN", "inf", "1e400", "", "12%"]:
        report = imports.import_values(f"{HEADER}overcrowding,DE,,2020,{bad}\n".encode())
        assert "is not a number" in report.rejected[0].reason, bad


def test_admin_upload_imports_a_good_file(admin_client, make_indicator):
    make_indicator()
    upload = SimpleUploadedFile("v.csv", (HEADER + "overcrowding,DE,,2020,1\n").encode())
    response = admin_client.post("/admin/monitoring/upload/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "1 values added, 0 replaced." in response.content.decode()
    assert IndicatorValue.objects.count() == 1


def test_admin_upload_reports_rejected_rows(admin_client, make_indicator):
    make_indicator()
    upload = SimpleUploadedFile(
        "v.csv", (HEADER + "overcrowding,DE,,2020,1\novercrowding,ZZ,,2020,x\n").encode()
    )
    response = admin_client.post("/admin/monitoring/upload/", {"file": upload})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in body and "Unknown country code" in body
    assert "is not a number" in body
    assert not IndicatorValue.objects.exists()


def test_admin_upload_too_large_is_refused_with_a_message(admin_client, make_indicator, settings):
    settings.PARTICIPATION_MONITORING_MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.csv", HEADER.encode() + b"overcrowding,DE,,2020,1\n" * 200)
    response = admin_client.post("/admin/monitoring/upload/", {"file": upload})
    assert response.status_code == 400 and "the limit is" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_admin_upload_without_a_file_or_with_a_bad_theme(admin_client):
    response = admin_client.post("/admin/monitoring/upload/", {"theme": "no-such-theme"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required" in body and "aria-describedby" in body


def test_admin_indicator_listing_links_to_the_upload(admin_client, make_indicator):
    make_indicator()
    body = admin_client.get("/admin/snippets/monitoring/indicator/").content.decode()
    assert "/admin/monitoring/upload/" in body and "Overcrowding" in body


def test_admin_upload_of_a_real_50_mb_file_is_refused(admin_client, make_indicator):
    make_indicator()
    big = HEADER.encode() + b"overcrowding,DE,,2020,1\n" * (50 * 1024 * 1024 // 24)
    upload = SimpleUploadedFile("big.csv", big)
    response = admin_client.post("/admin/monitoring/upload/", {"file": upload})
    assert response.status_code == 400 and "the limit is 5.0 MB" in response.content.decode()
    assert not IndicatorValue.objects.exists()
