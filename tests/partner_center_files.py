"""Partner Center export files for tests, written from one table of values in either form:
`us` as Insights downloads it (`,`, `M/D/YYYY h:mm:ss AM`, `1,234.5`, LF) or `german` as a German
spreadsheet re-saves it (`;`, `D.M.YYYY`, `1.234,5`, a BOM, CRLF). Values in the tables are plain
Python: dates, numbers and strings."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

NOW = datetime.fromisoformat("2026-11-21T12:00:00+00:00")
ORG = "4711"
TENANT = "fabrikam-tenant-0000-4000-8000-000000004711"
ADMIN_AAD = "00000000-0000-4000-8000-000000004711"
ANOTHER_ORG = "9999"

TRAINING_HEADER = [
    "PGAMpnId", "TrainingActivityId", "TrainingTitle", "TrainingType", "IndividualFirstName", "IndividualLastName",
    "Email", "CorpEmail", "TrainingCompletionDate", "ExpirationDate", "ActivationStatus", "Month", "IcMCP", "MCPID",
    "MpnId", "PartnerName", "PartnerCityLocation", "PartnerCountryLocation", "AADUserId",
]


def training_row(first: str, last: str, msa: str, corp: str, activity: str, title: str, completed: date, expires: date | None,
                 status: str = "Active", aad: str = "", mpn: str = ORG, kind: str = "Certification") -> list[Any]:
    return [ORG, activity, title, kind, first, last, msa, corp, completed, expires, status, date(completed.year, completed.month, 1),
            "Yes", "1234" + first, mpn, "Fabrikam, Inc.", "Seattle", "United States", aad]


# Gold for Cloud Platform needs 2 people holding one of its credentials: Anna (found by her Entra id,
# AZ-104 by its title) and Ben (new, found next time by his corporate e-mail; AZ-305 and 70-533 by
# the code in the title). The rest does not count, each for a reason the report names.
TRAININGS = [
    training_row("Anna", "Admin", "anna.private@outlook.example", "anna@fabrikam.example", "AZ-104", "Microsoft Certified: Azure Administrator Associate",
                 date(2026, 3, 15), date(2027, 3, 15), aad=ADMIN_AAD),
    training_row("Ben", "Baker", "BEN.BAKER@outlook.example", "Ben@Fabrikam.example", "Exam-AZ-305", "Exam AZ-305: Designing Microsoft Azure Infrastructure Solutions",
                 date(2026, 1, 10), date(2027, 1, 10), kind="Exam"),
    training_row("Ben", "Baker", "ben.baker@outlook.example", "ben@fabrikam.example", "70-533", "Exam 70-533: Implementing Microsoft Azure Infrastructure Solutions",
                 date(2017, 6, 1), None, kind="Exam"),
    training_row("Carla", "Cole", "carla@outlook.example", "carla@fabrikam.example", "AZ-900", "Microsoft Certified: Azure Fundamentals", date(2026, 2, 1), None),
    training_row("Dan", "Dunn", "dan@outlook.example", "dan@fabrikam.example", "AZ-900", "Microsoft Certified: Azure Fundamentals", date(2026, 2, 2), None),
    training_row("Dan", "Dunn", "dan@outlook.example", "dan@fabrikam.example", "Exam-AZ-900", "Exam AZ-900: Microsoft Azure Fundamentals", date(2026, 2, 1), None, kind="Exam"),
    training_row("Eve", "Evans", "eve@outlook.example", "eve@fabrikam.example", "AZ-104", "Microsoft Certified: Azure Administrator Associate",
                 date(2025, 5, 1), date(2026, 5, 1), status="Inactive"),
    # An alias: the name Microsoft gave MS-102's certification before 2023.
    training_row("Dan", "Dunn", "dan@outlook.example", "dan@fabrikam.example", "MS-100", "Microsoft 365 Certified: Enterprise Administrator Expert",
                 date(2025, 9, 1), date(2026, 12, 31)),
]

PERFORMANCE_HEADER = ["CompetencyName", "CompetencyAttainmentOptionName", "Month", "MetricName", "MetricMonthlyContribution",
                      "TTMAggregate", "AnniversaryYearAggregate", "GoldThreshold", "SilverThreshold"]
# Twelve months of Azure consumption to November 2026: 11 × 8,000.50 + 19,994.50 = 108,000.
MONTHS = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
AZURE = [8000.5] * 11 + [19994.5]
PERFORMANCE = [
    ["Cloud Platform", "Azure Consumption", month, "Azure Consumed Revenue", value, 0, 0, 100000, 15000] for month, value in zip(MONTHS, AZURE)
] + [
    # The same month again under the Gold option row, with a threshold the catalog does not have: a warning.
    ["Cloud Platform", "Azure Consumption", MONTHS[-1], "Azure Consumed Revenue", AZURE[-1], 108000, 54000, 120000, 15000],
    ["Cloud Platform", "Azure Consumption", MONTHS[-1], "Azure Marketplace Revenue", 500, 500, 500, 0, 0],
    ["Cloud Business Applications", "Enterprise Customer Engagement", MONTHS[-1], "Net new revenue", 1000, 1000, 1000, 300000, 100000],
]

SUMMARY_HEADER = ["CompetencyName", "CompetencyLevel", "CompetencyStatus", "CompetencyStartDate", "CompetencyEndDate"]
SUMMARY = [
    ["Cloud Platform", "Silver", "Active", date(2026, 3, 1), date(2027, 2, 28)],
    ["Cloud Platform", "Gold", "Inactive", date(2023, 3, 1), date(2024, 2, 29)],
    ["Data Analytics", "Silver", "In grace period", date(2025, 12, 1), date(2026, 11, 30)],
    ["Windows and Devices", "Gold", "Active", date(2026, 3, 1), date(2027, 2, 28)],
]


def organization_dataset(admin_aad: str = ADMIN_AAD) -> dict[str, Any]:
    """The JSON dataset the CSVs are imported beside: the organisation and its admin."""
    return {
        "organizations": [
            {"id": ORG, "name": "Fabrikam, Inc.", "tenant_id": TENANT, "market": "developed"},
            {"id": ANOTHER_ORG, "name": "Northwind", "tenant_id": "northwind-tenant"},
        ],
        "users": [{"id": "u-anna", "organization": ORG, "aad_object_id": admin_aad, "upn": "anna@fabrikam.example", "display_name": "Anna Admin", "roles": ["admin", "employee"]}],
    }


def write_json(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _text(value: Any, form: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        raise TypeError("give dates")
    if isinstance(value, date):
        if form == "german":
            return f"{value.day}.{value.month}.{value.year}"
        return f"{value.month}/{value.day}/{value.year} 12:00:00 AM"
    if isinstance(value, float):
        us = f"{value:,.2f}"
        return us.replace(",", "_").replace(".", ",").replace("_", ".") if form == "german" else us
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], form: str = "us") -> Path:
    """The table as Partner Center (`us`) or a German spreadsheet (`german`) writes it."""
    buffer = io.StringIO()
    german = form == "german"
    writer = csv.writer(buffer, delimiter=";" if german else ",", lineterminator="\r\n" if german else "\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_text(v, form) for v in row])
    path.write_bytes((b"\xef\xbb\xbf" if german else b"") + buffer.getvalue().encode("utf-8"))
    return path


def write_exports(directory: Path, form: str = "us") -> list[Path]:
    """The three downloads of one organisation, in `form`."""
    return [
        write_csv(directory / f"TrainingCompletions-{form}.csv", TRAINING_HEADER, TRAININGS, form),
        write_csv(directory / f"CompetencyPerformanceRequirement-{form}.csv", PERFORMANCE_HEADER, PERFORMANCE, form),
        write_csv(directory / f"CompetencySummaryHistory-{form}.csv", SUMMARY_HEADER, SUMMARY, form),
    ]
