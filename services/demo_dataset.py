"""The bundled demo dataset: two partner organisations whose data shows every state the bot explains.

Everything is computed relative to ``now``, so the demo never goes stale: the pending link is always
one hour old, the leaver always left five days ago, the renewal is always 60 days away. The dataset has
no ``catalog`` section; it is evaluated against the bundled catalog (``services/data/catalog.json``).

States shown (SPEC R3-R11), with the records that carry them:

1. met        -- Contoso meets Cloud Platform Silver: Azure consumption and Ben Weber's AZ-104.
2. pending    -- David Müller linked his MSA an hour ago; his AZ-305 counts from linked_at + 24 h.
3. expired    -- Eva Wagner's AZ-104 expired ten days ago.
4. leaver     -- Carla Diaz left five days ago; her BI assessment no longer counts.
5. at risk    -- Contoso's held Data Analytics Silver rests on Lena Fischer alone, whose BI assessment
                 expires 30 days before the membership does; Carla Diaz, who left (state 4), was the
                 second. Two changes, two alerts (R16).
6. override   -- Fabrikam: Small and Midmarket Cloud / Office 365 Services / Gold by a support override.
7. upgrade    -- Contoso meets the Cloud Platform Gold consumption and has 1 of the 2 certified people
                 (David's pending AZ-305 is the second once it becomes visible).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.importer import ImportReport
    from services.persistence.unit_of_work import UnitOfWorkFactory

CONTOSO_ID = "1234567"
CONTOSO_TENANT = "72f988bf-0000-4000-8000-000000000001"
CONTOSO_ADMIN_AAD = "00000000-0000-4000-8000-0000000000a1"  # Anna Schmidt, admin+employee, locale de-DE
FABRIKAM_ID = "7654321"
FABRIKAM_TENANT = "72f988bf-0000-4000-8000-000000000002"
FABRIKAM_ADMIN_AAD = "00000000-0000-4000-8000-0000000000f1"  # Oliver Bennett, admin+employee, locale en-US

METRIC_MONTHS = 14  # the current month and the 13 before it: a full 12-month window plus slack

# Monthly figures, newest first (index 0 = now's month, still in progress).
_CONTOSO_AZURE_USD = [9100, 9800, 9400, 9900, 9300, 9000, 9600, 8900, 9200, 8800, 9500, 8700, 8600, 8400]
_CONTOSO_POWER_BI_SEATS = [310, 305, 298, 290, 284, 275, 262, 255, 240, 228, 215, 204, 196, 180]
_FABRIKAM_O365_ACTIVE_USERS = [4650, 4610, 4580, 4520, 4470, 4400, 4350, 4290, 4210, 4150, 4080, 4020, 3960, 3900]
_FABRIKAM_O365_NEW_CUSTOMERS = [1, 2, 1, 0, 2, 1, 1, 2, 0, 1, 2, 1, 1, 0]
_FABRIKAM_AZURE_USD = [650, 640, 610, 600, 580, 560, 590, 540, 520, 500, 480, 470, 450, 430]


def build_demo_dataset(now: datetime) -> dict[str, Any]:
    """Return the demo dataset (SPEC 4.5) as it looks at ``now``, an aware datetime."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(timezone.utc).replace(microsecond=0)

    def ago(days: float = 0, hours: float = 0) -> str:
        return _timestamp(now - timedelta(days=days, hours=hours))

    def ahead(days: float) -> str:
        return _timestamp(now + timedelta(days=days))

    def day(offset_days: int) -> str:
        return (now.date() + timedelta(days=offset_days)).isoformat()

    contoso_expires = now.date() + timedelta(days=60)
    contoso_purchased = _one_year_before(contoso_expires) + timedelta(days=1)
    fabrikam_expires = now.date() + timedelta(days=200)
    fabrikam_purchased = _one_year_before(fabrikam_expires) + timedelta(days=1)

    organizations = [
        {
            "id": CONTOSO_ID,
            "name": "Contoso Consulting GmbH",
            "tenant_id": CONTOSO_TENANT,
            "market": "developed",
            "membership": {"level": "silver", "purchased_on": contoso_purchased.isoformat(),
                           "expires_on": contoso_expires.isoformat()},
            # Both held until expires_on (R9). Cloud Platform Silver stays safe at the anniversary, so the
            # membership renewal is not at risk even though Data Analytics Silver is (state 5).
            "held": [
                {"competency": "cloud-platform", "level": "silver", "since": contoso_purchased.isoformat()},
                {"competency": "data-analytics", "level": "silver", "since": contoso_purchased.isoformat()},
            ],
        },
        {
            "id": FABRIKAM_ID,
            "name": "Fabrikam Partners Ltd",
            "tenant_id": FABRIKAM_TENANT,
            "market": "developing",
            "membership": {"level": "gold", "purchased_on": fabrikam_purchased.isoformat(),
                           "expires_on": fabrikam_expires.isoformat()},
            "held": [
                {"competency": "cloud-productivity", "level": "gold", "since": fabrikam_purchased.isoformat()},
                {"competency": "small-midmarket-cloud", "level": "silver", "since": fabrikam_purchased.isoformat()},
            ],
        },
    ]

    users = [
        # --- Contoso (developed market, Silver) ---
        _user("u-anna", CONTOSO_ID, "a1", "anna.schmidt@contoso.example", "Anna Schmidt", ["admin", "employee"], "de-DE"),
        _user("u-ben", CONTOSO_ID, "b2", "ben.weber@contoso.example", "Ben Weber", ["employee"], "de-DE"),
        # State 4 (leaver): left five days ago; until then her BI assessment was the second one for Power BI.
        {**_user("u-carla", CONTOSO_ID, "c3", "carla.diaz@contoso.example", "Carla Diaz", ["employee"], "en-US"),
         "left_on": day(-5)},
        _user("u-david", CONTOSO_ID, "d4", "david.mueller@contoso.example", "David Müller", ["employee"], "de-DE"),
        _user("u-eva", CONTOSO_ID, "e5", "eva.wagner@contoso.example", "Eva Wagner", ["employee"], "de-DE"),
        _user("u-lena", CONTOSO_ID, "a6", "lena.fischer@contoso.example", "Lena Fischer", ["employee"], "de-DE"),
        # Jonas has not linked an MSA; Sophie is a second admin (alerts go to every admin, R10).
        _user("u-jonas", CONTOSO_ID, "a7", "jonas.becker@contoso.example", "Jonas Becker", ["employee"], None),
        _user("u-sophie", CONTOSO_ID, "a8", "sophie.hoffmann@contoso.example", "Sophie Hoffmann", ["admin"], "en-US"),
        # --- Fabrikam (developing market, Gold) ---
        _user("u-oliver", FABRIKAM_ID, "f1", "oliver.bennett@fabrikam.example", "Oliver Bennett", ["admin", "employee"], "en-US"),
        _user("u-priya", FABRIKAM_ID, "f2", "priya.raman@fabrikam.example", "Priya Raman", ["employee"], "en-US"),
        _user("u-thomas", FABRIKAM_ID, "f3", "thomas.okafor@fabrikam.example", "Thomas Okafor", ["employee"], "en-US"),
        _user("u-grace", FABRIKAM_ID, "f4", "grace.mensah@fabrikam.example", "Grace Mensah", ["employee"], "en-US"),
        _user("u-samuel", FABRIKAM_ID, "f5", "samuel.otieno@fabrikam.example", "Samuel Otieno", ["employee"], None),
        _user("u-amina", FABRIKAM_ID, "f6", "amina.yusuf@fabrikam.example", "Amina Yusuf", ["employee"], "en-GB"),
    ]

    # Every MSA below is linked by exactly one user, so each link is its MSA's most recent one and no
    # association is dissolved by import (R4).
    msa_links = [
        _link("u-anna", "anna.schmidt@outlook.example", "both", ago(days=400)),
        _link("u-ben", "ben.weber@outlook.example", "both", ago(days=300)),
        _link("u-carla", "carla.d@outlook.example", "both", ago(days=330)),
        # State 2 (pending): linked one hour ago; counts from linked_at + visibility_delay_hours (24 h).
        _link("u-david", "david.mueller@outlook.example", "both", ago(hours=1)),
        _link("u-eva", "eva.wagner@outlook.example", "both", ago(days=500)),
        # Lena keeps exams/certifications and Partner University on two separate MSAs (R4).
        _link("u-lena", "lena.fischer@outlook.example", "certifications", ago(days=420)),
        _link("u-lena", "lena.fischer.pu@outlook.example", "partner_university", ago(days=410)),
        _link("u-oliver", "oliver.bennett@outlook.example", "both", ago(days=250)),
        _link("u-priya", "priya.raman@outlook.example", "both", ago(days=310)),
        _link("u-thomas", "t.okafor@outlook.example", "both", ago(days=290)),
        _link("u-grace", "grace.mensah@outlook.example", "both", ago(days=120)),
        _link("u-samuel", "samuel.otieno@outlook.example", "both", ago(days=60)),
    ]

    achievements = [
        # Anna holds half of the Data Analytics Specialist requirement (foundational + 70-767 of the BI
        # focus area): "closest" person for that option (R13).
        _achievement("anna.schmidt@outlook.example", "da-foundational", "assessment", ago(days=390)),
        _achievement("anna.schmidt@outlook.example", "70-767", "exam", ago(days=370)),
        # State 1 (met) and state 7 (1 of 2 for Gold): visible for months, expires well after expires_on.
        _achievement("ben.weber@outlook.example", "AZ-104", "certification", ago(days=120), ahead(245)),
        # State 4 (leaver): still valid, but Carla left five days ago (R6).
        _achievement("carla.d@outlook.example", "bi-assessment", "assessment", ago(days=200), ahead(165)),
        # State 2 (pending): earned long ago and renewed; only the link is new.
        _achievement("david.mueller@outlook.example", "AZ-305", "certification", ago(days=500), ahead(230)),
        # State 3 (expired): expired ten days ago (R5).
        _achievement("eva.wagner@outlook.example", "AZ-104", "certification", ago(days=375), ago(days=10)),
        # State 5 (at risk): the only counting BI assessment, expiring at now + 30 d, before expires_on.
        _achievement("lena.fischer.pu@outlook.example", "bi-assessment", "assessment", ago(days=335), ahead(30)),
        _achievement("lena.fischer@outlook.example", "70-768", "exam", ago(days=300)),
        # Fabrikam Cloud Productivity Gold (2 people, one_of_sets [[70-346, 70-347], [mcsa-office-365]]):
        # Priya qualifies through the MCSA set only (her 70-346 is half of the other set) ...
        _achievement("priya.raman@outlook.example", "70-346", "exam", ago(days=700)),
        _achievement("priya.raman@outlook.example", "mcsa-office-365", "certification", ago(days=650)),
        # ... Thomas through the exam pair; his 70-347 is also 1 of the 2 needed for Small and Midmarket Gold.
        _achievement("t.okafor@outlook.example", "70-346", "exam", ago(days=600)),
        _achievement("t.okafor@outlook.example", "70-347", "exam", ago(days=560)),
        # Grace holds only 70-346, half a set: the "closest" person for a third qualifying individual.
        _achievement("grace.mensah@outlook.example", "70-346", "exam", ago(days=90)),
        # Samuel gives Fabrikam the Cloud Platform Silver person; consumption is what is missing there.
        _achievement("samuel.otieno@outlook.example", "AZ-104", "certification", ago(days=80), ahead(285)),
        # Oliver: Teams Administrator, feeding the Modern Work designation's intermediate certifications.
        _achievement("oliver.bennett@outlook.example", "MS-700", "certification", ago(days=150), ahead(215)),
    ]

    metrics = (
        # States 1 and 7: the 12 months ending with now's month sum to 111,200 USD (>= 100,000 for Gold).
        _series(now, CONTOSO_ID, "azure_consumption_usd", _CONTOSO_AZURE_USD)
        # State 5: 310 Power BI seats in the latest month (>= 250 for Silver).
        + _series(now, CONTOSO_ID, "power_bi_seats", _CONTOSO_POWER_BI_SEATS)
        # Fabrikam Cloud Productivity Gold: 4,650 active users in the latest month (>= 4,000).
        + _series(now, FABRIKAM_ID, "o365_active_users", _FABRIKAM_O365_ACTIVE_USERS)
        # 14 new Office 365 customers in 12 months: Silver (4) met, Gold (25) only through the override.
        + _series(now, FABRIKAM_ID, "o365_new_customers", _FABRIKAM_O365_NEW_CUSTOMERS)
        # 6,740 USD in 12 months: 3,260 short of the developing-market Cloud Platform Silver (10,000).
        + _series(now, FABRIKAM_ID, "azure_consumption_usd", _FABRIKAM_AZURE_USD)
    )

    overrides = [
        # State 6 (override, R11): placed by Microsoft support for the usual 90 days, 30 of them gone.
        {
            "organization": FABRIKAM_ID,
            "competency": "small-midmarket-cloud",
            "option": "o365-services",
            "level": "gold",
            "reason": "Support case: 70-347 passes of two consultants not yet recognised in Partner Center.",
            "starts_on": day(-30),
            "ends_on": day(60),
        },
    ]

    return {
        "organizations": organizations,
        "users": users,
        "msa_links": msa_links,
        "achievements": achievements,
        "metrics": metrics,
        "overrides": overrides,
    }


