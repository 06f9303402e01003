"""What every row reader shares: the file, the catalog's names, `--org`, the skip counts, and values
parsed with the file's conventions, each error naming `FILE:LINE:COLUMN`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from services.errors import DatasetError
from services.partner_center.csv_file import CsvFile, column_key, problem
from services.partner_center.matching import CatalogNames
from services.partner_center.skipped import Skipped
from services.partner_center.values import parse_moment, parse_month, parse_number


@dataclass
class RowContext:
    file: CsvFile
    names: CatalogNames
    organization: str | None  # `--org`
    skipped: Skipped
    # Organisations rows named, skipped rows too, first line and column each: checked a chunk at a time.
    organizations: dict[str, tuple[int, str]] = field(default_factory=dict)

    def error(self, line: int, column: str, text: str) -> DatasetError:
        return problem(self.file.name, line, self.file.column(column_key(column)), text)

    @staticmethod
    def text(row: dict[str, str], column: str) -> str:
        return row.get(column_key(column), "")

    def moment(self, row: dict[str, str], line: int, column: str, required: bool = True) -> datetime | None:
        value = self.text(row, column)
        if not value:
            if required:
                raise self.error(line, column, "empty; expected a date")
            return None
        try:
            return parse_moment(value)
        except ValueError as exc:
            raise self.error(line, column, str(exc)) from None

    def month(self, row: dict[str, str], line: int, column: str) -> str:
        try:
            return parse_month(self.text(row, column))
        except ValueError as exc:
            raise self.error(line, column, str(exc)) from None

    def number(self, row: dict[str, str], line: int, column: str, required: bool = True) -> float | None:
        value = self.text(row, column)
        if not value:
            if required:
                raise self.error(line, column, "empty; expected a number")
            return None
        try:
            return parse_number(value, self.file.decimal_comma)
        except ValueError as exc:
            raise self.error(line, column, str(exc)) from None
