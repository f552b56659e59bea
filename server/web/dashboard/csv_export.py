"""CSV for spreadsheets: UTF-8 with a BOM (Excel), and cells that cannot run as formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The value as text; text starting like a formula (= + - @, tab, CR) gets a leading quote so it stays text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a number is data, never a formula (negative changes stay numbers)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The whole CSV document, BOM first, every cell made safe."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A text/csv download of the rows."""
    response = Response(csv_text(header, rows).encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
