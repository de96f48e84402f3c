"""The patient's packet pages, opened through the link in the visit's e-mails (links.py).

/appointments/prepare/<token>/ lands on the step after the furthest one saved (or says the packet
has arrived); /appointments/prepare/<token>/<step>/ is one step. Each step is saved when the
patient moves on (Next) or goes Back, every answer that passed its checks, also when another did
not, so nothing typed is lost; the packet records the furthest step complete. The last step lists
every answer back and sends the packet.

Every page is private: never cached (the page cache only keeps views marked public), noindex, and
nothing the patient typed ever goes into a URL (post/redirect/get throughout).
"""

import functools
import hashlib
import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from appointments.formats import visit_date_and_time
from appointments.views import render_unusable_link, submission_over_limit, too_many_requests
from core.languages import active_language
from notices.models import Notice, NoticeKind
from staff.audit import address_of

from . import files, images, links
from .forms import SIGNATURE_FIELD, StepForm, to_initial, yes_no_choices
from .models import REVIEW_STEP, STEP_COUNT, Kind, Packet, PacketImage, Question, Step
from .tasks import queue_receipt

# Room in a step's body for its text answers and the multipart framing, beside its photos.
FORM_ROOM = 512 * 1024


def private_page(view):
    """Never stored by a browser or proxy, never indexed."""

    @functools.wraps(view)
    def private_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return never_cache(private_view)


def through_link(view):
    """Open the link's request, or answer with the visit link's friendly page (the phones); a
    refused link counts towards the same limit as the visit's links, since guessing looks so."""

    @functools.wraps(view)
    def linked_view(request, token, *args, **kwargs):
        try:
            appointment_request = links.request_for(token)
        except links.Unusable as unusable:
            if submission_over_limit(request, group="visit-link"):
                return too_many_requests(request)
            return render_unusable_link(request, unusable.reason)
        return view(request, token, appointment_request, *args, **kwargs)

    return linked_view


