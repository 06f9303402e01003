"""Domain exceptions: each carries a message fit to show an operator or to turn into a reply."""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every error a caller is expected to handle."""


class UnknownOrganization(DomainError):
    def __init__(self, organization_id: str):
        super().__init__(f"unknown organization '{organization_id}'")
        self.organization_id = organization_id


class UnknownUser(DomainError):
    def __init__(self, user_id: str):
        super().__init__(f"unknown user '{user_id}'")
        self.user_id = user_id


class DatasetError(DomainError):
    """A dataset that cannot be imported; `path` names the offending field (`users[3].organization`)."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class LinkRefused(DomainError):
    """R4 caps: the MSA cannot be linked again before `retry_at`."""

    def __init__(self, reason: str, retry_at: datetime):
        super().__init__(f"linking refused ({reason}); it will work again from {retry_at.isoformat()}")
        self.reason = reason
        self.retry_at = retry_at


class UnknownCredential(DomainError):
    def __init__(self, code: str):
        super().__init__(f"unknown credential '{code}'")
        self.code = code


class UnknownCompetency(DomainError):
    def __init__(self, competency_id: str):
        super().__init__(f"unknown competency '{competency_id}'")
        self.competency_id = competency_id


class ChangeImpossible(DomainError):
    """A what-if change that cannot apply: a credential to lose that the person does not hold."""
