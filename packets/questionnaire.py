"""The packet's questions as a FHIR R4B Questionnaire, built from the Question rows (the practice
edits them in admin), and served publicly at /fhir/Questionnaire/pre-visit as
application/fhir+json: the QuestionnaireResponse in each export (fhir.py) points at it by its
canonical URL and version, so a records system can fetch the definition it answers.

Its version is a digest of what is asked (keys, kinds, texts, choices, required), not a date: the
same questions give the same version on every server and after every restore, and any edit a
patient could see gives a new one. The Spanish texts travel as FHIR translation extensions.

Also here: an answer as staff read it (`answer_text`), for the printable summary.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET
from fhir.resources.R4B.questionnaire import Questionnaire

from core.models import Clinic

from .models import Kind, Question, Step

FHIR_JSON = "application/fhir+json"
PATH = "/fhir/Questionnaire/pre-visit"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"

# The typed full name that signs the consents (step 4): not a Question row, but an answer all the same.
SIGNATURE_KEY = "signature"
SIGNATURE_TEXT = ("Signature: your full name, typed", "Firma: su nombre completo, escrito")

ITEM_TYPES = {
    Kind.TEXT: "string",
    Kind.LONG_TEXT: "text",
    Kind.DATE: "date",
    Kind.NUMBER: "integer",
    Kind.YES_NO: "boolean",
    Kind.CHOICE: "choice",
    Kind.MULTIPLE: "choice",
    Kind.IMAGE: "attachment",
    Kind.CONSENT: "boolean",
}


def canonical_url():
    return settings.SITE_URL.rstrip("/") + PATH


def code_system(key):
    """Where a choice question's codes come from: one system per question."""
    return f"{canonical_url()}/codes/{key}"


def asked():
    return list(Question.objects.filter(active=True).order_by("step", "order", "pk"))


def version_of(questions):
    """A digest of everything a patient sees of the questions (see the module docstring)."""
    described = [
        [q.key, q.step, q.kind, q.text_en, q.text_es, q.help_en, q.help_es, q.choices, q.required] for q in questions
    ]
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()[:16]


def canonical_with_version(questions=None):
    """`url|version`, as QuestionnaireResponse.questionnaire names the definition answered."""
    return f"{canonical_url()}|{version_of(asked() if questions is None else questions)}"


def translated(english, spanish):
    """The `_text` of an element: its Spanish as a translation extension."""
    if not spanish:
        return None
    return {
        "extension": [
            {
                "url": TRANSLATION,
                "extension": [{"url": "lang", "valueCode": "es"}, {"url": "content", "valueString": spanish}],
            }
        ]
    }


def item_of(question):
    item = {
        "linkId": question.key,
        "text": question.text_en,
        "_text": translated(question.text_en, question.text_es),
        "type": ITEM_TYPES[question.kind],
        "required": question.required,
    }
    if question.kind == Kind.MULTIPLE:
        item["repeats"] = True
    if question.kind in (Kind.CHOICE, Kind.MULTIPLE):
        item["answerOption"] = [
            {"valueCoding": {"system": code_system(question.key), "code": choice["code"], "display": choice["en"]}}
            for choice in question.choices
        ]
    return {name: value for name, value in item.items() if value is not None}


def build(questions=None):
    """The Questionnaire resource (validated by fhir.resources as it is built)."""
    questions = asked() if questions is None else questions
    changed = max((q.updated_at for q in questions), default=timezone.now())
    groups = []
    with translation.override("en"):
        steps = [(step, str(step.label)) for step in Step]
    for step, label in steps:
        items = [item_of(question) for question in questions if question.step == step]
        if step == Step.CONSENTS:
            items.append(
                {
                    "linkId": SIGNATURE_KEY,
                    "text": SIGNATURE_TEXT[0],
                    "_text": translated(*SIGNATURE_TEXT),
                    "type": "string",
                    "required": True,
                }
            )
        if items:
            groups.append({"linkId": f"step-{step.value}", "text": label, "type": "group", "item": items})
    clinic = Clinic.objects.first()
    return Questionnaire.model_validate(
        {
            "resourceType": "Questionnaire",
            "id": "pre-visit",
            "url": canonical_url(),
            "version": version_of(questions),
            "name": "PreVisitPacket",
            "title": "Before your visit",
            "status": "active",
            "subjectType": ["Patient"],
            "date": changed.isoformat(),
            "publisher": clinic.name if clinic else None,
            "language": "en",
            "item": groups,
        }
    )


@require_GET
def serve(request):
    """The Questionnaire as JSON; the same for every visitor, nothing private in it."""
    response = HttpResponse(build().model_dump_json(exclude_none=True), content_type=FHIR_JSON)
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- the answers as staff read them --------------------------------------------------------------


def answer_text(question, value):
    """An answer in English words for the summary: a choice's label, "Yes", a date as written."""
    if value in (None, "", []):
        return ""
    labels = {choice["code"]: choice["en"] for choice in question.choices}
    if question.kind == Kind.CHOICE:
        return labels.get(value, value)
    if question.kind == Kind.MULTIPLE:
        return ", ".join(labels.get(code, code) for code in value)
    if question.kind == Kind.YES_NO:
        return {"yes": "Yes", "no": "No"}.get(value, value)
    if question.kind == Kind.CONSENT:
        return "Agreed" if value is True else ""
    return str(value)
