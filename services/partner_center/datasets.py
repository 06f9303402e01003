"""The three Partner Center Insights datasets the import reads, and how a header row says which one
a file is (SPEC 4.8). Column names as Microsoft publishes them; `column_key` compares them."""

from __future__ import annotations

from dataclasses import dataclass

from services.errors import DatasetError
from services.partner_center.csv_file import CsvFile, column_key, problem


@dataclass(frozen=True)
class Dataset:
    name: str  # Microsoft's dataset name
    download: str  # what Insights calls the download
    marker: str  # a column only this dataset has
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    needs_org: bool = False  # no organisation column: `--org` says whose it is


TRAINING_COMPLETIONS = Dataset(
    name="TrainingCompletions",
    download="Trainings, exams and certifications",
    marker="TrainingTitle",
    required=("TrainingActivityId", "TrainingTitle", "IndividualFirstName", "IndividualLastName", "Email", "CorpEmail", "TrainingCompletionDate"),
    # Older downloads ("Training details report") have no expiry, status or PGA column.
    optional=("PGAMpnId", "MpnId", "TrainingType", "ExpirationDate", "ActivationStatus", "Month", "IcMCP", "MCPID", "PartnerName", "PartnerCityLocation", "PartnerCountryLocation", "AADUserId"),
)
# Microsoft spells the dataset "CompetencyPeformanceRequirement" in its programmatic API.
COMPETENCY_PERFORMANCE = Dataset(
    name="CompetencyPerformanceRequirement",
    download="Competency performance",
    marker="MetricName",
    required=("CompetencyName", "CompetencyAttainmentOptionName", "Month", "MetricName", "MetricMonthlyContribution"),
    optional=("TTMAggregate", "AnniversaryYearAggregate", "GoldThreshold", "SilverThreshold"),
    needs_org=True,
)
COMPETENCY_SUMMARY = Dataset(
    name="CompetencySummaryHistory",
    download="Competency summary and history",
    marker="CompetencyStatus",
    required=("CompetencyName", "CompetencyLevel", "CompetencyStatus", "CompetencyStartDate", "CompetencyEndDate"),
    needs_org=True,
)
DATASETS = (TRAINING_COMPLETIONS, COMPETENCY_PERFORMANCE, COMPETENCY_SUMMARY)


def recognize(csv_file: CsvFile, organization: str | None) -> Dataset:
    """The dataset whose marker column the header has; a missing required column is an error
    naming it (`FILE:1:Email: missing required column`)."""
    found = set(csv_file.keys)
    dataset = next((d for d in DATASETS if column_key(d.marker) in found), None)
    if dataset is None:
        expected = "; ".join(f"{d.name} (with a {d.marker} column)" for d in DATASETS)
        raise problem(csv_file.name, csv_file.header_line, None, f"not a Partner Center export this import reads: expected the header row of {expected}")
    for name in dataset.required:
        if column_key(name) not in found:
            raise problem(csv_file.name, csv_file.header_line, name, f"missing required column of {dataset.name}")
    if dataset is TRAINING_COMPLETIONS and organization is None and not found & {column_key("MpnId"), column_key("PGAMpnId")}:
        raise problem(csv_file.name, csv_file.header_line, "MpnId", "missing required column (or give --org ORG_ID)")
    if dataset.needs_org and organization is None:
        raise DatasetError(f"{csv_file.name}:{csv_file.header_line}", f"{dataset.name} has no organisation column: give --org ORG_ID")
    return dataset
