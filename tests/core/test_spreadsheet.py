"""The one CSV download every staff export uses (core.spreadsheet.csv_response)."""

import csv
import io

from core.spreadsheet import csv_response


def test_a_csv_download_is_not_stored_reads_accents_and_opens_no_formula():
    response = csv_response("export.csv", ["Name", "Note"], [["José", "=1+1"], ["Ana", "\uff1dcmd"]])
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Name", "Note"], ["José", "'=1+1"], ["Ana", "'\uff1dcmd"]]
