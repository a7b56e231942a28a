"""The CSV export's fast paths give exactly what the general ones give: local times of UTC
datetimes (cached per hour of UTC), the same from the databases' text of UTC moments, and
lines joined without the csv module."""

import csv
import random
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest

from participation.documents.spreadsheets import _csv_line, _local_text, csv_utc_text

ZONES = [
    "Europe/Brussels",
    "America/St_Johns",  # half-hour offset
    "Asia/Kolkata",
    "Australia/Lord_Howe",  # daylight saving of half an hour
    "Asia/Kathmandu",  # +05:45, from +05:30 in 1986
    "UTC",
]


@pytest.mark.parametrize("name", ZONES)
def test_local_text_is_the_full_conversion_across_transitions(name):
    zone = zoneinfo.ZoneInfo(name)
    local_text = _local_text(zone)
    rng = random.Random(name)
    moments = []
    for year in (1850, 1986, 2025, 2026):  # 1850: local mean time, offsets in seconds
        start = datetime(year, 1, 1, tzinfo=UTC)
        moments += [start + timedelta(seconds=rng.randrange(366 * 86400)) for _ in range(400)]
        # Every minute of the hours around each change of offset of the year (some zones
        # change in the middle of an hour of UTC).
        hours = [start + timedelta(hours=n) for n in range(366 * 24)]
        for before, after in zip(hours, hours[1:], strict=False):
            if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
                moments += [before + timedelta(minutes=n, seconds=30) for n in range(-60, 120)]
    moments.append(datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC))
    moments.append(datetime(1, 1, 1, 0, 30, tzinfo=UTC))
    moments.append(datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
    for moment in moments:
        try:
            expected = moment.astimezone(zone).isoformat(" ", "seconds")
        except OverflowError:
            continue
        assert local_text(moment) == expected, moment


def _database_texts(moment):
    """The texts a database may send for a UTC moment: PostgreSQL's (offset "+00", trailing
    zeros of the fraction dropped, none when whole seconds) and SQLite's (no offset)."""
    naive = moment.replace(tzinfo=None).isoformat(" ")
    postgres = naive.rstrip("0").rstrip(".") if "." in naive else naive
    return [postgres + "+00", naive, naive[:19]]


@pytest.mark.parametrize("name", ZONES)
def test_csv_utc_text_is_what_the_datetime_path_writes(name):
    zone = zoneinfo.ZoneInfo(name)
    utc_text, local_text = csv_utc_text(zone), _local_text(zone)
    rng = random.Random(name)
    moments = []
    for year in (1850, 1986, 2025, 2026):
        start = datetime(year, 1, 1, tzinfo=UTC)
        moments += [
            start + timedelta(seconds=rng.randrange(366 * 86400), microseconds=rng.randrange(10**6))
            for _ in range(400)
        ]
        hours = [start + timedelta(hours=n) for n in range(366 * 24)]
        for before, after in zip(hours, hours[1:], strict=False):
            if before.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
                moments += [before + timedelta(minutes=n, seconds=30) for n in range(-60, 120)]
    moments.append(datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC))
    moments.append(datetime(2026, 10, 25, 0, 0, 0, 100000, tzinfo=UTC))
    for moment in moments:
        expected = local_text(moment)
        assert expected == moment.astimezone(zone).isoformat(" ", "seconds")
        for text in _database_texts(moment):
            assert utc_text(text) == expected, text
    assert utc_text(None) == ""


class _Echo:
    def write(self, value):
        return value


@pytest.mark.parametrize("seed", range(5))
def test_csv_lines_are_what_the_csv_module_writes(seed):
    rng = random.Random(seed)
    alphabet = ["a", "Z", " ", ",", '"', "\n", "\r", "'", "=", "é", "ሀ", ";", "\t", ""]
    writer = csv.writer(_Echo())
    for width in (1, 2, 5, 17):
        line = _csv_line(csv.writer(_Echo()), width)
        for _ in range(300):
            cells = [
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
                for _ in range(width)
            ]
            assert line(cells) == writer.writerow(cells), cells
