"""Checks a dataset (SPEC 4.5) before anything is written: the JSON Schema, then what a schema cannot
say (unique ids, references, dates that parse, no negative metric). The first problem is reported
as `path: problem`, e.g. `users[3].organization: unknown organization 'x'`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from services.errors import DatasetError

SCHEMA_PATH = Path(__file__).resolve().parent / "data" / "dataset.schema.json"
JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _fast_check():
    """A compiled validator: twenty times faster than jsonschema on 100,000 achievements. Its
    `$id` is relative, which fastjsonschema would try to fetch, so it compiles a copy without it."""
    schema = {k: v for k, v in _schema().items() if k not in ("$id", "$schema")}
    return fastjsonschema.compile(schema, use_formats=True)


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _check_schema(document: Mapping[str, Any]) -> None:
    try:
        _fast_check()(document)
        return
    except fastjsonschema.JsonSchemaException as fast_error:
        # Only a failing document pays for jsonschema, whose errors carry the path and the reason.
        error = best_match(_validator().iter_errors(document), key=_relevance)
        if error is not None:
            raise _describe(error) from None
        raise DatasetError(fast_error.name.removeprefix("data").lstrip(".") or "$", fast_error.message) from None


def json_path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


def _describe(error: ValidationError) -> DatasetError:
    path = json_path(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return DatasetError(json_path([*error.absolute_path, extra[0]]), "unknown key")
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return DatasetError(json_path([*error.absolute_path, missing]), "missing")
    if error.validator == "type":
        wanted = error.validator_value if isinstance(error.validator_value, str) else " or ".join(error.validator_value)
        return DatasetError(path, f"expected {wanted}, got {JSON_TYPES.get(type(error.instance), 'value')}")
    if error.validator == "format":
        return DatasetError(path, f"not a valid {error.validator_value}: {error.instance!r}")
    if error.validator == "enum":
        return DatasetError(path, f"must be one of {', '.join(map(str, error.validator_value))}, got {error.instance!r}")
    if error.validator == "const":
        return DatasetError(path, f"must be {error.validator_value!r}, got {error.instance!r}")
    return DatasetError(path, error.message)


def parse_dataset(text: str | bytes) -> dict[str, Any]:
    """Parse JSON text into a dataset object, or raise `DatasetError` naming where it breaks."""
    try:
        document = json.loads(text)
    except UnicodeDecodeError:
        raise DatasetError("$", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DatasetError("$", f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(document, dict):
        raise DatasetError("$", f"expected object, got {JSON_TYPES.get(type(document), 'value')}")
    return document


def validate_dataset(document: Mapping[str, Any]) -> None:
    """Schema, then uniqueness and references within the file and values the schema allows but the
    domain does not. References to records already in the database are checked by the importer."""
    _check_schema(document)
    _check_values(document)
    _check_unique(document)
    _check_catalog(document.get("catalog"))


def _relevance(error: ValidationError) -> tuple[int, int]:
    # Prefer the deepest, most specific problem so the path points at the bad field itself.
    return (-len(error.path), 0 if error.validator in ("oneOf", "anyOf") else 1)


def _check_values(document: Mapping[str, Any]) -> None:
    for i, row in enumerate(document.get("metrics", ())):
        if row["value"] < 0:
            raise DatasetError(f"metrics[{i}].value", f"must not be negative, got {row['value']}")
    for section, fields in (("msa_links", ("linked_at",)), ("achievements", ("earned_at", "expires_at"))):
        for i, row in enumerate(document.get(section, ())):
            for name in fields:
                if name in row:
                    parse_timestamp(row[name], f"{section}[{i}].{name}")
    for i, row in enumerate(document.get("achievements", ())):
        if "expires_at" in row and parse_timestamp(row["expires_at"], "") <= parse_timestamp(row["earned_at"], ""):
            raise DatasetError(f"achievements[{i}].expires_at", "must be after earned_at")
    for i, row in enumerate(document.get("overrides", ())):
        if date.fromisoformat(row["ends_on"]) < date.fromisoformat(row["starts_on"]):
            raise DatasetError(f"overrides[{i}].ends_on", "must not be before starts_on")


def parse_timestamp(value: str, path: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise DatasetError(path, f"not a valid date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise DatasetError(path, f"needs a UTC offset: {value!r}")
    return parsed


def _check_unique(document: Mapping[str, Any]) -> None:
    keys = {
        "organizations": lambda r: r["id"],
        "users": lambda r: r["id"],
        "msa_links": lambda r: (r["user"], r["msa"].casefold()),
        "achievements": lambda r: (r["msa"].casefold(), r["code"], parse_timestamp(r["earned_at"], "")),
        "metrics": lambda r: (r["organization"], r["metric"], r["month"]),
        "overrides": lambda r: (r["organization"], r["competency"], r["option"], r["level"], r["starts_on"]),
    }
    for section, key in keys.items():
        _unique(document.get(section, ()), key, section, "duplicate record")


def _unique(rows: Iterable[Any], key, path: str, what: str) -> None:
    seen: set[Any] = set()
    for i, row in enumerate(rows):
        k = key(row)
        if k in seen:
            raise DatasetError(f"{path}[{i}]", f"{what} {k if isinstance(k, str) else tuple(map(str, k))}")
        seen.add(k)


def _check_catalog(catalog: Mapping[str, Any] | None) -> None:
    if catalog is None:
        return
    _unique(catalog.get("credentials", ()), lambda c: c["code"], "catalog.credentials", "duplicate code")
    _unique(catalog["competencies"], lambda c: c["id"], "catalog.competencies", "duplicate id")
    for i, comp in enumerate(catalog["competencies"]):
        _unique(comp["options"], lambda o: o["id"], f"catalog.competencies[{i}].options", "duplicate id")
    _unique(catalog.get("specializations", ()), lambda s: s["id"], "catalog.specializations", "duplicate id")
    _unique(catalog.get("designations", ()), lambda d: d["id"], "catalog.designations", "duplicate id")
    competency_ids = {c["id"] for c in catalog["competencies"]}
    for i, spec in enumerate(catalog.get("specializations", ())):
        if spec["requires_gold"] not in competency_ids:
            raise DatasetError(f"catalog.specializations[{i}].requires_gold", f"unknown competency '{spec['requires_gold']}'")
