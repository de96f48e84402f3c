import pytest
from django.core import checks

from notices.checks import notices_in_place
from notices.models import Notice, NoticeVersion

from .conftest import edit

pytestmark = pytest.mark.django_db


def ids(messages):
    return sorted(message.id for message in messages)


def test_the_deployment_checklist_runs_the_notices_check():
    found = checks.run_checks(include_deployment_checks=True)
    assert ids(message for message in found if message.id.startswith("notices.")) == ["notices.W001"] * 5
    assert "notices.W001" not in ids(checks.run_checks())  # a deployment concern only


def test_it_warns_for_each_notice_still_the_unreviewed_model_text():
    assert ids(notices_in_place(None)) == ["notices.W001"] * 5
    for notice in Notice.objects.exclude(kind="good-faith-estimate"):
        edit(notice, reviewed=True)
    [warning] = notices_in_place(None)
    assert warning.level == checks.WARNING and "Good Faith Estimate" in warning.msg


def test_it_is_silent_once_every_notice_is_reviewed():
    for notice in Notice.objects.all():
        edit(notice, reviewed=True)
    assert notices_in_place(None) == []


def test_it_errors_when_a_notice_is_missing():
    for notice in Notice.objects.all():
        edit(notice, reviewed=True)
    # Only a database fix could remove one (the admin deletes none).
    NoticeVersion.objects.filter(notice__kind="electronic-disclosure")._raw_delete(NoticeVersion.objects.db)
    Notice.objects.filter(kind="electronic-disclosure").delete()
    [error] = notices_in_place(None)
    assert (error.id, error.level) == ("notices.E001", checks.ERROR)
    assert "181.154" in error.msg
