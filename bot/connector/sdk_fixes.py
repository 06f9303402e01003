"""Repairs to the retired SDK's dependencies, applied once by the composition root (bot/bootstrap.py)
before the first adapter is built. Each keeps msrest's behaviour exactly and only removes wasted work;
tests/unit/test_sdk_fixes.py shows it. They were written against msrest 0.7.1 and refuse any other
version: a new msrest may have moved, fixed or changed what they replace.

- msrest 0.7.1 (botbuilder's HTTP client library) builds every client's retry policy by testing each of
  999 status codes for membership in a 501-item *list*: about 3 ms of CPU per client. The SDK builds two
  clients per turn (the connector and the user-token client) and one per proactive send, so that scan
  was the largest single cost of an echo turn. A frozenset with the same members gives the same policy.
- msrest serializes an attachment's content (an Adaptive Card: a tree of dicts and lists) node by node:
  each string through an exception (`str.value` → AttributeError → `str(data)`), each number or bool
  through `eval("int")(data)`, each dict or list after a scan of all ~150 connector model classes. For
  exactly `str`, `int`, `float` and `bool` those calls return an equal value, so it is returned directly;
  dicts and lists take msrest's own branches before the model scan (they are never model classes); all
  else (enums, dates, models, subclasses, custom serializers) still goes through msrest."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import version
from typing import Any

from msrest.serialization import Serializer
from msrest.universal_http.requests import ClientRetryPolicy

MSREST_VERSION = "0.7.1"  # the msrest the repairs below were written for and checked against
# Our copies of private botbuilder code, each checked against 4.17.1's source: ShallowSendTurnContext and
# CompetencyAdapter._create_turn_context (bot/hosting/adapter.py), ActivityOperations and the pool's use of
# the connector client's private parts (bot/connector/wire.py, pool.py), SignInPrompt (dialogs/link_msa_dialog.py).
BOTBUILDER_VERSIONS = {"botbuilder-core": "4.17.1", "botbuilder-dialogs": "4.17.1", "botframework-connector": "4.17.1"}

_msrest_serialize_object = Serializer.serialize_object


_PLAIN = frozenset((str, int, float, bool))


def _serialize_object(self: Serializer, attr: Any, **kwargs: Any) -> Any:
    kind = type(attr)
    if kind in _PLAIN and "basic_types_serializers" not in kwargs:
        return attr
    if kind is dict:
        serialized = {}
        for key, value in attr.items():
            key = key if type(key) is str else self.serialize_unicode(key)
            try:
                serialized[key] = _serialize_object(self, value, **kwargs)
            except ValueError:
                serialized[key] = None
        return serialized
    if kind is list:
        items = []
        for item in attr:
            try:  # noqa: SIM105 - a hot path: contextlib.suppress costs a context manager per item
                items.append(_serialize_object(self, item, **kwargs))
            except ValueError:
                pass
        return items
    return _msrest_serialize_object(self, attr, **kwargs)


class SdkVersionError(RuntimeError):
    """The installed msrest is not the one the repairs were written for."""


def check_msrest_version(installed: str) -> None:
    if installed != MSREST_VERSION:
        raise SdkVersionError(
            f"bot/connector/sdk_fixes.py patches msrest {MSREST_VERSION}, but msrest {installed} is installed: check that each "
            "patch still keeps msrest's behaviour (tests/unit/test_sdk_fixes.py), then update MSREST_VERSION"
        )


def check_botbuilder_versions(installed: Mapping[str, str]) -> None:
    wrong = {name: got for name, got in sorted(installed.items()) if got != BOTBUILDER_VERSIONS[name]}
    if wrong:
        raise SdkVersionError(
            "our copies of private botbuilder code were written for "
            + ", ".join(f"{name} {BOTBUILDER_VERSIONS[name]}" for name in wrong)
            + ", but "
            + ", ".join(f"{name} {got}" for name, got in wrong.items())
            + " is installed: compare bot/hosting/adapter.py, bot/connector/wire.py and dialogs/link_msa_dialog.py with the new "
            "release's source (tests/unit/test_connector_wire.py, tests/dialogs, tests/e2e), then update BOTBUILDER_VERSIONS"
        )


def apply_sdk_fixes() -> None:
    """Patch msrest, once per process (a second call changes nothing)."""
    if Serializer.serialize_object is _serialize_object:
        return
    check_msrest_version(version("msrest"))
    check_botbuilder_versions({name: version(name) for name in BOTBUILDER_VERSIONS})
    ClientRetryPolicy.safe_codes = frozenset(ClientRetryPolicy.safe_codes)  # type: ignore[assignment]  # same members, O(1) lookups
    Serializer.serialize_object = _serialize_object  # type: ignore[method-assign]  # the patch itself
