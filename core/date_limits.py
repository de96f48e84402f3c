"""The dates a staff form (reports, the access review) may name. Day arithmetic near year 1 or
9999 overflows Python's dates; a practice has no need of either end (security review, finding 11)."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator

EARLIEST_DAY, LATEST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)
OUT_OF_RANGE = "Choose a date from 2000 to 2099."
IN_RANGE = [MinValueValidator(EARLIEST_DAY, OUT_OF_RANGE), MaxValueValidator(LATEST_DAY, OUT_OF_RANGE)]
