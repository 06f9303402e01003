"""`TrainingCompletions` ("Trainings, exams and certifications"): one row per person and training
becomes one achievement of that person's MSA (SPEC 4.8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain.snapshot import normalize_msa
from services.partner_center.csv_file import column_key
from services.partner_center.rows import RowContext
from services.partner_center.skipped import NO_MSA, NOT_ACTIVE, UNKNOWN_CREDENTIAL

ACTIVATION_STATUS = column_key("ActivationStatus")


@dataclass(frozen=True, slots=True)
class Completion:
    line: int
    organization: str
    organization_column: str  # where the organisation came from, for an unknown one
    aad_object_id: str | None
    corp_email: str | None  # casefolded
    msa: str  # normalised
    display_name: str
    code: str
    kind: str
    earned_at: datetime
    expires_at: datetime | None


def read_completion(context: RowContext, line: int, row: dict[str, str]) -> Completion | None:
    """The row's achievement, or None (counted in `context.skipped`) when it does not count.
    Values are checked before anything is skipped: a bad date is an error on any row."""
    earned_at = context.moment(row, line, "TrainingCompletionDate")
    expires_at = context.moment(row, line, "ExpirationDate", required=False)
    assert earned_at is not None
    if expires_at is not None and expires_at <= earned_at:
        raise context.error(line, "ExpirationDate", "must be after TrainingCompletionDate")
    organization, column = _organization(context, line, row)
    context.organizations.setdefault(organization, (line, column))
    title, activity = context.text(row, "TrainingTitle"), context.text(row, "TrainingActivityId")
    if ACTIVATION_STATUS in row and row[ACTIVATION_STATUS].casefold() != "active":
        context.skipped.add(NOT_ACTIVE, context.text(row, "ActivationStatus"))
        return None
    code = context.names.credential(title, activity)
    if code is None:
        context.skipped.add(UNKNOWN_CREDENTIAL, title or activity)
        return None
    msa = context.text(row, "Email")
    if not msa:
        context.skipped.add(NO_MSA, title)
        return None
    corp = context.text(row, "CorpEmail").casefold() or None
    name = f"{context.text(row, 'IndividualFirstName')} {context.text(row, 'IndividualLastName')}".strip()
    return Completion(
        line=line,
        organization=organization,
        organization_column=column,
        aad_object_id=context.text(row, "AADUserId").casefold() or None,
        corp_email=corp,
        msa=normalize_msa(msa),
        display_name=name or corp or msa,
        code=code,
        kind=context.names.catalog.credentials[code].kind,
        earned_at=earned_at,
        expires_at=expires_at,
    )


def _organization(context: RowContext, line: int, row: dict[str, str]) -> tuple[str, str]:
    """`--org`, else the row's `MpnId`, else its `PGAMpnId` (the global account's id)."""
    if context.organization:
        return context.organization, "--org"
    for column in ("MpnId", "PGAMpnId"):
        value = context.text(row, column)
        if value:
            return value, column
    raise context.error(line, "MpnId", "empty; expected the organisation's id (or give --org ORG_ID)")
