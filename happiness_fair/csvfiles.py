"""Reading a CSV file an office made: UTF-8 (with or without Excel's BOM) or GB18030.

Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK, which GB18030 covers; "CSV UTF-8" adds a
byte-order mark. Each file is decoded strictly as one of those, never guessed character by
character, and whatever is wrong is said in one line that names the line of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

UTF8_BOM = "UTF-8 with BOM"
UTF8 = "UTF-8"
GB18030 = "GB18030 (GBK)"
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SAVE_AS = 'save it from Excel as "CSV UTF-8"'


class CsvProblem(ValueError):
    """A file that cannot be read, in one line naming where (shown to the operator as it is)."""


@dataclass
class CsvTable:
    encoding: str
    fieldnames: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, row)


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was in: UTF-8 (BOM or not), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8_BOM
        except UnicodeDecodeError as err:
            line = _line_of(data, err.start + len(codecs.BOM_UTF8))
            raise CsvProblem(f"line {line}: not valid UTF-8; {SAVE_AS} again") from None
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError as utf8_error:
        # Chinese text read well up to here: a UTF-8 file with a damaged line, not a GBK file
        # (GBK's byte pairs never decode to Chinese characters as UTF-8 this far).
        if _HAN.search(data[: utf8_error.start].decode("utf-8")):
            line = _line_of(data, utf8_error.start)
            raise CsvProblem(f"line {line}: not valid UTF-8; {SAVE_AS} again") from None
    try:
        return data.decode("gb18030"), GB18030
    except UnicodeDecodeError as err:
        line = _line_of(data, err.start)
        raise CsvProblem(
            f"line {line}: the file is neither UTF-8 nor GB18030 (GBK); {SAVE_AS}"
        ) from None


def read_table(data: bytes, required: Sequence[str] = ()) -> CsvTable:
    """Decode and parse a CSV file with a header line; every row keeps its line number."""
    text, encoding = decode(data)
    if "\x00" in text:
        raise CsvProblem(
            f"line {text.count(chr(10), 0, text.index(chr(0))) + 1}: "
            f"a NUL byte: this is not a CSV text file; {SAVE_AS}"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1  # the line the record being read began on (a quoted field may span lines)
    try:
        header = next(reader, None)
        if header is None:
            raise CsvProblem("line 1: the file is empty; it needs a header line")
        names = [name.strip() for name in header]
        missing = [name for name in required if name not in names]
        if missing:
            raise CsvProblem(f"line 1: the header lacks: {', '.join(missing)}")
        table = CsvTable(encoding=encoding, fieldnames=names)
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(value.strip() for value in values):
                continue  # an empty line (Excel writes ",,," for one)
            if any(value.strip() for value in values[len(names) :]):
                raise CsvProblem(
                    f"line {line}: {len(values)} fields where the header has {len(names)}"
                )
            values = (values + [""] * len(names))[: len(names)]
            table.rows.append((line, dict(zip(names, values, strict=True))))
    except csv.Error as err:
        said = str(err)
        if "unexpected end of data" in said:
            said = 'a quote (") opened on this line is never closed'
        raise CsvProblem(f"line {start}: {said}") from None
    return table