async def load_demo(uows: UnitOfWorkFactory, now: datetime) -> ImportReport | None:
    """Import the demo dataset unless it is already loaded, and say which (None: nothing changed).

    The dataset is built relative to `now`: importing it again a minute or a week later would add
    every achievement a second time (they are keyed by when they were earned) and move every date.
    So a second `demo` changes nothing a user sees."""
    from services.importer import write_dataset

    async with uows() as uow:  # one unit of work: the check and the import
        if {CONTOSO_ID, FABRIKAM_ID} <= set(await uow.repository.organization_ids()):
            return None
        report = await write_dataset(uow, build_demo_dataset(now), now)
        await uow.commit()
    return report


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month(now: datetime, months_back: int) -> str:
    index = now.year * 12 + now.month - 1 - months_back
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _series(now: datetime, organization: str, metric: str, newest_first: Sequence[float]) -> list[dict[str, Any]]:
    if len(newest_first) != METRIC_MONTHS:
        raise ValueError(f"{metric}: expected {METRIC_MONTHS} monthly values, got {len(newest_first)}")
    return [
        {"organization": organization, "metric": metric, "month": _month(now, back), "value": value}
        for back, value in reversed(list(enumerate(newest_first)))
    ]


def _user(user_id: str, organization: str, aad_suffix: str, upn: str, name: str,
          roles: list[str], locale: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "organization": organization,
        "aad_object_id": f"00000000-0000-4000-8000-0000000000{aad_suffix}",
        "upn": upn,
        "display_name": name,
        "roles": roles,
    }
    if locale is not None:
        user["locale"] = locale
    return user


def _link(user: str, msa: str, purpose: str, linked_at: str) -> dict[str, Any]:
    return {"user": user, "msa": msa, "purpose": purpose, "linked_at": linked_at}


def _achievement(msa: str, code: str, kind: str, earned_at: str, expires_at: str | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {"msa": msa, "code": code, "kind": kind, "earned_at": earned_at}
    if expires_at is not None:
        record["expires_at"] = expires_at
    return record
