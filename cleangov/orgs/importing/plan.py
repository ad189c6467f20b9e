"""What an import creates (the plan) and what is wrong with it (the report).

The plan holds typed rows only; an identity number is already reduced to its keyed hash and last
four characters here, so nothing after parsing can leak the raw number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

ERROR = "error"
WARNING = "warning"


@dataclass
class Location:
    """Where a row came from, in the words a person uses looking at the file in Excel."""

    source: str  # file name
    sheet: str | None  # worksheet title, None for CSV
    row: int  # 1-based, the header row is row 1 when it is the first row
    columns: dict[str, str] = field(default_factory=dict)  # field → header as written in the file

    def column(self, field_name: str | None) -> str | None:
        if field_name is None:
            return None
        return self.columns.get(field_name, field_name)


@dataclass
class UnitRow:
    code: str
    name: str
    level: str
    parent_code: str = ""
    name_en: str = ""
    city: str = ""
    active_from: date | None = None
    active_to: date | None = None
    loc: Location | None = None


@dataclass
class PersonRow:
    code: str
    name: str
    id_hash: str = ""
    id_last4: str = ""
    gender: str = ""
    party: str = "none"
    local_grade: str = ""
    phone: str = ""
    home_unit_code: str = ""
    loc: Location | None = None


@dataclass
class PostRow:
    person_code: str
    unit_code: str
    post_type: str
    start_date: date
    end_date: date | None = None
    loc: Location | None = None


@dataclass
class RelationRow:
    """``kind`` says what the relative is to the person: relative_code is person_code's <kind>."""

    person_code: str
    relative_code: str
    kind: str
    loc: Location | None = None


@dataclass
class OrgImportPlan:
    units: list[UnitRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    relations: list[RelationRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"units": len(self.units), "people": len(self.people), "posts": len(self.posts),
                "relations": len(self.relations)}

    def total(self) -> int:
        return sum(self.counts().values())


@dataclass
class Problem:
    """One finding of the validation. ``message`` is a lazy translation with named placeholders and
    ``params`` fills them, so the same report reads in Chinese or English at display time."""

    severity: str
    message: object
    params: dict = field(default_factory=dict)
    source: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    @property
    def reason(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def where(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.sheet:
            parts.append(str(_("sheet “%(sheet)s”") % {"sheet": self.sheet}))
        if self.row is not None:
            parts.append(str(_("row %(row)s") % {"row": self.row}))
        if self.column:
            parts.append(str(_("column “%(column)s”") % {"column": self.column}))
        return ", ".join(parts)

    def __str__(self) -> str:
        label = _("Error") if self.severity == ERROR else _("Warning")
        where = self.where()
        if where:
            return str(_("%(label)s: %(where)s: %(reason)s") % {"label": label, "where": where, "reason": self.reason})
        return str(_("%(label)s: %(reason)s") % {"label": label, "reason": self.reason})

    def as_dict(self) -> dict:
        """A JSON-friendly form for the web UI (strings rendered in the active language)."""
        return {"severity": self.severity, "source": self.source, "sheet": self.sheet, "row": self.row,
                "column": self.column, "reason": self.reason}


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)

    def add(self, severity: str, loc: Location | None, field_name: str | None, message, **params) -> None:
        if loc is None:
            self.problems.append(Problem(severity, message, params, column=field_name))
            return
        self.problems.append(Problem(severity, message, params, source=loc.source, sheet=loc.sheet, row=loc.row,
                                     column=loc.column(field_name)))

    def error(self, loc: Location | None, field_name: str | None, message, **params) -> None:
        self.add(ERROR, loc, field_name, message, **params)

    def warning(self, loc: Location | None, field_name: str | None, message, **params) -> None:
        self.add(WARNING, loc, field_name, message, **params)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def sorted(self) -> list[Problem]:
        """By file and sheet in the order they were read, then by row: the order a person fixes them in."""
        order: dict[tuple, int] = {}
        for problem in self.problems:
            order.setdefault((problem.source, problem.sheet), len(order))
        return sorted(self.problems, key=lambda p: (order[(p.source, p.sheet)], p.row or 0, p.severity != ERROR))

    def lines(self) -> list[str]:
        return [str(p) for p in self.sorted()]
