"""CSV files staff open in a spreadsheet (the requests export, the access review)."""

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
