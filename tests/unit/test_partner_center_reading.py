"""Reading Partner Center CSVs: dates, months and numbers in both forms, and the file itself (BOM,
CRLF, quoted fields, the delimiter from the header, line numbers), and credential matching."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services.errors import DatasetError
from services.partner_center.csv_file import CsvFile
from services.partner_center.matching import CatalogNames
from services.partner_center.values import parse_moment, parse_month, parse_number
from services.persistence.repository import CatalogCache


@pytest.mark.parametrize(("text", "moment"), [
    ("2026-03-15", datetime(2026, 3, 15, tzinfo=timezone.utc)),
    ("2026-03-15T10:30:00Z", datetime(2026, 3, 15, 10, 30, tzinfo=timezone.utc)),
    ("3/15/2026", datetime(2026, 3, 15, tzinfo=timezone.utc)),
    ("3/15/2026 12:00:00 AM", datetime(2026, 3, 15, 0, tzinfo=timezone.utc)),
    ("3/15/2026 1:05:00 PM", datetime(2026, 3, 15, 13, 5, tzinfo=timezone.utc)),
    ("15.3.2026", datetime(2026, 3, 15, tzinfo=timezone.utc)),
    ("15.03.2026 14:30", datetime(2026, 3, 15, 14, 30, tzinfo=timezone.utc)),
])
def test_dates_are_read_in_iso_us_and_german_form(text, moment):
    assert parse_moment(text) == moment


@pytest.mark.parametrize("text", ["2026-02-30", "2/30/2026", "30.2.2026", "15/3/2026", "13:00 PM", "", "3/15/26"])
def test_a_date_that_is_none_is_refused(text):
    with pytest.raises(ValueError, match="not a date"):
        parse_moment(text)


@pytest.mark.parametrize(("text", "month"), [("2026-03", "2026-03"), ("3/1/2026 12:00:00 AM", "2026-03"), ("1.3.2026", "2026-03")])
def test_a_month_is_a_month_or_a_date_in_it(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize(("text", "decimal_comma", "value"), [
    ("1,234.5", False, 1234.5), ("1234", False, 1234), ("0.25", False, 0.25),
    ("1.234,5", True, 1234.5), ("1.234", True, 1234), ("8,5", True, 8.5), ("1234.5", True, 1234.5), ("12 000,75", True, 12000.75),
])
def test_numbers_are_read_with_the_files_decimal_mark(text, decimal_comma, value):
    assert parse_number(text, decimal_comma) == value


@pytest.mark.parametrize(("text", "decimal_comma"), [("8,5", False), ("1,23,4", False), ("lots", True), ("1.2.3,4", True)])
def test_a_number_in_the_wrong_form_is_refused(text, decimal_comma):
    with pytest.raises(ValueError, match="not a number"):
        parse_number(text, decimal_comma)


def test_a_german_spreadsheet_file_is_read_with_its_bom_crlf_quotes_and_line_numbers(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(b'\xef\xbb\xbfCompetency Name;Metric Name\r\n"Cloud; Platform";"two\r\nlines"\r\n\r\nData;x;;\r\n')

    with CsvFile(path) as csv_file:
        rows = list(csv_file.rows())

    assert csv_file.delimiter == ";" and csv_file.decimal_comma
    assert csv_file.keys == ("competencyname", "metricname")
    assert rows == [(2, {"competencyname": "Cloud; Platform", "metricname": "two\r\nlines"}), (5, {"competencyname": "Data", "metricname": "x"})]


def test_a_row_with_more_values_than_the_header_is_an_error_on_its_line(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")

    with CsvFile(path) as csv_file, pytest.raises(DatasetError, match=r"f.csv:3: 3 fields, but the header has 2"):
        list(csv_file.rows())


@pytest.mark.parametrize(("title", "activity", "code"), [
    ("Exam AZ-104: Microsoft Azure Administrator", "", "AZ-104"),
    ("Microsoft Certified: Azure Administrator Associate", "", "AZ-104"),
    ("microsoft certified:  azure administrator associate", "", "AZ-104"),
    ("Microsoft Azure Administrator", "", "AZ-104"),
    ("Some course", "Exam-70-533", "70-533"),
    ("Course AZ-104T00: Microsoft Azure Administrator", "AZ-104T00", None),  # a course is no credential
    ("Microsoft 365 Certified: Enterprise Administrator Expert", "", "MS-102"),
    ("Cloud Platform Assessment", "", "cloud-platform-assessment"),
    ("Exam AZ-900: Microsoft Azure Fundamentals", "AZ-900", None),
])
def test_credentials_are_matched_by_code_then_title_or_alias(title, activity, code):
    names = CatalogNames(CatalogCache().bundled())

    assert names.credential(title, activity) == code


def test_metrics_and_competencies_are_matched_by_name_or_alias():
    names = CatalogNames(CatalogCache().bundled())

    assert [names.metric(n) for n in ("Azure Consumed Revenue", "azure consumption", "ACR", "Marketplace")] == ["azure_consumption_usd"] * 3 + [None]
    assert [getattr(names.competency(n), "id", None) for n in ("Cloud Platform", "Datenanalyse", "Small & Midmarket Cloud Solutions", "Windows and Devices")] == [
        "cloud-platform", "data-analytics", "small-midmarket-cloud", None,
    ]
