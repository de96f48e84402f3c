"""The packet for the front desk: its status on the requests, a filter for visits coming up with
a packet not complete, the printable summary with the photos, the FHIR download, "entered into
our records", and the questionnaire's questions.

appointments knows no packet (packets sits above it): so the request's admin registered there
is replaced here by a subclass that adds the packet's column, filter and line. packets comes
after appointments in INSTALLED_APPS, so its admin module is imported after appointments' and the
replacement is the one the site serves.

Who sees what: the same rule as the requests. The Front desk group has the packet's view and
change permissions (migration 0003), editors none, so every packet, photo and FHIR address
answers them 403; the admin sends anonymous visitors to its login. Every page that shows a
packet, every photo and every download writes an access-record line naming the request's
reference, never the patient.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from appointments.admin import AppointmentRequestAdmin
from appointments.formats import clinic_datetime
from appointments.front_desk import CallListFilter
from appointments.models import AppointmentRequest
from appointments.overdue import business_days_after
from staff.audit import record
from staff.models import AccessRecord

from . import encryption, fhir, files, questionnaire
from .models import Kind, Packet, PacketImage, Question, Step

Action = AccessRecord.Action
NOT_STARTED = "not started"
# The one page of the summary shows these photos, in this order.
PHOTO_KEYS = ["card_front", "card_back", "photo_id"]
# The photo's own page: an image and nothing else, whatever a browser would make of its bytes.
IMAGE_POLICY = (
    "default-src 'none'; script-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
)
COMING_BUSINESS_DAYS = 3


def status_text(state):
    """ "not started", "in progress" or "complete" from the packet's status (None: no packet)."""
    return Packet.Status(state).label if state else NOT_STARTED


def packet_of(appointment_request):
    try:
        return appointment_request.packet
    except Packet.DoesNotExist:
        return None


# --- on the requests ----------------------------------------------------------------------------


class PacketNotCompleteFilter(admin.SimpleListFilter):
    """Visits that still stand from now to the end of the third business day after today
    (clinic time; business days as overdue.py counts them), whose packet is not complete: the
    patients to remind or call before their visit."""

    title = "pre-visit packet"
    parameter_name = "packet"

    def lookups(self, request, model_admin):
        return [("due", f"Visit in the next {COMING_BUSINESS_DAYS} business days, packet not complete")]

    def queryset(self, request, queryset):
        if self.value() != "due":
            return queryset
        now = timezone.now()
        last_day = business_days_after(timezone.localdate(now), COMING_BUSINESS_DAYS)
        until = datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time(0), tzinfo=timezone.get_default_timezone()
        )
        return (
            queryset.filter(AppointmentRequest.objects.visit_stands_condition(), visit_at__gte=now, visit_at__lt=until)
            .exclude(packet__status=Packet.Status.COMPLETE)
            .order_by("visit_at")
        )


admin.site.unregister(AppointmentRequest)


@admin.register(AppointmentRequest)
class RequestWithPacketAdmin(AppointmentRequestAdmin):
    """The request's admin (appointments/admin.py) with the packet's status, filter and line."""

    list_display = [*AppointmentRequestAdmin.list_display, "packet_status"]
    list_filter = [*AppointmentRequestAdmin.list_filter, PacketNotCompleteFilter]
    change_form_template = "admin/packets/request_call.html"

    def get_queryset(self, request):
        # The status alone, through the join: never the encrypted answers of every row.
        return super().get_queryset(request).annotate(packet_state=F("packet__status"))

    def get_list_display(self, request):
        # The call list is for calls and fills the office screen already: the packet shows on the
        # request's page there (and packets begin only once a visit is booked).
        if request.GET.get(CallListFilter.parameter_name) == "call":
            return [name for name in super().get_list_display(request) if name != "packet_status"]
        return super().get_list_display(request)

    def get_ordering(self, request):
        if request.GET.get(PacketNotCompleteFilter.parameter_name) == "due":
            return ["visit_at"]
        return super().get_ordering(request)

    @admin.display(description="Packet")
    def packet_status(self, obj):
        return status_text(getattr(obj, "packet_state", None))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            packet = packet_of(obj)
            context["packet_line"] = {
                "status": status_text(packet.status if packet else None),
                "packet": packet,
                "url": reverse("admin:packets_packet_change", args=[packet.pk]) if packet else "",
                "entered": clinic_datetime(packet.entered_at) if packet and packet.entered_at else "",
                "purged": clinic_datetime(packet.purged_at) if packet and packet.purged_at else "",
            }
        return super().change_view(request, object_id, form_url, context)


