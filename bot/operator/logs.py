"""Logging for the command line and `serve`: one line per record, the record's `extra` fields after
the message as key=value, so `logger.warning("alert given up", extra={"delivery": 7})` reads
`... alert given up delivery=7`."""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# What every LogRecord carries; anything else on a record came from `extra`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class ExtraFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extra = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
        if not extra:
            return line
        fields = " ".join(f"{key}={_value(value)}" for key, value in extra.items())
        head, newline, rest = line.partition("\n")  # a traceback stays below the fields
        return f"{head} {fields}{newline}{rest}"


def _value(value: object) -> str:
    text = str(value)
    return repr(text) if not text or any(c.isspace() or c in "\"'=" for c in text) else text


def configure_logging(level: str) -> None:
    """The root logger at `level` (the LOG_LEVEL setting), writing to stderr. Like `basicConfig`, it
    leaves a root logger that already has handlers alone (pytest's, or an embedding program's)."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(ExtraFormatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
