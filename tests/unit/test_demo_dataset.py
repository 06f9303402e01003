"""The bundled catalog and the demo dataset are valid imports and show the states they promise."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from services.demo_dataset import (
    CONTOSO_ADMIN_AAD,
    CONTOSO_ID,
    CONTOSO_TENANT,
    FABRIKAM_ADMIN_AAD,
    FABRIKAM_ID,
    FABRIKAM_TENANT,
    build_demo_dataset,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "services" / "data"

NOWS = [
    datetime(2026, 11, 21, 0, 47, tzinfo=timezone.utc),
    datetime(2024, 2, 29, 12, 0, tzinfo=timezone.utc),  # leap day: one-year arithmetic
    datetime(2025, 1, 1, 0, 30, tzinfo=timezone.utc),  # the metric window crosses a year boundary
    datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc),
    datetime(2031, 6, 15, 8, 0, tzinfo=timezone.utc),
]
# RFC 3339 with an explicit offset; jsonschema checks "date-time" only when rfc3339-validator is installed.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$")


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((DATA_DIR / "dataset.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Any]:
    return json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))["catalog"]


def _requirements(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    found = [
        requirement
        for competency in catalog["competencies"]
        for option in competency["options"]
        for level in option["levels"].values()
        for requirement in level
    ]
    return found + [r for s in catalog.get("specializations", []) for r in s["requirements"]]


def _codes_referenced(catalog: dict[str, Any]) -> set[str]:
    codes: set[str] = set()
    for requirement in _requirements(catalog):
        codes.update(requirement.get("all_of", []), requirement.get("any_of", []))
        codes.update(code for codes_set in requirement.get("one_of_sets", []) for code in codes_set)
        codes.update(requirement.get("and_among_them", {}).get("any_of", []))
    for designation in catalog.get("designations", []):
        for track in designation["tracks"]:
            for metric in track["metrics"]:
                codes.update(metric["source"].get("any_of", []))
                codes.update(code for gate in metric.get("gates", []) for code in gate["any_of"])
    return codes


def _duplicates(values: list[Any]) -> list[Any]:
    return sorted({v for v in values if values.count(v) > 1}, key=str)


def _parse(timestamp: str) -> datetime:
    return datetime.fromisoformat(timestamp)


def _window(now: datetime, months: int = 12) -> set[str]:
    index = now.year * 12 + now.month - 1
    return {f"{(index - back) // 12:04d}-{(index - back) % 12 + 1:02d}" for back in range(months)}


# --- the bundled catalog -------------------------------------------------------------------------------


def test_the_bundled_catalog_is_valid_against_the_vendored_schema() -> None:
    document = json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8"))

    _validator().validate(document)
    assert list(document) == ["catalog"]


def test_the_bundled_catalog_names_every_code_it_uses_as_a_credential() -> None:
    catalog = _catalog()
    credential_codes = [c["code"] for c in catalog["credentials"]]

    assert _duplicates(credential_codes) == []
    assert _codes_referenced(catalog) - set(credential_codes) == set()


def test_the_bundled_catalog_ids_are_unique() -> None:
    catalog = _catalog()
    competency_ids = [c["id"] for c in catalog["competencies"]]

    assert _duplicates(competency_ids) == []
    for competency in catalog["competencies"]:
        assert _duplicates([o["id"] for o in competency["options"]]) == [], competency["id"]
    assert _duplicates([s["id"] for s in catalog["specializations"]]) == []
    assert _duplicates([d["id"] for d in catalog["designations"]]) == []
    for designation in catalog["designations"]:
        assert _duplicates([t["id"] for t in designation["tracks"]]) == []
        for track in designation["tracks"]:
            assert _duplicates([m["id"] for m in track["metrics"]]) == []


def test_the_bundled_catalog_lists_the_legacy_competencies_in_order() -> None:
    catalog = _catalog()

    assert catalog["version"] == "mpn-2018-bundled"
    assert [c["id"] for c in catalog["competencies"]][:9] == [
        "cloud-platform", "cloud-productivity", "data-analytics", "data-platform", "application-development",
        "devops", "enterprise-mobility-management", "small-midmarket-cloud", "security",
    ]
    assert {s["requires_gold"] for s in catalog["specializations"]} <= {c["id"] for c in catalog["competencies"]}


# --- the demo dataset ----------------------------------------------------------------------------------


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_the_demo_dataset_is_valid_against_the_vendored_schema(now: datetime) -> None:
    dataset = build_demo_dataset(now)

    _validator().validate(dataset)
    assert "catalog" not in dataset


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_every_demo_timestamp_has_an_offset(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    timestamps = [link["linked_at"] for link in dataset["msa_links"]] + [
        a[key] for a in dataset["achievements"] for key in ("earned_at", "expires_at") if key in a
    ]

    assert [t for t in timestamps if not TIMESTAMP.match(t)] == []
    assert all(_parse(t).utcoffset() == timedelta(0) for t in timestamps)


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_every_demo_reference_resolves(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    catalog = _catalog()
    organization_ids = {o["id"] for o in dataset["organizations"]}
    user_ids = {u["id"] for u in dataset["users"]}
    linked_msas = {link["msa"] for link in dataset["msa_links"]}
    credential_kinds = {c["code"]: c["kind"] for c in catalog["credentials"]}
    options = {(c["id"], o["id"]) for c in catalog["competencies"] for o in c["options"]}
    catalog_metrics = {r["metric"] for r in _requirements(catalog) if r["kind"] == "metric"}

    assert {u["organization"] for u in dataset["users"]} <= organization_ids
    assert {link["user"] for link in dataset["msa_links"]} <= user_ids
    assert {a["msa"] for a in dataset["achievements"]} <= linked_msas
    assert {(a["code"], a["kind"]) for a in dataset["achievements"]} <= set(credential_kinds.items())
    assert {m["organization"] for m in dataset["metrics"]} <= organization_ids
    assert {m["metric"] for m in dataset["metrics"]} <= catalog_metrics
    assert {o["organization"] for o in dataset["overrides"]} <= organization_ids
    assert {(o["competency"], o["option"]) for o in dataset["overrides"]} <= options
    held = {h["competency"] for o in dataset["organizations"] for h in o.get("held", [])}
    assert held <= {c for c, _ in options}


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_demo_records_are_unique_by_their_upsert_keys(now: datetime) -> None:
    dataset = build_demo_dataset(now)

    assert _duplicates([o["id"] for o in dataset["organizations"]]) == []
    assert _duplicates([u["id"] for u in dataset["users"]]) == []
    assert _duplicates([u["aad_object_id"] for u in dataset["users"]]) == []
    assert _duplicates([(k["user"], k["msa"].lower()) for k in dataset["msa_links"]]) == []
    assert _duplicates([(a["msa"], a["code"], a["earned_at"]) for a in dataset["achievements"]]) == []
    assert _duplicates([(m["organization"], m["metric"], m["month"]) for m in dataset["metrics"]]) == []


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_each_demo_msa_belongs_to_one_user_and_carries_what_its_purpose_allows(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    purpose = {link["msa"]: link["purpose"] for link in dataset["msa_links"]}
    allowed = {"both": {"assessment", "exam", "certification"}, "certifications": {"exam", "certification"},
               "partner_university": {"assessment"}}

    assert _duplicates([link["msa"].lower() for link in dataset["msa_links"]]) == []
    assert [a for a in dataset["achievements"] if a["kind"] not in allowed[purpose[a["msa"]]]] == []


def test_the_demo_identities_match_the_exported_constants() -> None:
    dataset = build_demo_dataset(NOWS[0])
    organizations = {o["id"]: o for o in dataset["organizations"]}
    users = {u["aad_object_id"]: u for u in dataset["users"]}

    assert organizations[CONTOSO_ID]["tenant_id"] == CONTOSO_TENANT
    assert organizations[FABRIKAM_ID]["tenant_id"] == FABRIKAM_TENANT
    assert (users[CONTOSO_ADMIN_AAD]["display_name"], users[CONTOSO_ADMIN_AAD]["locale"]) == ("Anna Schmidt", "de-DE")
    assert users[CONTOSO_ADMIN_AAD]["organization"] == CONTOSO_ID and "admin" in users[CONTOSO_ADMIN_AAD]["roles"]
    assert users[FABRIKAM_ADMIN_AAD]["organization"] == FABRIKAM_ID and "admin" in users[FABRIKAM_ADMIN_AAD]["roles"]
    assert users[FABRIKAM_ADMIN_AAD]["locale"] == "en-US"


def test_the_demo_rejects_a_naive_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        build_demo_dataset(datetime(2026, 11, 21, 0, 47))


def test_the_demo_depends_only_on_the_instant() -> None:
    berlin = timezone(timedelta(hours=1))
    now = datetime(2026, 11, 21, 1, 47, tzinfo=berlin)

    assert build_demo_dataset(now) == build_demo_dataset(now.astimezone(timezone.utc))


# --- the states the demo promises (raw facts; the evaluator's own tests judge them) ---------------------


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_every_demo_metric_has_fourteen_months_ending_with_nows_month(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    series: dict[tuple[str, str], list[str]] = {}
    for m in dataset["metrics"]:
        series.setdefault((m["organization"], m["metric"]), []).append(m["month"])

    assert all(len(months) == 14 and max(months) == f"{now:%Y-%m}" for months in series.values())


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_contoso_azure_consumption_over_the_window_meets_gold(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    window = _window(now)

    total = sum(m["value"] for m in dataset["metrics"]
                if (m["organization"], m["metric"]) == (CONTOSO_ID, "azure_consumption_usd") and m["month"] in window)

    assert total == 111200


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_the_demo_people_are_pending_expired_leaving_and_expiring_as_described(now: datetime) -> None:
    dataset = build_demo_dataset(now)
    now_s = now.replace(microsecond=0)
    link_of = {link["user"]: _parse(link["linked_at"]) for link in dataset["msa_links"]}
    achievement = {(a["msa"], a["code"]): a for a in dataset["achievements"]}
    users = {u["id"]: u for u in dataset["users"]}
    contoso = next(o for o in dataset["organizations"] if o["id"] == CONTOSO_ID)
    expires_on = date.fromisoformat(contoso["membership"]["expires_on"])

    assert now_s - link_of["u-david"] == timedelta(hours=1)
    assert now_s - _parse(achievement[("eva.wagner@outlook.example", "AZ-104")]["expires_at"]) == timedelta(days=10)
    assert now_s.date() - date.fromisoformat(users["u-carla"]["left_on"]) == timedelta(days=5)
    lena_bi = _parse(achievement[("lena.fischer.pu@outlook.example", "bi-assessment")]["expires_at"])
    assert lena_bi - now_s == timedelta(days=30) and lena_bi.date() < expires_on
    assert expires_on - now_s.date() == timedelta(days=60)
    assert _parse(achievement[("ben.weber@outlook.example", "AZ-104")]["expires_at"]).date() > expires_on


@pytest.mark.parametrize("now", NOWS, ids=str)
def test_fabrikams_override_is_active_now(now: datetime) -> None:
    (override,) = build_demo_dataset(now)["overrides"]

    assert (override["organization"], override["competency"], override["option"], override["level"]) == (
        FABRIKAM_ID, "small-midmarket-cloud", "o365-services", "gold")
    assert date.fromisoformat(override["starts_on"]) <= now.date() <= date.fromisoformat(override["ends_on"])
