"""One organisation whose figures the second release's answers are checked against (SPEC 1).

At NOW (2026-11-21 12:00 UTC), Alpha Consulting holds a Silver membership until 2027-01-31 with
Cloud Platform Silver and Security Silver:

- Cloud Platform Silver is met twice: via Azure consumption ($24,000 of $15,000; Sam Taylor and Ben
  Weber, 2 of 1 people) and via Certified experts (Sam Taylor and Ben Weber, 2 of 2 AZ-305). Gold is
  not met: consumption $24,000 of $100,000 (people 2 of 2), experts 2 of 4.
- Security Silver rests on Sam Green alone (SC-200, 1 of 1: no slack); her SC-200 expires on
  2027-01-20, before the anniversary, so Security Silver is at risk. Gold needs 2 (1 of 2).
- Sam Taylor's AZ-104 expires on 2027-01-10 (within 90 days, before the anniversary), Ben Weber's
  AZ-305 on 2027-02-10 (within 90 days, after the anniversary: not this renewal's concern).
- Oliver Brown holds MS-700 and DP-203; Nina Novak's AZ-305 was linked an hour ago (pending).
- Modern Work designation, computed by hand: enterprise 1 MS-700 person of 4 → 10 × 1/4 = 2.5,
  usage growth 600 of 1,000 → 30 × 0.6 = 18, deployments 7 of 5 → capped at 25: 45.5; SMB
  1 of 2 → 5, 600 of 500 → capped 30, 7 of 10 → 25 × 0.7 = 17.5: 52.5, the best track; not qualified (70).
- Analytics on Azure (specialization) needs Cloud Platform Gold (not met), 1 DP-203 person (Oliver)
  and an audit (passed on 2026-09-15): not met.
"""

from __future__ import annotations

from datetime import datetime, timezone

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
ORG = "org-a"
TENANT = "tenant-a"

CATALOG = {
    "version": "answers-tests",
    "settings": {"visibility_delay_hours": 24, "renewal_warning_days": 90},
    "credentials": [
        {"code": "AZ-104", "title": {"en": "Azure Administrator", "de": "Azure-Administrator"}, "kind": "certification"},
        {"code": "AZ-305", "title": {"en": "Azure Solutions Architect", "de": "Azure-Lösungsarchitekt"}, "kind": "certification"},
        {"code": "SC-200", "title": {"en": "Security Operations Analyst", "de": "Security Operations Analyst"}, "kind": "certification"},
        {"code": "MS-700", "title": {"en": "Teams Administrator", "de": "Teams-Administrator"}, "kind": "certification"},
        {"code": "DP-203", "title": {"en": "Azure Data Engineer", "de": "Azure-Dateningenieur"}, "kind": "certification"},
    ],
    "metrics": [
        {"id": "azure_consumption_usd", "name": {"en": "Azure consumption", "de": "Azure-Verbrauch"}},
        {"id": "mw_usage", "name": {"en": "Modern Work usage growth", "de": "Modern-Work-Nutzungswachstum"}},
        {"id": "mw_deployments", "name": {"en": "Modern Work deployments", "de": "Modern-Work-Bereitstellungen"}},
    ],
    "competencies": [
        {
            "id": "cloud-platform",
            "name": {"en": "Cloud Platform", "de": "Cloud-Plattform"},
            "options": [
                {
                    "id": "azure-consumption",
                    "name": {"en": "Azure consumption", "de": "Azure-Verbrauch"},
                    "levels": {
                        "silver": [
                            {"kind": "metric", "metric": "azure_consumption_usd", "min": 15000},
                            {"kind": "individuals", "count": 1, "any_of": ["AZ-104", "AZ-305"]},
                        ],
                        "gold": [
                            {"kind": "metric", "metric": "azure_consumption_usd", "min": 100000},
                            {"kind": "individuals", "count": 2, "any_of": ["AZ-104", "AZ-305"]},
                        ],
                    },
                },
                {
                    "id": "experts",
                    "name": {"en": "Certified experts", "de": "Zertifizierte Fachleute"},
                    "levels": {
                        "silver": [{"kind": "individuals", "count": 2, "any_of": ["AZ-305"]}],
                        "gold": [{"kind": "individuals", "count": 4, "any_of": ["AZ-305"]}],
                    },
                },
            ],
        },
        {
            "id": "security",
            "name": {"en": "Security", "de": "Sicherheit"},
            "options": [
                {
                    "id": "security-people",
                    "name": {"en": "Security operations", "de": "Sicherheitsbetrieb"},
                    "levels": {
                        "silver": [{"kind": "individuals", "count": 1, "any_of": ["SC-200"]}],
                        "gold": [{"kind": "individuals", "count": 2, "any_of": ["SC-200"]}],
                    },
                }
            ],
        },
    ],
    "specializations": [
        {
            "id": "analytics-on-azure",
            "name": {"en": "Analytics on Microsoft Azure", "de": "Analysen in Microsoft Azure"},
            "requires_gold": "cloud-platform",
            "requirements": [{"kind": "individuals", "count": 1, "any_of": ["DP-203"]}],
            "audit_required": True,
        }
    ],
    "designations": [
        {
            "id": "modern-work",
            "name": {"en": "Solutions Partner for Modern Work", "de": "Solutions Partner für Modern Work"},
            "qualify_at": 70,
            "tracks": [
                {
                    "id": "enterprise",
                    "metrics": [
                        {"id": "intermediate-certs", "category": "skilling", "max_points": 10, "full_at": 4, "source": {"kind": "individuals", "any_of": ["MS-700"]}},
                        {"id": "usage-growth", "category": "customer_success", "max_points": 30, "full_at": 1000, "source": {"kind": "metric", "metric": "mw_usage", "aggregate": "latest"}},
                        {"id": "deployments", "category": "customer_success", "max_points": 25, "full_at": 5, "source": {"kind": "metric", "metric": "mw_deployments", "aggregate": "latest"}},
                    ],
                },
                {
                    "id": "smb",
                    "metrics": [
                        {"id": "intermediate-certs", "category": "skilling", "max_points": 10, "full_at": 2, "source": {"kind": "individuals", "any_of": ["MS-700"]}},
                        {"id": "usage-growth", "category": "customer_success", "max_points": 30, "full_at": 500, "source": {"kind": "metric", "metric": "mw_usage", "aggregate": "latest"}},
                        {"id": "deployments", "category": "customer_success", "max_points": 25, "full_at": 10, "source": {"kind": "metric", "metric": "mw_deployments", "aggregate": "latest"}},
                    ],
                },
            ],
        }
    ],
}


