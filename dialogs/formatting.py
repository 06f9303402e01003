"""Numbers, money, dates and times as English or German readers expect them, without locale
libraries (the process locale is shared by every conversation, so `locale` is no help here).

Money is always USD, the currency of the catalog's `_usd` metrics. Times are shown in the reader's
time zone when Teams told it (SPEC 1), unlabelled; when the zone is unknown they are shown in UTC and
labelled so. Metric names come from the catalog (`Catalog.metric_name`), never from code.
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu"})
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def time_zone(name: str | None) -> tzinfo | None:
    """The IANA zone Teams named ("Europe/Berlin"); None for a missing, unknown or malformed name,
    which the caller then shows as UTC, labelled."""
    if not name or not isinstance(name, str) or len(name) > 64:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: "../etc", absolute paths
        return None


def number(value: float, language: str) -> str:
    """en "12,000" / de "12.000"; two decimals only when there is a fraction: "1,234.50" / "1.234,50"."""
    rounded = round(float(value), 2)
    english = f"{int(rounded):,}" if rounded.is_integer() else f"{rounded:,.2f}"
    if language != "de":
        return english
    return english.translate(str.maketrans(",.", ".,"))


def money(value: float, language: str) -> str:
    """US dollars: en "$12,000" / de "12.000 $" (German puts the symbol after the amount)."""
    sign = "-" if value < 0 else ""
    amount = number(abs(value), language)
    return f"{sign}{amount} $" if language == "de" else f"{sign}${amount}"


def _local(moment: datetime, zone: tzinfo | None) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone or timezone.utc)


def date_text(day: date | datetime, language: str, zone: tzinfo | None = None) -> str:
    """en "Nov 21, 2026" / de "21.11.2026". A datetime shows its day in `zone` (UTC when unknown);
    a date (a whole day of the dataset) is shown as it is."""
    if isinstance(day, datetime):
        day = _local(day, zone).date()
    if language == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def datetime_text(moment: datetime, language: str, zone: tzinfo | None = None) -> str:
    """In the reader's zone: en "Nov 21, 2026, 15:05" / de "21.11.2026, 15:05"; zone unknown (or
    UTC itself): "Nov 21, 2026, 14:05 UTC" (naive datetimes are taken as UTC)."""
    local = _local(moment, zone)
    label = "" if zone is not None and getattr(zone, "key", None) not in UTC_NAMES else " UTC"  # UTC says so
    return f"{date_text(local.date(), language)}, {local:%H:%M}{label}"


def metric_value(metric_id: str, value: float, language: str) -> str:
    """A metric's figure: money for `*_usd` metrics, a plain number otherwise."""
    return money(value, language) if metric_id.endswith("_usd") else number(value, language)
