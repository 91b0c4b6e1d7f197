"""Working days: Monday to Friday, except the bank holidays of England and Wales.

Response targets are counted in working days, as councils count them. The holidays come from
the `holidays` package (subdivision "ENG": the same bank holidays as Wales), substitute days
included, for any year asked about.
"""

from datetime import date, datetime, timedelta

import holidays
from django.utils import timezone

# Expands to each year on first use.
_BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG")


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _BANK_HOLIDAYS


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment `days` working days after `start`, at the same local time of day.

    Counting starts with the next working day: 10 working days from a Friday afternoon is the
    Friday afternoon two weeks later, or later still when a bank holiday falls in between.
    """
    local = timezone.localtime(start)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, local.time()), local.tzinfo)


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days from `start` to `end` (local dates): 0 on the same day, 1 for the
    next working day, and weekends and bank holidays in between do not count."""
    first = timezone.localtime(start).date()
    last = timezone.localtime(end).date()
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
