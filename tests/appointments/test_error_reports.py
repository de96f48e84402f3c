"""An error report never carries a patient's answers (security review, item 14): the form view
marks every posted field sensitive, so Django's reporter shows stars, whatever sends the report
(ADMINS e-mails, a logging handler)."""

import sys

import pytest
from django.views.debug import SafeExceptionReporterFilter, technical_500_response

from tests.hardening.conftest import FORM_URL, valid_submission

pytestmark = pytest.mark.django_db

ANSWERS = {"first_name": "Zebediah", "last_name": "Quillfeather", "phone": "915-261-7788", "message": "Night shifts"}


@pytest.mark.parametrize("valid", [True, False])
def test_the_request_forms_posted_answers_are_hidden_from_error_reports(client, medical_center, valid):
    from tests.hardening.conftest import next_request_day

    data = {**valid_submission(medical_center, next_request_day(medical_center)), **ANSWERS}
    if not valid:
        data["consent"] = ""
    response = client.post(FORM_URL, data)
    assert response.status_code == (303 if valid else 200)
    request = response.wsgi_request
    hidden = SafeExceptionReporterFilter().get_post_parameters(request)
    for field in ANSWERS:
        assert hidden[field] == SafeExceptionReporterFilter.cleansed_substitute
    # The report itself, as mailed to ADMINS, holds none of it.
    report = error_report(request)
    assert "first_name" in report
    for value in ANSWERS.values():
        assert value not in report


def error_report(request):
    """Django's report of an error raised while serving `request` (no other locals in here)."""
    try:
        raise RuntimeError("a bug after the form")
    except RuntimeError:
        return technical_500_response(request, *sys.exc_info()).content.decode()
