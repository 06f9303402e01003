"""Until when a scan's findings stay true if no data changes: the evaluation's own validity
(domain/validity.py), or earlier, when time alone moves a cause into its warning window (an expiring
or retiring credential inside `renewal_warning_days`, an override within 14 days of its end)."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.domain.alert_causes import OVERRIDE_WARNING
from services.domain.organization import OrganizationEvaluation
from services.domain.snapshot import end_of_day


def findings_valid_until(evaluation: OrganizationEvaluation, evaluation_valid_until: datetime) -> datetime:
    now = evaluation.moment
    warning = timedelta(days=evaluation.catalog.settings.renewal_warning_days)
    instants = [evaluation_valid_until]
    for held in evaluation.renewal.held:
        for cause in held.causes:
            if cause.kind in ("expiring", "retiring") and cause.when is not None:
                instants.append(cause.when - warning)
    for override in evaluation.snapshot.overrides:
        instants.append(end_of_day(override.ends_on) - OVERRIDE_WARNING)
    return min(t for t in instants if t > now) if any(t > now for t in instants) else evaluation_valid_until
