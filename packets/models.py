"""The pre-visit packet: what the patient tells the practice before the visit, through the link in
the visit's e-mails (visit_emails.py), step by step.

The questions are data (Question), with their English and Spanish texts, so the practice edits
them in admin; some have keys the FHIR export maps to Patient and Coverage (questionnaire.py).
The answers are one encrypted JSON document per packet, and each image an encrypted file
(files.py): nothing the patient gave is stored in clear. Staff see them through the admin only,
every view recorded, and they are purged after the visit (purge_packets).
"""

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appointments.models import AppointmentRequest

from . import encryption


class Step(models.IntegerChoices):
    ABOUT_YOU = 1, _("About you")
    INSURANCE = 2, _("Insurance")
    HEALTH = 3, _("Your legs and your health")
    CONSENTS = 4, _("Consents")


# The review step follows the question steps.
REVIEW_STEP = 5
STEP_COUNT = REVIEW_STEP


class Kind(models.TextChoices):
    TEXT = "text", "short text"
    LONG_TEXT = "long_text", "long text"
    DATE = "date", "date"
    NUMBER = "number", "whole number"
    YES_NO = "yes_no", "yes or no"
    CHOICE = "choice", "one choice"
    MULTIPLE = "multiple", "several choices"
    IMAGE = "image", "photo"
    CONSENT = "consent", "consent (its text is agreed to)"


class Question(models.Model):
    """One question of the packet, in both languages. `key` names the answer (FHIR's linkId)."""

    key = models.SlugField("key", max_length=50, unique=True, help_text="Never change it once answers exist.")
    step = models.PositiveSmallIntegerField("step", choices=Step.choices)
    order = models.PositiveSmallIntegerField("order", default=0)
    kind = models.CharField("kind", max_length=10, choices=Kind.choices)
    text_en = models.CharField("question (English)", max_length=300)
    text_es = models.CharField("question (Spanish)", max_length=300)
    help_en = models.TextField("explanation (English)", blank=True)
    help_es = models.TextField("explanation (Spanish)", blank=True)
    # [{"code": "aching", "en": "Aching", "es": "Dolor"}, ...] for choice and multiple.
    choices = models.JSONField("choices", default=list, blank=True)
    required = models.BooleanField("required", default=False)
    active = models.BooleanField("asked", default=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["step", "order", "pk"]
        verbose_name = "packet question"
        verbose_name_plural = "packet questions"

    def __str__(self):
        return f"{self.step}.{self.order} {self.text_en}"

    def text_in(self, language):
        return self.text_es if language == "es" else self.text_en

    def help_in(self, language):
        return self.help_es if language == "es" else self.help_en

    def choices_in(self, language):
        return [(choice["code"], choice["es" if language == "es" else "en"]) for choice in self.choices]


class PacketQuerySet(models.QuerySet):
    def complete(self):
        return self.filter(status=Packet.Status.COMPLETE)


class Packet(models.Model):
    """One request's packet. No row: not started."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETE = "complete", _("complete")

    appointment_request = models.OneToOneField(
        AppointmentRequest, on_delete=models.CASCADE, related_name="packet", verbose_name="request"
    )
    status = models.CharField("packet", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    # The furthest step saved, so a patient coming back lands where they stopped.
    step = models.PositiveSmallIntegerField("last step saved", default=0)
    language = models.CharField("language", max_length=2, choices=settings.LANGUAGES)
    answers_encrypted = models.BinaryField("answers (encrypted)", editable=False, default=b"")
    started_at = models.DateTimeField("started", default=timezone.now)
    updated_at = models.DateTimeField("updated", auto_now=True)
    submitted_at = models.DateTimeField("sent", null=True, blank=True)
    # The electronic signature (ESIGN Act, Texas UETA): the typed name is among the answers; here
    # when, from which address, and which texts (their versions) were agreed to.
    signed_at = models.DateTimeField("signed", null=True, blank=True)
    signed_from = models.GenericIPAddressField("signed from", null=True, blank=True)
    consent_versions = models.CharField("texts agreed to", max_length=300, blank=True)
    entered_at = models.DateTimeField("entered into our records", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set by purge_packets (retention.py): the answers and photos are gone, the status stays for
    # the front desk and the reports.
    purged_at = models.DateTimeField("answers and photos deleted", null=True, blank=True)

    objects = PacketQuerySet.as_manager()

    class Meta:
        verbose_name = "pre-visit packet"
        verbose_name_plural = "pre-visit packets"

    def __str__(self):
        return f"packet of {self.appointment_request}"

    def read_answers(self):
        """The answers as a dict keyed by question key (decrypted here, never stored in clear)."""
        if not self.answers_encrypted:
            return {}
        return json.loads(encryption.decrypt(bytes(self.answers_encrypted)))

    def write_answers(self, answers):
        """Replace the answers (saved by the caller)."""
        self.answers_encrypted = encryption.encrypt(json.dumps(answers, sort_keys=True).encode())


class PacketImage(models.Model):
    """One photo the patient uploaded, re-encoded (images.py) and stored encrypted (files.py)."""

    packet = models.ForeignKey(Packet, on_delete=models.CASCADE, related_name="images")
    # The IMAGE question it answers (card_front, card_back, photo_id in the seed).
    key = models.SlugField("question key", max_length=50)
    file_name = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField("bytes")
    uploaded_at = models.DateTimeField("uploaded", default=timezone.now)

    class Meta:
        ordering = ["packet", "key"]
        verbose_name = "packet image"
        constraints = [models.UniqueConstraint(fields=["packet", "key"], name="one_image_per_question")]

    def __str__(self):
        return f"{self.key} of {self.packet}"


class PacketLink(models.Model):
    """One link to the packet sent in a visit e-mail, kept as the digest of its token, as the
    visit's own links (appointments/visit_tokens.py). It works while the visit stands and until
    it ends, whenever the visit moves (links.py)."""

    appointment_request = models.ForeignKey(AppointmentRequest, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "packet link"

    def __str__(self):
        return f"packet link for {self.appointment_request_id}"
