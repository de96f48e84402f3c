"""Indexes for the front desk's search, on PostgreSQL (the production database).

The admin searches reference, names, phone and email with `icontains`, which PostgreSQL runs as
UPPER(column::text) LIKE '%term%': without an index every search reads the whole table, twice
(the page and its count), so it slows down as requests pile up (bench/RESULTS.md). Trigram GIN
indexes on those same expressions answer it from the index; a plain index on phone serves the
exact-number match the admin adds (admin.py, get_search_results). SQLite, used in development,
gets none of these and needs none at its sizes.

pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it. Where the
role may not, the migration says so and goes on without the trigram indexes: search still works,
only slower.
"""

from django.db import DatabaseError, migrations, transaction

TABLE = "appointments_appointmentrequest"
SEARCHED = ["reference", "first_name", "last_name", "phone", "email"]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'CREATE INDEX IF NOT EXISTS appointment_phone ON "{TABLE}" ("phone")')
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        print("\n  pg_trgm not available to this role: the admin search will read the whole table.")
        return
    for column in SEARCHED:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS appointment_{column}_trgm ON "{TABLE}" '
            f'USING gin (UPPER(("{column}")::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED:
        schema_editor.execute(f"DROP INDEX IF EXISTS appointment_{column}_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS appointment_phone")


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_staff_groups")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
