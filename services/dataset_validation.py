"""Checks a dataset (SPEC 4.5) before anything is written: the JSON Schema, then what a schema cannot
say (unique ids, references, dates that parse, no negative metric). The first problem is reported
as `path: problem`, e.g. `users[3].organization: unknown organization 'x'`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import fastjsonschema
import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from services.domain.snapshot import normalize_msa
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
    except fastjsonschema.JsonSchemaValueException as fast_error:  # what a compiled validator raises
        # Only a failing document pays for jsonschema, whose errors carry the path and the reason.
        error = best_match(_validator().iter_errors(document), key=_relevance)
        if error is not None:
            raise _describe(error) from None
        raise DatasetError((fast_error.name or "").removeprefix("data").lstrip(".") or "$", fast_error.message) from None


def json_path(parts: Iterable[Any]) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "$"


def _describe(error: ValidationError) -> DatasetError:
    path = json_path(error.absolute_path)
    # An error from iter_errors always carries its instance, schema and validator value (never `Unset`).
    instance, schema, value = cast(Any, error.instance), cast(Mapping[str, Any], error.schema), cast(Any, error.validator_value)
    if error.validator == "additionalProperties":
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        return DatasetError(json_path([*error.absolute_path, extra[0]]), "unknown key")
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return DatasetError(json_path([*error.absolute_path, missing]), "missing")
    if error.validator == "type":
        wanted = value if isinstance(value, str) else " or ".join(value)
        return DatasetError(path, f"expected {wanted}, got {JSON_TYPES.get(type(instance), 'value')}")
    if error.validator == "format":
        return DatasetError(path, f"not a valid {value}: {instance!r}")
    if error.validator == "enum":
        return DatasetError(path, f"must be one of {', '.join(map(str, value))}, got {instance!r}")
    if error.validator == "const":
        return DatasetError(path, f"must be {value!r}, got {instance!r}")
    return DatasetError(path, error.message)


def parse_dataset(text: str | bytes) -> dict[str, Any]:
    """Parse JSON text into a dataset object, or raise `DatasetError` naming where it breaks.

    Stricter than `json.loads`: a key twice in one object, `NaN`/`Infinity`, a number past
    `MAX_NUMBER` (`1e400`, a 5,000-digit integer) and nesting past `MAX_DEPTH` are refused with the
    path of the item, where `json.loads` would keep the last key, return `inf` or a huge `int`, or
    overflow its recursion."""
    flagged: list[bool] = []  # set once a hook has put a refusal marker into the document
    try:
        document = json.loads(
            text,
            object_pairs_hook=lambda pairs: _object(pairs, flagged),
            parse_constant=lambda name: _refuse(flagged, f"{name} is not a number a dataset may hold"),
            parse_int=lambda digits: _integer(digits, flagged),
            parse_float=lambda digits: _float(digits, flagged),
        )
    except UnicodeDecodeError:
        raise DatasetError("$", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise DatasetError("$", f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise DatasetError(_deep_path(text), f"nested deeper than {MAX_DEPTH} levels") from None
    if flagged:
        check_tree(document)
    if not isinstance(document, dict):
        raise DatasetError("$", f"expected object, got {JSON_TYPES.get(type(document), 'value')}")
    return document


# --- what JSON allows but no dataset holds ------------------------------------------------------

MAX_DEPTH = 32  # the schema's deepest item (a designation metric's gate code) is 9 levels down
MAX_NUMBER = 2**53  # the largest magnitude a JSON number keeps exactly (as a double)
_MAX_DIGITS = len(str(MAX_NUMBER))


class _Refused:
    """Stands in the parsed document for a value the parser refused, until `check_tree` names its path."""

    __slots__ = ("key", "problem")

    def __init__(self, problem: str, key: str | None = None):
        self.problem, self.key = problem, key


def _refuse(flagged: list[bool], problem: str, key: str | None = None) -> _Refused:
    flagged.append(True)
    return _Refused(problem, key)


def _object(pairs: list[tuple[str, Any]], flagged: list[bool]) -> dict[str, Any] | _Refused:
    document = dict(pairs)
    if len(document) == len(pairs):
        return document
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return _refuse(flagged, "duplicate key: the object gives it twice, and which value is meant cannot be told", key)
        seen.add(key)
    raise AssertionError("unreachable: fewer keys than pairs means a key repeats")


def _integer(digits: str, flagged: list[bool]) -> int | _Refused:
    # The length first: int() of a 5,000-digit string raises (Python's 4,300-digit limit), and
    # converting a long one costs quadratic time.
    if len(digits.lstrip("-")) > _MAX_DIGITS or abs(value := int(digits)) > MAX_NUMBER:
        shown = digits if len(digits) <= 20 else f"{digits[:12]}... ({len(digits.lstrip('-')):,} digits)"
        return _refuse(flagged, f"number {shown} is beyond ±{MAX_NUMBER:,}")
    return value


def _float(digits: str, flagged: list[bool]) -> float | _Refused:
    value = float(digits)
    if not abs(value) <= MAX_NUMBER:
        shown = digits if len(digits) <= 20 else f"{digits[:12]}... ({len(digits):,} characters)"
        return _refuse(flagged, f"number {shown} is beyond ±{MAX_NUMBER:,}")
    return value


def check_tree(document: Any) -> None:
    """No deeper than `MAX_DEPTH`, every string encodable as UTF-8 (no lone surrogate), every number
    finite and within ±`MAX_NUMBER`, and no value the parser refused. Raises `DatasetError` with the
    path of the first bad item. Neither walk recurses, however deep the document."""
    if not _looks_fine(document):
        _raise_first_problem(document)


def _looks_fine(document: Any) -> bool:
    """The quick walk every import pays for (a fifth of the schema check's time): no paths kept,
    scalars checked in place, only ASCII-unsure strings encoded. False sends the document to the
    walk that names the path."""
    if type(document) is not dict and type(document) is not list:
        return False
    stack = [(document, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        container, depth = pop()
        if depth >= MAX_DEPTH:
            return False
        if type(container) is dict:
            if not "".join(container).isascii() and not all(_encodes(key) for key in container):
                return False
            values: Iterable[Any] = container.values()
        else:
            values = container
        for value in values:
            kind = type(value)
            if kind is str:
                if not (value.isascii() or _encodes(value)):
                    return False
            elif kind is dict or kind is list:
                push((value, depth + 1))
            elif kind is int or kind is float:
                if not -MAX_NUMBER <= value <= MAX_NUMBER:  # NaN fails this comparison too
                    return False
            elif not (kind is bool or value is None):
                return False
    return True


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _raise_first_problem(document: Any) -> None:
    stack: list[tuple[Any, tuple[Any, ...]]] = [(document, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if len(path) >= MAX_DEPTH:
                raise DatasetError(json_path(path), f"nested deeper than {MAX_DEPTH} levels")
            for key, item in reversed(value.items()):
                _check_string(key, path, "a key")
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            if len(path) >= MAX_DEPTH:
                raise DatasetError(json_path(path), f"nested deeper than {MAX_DEPTH} levels")
            stack.extend(((item, (*path, i)) for i, item in reversed(list(enumerate(value)))))
        elif isinstance(value, str):
            _check_string(value, path, "the text")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if value != value:
                raise DatasetError(json_path(path), "NaN is not a number a dataset may hold")
            if not -MAX_NUMBER <= value <= MAX_NUMBER:
                raise DatasetError(json_path(path), f"number {value!r} is beyond ±{MAX_NUMBER:,}")
        elif isinstance(value, _Refused):
            raise DatasetError(json_path(path if value.key is None else (*path, value.key)), value.problem)


def _check_string(value: str, path: tuple[Any, ...], what: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # The message shows the surrogate escaped: printed as is, it would break the terminal's encoder too.
        raise DatasetError(json_path(path), f"{what} holds a lone surrogate ({ascii(value[exc.start])[1:-1]} at character {exc.start}), which is not Unicode text") from None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]')


def _deep_path(text: str | bytes) -> str:
    """Where nesting first goes past `MAX_DEPTH`: a scan of the brackets, only for a file that
    `json.loads` could not descend (slower than parsing; only such a file pays for it)."""
    if isinstance(text, bytes):
        text = text.decode(json.detect_encoding(text), errors="replace")
    open_containers: list[list[Any]] = []  # per open container: [is_array, its current index or key]
    expecting_key = False
    for token in _TOKEN.finditer(text):
        symbol = token.group()
        if symbol in ("{", "["):
            if len(open_containers) >= MAX_DEPTH:
                break
            open_containers.append([symbol == "[", 0 if symbol == "[" else None])
            expecting_key = symbol == "{"
        elif symbol in ("}", "]"):
            if open_containers:
                open_containers.pop()
            expecting_key = False
        elif symbol == ",":
            if open_containers and open_containers[-1][0]:
                open_containers[-1][1] += 1
            else:
                expecting_key = True
        elif symbol.startswith('"') and expecting_key and open_containers:
            open_containers[-1][1] = _key_text(symbol)
            expecting_key = False
    return json_path(position for _, position in open_containers)


def _key_text(token: str) -> str:
    """A key as the path shows it: unescaped where it can be, a lone surrogate written as its escape."""
    try:
        key = json.loads(token)
    except ValueError:  # a bad escape: the path shows the key as written
        return token[1:-1]
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def validate_dataset(document: Mapping[str, Any], now: datetime | None = None) -> None:
    """What JSON allows but no dataset holds (`check_tree`), the schema, then uniqueness and
    references within the file and values the schema allows but the domain does not (with `now`:
    no link or achievement dated after it). References to records already in the database are
    checked by the importer."""
    check_tree(document)
    _check_schema(document)
    _check_values(document, now)
    _check_unique(document)
    _check_catalog(document.get("catalog"))


def _relevance(error: ValidationError) -> tuple[int, int]:
    # Prefer the deepest, most specific problem so the path points at the bad field itself.
    return (-len(error.path), 0 if error.validator in ("oneOf", "anyOf") else 1)


def _check_values(document: Mapping[str, Any], now: datetime | None) -> None:
    for i, row in enumerate(document.get("metrics", ())):
        if row["value"] < 0:
            raise DatasetError(f"metrics[{i}].value", f"must not be negative, got {row['value']}")
    # One pass over links and achievements, each timestamp parsed once: they are most of a big file.
    for section, made, ends in (("msa_links", "linked_at", None), ("achievements", "earned_at", "expires_at")):
        for i, row in enumerate(document.get(section, ())):
            at = parse_timestamp(row[made], f"{section}[{i}].{made}")
            if ends is not None and ends in row and parse_timestamp(row[ends], f"{section}[{i}].{ends}") <= at:
                raise DatasetError(f"{section}[{i}].{ends}", f"must be after {made}")
            if now is not None and at > now:
                # Not happened yet: a typo in the year or a wrong clock. Counted, it would make R3's delay meaningless.
                raise DatasetError(f"{section}[{i}].{made}", f"{row[made]} is in the future (the import runs at {now.isoformat()})")
            if not normalize_msa(row["msa"]):
                raise DatasetError(f"{section}[{i}].msa", "blank: an MSA is its sign-in name")
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
        # MSAs as R4 compares them: " Ann@x " and "ann@x" are one account (stored normalised).
        "msa_links": lambda r: (r["user"], normalize_msa(r["msa"])),
        "achievements": lambda r: (normalize_msa(r["msa"]), r["code"], parse_timestamp(r["earned_at"], "")),
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
