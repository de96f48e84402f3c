"""CSV files staff open in a spreadsheet (the requests export, the reports, the access review)."""

import csv

from django.http import HttpResponse

from .control_characters import as_displayed

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    text = "" if value is None else str(value)
    # Judged as the spreadsheet reads it: "\uff1d1+1" (full width) and "\u200b=1+1" are formulas too.
    return "'" + text if as_displayed(text).startswith(FORMULA_TRIGGERS) else text


def csv_response(filename, header, rows):
    """A CSV download for staff's spreadsheets: every cell formula-safe, a byte-order mark so
    spreadsheet programs read accents (Spanish names), and `no-store`, since it may hold patient
    data that no browser or proxy should keep."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(spreadsheet_safe(value) for value in row)
    return response
