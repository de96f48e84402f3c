from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from notices.models import Notice, NoticeKind, NoticeVersion

from .conftest import KINDS, edit, later

pytestmark = pytest.mark.django_db


def test_every_kind_is_seeded_once_in_both_languages_and_marked_not_reviewed():
    notices = {notice.kind: notice for notice in Notice.objects.all()}
    assert sorted(notices) == sorted(KINDS) == sorted(NoticeKind.values)
    for notice in notices.values():
        assert notice.title and notice.title_es and notice.body and notice.body_es
        assert not notice.reviewed
        [version] = notice.versions.all()
        assert (version.number, version.reviewed, version.effective_on) == (1, False, notice.effective_on)


def test_seed_texts_carry_the_practices_details_and_the_rules_own_contacts():
    texts = {notice.kind: notice.body + notice.body_es for notice in Notice.objects.all()}
    assert "915-260-4598" in texts["privacy-practices"]
    assert "1-877-696-6775" in texts["privacy-practices"]  # OCR's HIPAA complaints line
    assert "42 CFR Part 2" in texts["privacy-practices"]
    assert "1-800-368-1019" in texts["nondiscrimination"]
    assert "$400" in texts["good-faith-estimate"] and "1-800-985-3059" in texts["good-faith-estimate"]
    assert "181.154" in texts["electronic-disclosure"]
    assert "%(" not in "".join(texts.values())


def marked_blocks(html):
    """(lang, dir) of each block of the HTML that names its own language."""

    class Marks(HTMLParser):
        found = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if "lang" in attrs:
                self.found.append((attrs["lang"], attrs.get("dir", "")))

    parser = Marks()
    parser.found = []
    parser.feed(html)
    return parser.found


def test_the_taglines_are_fifteen_languages_each_marked_and_right_to_left_where_the_script_is():
    version = Notice.objects.get(kind="language-assistance").versions.get()
    for html in (version.body_html, version.body_html_es):
        marks = dict(marked_blocks(html))
        assert len(marks) == 15
        assert {lang for lang, direction in marks.items() if direction == "rtl"} == {"ar", "fa", "ur"}
        assert {"es", "vi", "zh-Hant", "ko", "tl", "fr", "de", "ru", "ja", "hi", "gu", "lo"} <= set(marks)


def test_an_editors_change_publishes_a_new_version_and_keeps_the_old_one():
    notice = Notice.objects.get(kind="good-faith-estimate")
    old_body, old_html = notice.body, notice.versions.get().body_html
    notice = edit(notice, body="A new text.", effective_on=later(notice))
    assert [version.number for version in notice.versions.all()] == [2, 1]
    first = notice.versions.get(number=1)
    assert (first.body, first.body_html) == (old_body, old_html)
    assert notice.current_version.body_html == "<p>A new text.</p>"


def test_saving_without_a_change_publishes_nothing_new():
    notice = Notice.objects.get(kind="nondiscrimination")
    notice.save()
    assert notice.versions.count() == 1


def test_marking_a_notice_reviewed_is_a_version_of_its_own():
    notice = edit(Notice.objects.get(kind="nondiscrimination"), reviewed=True)
    assert [(version.number, version.reviewed) for version in notice.versions.all()] == [(2, True), (1, False)]


def test_a_version_is_never_changed_nor_deleted():
    version = NoticeVersion.objects.first()
    version.body = "Rewritten history"
    with pytest.raises(TypeError):
        version.save()
    with pytest.raises(TypeError):
        version.delete()
    with pytest.raises(TypeError):
        NoticeVersion.objects.update(body="Rewritten history")
    assert not NoticeVersion.objects.filter(body="Rewritten history").exists()


def test_a_new_version_cannot_take_effect_before_the_current_one():
    notice = Notice.objects.get(kind="privacy-practices")
    with pytest.raises(ValidationError) as refused:
        edit(notice, body="Backdated.", effective_on=later(notice, days=-1))
    assert "effective_on" in refused.value.message_dict
    assert notice.versions.count() == 1


def test_raw_html_and_scripts_in_a_notice_are_dropped_but_language_marks_kept():
    notice = edit(
        Notice.objects.get(kind="electronic-disclosure"),
        body='<script>alert(1)</script>Hi <img src=x onerror=alert(1)>\n{: lang="vi" onclick="x" }\n\n'
        'Bad\n{: lang="vi\\" onmouseover=\\"x" dir="sideways" }',
    )
    html = notice.current_version.body_html
    assert html.strip() == '<p lang="vi">Hi </p>\n<p>Bad</p>'
