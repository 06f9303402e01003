"""Rows of Partner Center exports written through the dataset importer's upserts and the R4 rule,
a chunk at a time, counting what each write adds and changes (SPEC 4.8)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from services.associations import dissolve_superseded_links
from services.bundled_catalog import metric_name
from services.domain.catalog import Catalog, Market, MetricRequirement
from services.errors import DatasetError
from services.partner_center.csv_file import problem
from services.partner_center.performance import MetricMonth
from services.partner_center.status import HeldRow
from services.partner_center.training import Completion
from services.persistence.unit_of_work import UnitOfWork


@dataclass
class Changes:
    added: int = 0
    changed: int = 0
    removed: int = 0


SECTIONS = ("users", "msa_links", "achievements", "metrics", "held_levels", "memberships")


class ExportWriter:
    def __init__(self, uow: UnitOfWork, catalog: Catalog, now: datetime):
        self.imports = uow.imports
        self.links = uow.links
        self.catalog = catalog
        # Partner Center lists only associations it already counts: the link counts at once (R3).
        self.linked_at = now - timedelta(hours=catalog.settings.visibility_delay_hours)
        self.changes = {section: Changes() for section in SECTIONS}
        self.touched: set[str] = set()
        self.dissolved = 0
        self.unchanged_rows = 0  # counted rows that found everything they say already stored
        self.warnings: list[str] = []
        self._warned: set[tuple] = set()
        self._known_organizations: set[str] = set()
        self._markets: dict[str, Market] = {}

    # --- organisations ------------------------------------------------------------------------

    async def check_organizations(self, file: str, wanted: Iterable[tuple[str, int, str]]) -> None:
        """Every (organisation, line, column) names a stored organisation, else `FILE:LINE:COLUMN`."""
        first_line: dict[str, tuple[int, str]] = {}
        for organization, line, column in wanted:
            if organization not in self._known_organizations:
                first_line.setdefault(organization, (line, column))
        if not first_line:
            return
        found = await self.imports.existing_organizations(first_line)
        self._known_organizations |= found
        for organization, (line, column) in sorted(first_line.items(), key=lambda item: item[1]):
            if organization not in found:
                if column == "--org":
                    raise DatasetError("--org", f"unknown organization '{organization}'")
                raise problem(file, line, column, f"unknown organization '{organization}'")

    # --- TrainingCompletions --------------------------------------------------------------------

    async def write_completions(self, file: str, chunk: Sequence[Completion]) -> None:
        await self.check_organizations(file, ((c.organization, c.line, c.organization_column) for c in chunk))
        user_ids, new_users = await self._users_for(chunk)
        msas = sorted({c.msa for c in chunk})
        stored_links = {(link.user_id, link.msa) for link in await self.links.links_of(msas)}
        links = {(user_ids[i], c.msa): c.organization for i, c in enumerate(chunk)}
        new_links = {key for key in links if key not in stored_links}
        await self.imports.add_links([
            {"user_id": user, "msa": msa, "purpose": "both", "linked_at": self.linked_at, "dissolved_at": None} for user, msa in sorted(new_links)
        ])
        self.changes["msa_links"].added += len(new_links)
        self.touched |= {links[key] for key in new_links}
        changed_achievements = await self._write_achievements(chunk, msas)
        for i, c in enumerate(chunk):
            if user_ids[i] not in new_users and (user_ids[i], c.msa) not in new_links and i not in changed_achievements:
                self.unchanged_rows += 1
        dissolved, moved_from = await dissolve_superseded_links(self.links, set(msas))
        self.dissolved += dissolved
        self.touched |= moved_from

    async def _users_for(self, chunk: Sequence[Completion]) -> tuple[list[str], set[str]]:
        """Each row's user: by `AADUserId`, else `CorpEmail` (case-insensitive), within the row's
        organisation; else the user an earlier import created for it; else a new employee."""
        organizations = sorted({c.organization for c in chunk})
        by_aad: dict[tuple[str, str], str] = {}
        by_corp: dict[tuple[str, str], str] = {}
        aads = {c.aad_object_id for c in chunk if c.aad_object_id}
        if aads:
            stored = await self.imports.users_by_aad_object_id(organizations, sorted(aads | {a.upper() for a in aads}))
            by_aad = {(organization, aad.casefold()): user for user, organization, aad in stored}
        corps = {c.corp_email for c in chunk if c.corp_email}
        if corps:
            stored = await self.imports.users_by_upn(organizations, sorted(corps))
            by_corp = {(organization, upn.casefold()): user for user, organization, upn in stored}
        wanted_ids = {new_user_id(c) for c in chunk}
        by_id = await self.imports.existing_users(wanted_ids)
        created: dict[str, dict[str, Any]] = {}
        found: list[str] = []
        for c in chunk:
            user = (c.aad_object_id and by_aad.get((c.organization, c.aad_object_id))) or (c.corp_email and by_corp.get((c.organization, c.corp_email)))
            if not user:
                user = new_user_id(c)
                if user not in by_id and user not in created:
                    created[user] = {
                        "id": user, "organization_id": c.organization, "aad_object_id": c.aad_object_id, "upn": c.corp_email,
                        "display_name": c.display_name, "roles": "employee", "locale": None, "left_on": None,
                    }
                if c.aad_object_id:  # later rows of this person in the chunk find the same user
                    by_aad[(c.organization, c.aad_object_id)] = user
                if c.corp_email:
                    by_corp[(c.organization, c.corp_email)] = user
            found.append(user)
        if created:
            await self.imports.write_users(list(created.values()))
            self.touched |= {u["organization_id"] for u in created.values()}
        self.changes["users"].added += len(created)
        return found, set(created)

    async def _write_achievements(self, chunk: Sequence[Completion], msas: list[str]) -> set[int]:
        """Upserts the chunk's achievements; returns the indexes of the rows that add or change one."""
        stored = await self.imports.achievements_of(msas)
        rows = {
            (c.msa, c.code, c.earned_at): {"msa": c.msa, "code": c.code, "earned_at": c.earned_at, "expires_at": c.expires_at, "kind": c.kind}
            for c in chunk
        }
        differing = {key for key, row in rows.items() if stored.get(key, (None, None)) != (row["expires_at"], row["kind"])}
        if differing:
            await self.imports.write_achievements([rows[key] for key in sorted(differing)])
            self.touched |= {c.organization for c in chunk if (c.msa, c.code, c.earned_at) in differing}
        changes = self.changes["achievements"]
        changes.added += sum(1 for key in differing if key not in stored)
        changes.changed += sum(1 for key in differing if key in stored)
        return {i for i, c in enumerate(chunk) if (c.msa, c.code, c.earned_at) in differing}

    # --- CompetencyPerformanceRequirement ------------------------------------------------------

    async def write_metric_months(self, file: str, organization: str, months: Sequence[MetricMonth], rows_per_month: Mapping[tuple[str, str], int]) -> None:
        """One value per (metric, month); `rows_per_month` says how many rows of the file gave it."""
        await self.check_organizations(file, [(organization, 1, "--org")])
        if not months:
            return
        stored = await self.imports.metric_values(organization, sorted({m.metric for m in months}))
        differing = [m for m in months if stored.get((m.metric, m.month)) != m.value]
        changed_keys = {(m.metric, m.month) for m in differing}
        if differing:
            await self.imports.write_metrics([{"organization_id": organization, "metric": m.metric, "month": m.month, "value": m.value} for m in differing])
            self.touched.add(organization)
        self.changes["metrics"].added += sum(1 for m in differing if (m.metric, m.month) not in stored)
        self.changes["metrics"].changed += sum(1 for m in differing if (m.metric, m.month) in stored)
        self.unchanged_rows += sum(n for key, n in rows_per_month.items() if key not in changed_keys)

    async def compare_thresholds(self, file: str, organization: str, month: MetricMonth) -> None:
        """SPEC 4.8: a Partner Center threshold that differs from the catalog's is a warning."""
        if not month.thresholds:
            return
        market = self._markets.get(organization)
        if market is None:
            market = self._markets[organization] = await self.imports.market(organization) or "developed"
        options = [month.option] if month.option else list(month.competency.options)
        for level, theirs in month.thresholds:
            ours = {
                r.min.for_market(market)
                for option in options
                for r in option.levels.get(level, ())
                if isinstance(r, MetricRequirement) and r.metric == month.metric
            }
            if not ours or theirs in ours:
                continue
            key = (month.competency.id, month.option.id if month.option else None, level, month.metric, theirs)
            if key in self._warned:
                continue
            self._warned.add(key)
            where = month.competency.name.en + (f" ({month.option.name.en})" if month.option else "")
            catalog = " or ".join(f"{value:,g}" for value in sorted(ours))
            self.warnings.append(
                f"{file}:{month.line}: {where}: Partner Center's {level.capitalize()} threshold for {metric_name(self.catalog, month.metric)} is {theirs:,g}, the catalog's {catalog}"
            )

    # --- CompetencySummaryHistory --------------------------------------------------------------

    async def write_held(self, file: str, organization: str, held: Sequence[HeldRow], rows: int) -> None:
        """The file's counting rows (`rows` of them, `held` once per level) become the organisation's
        held levels, replacing the stored ones; the membership follows them."""
        await self.check_organizations(file, [(organization, 1, "--org")])
        wanted = {(h.competency, h.level): h.since for h in held}
        stored = await self.imports.held_levels(organization)
        written = await self.imports.replace_held_levels([organization], [
            {"organization_id": organization, "competency": competency, "level": level, "since": since} for (competency, level), since in wanted.items()
        ])
        changes = self.changes["held_levels"]
        changes.added += len(wanted.keys() - stored.keys())
        changes.removed += len(stored.keys() - wanted.keys())
        changed = sum(1 for key in wanted.keys() & stored.keys() if wanted[key] != stored[key])
        changes.changed += changed
        level = "gold" if any(h.level == "gold" for h in held) else "silver" if held else "none"
        expires_on: date | None = max((h.ends_on for h in held), default=None)
        membership_changed = await self.imports.set_membership(organization, level, expires_on)
        self.changes["memberships"].changed += membership_changed
        self.unchanged_rows += rows - len(wanted.keys() - stored.keys()) - changed
        if written or membership_changed:
            self.touched.add(organization)


def new_user_id(completion: Completion) -> str:
    """The id of the employee an import creates: stable, so the next import finds the same one."""
    return f"pc:{completion.organization}:{completion.corp_email or completion.aad_object_id or completion.msa}"