# --- the packet -------------------------------------------------------------------------------


def summary_rows(questions, answers):
    """[(step label, [(question text, answer text)])] of what was answered, photos apart."""
    steps = []
    for step in Step:
        rows = [
            (question.text_en, questionnaire.answer_text(question, answers.get(question.key)))
            for question in questions
            if question.step == step and question.kind != Kind.IMAGE
        ]
        rows = [(text, answer) for text, answer in rows if answer]
        if step == Step.CONSENTS and answers.get("signature"):
            rows.append(("Signed (typed full name)", answers["signature"]))
        if rows:
            steps.append((step.label, rows))
    return steps


def photo_state(image):
    """Whether a photo's file can be shown: it may be gone (packet photos are in no backup, so
    after a restore the row may outlive its file) or encrypted under a key no longer set."""
    try:
        present = files.path_of(image.file_name).exists()
    except ValueError:
        present = False
    return "ok" if present else "gone"


@admin.register(Packet)
class PacketAdmin(admin.ModelAdmin):
    """The packet's page is its printable summary, not a form: staff read it, print it, download
    it and mark it entered; nobody edits what the patient wrote."""

    list_display = ["reference", "status", "visit", "submitted_at", "entered_at", "purged_at"]
    list_filter = ["status", ("entered_at", admin.EmptyFieldListFilter)]
    list_select_related = ["appointment_request", "appointment_request__visit_office"]
    search_fields = ["appointment_request__reference"]
    search_help_text = "The request's reference."
    actions = ["mark_entered"]
    # Never the encrypted answers of every row, though the list shows none of them.
    list_display_links = ["reference"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("answers_encrypted")

    def has_add_permission(self, request):
        return False  # packets come from patients only

    def has_delete_permission(self, request, obj=None):
        return False  # the purge deletes what a packet holds, and records it

    @admin.display(description="Reference", ordering="appointment_request__reference")
    def reference(self, obj):
        return obj.appointment_request.display_reference

    @admin.display(description="Visit", ordering="appointment_request__visit_at")
    def visit(self, obj):
        visit_at = obj.appointment_request.visit_at
        return clinic_datetime(visit_at) if visit_at else "—"

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if response.status_code == 200 and changelist is not None:
            shown = [packet.appointment_request.reference for packet in changelist.result_list]
            action = Action.SEARCHED if changelist.query else Action.LISTED
            record(request, action, shown, f"packets, page {changelist.page_num}, {len(shown)} shown")
        return response

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/change/", view(self.summary_view), name="packets_packet_change"),
            path("<int:pk>/photo/<slug:key>/", view(self.photo_view), name="packets_packet_photo"),
            path("<int:pk>/fhir/", view(self.fhir_view), name="packets_packet_fhir"),
            path("<int:pk>/entered/", view(self.entered_view), name="packets_packet_entered"),
            *super().get_urls(),
        ]

    def _packet(self, request, pk):
        """The packet, for staff who may see requests and packets: 403 for anyone else (editors),
        404 for none."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(Packet.objects.select_related("appointment_request__visit_office"), pk=pk)

    def summary_view(self, request, pk):
        packet = self._packet(request, pk)
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        appointment_request = packet.appointment_request
        questions = questionnaire.asked()
        try:
            answers = packet.read_answers()
            unreadable = False
        except encryption.InvalidToken:
            answers, unreadable = {}, True
        images = {image.key: image for image in packet.images.all()}
        photos = [
            (key, fhir.IMAGE_TITLES[key], images.get(key), photo_state(images[key]) if key in images else "none")
            for key in PHOTO_KEYS
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Pre-visit packet · {appointment_request.patient_name}",
            "opts": self.model._meta,
            "packet": packet,
            "call": appointment_request,
            "status": status_text(packet.status),
            "visit": clinic_datetime(appointment_request.visit_at) if appointment_request.visit_at else "",
            "steps": summary_rows(questions, answers),
            "photos": photos,
            "unreadable": unreadable,
            "signed_at": clinic_datetime(packet.signed_at) if packet.signed_at else "",
            "submitted_at": clinic_datetime(packet.submitted_at) if packet.submitted_at else "",
            "entered_at": clinic_datetime(packet.entered_at) if packet.entered_at else "",
            "purged_at": clinic_datetime(packet.purged_at) if packet.purged_at else "",
            "can_change": self.has_change_permission(request, packet),
            "request_url": reverse("admin:appointments_appointmentrequest_change", args=[appointment_request.pk]),
            "is_nav_sidebar_enabled": False,
        }
        record(request, Action.PACKET_OPENED, [appointment_request.reference])
        response = TemplateResponse(request, "admin/packets/packet/summary.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def photo_view(self, request, pk, key):
        packet = self._packet(request, pk)
        image = get_object_or_404(PacketImage, packet=packet, key=key)
        reference = packet.appointment_request.reference
        try:
            data = files.read(image.file_name)
        except (FileNotFoundError, encryption.InvalidToken):
            raise Http404("This photo is no longer available.") from None
        record(request, Action.PACKET_IMAGE, [reference], image.key)
        response = HttpResponse(data, content_type="image/jpeg")
        response["Content-Disposition"] = f'inline; filename="packet-{reference}-{image.key}.jpg"'
        response["Content-Security-Policy"] = IMAGE_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response

    def fhir_view(self, request, pk):
        packet = self._packet(request, pk)
        reference = packet.appointment_request.reference
        body = fhir.export_json(packet)
        record(request, Action.FHIR_EXPORTED, [reference])
        response = HttpResponse(body, content_type=questionnaire.FHIR_JSON)
        response["Content-Disposition"] = f'attachment; filename="packet-{reference}.fhir.json"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "no-store"
        return response

    def entered_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        packet = self._packet(request, pk)
        if not self.has_change_permission(request, packet):
            raise PermissionDenied
        self._mark_entered(request, [packet])
        return HttpResponseRedirect(reverse("admin:packets_packet_change", args=[packet.pk]))

    def _mark_entered(self, request, packets):
        """Row by row, each with its history line: who entered it and when."""
        marked = 0
        for packet in packets:
            if packet.entered_at:
                continue
            packet.entered_at, packet.entered_by = timezone.now(), request.user
            packet.save(update_fields=["entered_at", "entered_by"])
            self.log_change(request, packet, [{"changed": {"fields": ["Entered into our records"]}}])
            marked += 1
        self.message_user(request, f"{marked} packet(s) marked entered into our records.", messages.SUCCESS)

    @admin.action(description="Mark entered into our records", permissions=["change"])
    def mark_entered(self, request, queryset):
        self._mark_entered(request, queryset.select_related(None))


# --- the questionnaire ---------------------------------------------------------------------------


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "key",
            "step",
            "order",
            "kind",
            "required",
            "active",
            "text_en",
            "help_en",
            "text_es",
            "help_es",
            "choices",
        ]

    def clean_choices(self):
        choices = self.cleaned_data["choices"] or []
        if not isinstance(choices, list) or not all(
            isinstance(choice, dict) and {"code", "en", "es"} <= set(choice) for choice in choices
        ):
            raise forms.ValidationError(
                'A list of choices, each {"code": "...", "en": "English", "es": "Spanish"}.', code="choices"
            )
        codes = [choice["code"] for choice in choices]
        if len(set(codes)) != len(codes):
            raise forms.ValidationError("Each choice needs its own code.", code="choices")
        return choices

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in (Kind.CHOICE, Kind.MULTIPLE) and not cleaned.get("choices"):
            self.add_error("choices", "A choice question needs its choices.")
        return cleaned


CHOICES_HELP = 'For choice questions: [{"code": "aching", "en": "Aching", "es": "Dolor"}, ...]'


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """The packet's questions, kept by the front desk (the practice manager): editors of the
    site's articles see none of the packet. A question is retired by unticking "asked", never
    deleted, so earlier packets' answers keep their question; its key never changes."""

    form = QuestionForm
    list_display = ["key", "step", "order", "kind", "text_en", "required", "active"]
    list_display_links = ["key"]
    list_filter = ["step", "kind", "active"]
    search_fields = ["key", "text_en", "text_es"]
    fieldsets = [
        (None, {"fields": ["key", "step", "order", "kind", "required", "active"]}),
        ("English", {"fields": ["text_en", "help_en"]}),
        ("Spanish", {"fields": ["text_es", "help_es"]}),
        ("Choices", {"fields": ["choices"], "description": CHOICES_HELP}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Answers and the FHIR export name questions by key.
        return ["key"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False
