"""The working calendar: how much office time lies between two moments.

An SOP's `waktu` of "480 menit" or "1 hari" means office time, not wall-clock time: a step
started on Friday afternoon and finished on Monday morning took a few working hours, not
three days. This package counts only the time inside working periods on working days
(`working_time`), skipping breaks, weekends, national holidays and cuti bersama (from the
`holidays` package, cached by `holiday_table`), plus the office's own closed dates
(`config`).

Defaults follow the Indonesian civil service (ASN) working week of 37.5 hours (Perpres
21/2023): Monday-Thursday 07:30-16:00 with a 12:00-13:00 break (7.5 h), Friday 07:30-16:30
with a longer 11:30-13:00 break for Friday prayers (also 7.5 h), Saturday and Sunday off.
"""

from __future__ import annotations

from sopgen.conformance.workcal.config import DAY_NAMES, CalendarConfig
from sopgen.conformance.workcal.holiday_table import HolidayTable
from sopgen.conformance.workcal.working_time import WorkCalendar

__all__ = ["DAY_NAMES", "CalendarConfig", "HolidayTable", "WorkCalendar"]
