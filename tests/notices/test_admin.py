import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from notices.models import Notice

from .conftest import later

pytestmark = pytest.mark.django_db


def change_form(notice, **changes):
    data = {
        "title": notice.title,
        "title_es": notice.title_es,
        "body": notice.body,
        "body_es": notice.body_es,
        "effective_on": notice.effective_on.isoformat(),
        "reviewed": "on" if notice.reviewed else "",
        # The read-only inline's management form.
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "0",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_editors_may_add_change_and_view_notices_but_never_delete_them_or_their_versions():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_notice", "change_notice", "view_notice", "view_noticeversion"} <= editors
    assert not {"delete_notice", "delete_noticeversion", "change_noticeversion", "add_noticeversion"} & editors


def test_an_editor_changes_a_notice_in_admin_and_a_new_version_records_who(editor_client):
    notice = Notice.objects.get(kind="good-faith-estimate")
    url = reverse("admin:notices_notice_change", args=[notice.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert "45 CFR 149.610" in page.content.decode()  # the rule it answers
    response = editor_client.post(
        url, change_form(notice, body="Reviewed text.", effective_on=later(notice).isoformat(), reviewed="on")
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest, first = Notice.objects.get(pk=notice.pk).versions.all()
    assert (latest.number, latest.body, latest.reviewed, latest.published_by.username) == (
        2,
        "Reviewed text.",
        True,
        "editor",
    )
    assert first.body == notice.body


def test_the_admin_refuses_a_notice_without_its_spanish_text(editor_client):
    notice = Notice.objects.get(kind="nondiscrimination")
    url = reverse("admin:notices_notice_change", args=[notice.pk])
    response = editor_client.post(url, change_form(notice, body_es=""))
    assert response.status_code == 200
    assert Notice.objects.get(pk=notice.pk).versions.count() == 1


def test_nobody_deletes_a_notice_in_admin(admin_client):
    notice = Notice.objects.get(kind="nondiscrimination")
    assert admin_client.get(reverse("admin:notices_notice_delete", args=[notice.pk])).status_code == 403


def test_the_front_desk_has_no_access_to_the_notices_admin(front_desk_client):
    notice = Notice.objects.get(kind="nondiscrimination")
    assert front_desk_client.get(reverse("admin:notices_notice_change", args=[notice.pk])).status_code == 403
