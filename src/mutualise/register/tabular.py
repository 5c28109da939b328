"""Reading CSV and XLSX files as header + rows of text, whatever their encoding or dialect.

CSV may be UTF-8 (with or without a byte-order mark) or Windows-1252 (what Excel on Windows
writes); XLSX is read with openpyxl in read-only mode so a large file is streamed.

An XLSX is a zip of XML, so a small upload can unpack to gigabytes or hold millions of shared
strings that openpyxl reads before the first row. Before openpyxl sees it, the archive's parts
must unpack to at most XLSX_MAX_UNPACKED bytes at no more than XLSX_MAX_RATIO times their packed
size, and its shared strings number at most the cell limit; while reading, at most
XLSX_MAX_COLUMNS columns and MAX_CELLS cells are read. A damaged part is a TableError naming
the line, never an IndexError from deep inside the reader.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

MAX_CELLS = 30_000_000  # 600,000 rows of 50 columns
XLSX_MAX_COLUMNS = 1024
XLSX_MAX_UNPACKED = 2_000_000_000
XLSX_MAX_RATIO = 100  # real spreadsheets pack 5-20 times; a zip bomb thousands
_RATIO_FROM = 10_000_000  # small parts may pack tighter than that, harmlessly


class TableError(ValueError):
    """The file cannot be read as a table; the message names the file and line."""


def whole_number(text, *, max_digits: int = 12) -> int | None:
    """`text` as a whole number when it is written in ASCII digits and no longer than
    `max_digits`; else None. str.isdigit() alone lets '²' and '٣' through, and int() of a
    5,000-digit string raises: both would be a crash where the user should be told."""
    text = str(text).strip()
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None


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


def _check_archive(data: bytes, file_name: str) -> None:
    """Refuse a zip bomb or a flood of shared strings before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except Exception as exc:  # BadZipFile, NotImplementedError, ValueError, ...
        raise TableError(f"{file_name}: not a readable XLSX workbook ({exc})") from None
    unpacked = 0
    for part in parts:
        unpacked += part.file_size
        ratio_limit = XLSX_MAX_RATIO * max(part.compress_size, 1)
        if part.file_size > _RATIO_FROM and part.file_size > ratio_limit:
            raise TableError(
                f"{file_name}: part {part.filename} unpacks to {part.file_size:,} bytes from "
                f"{part.compress_size:,}; a real spreadsheet does not (refused as a zip bomb)"
            )
    if unpacked > XLSX_MAX_UNPACKED:
        raise TableError(
            f"{file_name}: unpacks to {unpacked:,} bytes, more than {XLSX_MAX_UNPACKED:,}: "
            "split it into smaller files"
        )
    strings = next((p for p in parts if p.filename.endswith("sharedStrings.xml")), None)
    if strings is not None:
        count, tail = 0, b""
        try:
            with archive.open(strings) as stream:
                while chunk := stream.read(1 << 20):
                    joined = tail + chunk
                    count += joined.count(b"<si>") + joined.count(b"<si ")
                    tail = joined[-3:]  # a tag split across chunks is counted in the next one
                    if count > MAX_CELLS:
                        break
        except Exception as exc:  # a damaged or unsupported zip member: many kinds
            raise TableError(f"{file_name}: not a readable XLSX workbook ({exc})") from None
        if count > MAX_CELLS:
            raise TableError(
                f"{file_name}: more than {MAX_CELLS:,} shared strings; the most a file "
                f"may hold is {MAX_CELLS:,} cells: split it into smaller files"
            )


def _read_xlsx(data: bytes, file_name: str) -> Table:
    # why: openpyxl is heavy: loaded for an XLSX only
    from openpyxl import load_workbook

    _check_archive(data, file_name)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS)
        header = [str(_cell(h)).strip() for h in next(values)]
    except StopIteration:
        raise TableError(f"{file_name}: the first sheet is empty") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise TableError(f"{file_name}: not a readable XLSX workbook ({exc})") from None
    while header and not header[-1]:
        header.pop()

    def rows():
        line, cells_read = 1, len(header)
        try:
            for line, row in enumerate(values, start=2):  # noqa: B007 (line names the error)
                cells = [_cell(v) for v in row]
                cells_read += len(cells)
                if cells_read > MAX_CELLS:
                    raise TableError(
                        f"{file_name}, line {line}: more than {MAX_CELLS:,} cells; "
                        "split the file into smaller ones"
                    )
                while len(cells) > len(header) and cells[-1] == "":
                    cells.pop()
                yield line, cells
        except TableError:
            raise
        except Exception as exc:  # e.g. a cell naming a shared string that is not there
            raise TableError(
                f"{file_name}, line {line + 1}: a damaged cell the file cannot be read past "
                f"({type(exc).__name__}: {exc})"
            ) from None
        finally:
            book.close()

    return Table(file_name, "xlsx", header, rows())
