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


def test_manage_py_check_deploy_on_a_migrated_database_warns_until_the_notices_are_reviewed(tmp_path):
    """The command a deployment runs, in its own process, against a database just migrated."""
    from tests.clinic_site.test_settings import PRODUCTION_ENV, python

    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'deployed.sqlite3'}"}
    assert python("manage.py", "migrate", "--no-input", "--verbosity", "0", env=env).returncode == 0
    result = python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert (result.stdout + result.stderr).count("notices.W001") == 5
    assert "notices.E001" not in result.stdout + result.stderr
