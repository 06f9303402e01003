"""The conversation reference of an inbound activity, as msrest serializes it, made once per place.

Every message stores (or checks) where its sender can be reached again: botbuilder's
`TurnContext.get_conversation_reference(activity).serialize()`. msrest's walk over those three small
models cost about 0.15 ms a message, more than the rest of identifying the member, and for one
person in one conversation it gives the same document every time except for the message's id. So
the document without the id is kept per distinct reference (every attribute of every model in it,
`additional_properties` included, is the key) and the id is put in front of it."""

from __future__ import annotations

from collections import OrderedDict
from enum import Enum
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from msrest.serialization import Model

KEPT = 4096  # distinct (person, conversation, service URL...) references kept; the oldest go first
_kept: OrderedDict[object, dict[str, Any]] = OrderedDict()
_SCALARS = (str, int, float, bool, type(None), Enum)


class _Unkeyable(Exception):
    """A value this module does not know to be immutable and fully described by its value."""


def _key(value: object) -> object:
    if isinstance(value, Model):
        return (type(value), tuple(sorted((name, _key(field)) for name, field in vars(value).items())))
    if isinstance(value, dict):
        if not all(type(k) is str for k in value):
            raise _Unkeyable
        return (dict, tuple(sorted((k, _key(v)) for k, v in value.items())))
    if isinstance(value, list):
        return (list, tuple(_key(v) for v in value))
    if isinstance(value, _SCALARS):
        return (type(value), value)
    raise _Unkeyable


def serialized_reference(activity: Activity) -> dict[str, Any]:
    """What `TurnContext.get_conversation_reference(activity).serialize()` returns (a new dict; the
    nested ones are shared with later calls for the same place, so read them, do not change them)."""
    reference = TurnContext.get_conversation_reference(activity)
    activity_id = reference.activity_id
    if activity_id is not None and type(activity_id) is not str:
        return reference.serialize()  # msrest would check or convert it: let it
    reference.activity_id = None
    try:
        key = _key(reference)
    except _Unkeyable:
        reference.activity_id = activity_id
        return reference.serialize()
    document = _kept.get(key)
    if document is None:
        document = _kept[key] = reference.serialize()
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    else:
        _kept.move_to_end(key)
    return dict(document) if activity_id is None else {"activityId": activity_id, **document}
