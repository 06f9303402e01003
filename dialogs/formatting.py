"""Numbers, money, dates and metric names as English or German readers expect them, without locale
libraries (the process locale is shared by every conversation, so `locale` is no help here).

Money is always USD, the currency of the catalog's `_usd` metrics. Times are shown in UTC, the
moment the domain works in; users in other zones read "UTC" and convert.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The metric ids of the bundled catalog (services/data/catalog.json). A catalog may bring new ones:
# they read as their id with spaces, until a name is added here.
_METRIC_LABELS: dict[str, tuple[str, str]] = {
    "azure_consumption_usd": ("Azure consumption", "Azure-Verbrauch"),
    "azure_security_consumption_usd": ("Azure security consumption", "Azure-Sicherheitsverbrauch"),
    "azure_analytics_consumption_usd": ("Azure analytics consumption", "Azure-Analyseverbrauch"),
    "power_bi_seats": ("Power BI seats", "Power BI-Lizenzen"),
    "o365_active_users": ("Office 365 active users", "aktive Office 365-Nutzer"),
    "o365_new_customers": ("new Office 365 customers", "neue Office 365-Kunden"),
    "ems_new_customers": ("new EMS customers", "neue EMS-Kunden"),
    "ems_active_entitlements": ("active EMS entitlements", "aktive EMS-Berechtigungen"),
    "mw_deployments_enterprise": ("Modern Work deployments (enterprise)", "Modern Work-Bereitstellungen (Großkunden)"),
    "mw_deployments_smb": ("Modern Work deployments (SMB)", "Modern Work-Bereitstellungen (KMU)"),
    "mw_net_customer_adds_enterprise": ("Modern Work net customer adds (enterprise)", "Modern Work-Nettoneukunden (Großkunden)"),
    "mw_net_customer_adds_smb": ("Modern Work net customer adds (SMB)", "Modern Work-Nettoneukunden (KMU)"),
    "mw_mau_growth_enterprise": ("Modern Work usage growth (enterprise)", "Modern Work-Nutzungswachstum (Großkunden)"),
    "mw_mau_growth_smb": ("Modern Work usage growth (SMB)", "Modern Work-Nutzungswachstum (KMU)"),
}


def number(value: float, language: str) -> str:
    """en "12,000" / de "12.000"; two decimals only when there is a fraction: "1,234.50" / "1.234,50"."""
    rounded = round(float(value), 2)
    english = f"{int(rounded):,}" if rounded.is_integer() else f"{rounded:,.2f}"
    if language != "de":
        return english
    return english.translate(str.maketrans({",": ".", ".": ","}))


def money(value: float, language: str) -> str:
    """US dollars: en "$12,000" / de "12.000 $" (German puts the symbol after the amount)."""
    sign = "-" if value < 0 else ""
    amount = number(abs(value), language)
    return f"{sign}{amount} $" if language == "de" else f"{sign}${amount}"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def date_text(day: date | datetime, language: str) -> str:
    """en "Nov 21, 2026" / de "21.11.2026". A datetime shows its UTC day."""
    if isinstance(day, datetime):
        day = _utc(day).date()
    if language == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def datetime_text(moment: datetime, language: str) -> str:
    """en "Nov 21, 2026, 14:05 UTC" / de "21.11.2026, 14:05 UTC" (naive datetimes are taken as UTC)."""
    moment = _utc(moment)
    return f"{date_text(moment.date(), language)}, {moment:%H:%M} UTC"


def metric_value(metric_id: str, value: float, language: str) -> str:
    """A metric's figure: money for `*_usd` metrics, a plain number otherwise."""
    return money(value, language) if metric_id.endswith("_usd") else number(value, language)


def metric_label(metric_id: str, language: str) -> str:
    """A readable name for a catalog metric id; unknown ids read as the id with spaces."""
    labels = _METRIC_LABELS.get(metric_id)
    if labels is None:
        return metric_id.replace("_", " ")
    return labels[1] if language == "de" else labels[0]