def _user(user_id: str, name: str, roles: list[str] | None = None, locale: str | None = None) -> dict:
    user = {"id": user_id, "organization": ORG, "display_name": name, "aad_object_id": f"aad-{user_id[2:]}", "roles": roles or ["employee"]}
    if locale:
        user["locale"] = locale
    return user


def dataset() -> dict:
    months = ["2025-12"] + [f"2026-{m:02d}" for m in range(1, 12)]
    return {
        "catalog": CATALOG,
        "organizations": [
            {
                "id": ORG,
                "name": "Alpha Consulting",
                "tenant_id": TENANT,
                "membership": {"level": "silver", "expires_on": "2027-01-31"},
                "held": [{"competency": "cloud-platform", "level": "silver"}, {"competency": "security", "level": "silver"}],
                "specializations": [{"specialization": "analytics-on-azure", "audit_passed_on": "2026-09-15"}],
            }
        ],
        "users": [
            _user("u-ann", "Ann Admin", ["admin", "employee"]),
            _user("u-anke", "Anke Admin", ["admin"], "de-DE"),
            _user("u-emil", "Emil Employee"),
            _user("u-sam", "Sam Taylor"),
            _user("u-samg", "Sam Green"),
            _user("u-ben", "Ben Weber"),
            _user("u-oliver", "Oliver Brown"),
            _user("u-nina", "Nina Novak"),
            {**_user("u-carl", "Carl Gone"), "left_on": "2026-10-01"},
        ],
        "msa_links": [
            {"user": "u-ann", "msa": "ann@outlook.example", "linked_at": "2026-01-10T00:00:00+00:00"},
            {"user": "u-sam", "msa": "sam.t@outlook.example", "linked_at": "2025-06-01T00:00:00+00:00"},
            {"user": "u-samg", "msa": "sam.g@outlook.example", "linked_at": "2025-06-01T00:00:00+00:00"},
            {"user": "u-ben", "msa": "ben@outlook.example", "linked_at": "2025-06-01T00:00:00+00:00"},
            {"user": "u-oliver", "msa": "oliver@outlook.example", "linked_at": "2025-06-01T00:00:00+00:00"},
            {"user": "u-nina", "msa": "nina@outlook.example", "linked_at": "2026-11-21T11:00:00+00:00"},
            {"user": "u-carl", "msa": "carl@outlook.example", "linked_at": "2025-06-01T00:00:00+00:00"},
        ],
        "achievements": [
            {"msa": "sam.t@outlook.example", "code": "AZ-104", "earned_at": "2025-01-10T00:00:00+00:00", "expires_at": "2027-01-10T00:00:00+00:00"},
            {"msa": "sam.t@outlook.example", "code": "AZ-305", "earned_at": "2026-03-01T00:00:00+00:00", "expires_at": "2028-03-01T00:00:00+00:00"},
            {"msa": "sam.g@outlook.example", "code": "SC-200", "earned_at": "2025-01-20T00:00:00+00:00", "expires_at": "2027-01-20T00:00:00+00:00"},
            {"msa": "ben@outlook.example", "code": "AZ-305", "earned_at": "2025-02-10T00:00:00+00:00", "expires_at": "2027-02-10T00:00:00+00:00"},
            {"msa": "oliver@outlook.example", "code": "MS-700", "earned_at": "2026-02-01T00:00:00+00:00", "expires_at": "2028-02-01T00:00:00+00:00"},
            {"msa": "oliver@outlook.example", "code": "DP-203", "earned_at": "2026-02-01T00:00:00+00:00", "expires_at": "2028-02-01T00:00:00+00:00"},
            {"msa": "nina@outlook.example", "code": "AZ-305", "earned_at": "2026-05-01T00:00:00+00:00", "expires_at": "2028-05-01T00:00:00+00:00"},
            {"msa": "carl@outlook.example", "code": "SC-200", "earned_at": "2025-05-01T00:00:00+00:00", "expires_at": "2028-05-01T00:00:00+00:00"},
        ],
        "metrics": (
            [{"organization": ORG, "metric": "azure_consumption_usd", "month": m, "value": 2000} for m in months]
            + [{"organization": ORG, "metric": "mw_usage", "month": "2026-11", "value": 600}]
            + [{"organization": ORG, "metric": "mw_deployments", "month": "2026-11", "value": 7}]
        ),
    }