class BoundedMemoryUpload(FileUploadHandler):
    """Each photo held in memory, never in a clear-text temporary file on disk, and only its first
    PACKET_UPLOAD_MAX_BYTES + 1 bytes: enough for images.accept to refuse a larger one by its
    size, which is counted in full."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.kept = io.BytesIO()
        self.size = 0
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        room = settings.PACKET_UPLOAD_MAX_BYTES + 1 - self.kept.tell()
        if room > 0:
            self.kept.write(raw_data[:room])
        return None

    def file_complete(self, file_size):
        self.kept.seek(0)
        return InMemoryUploadedFile(
            file=self.kept,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


# --- Pages -----------------------------------------------------------------------------------


@private_page
@require_GET
@through_link
def start(request, token, appointment_request):
    """The link from the e-mail: the step where the patient stopped, or that it has arrived."""
    packet = Packet.objects.filter(appointment_request=appointment_request).first()
    if packet is not None and packet.status == Packet.Status.COMPLETE:
        return render_sent(request, appointment_request, packet)
    return redirect(step_url(token, next_step(packet)))


@csrf_exempt  # checked below, once the upload handler is in place (csrf_protect reads the body)
@private_page
@require_http_methods(["GET", "POST"])
@through_link
def step(request, token, appointment_request, number):
    if number < 1 or number > STEP_COUNT:
        raise Http404
    if request.method == "POST":
        request.upload_handlers = [BoundedMemoryUpload(request)]
        if body_too_large(request, number):
            return render_step_page(request, token, appointment_request, number, too_large=True)
    return protected_step(request, token, appointment_request, number)


@sensitive_post_parameters()
@csrf_protect
def protected_step(request, token, appointment_request, number):
    packet = Packet.objects.filter(appointment_request=appointment_request).first()
    if packet is not None and packet.status == Packet.Status.COMPLETE:
        return see(reverse("packets:start", kwargs={"token": token}))
    # Steps are taken in order: a later one only once the ones before it are complete.
    if number > next_step(packet):
        return see(step_url(token, next_step(packet)))
    if number == REVIEW_STEP:
        if request.method == "POST":
            return send(request, token, appointment_request)
        return render_review(request, token, appointment_request, packet)
    if request.method == "POST":
        return save_step(request, token, appointment_request, number)
    return render_step_page(request, token, appointment_request, number)


def body_too_large(request, number):
    """A body far beyond what the step can take (its photos at their limit, and its text) is
    refused before any of it is read."""
    photos = Question.objects.filter(step=number, active=True, kind=Kind.IMAGE).count()
    limit = photos * settings.PACKET_UPLOAD_MAX_BYTES + FORM_ROOM
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit


def save_step(request, token, appointment_request, number):
    going_back = request.POST.get("move") == "back"
    questions = step_questions(number)
    language = active_language()
    received = received_keys(appointment_request)
    form = StepForm(
        questions,
        language,
        request.POST,
        request.FILES,
        images_received=received,
        require=not going_back,
        signature=number == Step.CONSENTS,
    )
    form.is_valid()
    with transaction.atomic():
        packet = locked_packet(appointment_request, language)
        answers = packet.read_answers()
        for key, value in form.valid_answers().items():
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
        if number == Step.CONSENTS:
            sign(request, packet, answers, questions, form)
        packet.write_answers(answers)
        packet.save()
    refused = False
    for key, upload in form.uploads():
        try:
            files.save_image(packet, key, upload)
        except images.Refused as refusal:
            form.add_error(key, refusal.message)
            refused = True
    received = received_keys(appointment_request)
    if not form.errors and step_complete(questions, answers, received, number):
        Packet.objects.filter(pk=packet.pk, step__lt=number).update(step=number)
    if form.errors:
        form.show_received(received)
        status = 400 if refused else 200
        return render_step_page(request, token, appointment_request, number, form=form, status=status)
    return see(step_url(token, max(number - 1, 1) if going_back else number + 1))


def sign(request, packet, answers, questions, form):
    """The electronic signature (ESIGN Act, Texas UETA): the typed name, when, from which address,
    and the versions of the texts agreed to. Kept only while every consent of the step stands:
    a consent taken back, or a name left out, takes the signature with it."""
    name = form.cleaned_data.get(SIGNATURE_FIELD) if SIGNATURE_FIELD not in form.errors else None
    consents = [question for question in questions if question.kind == Kind.CONSENT]
    if name and all(answers.get(question.key) is True for question in consents):
        answers[SIGNATURE_FIELD] = name
        packet.signed_at = timezone.now()
        packet.signed_from = address_of(request)
        packet.consent_versions = consent_versions(consents)
    else:
        answers.pop(SIGNATURE_FIELD, None)
        packet.signed_at = packet.signed_from = None
        packet.consent_versions = ""


def consent_versions(consents):
    """Which texts were agreed to: the Notice of Privacy Practices' version number, and a short
    SHA-256 of each consent's English and Spanish question and explanation, so the practice can
    show the words signed even after they are edited."""
    parts = []
    notice = Notice.objects.filter(kind=NoticeKind.PRIVACY_PRACTICES).first()
    if notice is not None and (version := notice.current_version) is not None:
        parts.append(f"{NoticeKind.PRIVACY_PRACTICES}:v{version.number}")
    for question in consents:
        text = "\n".join([question.text_en, question.text_es, question.help_en, question.help_es])
        parts.append(f"{question.key}:{hashlib.sha256(text.encode()).hexdigest()[:12]}")
    return " ".join(parts)


def send(request, token, appointment_request):
    packet = Packet.objects.filter(appointment_request=appointment_request).first()
    if missing_steps(appointment_request, packet):
        return render_review(request, token, appointment_request, packet, status=400)
    with transaction.atomic():
        locked = Packet.objects.select_for_update().get(pk=packet.pk)
        if locked.status != Packet.Status.COMPLETE:
            locked.status = Packet.Status.COMPLETE
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["status", "submitted_at", "updated_at"])
            queue_receipt(locked)
    return see(reverse("packets:start", kwargs={"token": token}))


# --- What the pages show ----------------------------------------------------------------------


def render_step_page(request, token, appointment_request, number, form=None, status=200, too_large=False):
    questions = step_questions(number)
    language = active_language()
    received = received_keys(appointment_request)
    if form is None:
        packet = Packet.objects.filter(appointment_request=appointment_request).first()
        answers = packet.read_answers() if packet else {}
        form = StepForm(
            questions,
            language,
            initial=initial_answers(appointment_request, questions, answers),
            images_received=received,
            signature=number == Step.CONSENTS,
        )
        form.show_received(received)
    context = {
        **step_context(token, number),
        "form": form,
        "multipart": any(question.kind == Kind.IMAGE for question in questions),
        "too_large": filesizeformat(settings.PACKET_UPLOAD_MAX_BYTES) if too_large else "",
        "privacy_notice_url": reverse("notices:detail", kwargs={"kind": NoticeKind.PRIVACY_PRACTICES}),
    }
    return render(request, "packets/step.html", context, status=413 if too_large else status)


def step_context(token, number):
    return {
        "step": number,
        "step_count": STEP_COUNT,
        "step_name": step_name(number),
        "back_url": step_url(token, number - 1) if number > 1 else "",
    }


def render_review(request, token, appointment_request, packet, status=200):
    language = active_language()
    answers = packet.read_answers() if packet else {}
    received = received_keys(appointment_request)
    sections = []
    for number in Step.values:
        items = [
            (question.text_in(language), answer_text(question, answers.get(question.key), received, language))
            for question in step_questions(number)
        ]
        if number == Step.CONSENTS:
            items.append((_("Signed by typing your name"), answers.get(SIGNATURE_FIELD) or _("Not signed yet")))
        sections.append({"number": number, "name": step_name(number), "url": step_url(token, number), "items": items})
    missing = missing_steps(appointment_request, packet)
    context = {
        **step_context(token, REVIEW_STEP),
        "sections": sections,
        "missing": [{"name": step_name(number), "url": step_url(token, number)} for number in missing],
    }
    return render(request, "packets/review.html", context, status=status)


def render_sent(request, appointment_request, packet):
    visit = appointment_request.visit
    context = {**visit_date_and_time(visit.at), "office": visit.office}
    return render(request, "packets/sent.html", context)


def answer_text(question, value, received, language):
    """An answer as the patient reads it back, in the page's language."""
    if question.kind == Kind.IMAGE:
        return _("Photo received") if question.key in received else _("No photo")
    if value in (None, "", []):
        return _("Not answered")
    if question.kind == Kind.CONSENT:
        return _("Agreed")
    if question.kind == Kind.YES_NO:
        return dict(yes_no_choices()).get(value, value)
    if question.kind in (Kind.CHOICE, Kind.MULTIPLE):
        labels = dict(question.choices_in(language))
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(code, code)) for code in values)
    if question.kind == Kind.DATE:
        day = to_initial(Kind.DATE, value)
        # Translators: Django date format for a date the patient gave (birth date), e.g. "May 31, 1970".
        return dateformat.format(day, pgettext("packet answer date format", "F j, Y")) if day else value
    return str(value)


