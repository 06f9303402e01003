"""SQLAlchemy 2 models. One table per dataset section, plus the catalog history and link history."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always returns an aware UTC datetime, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give an offset")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class CatalogRow(Base):
    """Every imported catalog; the newest is the active one (SPEC 4.5)."""

    __tablename__ = "catalogs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OrganizationRow(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    tenant_id: Mapped[str] = mapped_column(String(200), index=True)
    market: Mapped[str] = mapped_column(String(20), default="developed")
    membership_level: Mapped[str | None] = mapped_column(String(10))
    membership_purchased_on: Mapped[date | None] = mapped_column(Date)
    membership_expires_on: Mapped[date | None] = mapped_column(Date)


class HeldLevelRow(Base):
    __tablename__ = "held_levels"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    competency: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    since: Mapped[date | None] = mapped_column(Date)


class OrganizationSpecializationRow(Base):
    __tablename__ = "organization_specializations"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    specialization: Mapped[str] = mapped_column(String(200), primary_key=True)
    audit_passed_on: Mapped[date | None] = mapped_column(Date)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    aad_object_id: Mapped[str | None] = mapped_column(String(200), index=True)
    upn: Mapped[str | None] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text)
    roles: Mapped[str] = mapped_column(String(100), default="employee")  # comma-separated
    locale: Mapped[str | None] = mapped_column(String(20))
    left_on: Mapped[date | None] = mapped_column(Date)


class MsaLinkRow(Base):
    """The current link of a user to an MSA. `dissolved_at` is set when the MSA moved (R4)."""

    __tablename__ = "msa_links"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    msa: Mapped[str] = mapped_column(String(320), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30), default="both")
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dissolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_msa_links_msa", "msa"),)


class LinkEventRow(Base):
    """Every association made through the bot, for the yearly cap and the cool-down (R4)."""

    __tablename__ = "link_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    msa: Mapped[str] = mapped_column(String(320), index=True)
    user_id: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AchievementRow(Base):
    __tablename__ = "achievements"
    msa: Mapped[str] = mapped_column(String(320), primary_key=True)
    code: Mapped[str] = mapped_column(String(200), primary_key=True)
    earned_at: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kind: Mapped[str | None] = mapped_column(String(20))


class MetricValueRow(Base):
    __tablename__ = "metric_values"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    metric: Mapped[str] = mapped_column(String(200), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class OverrideRow(Base):
    __tablename__ = "overrides"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    competency: Mapped[str] = mapped_column(String(200), primary_key=True)
    option: Mapped[str] = mapped_column(String(200), primary_key=True)
    level: Mapped[str] = mapped_column(String(10), primary_key=True)
    starts_on: Mapped[date] = mapped_column(Date, primary_key=True)
    ends_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)


class BotStateRow(Base):
    """One botbuilder storage item (conversation, user or dialog state) as jsonpickle JSON.

    `e_tag` is kept out of `document` so that a conditional UPDATE on it can decide, inside the
    database, which of two concurrent bot instances wins."""

    __tablename__ = "bot_state"
    key: Mapped[str] = mapped_column(String(1024), primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    e_tag: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConversationReferenceRow(Base):
    """Where the bot can reach a user proactively: the Bot Framework conversation reference as JSON
    (a protocol object, portable to the Agents SDK), refreshed on every message."""

    __tablename__ = "conversation_references"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(500), primary_key=True)
    organization_id: Mapped[str] = mapped_column(String(200), index=True)
    personal: Mapped[bool] = mapped_column(Boolean, default=True)
    reference: Mapped[str] = mapped_column(Text)
    locale: Mapped[str | None] = mapped_column(String(20))
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name from Teams' clientInfo (migration 0006)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the bot was removed: never send again


class UserPreferenceRow(Base):
    __tablename__ = "user_preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    alerts_muted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AlertCauseRow(Base):
    """One occurrence of an alert cause (R10). A cause that clears and recurs is a new occurrence."""

    __tablename__ = "alert_causes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organization_id: Mapped[str] = mapped_column(String(200), index=True)
    key: Mapped[str] = mapped_column(String(1000))
    occurrence: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[str] = mapped_column(Text)  # JSON
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ux_alert_causes_key", "organization_id", "key", "occurrence", unique=True),)


class AlertDeliveryRow(Base):
    """The outbox: one row per (alert, recipient); a sender claims due rows and records the outcome."""

    __tablename__ = "alert_deliveries"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cause_id: Mapped[int] = mapped_column(ForeignKey("alert_causes.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(200))
    conversation_id: Mapped[str] = mapped_column(String(500))
    state: Mapped[str] = mapped_column(String(20), default="pending")  # pending, claimed, sending, sent, dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ux_alert_deliveries_cause_user", "cause_id", "user_id", unique=True),
        Index("ix_alert_deliveries_due", "state", "next_attempt_at"),
    )


class OrganizationVersionRow(Base):
    """Bumped whenever an organisation's data changes (import, MSA link), so every bot instance knows
    when its cached evaluation of that organisation is stale."""

    __tablename__ = "organization_versions"
    organization_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)


class OrganizationScanRow(Base):
    """The last alert scan of an organisation: the data version and catalog it judged and until when
    its findings hold (NULL: never scanned); `claimed_by` / `lease_until`: the scanner judging it now."""

    __tablename__ = "organization_scans"
    organization_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[int | None] = mapped_column(Integer)
    catalog_id: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
