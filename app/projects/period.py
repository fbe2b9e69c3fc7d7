"""旬 (ten-day periods): the 1st–10th (上旬), the 11th–20th (中旬) and the 21st to the end of
the month (下旬, 8 to 11 days: February has 8 or 9). A period is written `2026-11-3` (year,
month, part 1–3); the 旬 containing a date, the one before, their first and last days, and
their names in Chinese (2026年11月下旬) and English (late November 2026). Free of Flask."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg

from ..errors import BadRequest, Text
from ..labels import N_

_PARTS_ZH = ("上旬", "中旬", "下旬")
_PARTS_EN = ("early", "mid", "late")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")
_SHAPE = re.compile(r"^(\d{4})-(\d{1,2})-([123])$")
BAD_PERIOD = N_("%(name)s must be a ten-day period such as 2026-11-3 (year, month, "
                "1–3), not %(value)s")


@dataclass(frozen=True, order=True)
class Period:
    """One 旬: its year, month and part (1: 1st–10th, 2: 11th–20th, 3: 21st–end)."""

    year: int
    month: int
    part: int

    @classmethod
    def containing(cls, day: date) -> Period:
        return cls(day.year, day.month, min(3, (day.day - 1) // 10 + 1))

    @classmethod
    def parse(cls, value: str, name: str = "period") -> Period:
        """`2026-11-3` → Period(2026, 11, 3); anything else is a 400 naming the parameter."""
        found = _SHAPE.match(value or "")
        if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 1900:
            raise BadRequest(Text(BAD_PERIOD, name=name, value=repr(value)))
        return cls(int(found[1]), int(found[2]), int(found[3]))

    @property
    def start(self) -> date:
        return date(self.year, self.month, 10 * (self.part - 1) + 1)

    @property
    def end(self) -> date:
        if self.part < 3:
            return date(self.year, self.month, 10 * self.part)
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> Period:
        return Period.containing(self.start - timedelta(days=1))

    @property
    def next(self) -> Period:
        return Period.containing(self.end + timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.year}-{self.month}-{self.part}"

    def name(self, lang: str = "zh") -> str:
        if lang == "en":
            return f"{_PARTS_EN[self.part - 1]} {_MONTHS_EN[self.month - 1]} {self.year}"
        return f"{self.year}年{self.month}月{_PARTS_ZH[self.part - 1]}"


def last_complete(today: date) -> Period:
    """The latest 旬 that has ended by `today` (the ranking's default: its values are
    final); when today is a 旬's last day, that 旬."""
    here = Period.containing(today)
    return here if here.end == today else here.previous


@contextmanager
def as_of_reading(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction for the readings as of the end of a 旬 (the ranking, the 旬报), without
    JIT compilation: their statements are planned with generous row estimates for the audit
    trail's images, which set JIT off, and its compilation then took most of the time (the
    ranking of bench/projects.py: 17 s with it, 1.2 s without, on the loaded machine)."""
    with conn.transaction():
        conn.execute("SET LOCAL jit = off")
        yield
