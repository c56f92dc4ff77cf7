"""Rankings and the grid table as files the office opens in Excel or WPS: CSV (UTF-8 with a
BOM, so Excel reads the Chinese) and XLSX (openpyxl).

A text cell that starts like a formula (= + - @, a tab or a carriage return) gets a leading
apostrophe, so a name like "=HYPERLINK(…)" is shown as text and never run (OWASP CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def harmless(value):
    """Numbers stay numbers; text that could start a formula is made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([harmless(h) for h in headers])
    for row in rows:
        writer.writerow([harmless(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([harmless(h) for h in headers])
    for row in rows:
        sheet.append([harmless(v) for v in row])
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    for column, header in zip("ABCDEFGH", headers, strict=False):
        sheet.column_dimensions[column].width = max(10, 2 * len(header) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
