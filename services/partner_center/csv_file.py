"""One CSV file read lazily, row by row: UTF-8 with or without a BOM, CRLF or LF, quoted fields,
and the delimiter (`,` or `;`) read from the header row, as a German spreadsheet re-saves it.

Rows come with the line they start on (the header is line 1) and keys normalised the way SPEC 4.8
compares column names: case and spacing ignored."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from services.errors import DatasetError

DELIMITERS = (",", ";", "\t")
BOM = b"\xef\xbb\xbf"


@lru_cache(maxsize=1024)  # called for every value read: the same few dozen names
def column_key(name: str) -> str:
    """`Training Completion Date`, `trainingcompletiondate` and `TrainingCompletionDate` are one column."""
    return "".join(name.split()).casefold()


def problem(file: str, line: int, column: str | None, text: str) -> DatasetError:
    """`FILE:LINE:COLUMN: problem`, the form SPEC 4.3 gives for a bad CSV."""
    return DatasetError(f"{file}:{line}:{column}" if column else f"{file}:{line}", text)


class CsvFile:
    """`with CsvFile(path) as csv_file: for line, row in csv_file.rows(): ...`; nothing but the
    current row is held in memory."""

    def __init__(self, path: Path, name: str | None = None):
        self.path = path
        self.name = name or str(path)
        self._handle: BinaryIO | None = None
        self._line = 0
        self.delimiter = ","
        self.columns: tuple[str, ...] = ()  # as the header writes them
        self.keys: tuple[str, ...] = ()  # normalised
        self.header_line = 1  # 2 after Excel's `sep=;` line

    def __enter__(self) -> CsvFile:
        self._handle = self.path.open("rb")
        header = self._next_line()
        if header is None or not header.strip():
            raise problem(self.name, 1, None, "empty file: expected a header row")
        if header.lower().startswith("sep=") and len(header.strip()) == 5:  # Excel's delimiter hint line
            self.delimiter = header.strip()[4]
            header = self._next_line() or ""
        else:
            self.delimiter = max(DELIMITERS, key=header.count)
        self.columns = tuple(c.strip() for c in next(csv.reader([header], delimiter=self.delimiter)))
        self.keys = tuple(column_key(c) for c in self.columns)
        self.header_line = self._line
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._handle:
            self._handle.close()

    @property
    def position(self) -> int:
        """Bytes read so far, for a progress bar."""
        return self._handle.tell() if self._handle else 0

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @property
    def decimal_comma(self) -> bool:
        """A `;`-separated file comes from a spreadsheet whose numbers use decimal commas."""
        return self.delimiter == ";"

    def column(self, key: str) -> str:
        """The column as this file spells it, for messages."""
        return self.columns[self.keys.index(key)] if key in self.keys else key

    def _next_line(self) -> str | None:
        assert self._handle is not None
        raw = self._handle.readline()
        if not raw:
            return None
        self._line += 1
        if self._line == 1 and raw.startswith(BOM):
            raw = raw[len(BOM):]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise problem(self.name, self._line, None, f"not UTF-8 text (byte {exc.start + 1} of the line); save the file as \"CSV UTF-8\"") from None

    def _lines(self) -> Iterator[str]:
        while (line := self._next_line()) is not None:
            yield line

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line the record starts on, {column key: value without surrounding spaces}); blank lines
        are skipped, missing trailing fields read as empty."""
        keys = self.keys
        width = len(keys)
        reader = csv.reader(self._lines(), delimiter=self.delimiter)
        while True:
            start = self._line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise problem(self.name, start, None, f"not readable as CSV ({exc})") from None
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                raise problem(self.name, start, None, f"{len(fields)} fields, but the header has {width}")
            if len(fields) < width:
                fields += [""] * (width - len(fields))
            yield start, {k: v.strip() for k, v in zip(keys, fields)}
