import datetime

from notices.models import Notice

KINDS = [
    "privacy-practices",
    "nondiscrimination",
    "language-assistance",
    "good-faith-estimate",
    "electronic-disclosure",
]


def edit(notice, by=None, **changes):
    """An editor's change, as the admin saves it."""
    for name, value in changes.items():
        setattr(notice, name, value)
    notice.full_clean()
    notice.save(published_by=by)
    return Notice.objects.get(pk=notice.pk)


def later(notice, days=30):
    return notice.effective_on + datetime.timedelta(days=days)
