"""Reading CSV and XLSX files as header + rows of text, whatever their encoding or dialect.

CSV may be UTF-8 (with or without a byte-order mark) or Windows-1252 (what Excel on Windows
writes); XLSX is read with openpyxl in read-only mode so a large file is streamed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime


class TableError(ValueError):
    """The file cannot be read as a table; the message names the file and line."""


@dataclass
class Table:
    file_name: str
    encoding: str
    header: list[str]
    # (line number in the file, cells); cells are text, or date for XLSX date cells.
    rows: Iterator[tuple[int, list]]


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        # cp1252 leaves five bytes undefined; such a file is in some other encoding.
        line = data[: exc.start].count(b"\n") + 1
        raise TableError(
            f"{file_name}, line {line}: the file is neither UTF-8 nor Windows-1252 text"
        ) from None


CODECS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "windows-1252": "cp1252"}


def read_table(data: bytes, file_name: str) -> Table:
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data, file_name)
    _, encoding = decode(data, file_name)  # checks the whole file; the text is not kept
    codec = CODECS[encoding]
    sample = data[:8192].decode(codec, errors="ignore")
    if not sample.strip():
        raise TableError(f"{file_name}: the file is empty")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # Decoded as it is read, so a large file is in memory once (as bytes), not three times.
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    reader = csv.reader(stream, dialect)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise TableError(f"{file_name}, line 1: {exc}") from None

    def rows():
        line = reader.line_num + 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise TableError(f"{file_name}, line {line}: {exc}") from None

    return Table(file_name, encoding, header, rows())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, file_name: str) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"{file_name}: not a readable XLSX workbook ({exc})") from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [str(_cell(h)).strip() for h in next(values)]
    except StopIteration:
        raise TableError(f"{file_name}: the first sheet is empty") from None
    while header and not header[-1]:
        header.pop()

    def rows():
        for line, row in enumerate(values, start=2):
            cells = [_cell(v) for v in row]
            while len(cells) > len(header) and cells[-1] == "":
                cells.pop()
            yield line, cells
        book.close()

    return Table(file_name, "xlsx", header, rows())
