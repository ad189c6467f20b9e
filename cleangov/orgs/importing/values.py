"""Cell values: dates as Excel and people write them, and resident identity numbers (GB 11643-1999)."""

from __future__ import annotations

import re
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"  # a time part, as some exports append
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

# Excel's serial day numbers (1900 date system): 1 = 1900-01-01, 2958465 = 9999-12-31.
_EXCEL_SERIAL_RANGE = (1, 2958465)


def parse_date(value, *, epoch=None) -> date | None:
    """A date from a real date cell, an Excel serial number or text such as 2024-01-05,
    2024/1/5, 2024.1.5, 20240105 or 2024年1月5日. Empty gives None; anything else raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (_EXCEL_SERIAL_RANGE[0] <= value <= _EXCEL_SERIAL_RANGE[1]):
            raise ValueError(value)
        converted = from_excel(value, epoch) if epoch is not None else from_excel(value)
        return converted.date() if isinstance(converted, datetime) else converted
    text = str(value).strip()
    match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return date(year, month, day)  # raises ValueError for 2024-02-30


# --- Resident identity numbers ------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def identity_check_character(first17: str) -> str:
    """The check character of GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_identity_number(raw: str) -> str:
    return re.sub(r"\s", "", str(raw)).upper().replace("x", "X")


def mask_identity_number(raw) -> str:
    """Only the last four characters are ever shown, in reports and error messages alike."""
    text = normalise_identity_number(raw) if raw is not None else ""
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def identity_problem(number: str) -> str | None:
    """None when ``number`` is a well-formed 18-character identity number, else a short code of
    what is wrong: ``length``, ``characters``, ``birth_date`` or ``checksum``."""
    if len(number) != 18:
        return "length"
    if not _ID_SHAPE.match(number):
        return "characters"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900:
        return "birth_date"
    if identity_check_character(number[:17]) != number[17]:
        return "checksum"
    return None


def identity_gender(number: str) -> str:
    """The 17th digit is odd for men and even for women (GB 11643-1999 §5.3 sequence code)."""
    return "male" if int(number[16]) % 2 else "female"


def cell_text(value) -> str:
    """A cell as text: integral floats lose their ".0" (Excel stores codes like 101 as 101.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
