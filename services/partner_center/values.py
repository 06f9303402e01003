"""Dates, months and numbers as Partner Center downloads write them, and as a German spreadsheet
re-saves them (SPEC 4.8). Each parser raises `ValueError` with the reason; the caller adds where."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from functools import lru_cache

US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?")
GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
ISO_MONTH = re.compile(r"(\d{4})-(\d{2})")
GROUPED_POINT = re.compile(r"-?\d{1,3}(\.\d{3})+")  # 1.234.567: thousands, in a German file
US_NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|-?\.\d+")
GERMAN_NUMBER = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?|-?,\d+")


@lru_cache(maxsize=8192)  # a file has a few thousand distinct dates at most; bounded either way
def parse_moment(text: str) -> datetime:
    """ISO 8601 (`2025-03-01`, `2025-03-01T10:00:00Z`), US `M/D/YYYY [h:mm[:ss] AM/PM]` or German
    `D.M.YYYY [H:MM[:SS]]`; without an offset the moment is UTC. A date alone is 00:00 UTC."""
    value = text.strip()
    for pattern, day_first in ((US_DATE, False), (GERMAN_DATE, True)):
        match = pattern.fullmatch(value)
        if match:
            return _from_parts(match, day_first, value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (expected YYYY-MM-DD, M/D/YYYY or D.M.YYYY)") from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _from_parts(match: re.Match[str], day_first: bool, text: str) -> datetime:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    day, month = (first, second) if day_first else (second, first)
    hour, minute, second_ = int(match[4] or 0), int(match[5] or 0), int(match[6] or 0)
    meridiem = match[7] if match.re is US_DATE else None
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(f"not a date: {text!r} (hour {hour} with {meridiem.upper()})")
        hour = hour % 12 + (12 if meridiem.lower() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, minute, second_, tzinfo=timezone.utc)
    except ValueError as exc:
        raise ValueError(f"not a date: {text!r} ({exc})") from None


def parse_day(text: str) -> date:
    return parse_moment(text).date()


def parse_month(text: str) -> str:
    """`YYYY-MM`, or any date in that month, as `YYYY-MM`."""
    value = text.strip()
    match = ISO_MONTH.fullmatch(value)
    if match:
        if not 1 <= int(match[2]) <= 12:
            raise ValueError(f"not a month: {text!r}")
        return value
    try:
        moment = parse_moment(value)
    except ValueError:
        raise ValueError(f"not a month: {text!r} (expected YYYY-MM or a date in the month)") from None
    return f"{moment.year:04d}-{moment.month:02d}"


def parse_number(text: str, decimal_comma: bool) -> float:
    """`1,234.5` (US) or, in a file a German spreadsheet saved, `1.234,5`. There a number with only
    points is read as grouped thousands when it looks so (`1.234`), else as a decimal point."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if decimal_comma:
        if GERMAN_NUMBER.fullmatch(value) and ("," in value or GROUPED_POINT.fullmatch(value)):
            return float(value.replace(".", "").replace(",", "."))
        if "," not in value and US_NUMBER.fullmatch(value):
            return float(value)
    elif US_NUMBER.fullmatch(value):
        return float(value.replace(",", ""))
    raise ValueError(f"not a number: {text!r}" + (" (expected e.g. 1.234,5)" if decimal_comma else " (expected e.g. 1,234.5)"))
