"""The whole answer for one organisation at one moment: the entry point of the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain.catalog import Catalog, Level
from services.domain.designations import DesignationScore, score_designation
from services.domain.evaluation import Assessment, Evaluator, next_level
from services.domain.renewal import RenewalOutlook, assess_renewal
from services.domain.snapshot import OrganizationSnapshot
from services.domain.upgrades import UpgradeOption, rank_upgrade_options


@dataclass(frozen=True)
class OrganizationEvaluation:
    snapshot: OrganizationSnapshot
    catalog: Catalog
    assessment: Assessment
    renewal: RenewalOutlook
    upgrade_level: Level
    upgrade_options: tuple[UpgradeOption, ...]
    designations: tuple[DesignationScore, ...]
    as_of: datetime | None = None  # set when a cached evaluation answers at a later moment it still holds for

    @property
    def moment(self) -> datetime:
        return self.as_of or self.assessment.moment

    @property
    def people_names(self) -> dict[str, str]:
        """Kept on the snapshot: a cached evaluation answers each later moment as a copy of itself
        (`as_of`), and every copy would build the names of all its people again."""
        return self.snapshot.people_names


def evaluate_organization(
    snapshot: OrganizationSnapshot, catalog: Catalog, now: datetime, upgrade_level: Level | None = None
) -> OrganizationEvaluation:
    """Evaluate everything the bot can say about an organisation at `now` (an aware datetime).

    `upgrade_level` defaults to the next level above the membership (Silver from none, else Gold).
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    evaluator = Evaluator(snapshot, catalog)
    assessment = evaluator.assess(now)
    level = upgrade_level or next_level(snapshot.membership.level if snapshot.membership else None)
    return OrganizationEvaluation(
        snapshot=snapshot,
        catalog=catalog,
        assessment=assessment,
        renewal=assess_renewal(evaluator, assessment),
        upgrade_level=level,
        upgrade_options=rank_upgrade_options(assessment, level),
        designations=tuple(
            score_designation(d, assessment.holdings, evaluator.series, snapshot.market, now) for d in catalog.designations
        ),
    )
