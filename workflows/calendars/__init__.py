"""Calendars as data: school terms (overridable per council) and England and Wales bank holidays."""

from workflows.calendars.bank_holidays import bank_holidays, is_bank_holiday
from workflows.calendars.terms import (
    DEFAULT_TERMS_FILE,
    TERM_NAMES,
    CalendarError,
    Term,
    load_school_terms,
    terms_from,
)

__all__ = [
    "DEFAULT_TERMS_FILE",
    "TERM_NAMES",
    "CalendarError",
    "Term",
    "bank_holidays",
    "is_bank_holiday",
    "load_school_terms",
    "terms_from",
]