# --- The packet's state ------------------------------------------------------------------------


def step_questions(number):
    return list(Question.objects.filter(step=number, active=True))


def step_name(number):
    return _("Review and send") if number == REVIEW_STEP else Step(number).label


def step_url(token, number):
    return reverse("packets:step", kwargs={"token": token, "number": number})


def see(url):
    # 303: the browser fetches the next page with GET, so reloading it never posts again.
    response = redirect(url)
    response.status_code = 303
    return response


def next_step(packet):
    """Where the patient goes on: the step after the furthest one complete."""
    return min((packet.step if packet else 0) + 1, REVIEW_STEP)


def received_keys(appointment_request):
    rows = PacketImage.objects.filter(packet__appointment_request=appointment_request)
    return set(rows.values_list("key", flat=True))


def locked_packet(appointment_request, language):
    """The request's packet, created on the first save, locked for this transaction."""
    packet, _created = Packet.objects.get_or_create(
        appointment_request=appointment_request, defaults={"language": language}
    )
    packet = Packet.objects.select_for_update().get(pk=packet.pk)
    packet.language = language
    return packet


def initial_answers(appointment_request, questions, answers):
    """What the step shows: the answers saved, else what the request already says (the name and
    phone to confirm or correct, whether insurance will be used)."""
    from_request = {
        "first_name": appointment_request.first_name,
        "last_name": appointment_request.last_name,
        "phone": appointment_request.phone_display,
        "uses_insurance": appointment_request.insurance,
    }
    initial = {}
    for question in questions:
        if question.key in answers:
            initial[question.key] = to_initial(question.kind, answers[question.key])
        elif from_request.get(question.key):
            initial[question.key] = from_request[question.key]
    if SIGNATURE_FIELD in answers:
        initial[SIGNATURE_FIELD] = answers[SIGNATURE_FIELD]
    return initial


def step_complete(questions, answers, received, number):
    if number == Step.CONSENTS and not answers.get(SIGNATURE_FIELD):
        return False
    for question in questions:
        if not question.required:
            continue
        if question.kind == Kind.IMAGE:
            answered = question.key in received
        else:
            answered = answers.get(question.key) not in (None, "", [])
        if not answered:
            return False
    return True


def missing_steps(appointment_request, packet):
    """The steps still lacking a required answer (the questions may have changed since)."""
    if packet is None:
        return list(Step.values)
    answers = packet.read_answers()
    received = received_keys(appointment_request)
    return [number for number in Step.values if not step_complete(step_questions(number), answers, received, number)]
