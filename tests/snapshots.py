"""Datasets (SPEC 4.5) as domain snapshots without a database: for tests of what the bot renders.

The mapping mirrors `services.persistence.repository.Repository.snapshot` after an import: MSAs are
normalised, timestamps parsed, and R4 applied the way the importer applies it (an MSA's most recent
link wins; its older links to users of other organisations are dissolved as of that link).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.dataset_validation import parse_timestamp
from services.domain.snapshot import (
    Achievement,
    HeldLevel,
    Membership,
    MetricValue,
    MsaLink,
    OrganizationSnapshot,
    Override,
    Person,
    SpecializationStatus,
    normalize_msa,
)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _time(value: str | None) -> datetime | None:
    return parse_timestamp(value, "") if value else None


def _dissolved_links(dataset: Mapping[str, Any]) -> dict[tuple[str, str], datetime]:
    """(user id, msa) → when the link was dissolved because the MSA was linked in another organisation."""
    organization_of = {u["id"]: u["organization"] for u in dataset.get("users", ())}
    links = [(normalize_msa(l["msa"]), l["user"], parse_timestamp(l["linked_at"], "")) for l in dataset.get("msa_links", ())]
    newest: dict[str, tuple[datetime, str]] = {}
    for msa, user, linked_at in links:
        if msa not in newest or (linked_at, user) > newest[msa]:
            newest[msa] = (linked_at, user)
    return {
        (user, msa): newest[msa][0]
        for msa, user, _ in links
        if user != newest[msa][1] and organization_of.get(user) != organization_of.get(newest[msa][1])
    }


def snapshot_from_dataset(dataset: Mapping[str, Any], organization_id: str) -> OrganizationSnapshot:
    """The snapshot of `organization_id` that persistence would load after importing `dataset`."""
    org = next(o for o in dataset["organizations"] if o["id"] == organization_id)
    users = [u for u in dataset.get("users", ()) if u["organization"] == organization_id]
    user_ids = {u["id"] for u in users}
    dissolved = _dissolved_links(dataset)
    links = tuple(
        MsaLink(
            user_id=l["user"],
            msa=normalize_msa(l["msa"]),
            linked_at=parse_timestamp(l["linked_at"], ""),
            purpose=l.get("purpose", "both"),
            dissolved_at=dissolved.get((l["user"], normalize_msa(l["msa"]))),
        )
        for l in dataset.get("msa_links", ())
        if l["user"] in user_ids
    )
    msas = {link.msa for link in links}
    raw_membership = org.get("membership")
    membership = None
    if raw_membership and raw_membership.get("level") and raw_membership.get("expires_on"):
        membership = Membership(raw_membership["level"], date.fromisoformat(raw_membership["expires_on"]), _date(raw_membership.get("purchased_on")))
    return OrganizationSnapshot(
        id=org["id"],
        name=org["name"],
        tenant_id=org["tenant_id"],
        market=org.get("market", "developed"),
        membership=membership,
        held=tuple(HeldLevel(h["competency"], h["level"], _date(h.get("since"))) for h in org.get("held", ())),
        people=tuple(
            Person(
                id=u["id"],
                display_name=u["display_name"],
                roles=frozenset(u.get("roles", ("employee",))),
                left_on=_date(u.get("left_on")),
                aad_object_id=u.get("aad_object_id"),
                locale=u.get("locale"),
            )
            for u in users
        ),
        links=links,
        achievements=tuple(
            Achievement(normalize_msa(a["msa"]), a["code"], parse_timestamp(a["earned_at"], ""), _time(a.get("expires_at")), a.get("kind"))
            for a in dataset.get("achievements", ())
            if normalize_msa(a["msa"]) in msas
        ),
        metrics=tuple(
            MetricValue(m["metric"], m["month"], float(m["value"]))
            for m in dataset.get("metrics", ())
            if m["organization"] == organization_id
        ),
        overrides=tuple(
            Override(o["competency"], o["option"], o["level"], date.fromisoformat(o["starts_on"]), date.fromisoformat(o["ends_on"]), o.get("reason"))
            for o in dataset.get("overrides", ())
            if o["organization"] == organization_id
        ),
        specializations=tuple(
            SpecializationStatus(s["specialization"], _date(s.get("audit_passed_on"))) for s in org.get("specializations", ())
        ),
    )
