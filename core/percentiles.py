"""Percentiles in the database where it can take them (PostgreSQL's percentile_cont), and the
same interpolation in Python for SQLite."""

import math

from django.db import connection
from django.db.models import Aggregate, FloatField


class PercentileCont(Aggregate):
    """PostgreSQL's continuous percentile (linear interpolation between the nearest values)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, fraction, expression, **extra):
        # A constant of ours, never user input; float() keeps it a plain number in the SQL.
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(sorted_values, fraction):
    """What percentile_cont gives, for the databases that lack it; None for no values."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def has_percentile_cont():
    return connection.vendor == "postgresql"
