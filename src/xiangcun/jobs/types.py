"""The values other apps compare against (roles, statuses) and the plain records jobs hands out."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRole(models.TextChoices):
    DRIVER = "driver", _("Driver")
    COURIER = "courier", _("Delivery courier")
    PACKER = "packer", _("Packaging worker")
    WAREHOUSE = "warehouse", _("Warehouse worker")
    AGENT = "agent", _("Station agent")
    OTHER = "other", _("Other work")


class PostingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENED = "screened", _("Screened")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Source(models.TextChoices):
    ONLINE = "online", _("Online, by the person")
    AGENT = "agent", _("At a service centre")
    FAIR = "fair", _("At a career fair")


@dataclass(frozen=True)
class Hire:
    """What a hire handler (see services.hire_handler_register) learns about a new hire."""

    user: Any
    role: str
    station_id: int | None
    posting_id: int
    employment_id: int


@dataclass(frozen=True)
class PostingCard:
    id: int
    title: str
    role: str
    role_label: str
    site: str
    township: str
    township_code: str
    wage_min: int
    wage_max: int
    headcount: int
    filled: int
    status: str
    closes_on: Any


@dataclass(frozen=True)
class FairReport:
    fair_id: int
    total: int
    registrations: int
    walk_ins: int
    by_role: dict[str, int] = field(default_factory=dict)
    by_township: dict[str, int] = field(default_factory=dict)
    by_household: dict[str, int] = field(default_factory=dict)


# --- For the programme's figures (impact) ---------------------------------------------------


@dataclass(frozen=True)
class EmploymentFact:
    """A hire as the impact figures read it: who, the posting's role and township, from when,
    at what monthly wage (whole yuan)."""

    employment_id: int
    user_id: int
    role: str
    township_id: int
    start_date: date
    monthly_wage: int


@dataclass(frozen=True)
class EmploymentChanges:
    """What changed in jobs since a time: the start days of hires recorded or changed (their
    hire counts), and the earliest start of a changed employment (its wages run from then on)."""

    hire_days: frozenset[date]
    wages_from: date | None
