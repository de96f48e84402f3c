"""Writing the access record (models.AccessRecord): reads from the admin, sign-in events."""

import ipaddress

from core.client_ip import client_ip

from .models import AccessRecord

Action = AccessRecord.Action


def address_of(request):
    """The client's address as the lockout sees it, or None when it is not an address at all."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def record(request, action, references=(), detail="", username=None):
    """One line per request read (all in one query), or one line for an event with none."""
    username = username if username is not None else request.user.get_username()
    address = address_of(request) if request is not None else None
    AccessRecord.objects.bulk_create(
        AccessRecord(username=username[:150], action=action, reference=reference, detail=detail, address=address)
        for reference in (list(references) or [""])
    )


class ReadsRecorded:
    """For a ModelAdmin whose pages show patient data: every page that shows rows records them.

    The change list records exactly the rows on the page it rendered (the same evaluated
    queryset the template then iterates), a search records that it happened and what it found
    but never the term (it may be a patient's name or phone), and the change and history pages
    record the one row. Exports record themselves (`record(request, Action.EXPORTED, ...)`).
    Set `access_reference_field` to the field that names a row without patient data.
    """

    access_reference_field = "pk"

    def access_reference(self, obj):
        return str(getattr(obj, self.access_reference_field))

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = list(changelist.result_list)
            action = Action.SEARCHED if changelist.query else Action.LISTED
            detail = f"page {changelist.page_num}, {len(shown)} shown"
            record(request, action, [self.access_reference(obj) for obj in shown], detail)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = (getattr(response, "context_data", None) or {}).get("original")
        if response.status_code == 200 and original is not None:
            record(request, Action.OPENED, [self.access_reference(original)])
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("object")
        if response.status_code == 200 and shown is not None:
            record(request, Action.HISTORY, [self.access_reference(shown)])
        return response
