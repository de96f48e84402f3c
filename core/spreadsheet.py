"""CSV files staff open in a spreadsheet (the requests export, the reports, the access review)."""

from .control_characters import as_displayed

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    # Judged as the spreadsheet reads it: "\uff1d1+1" (full width) and "\u200b=1+1" are formulas too.
    return "'" + text if as_displayed(text).startswith(FORMULA_TRIGGERS) else text
