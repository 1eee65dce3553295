"""Export and import files: CSV for spreadsheets, JSON for programs; both round-trip without loss.

In CSV, list fields hold their items separated by "; " (partner names may not contain ";"), and
multi-line lessons are quoted cells. Every row read back carries the line it starts on, so a problem
can be reported as "line 14: ...", in either format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal, TextIO

from bot.outcomes.models import OutcomeImportRow, OutcomeIn, OutcomeRecord

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")
# The id first, then what a person writes (in the form's order), then what the bot records
EXPORT_FIELDS = ["id", *OutcomeIn.model_fields, "logged_by", "logged_at", "updated_at"]
LIST_FIELDS = {"partners", "sectors", "factors"}
LIST_SEPARATOR = "; "


class FileFormatError(ValueError):
    """The file cannot be read as rows at all (broken JSON, unknown CSV column): nothing is imported."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}")


def export_row(record: OutcomeRecord) -> dict[str, Any]:
    """An outcome as plain JSON values, in the export's column order."""
    values = record.model_dump(mode="json")
    return {field: values[field] for field in EXPORT_FIELDS}


def write_rows(rows: Iterable[dict[str, Any]], out: TextIO, fmt: Format) -> int:
    if fmt == "csv":
        return _write_csv(rows, out)
    return _write_json(rows, out)


def _write_csv(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        cells = {
            key: LIST_SEPARATOR.join(value)
            if key in LIST_FIELDS
            else ("true" if value is True else "false" if value is False else "" if value is None else value)
            for key, value in row.items()
        }
        writer.writerow(cells)
        count += 1
    return count


def _write_json(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array with one outcome per line: valid JSON that still diffs and greps line by line."""
    out.write("[")
    count = 0
    for row in rows:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(row, ensure_ascii=False))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def read_rows(text: str, fmt: Format) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line where the row starts, raw values) for every row; validation is the caller's job."""
    text = text.removeprefix("\ufeff")
    if fmt == "csv":
        return _read_csv(text)
    return _read_json(text)


def _read_csv(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise FileFormatError(1, f"not valid CSV ({exc})") from None
    if header is None:
        return iter(())
    header = [name.strip() for name in header]
    known = set(OutcomeImportRow.model_fields)
    unknown = [name for name in header if name not in known]
    if unknown:
        raise FileFormatError(
            1, f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}"
        )
    if len(set(header)) != len(header):
        raise FileFormatError(1, "a column name appears twice")
    return _csv_rows(reader, header)


def _csv_rows(reader: Any, header: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileFormatError(line, f"not valid CSV ({exc})") from None
        if any(cell.strip() for cell in cells):
            if len(cells) != len(header):
                raise FileFormatError(line, f"expected {len(header)} cells, found {len(cells)}")
            yield line, dict(zip(header, cells, strict=True))
        line = reader.line_num + 1


def _read_json(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Walk the top-level array element by element so each element's starting line is known."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position == len(text):
        return iter(())
    if text[position] != "[":
        raise FileFormatError(_line(text, position), "expected a JSON array of outcomes")
    rows: list[tuple[int, dict[str, Any]]] = []
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return iter(rows)
    while True:
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise FileFormatError(
                _line(text, position), f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
            ) from None
        line = _line(text, position)
        if not isinstance(value, dict):
            raise FileFormatError(line, f"expected an object for each outcome, found {type(value).__name__}")
        rows.append((line, value))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            if _skip_space(text, position + 1) != len(text):
                raise FileFormatError(_line(text, position + 1), "unexpected text after the array")
            return iter(rows)
        raise FileFormatError(
            _line(text, min(position, len(text) - 1)), "expected ',' or ']' between outcomes"
        )


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
