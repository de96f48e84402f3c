"""The vein and restless-legs practice's packet as first seeded; the practice edits it in admin.

Keys used by the FHIR export (questionnaire.py) are kept as they are here: first_name ...
photo_id. Every answer, these included, also goes into the QuestionnaireResponse.
"""

from django.db import migrations


def c(code, en, es):
    return {"code": code, "en": en, "es": es}


YES_NO_UNSURE = [c("yes", "Yes", "Sí"), c("no", "No", "No"), c("not_sure", "Not sure", "No estoy seguro/a")]

# (step, key, kind, required, English, Spanish, English help, Spanish help, choices)
QUESTIONS = [
    # 1. About you
    (1, "first_name", "text", True, "First name", "Nombre", "", "", []),
    (1, "last_name", "text", True, "Last name", "Apellido", "", "", []),
    (1, "phone", "text", True, "Phone", "Teléfono", "", "", []),
    (1, "birth_date", "date", True, "Date of birth", "Fecha de nacimiento", "", "", []),
    (
        1,
        "sex",
        "choice",
        True,
        "Sex as on your insurance card",
        "Sexo como aparece en su tarjeta de seguro",
        "Insurers match your records by it.",
        "Las aseguradoras identifican sus datos con él.",
        [c("female", "Female", "Femenino"), c("male", "Male", "Masculino"), c("other", "Other", "Otro")],
    ),
    (1, "address_line", "text", True, "Street address", "Dirección", "", "", []),
    (1, "city", "text", True, "City", "Ciudad", "", "", []),
    (1, "state", "text", True, "State", "Estado", "", "", []),
    (1, "postal_code", "text", True, "ZIP code", "Código postal", "", "", []),
    (1, "emergency_name", "text", False, "Emergency contact: name", "Contacto de emergencia: nombre", "", "", []),
    (
        1,
        "emergency_relationship",
        "text",
        False,
        "Emergency contact: relationship to you",
        "Contacto de emergencia: parentesco",
        "",
        "",
        [],
    ),
    (1, "emergency_phone", "text", False, "Emergency contact: phone", "Contacto de emergencia: teléfono", "", "", []),
    # 2. Insurance
    (
        2,
        "uses_insurance",
        "choice",
        True,
        "Will you use health insurance for this visit?",
        "¿Usará un seguro médico para esta consulta?",
        "Without insurance you have the right to a Good Faith Estimate of the cost.",
        "Sin seguro tiene derecho a un Presupuesto de Buena Fe del costo.",
        [c("yes", "Yes", "Sí"), c("self_pay", "No, I will pay myself", "No, pagaré yo"), c("not_sure", "Not sure", "No estoy seguro/a")],
    ),
    (2, "insurance_carrier", "text", False, "Insurance company, as on the card", "Compañía de seguro, como en la tarjeta", "", "", []),
    (2, "member_id", "text", False, "Member ID", "Número de miembro (Member ID)", "", "", []),
    (2, "group_number", "text", False, "Group number", "Número de grupo", "", "", []),
    (
        2,
        "subscriber_relationship",
        "choice",
        False,
        "Whose insurance is it?",
        "¿De quién es el seguro?",
        "",
        "",
        [
            c("self", "Mine", "Mío"),
            c("spouse", "My spouse's or partner's", "De mi esposo/a o pareja"),
            c("parent", "A parent's", "De mi padre o madre"),
            c("other", "Someone else's", "De otra persona"),
        ],
    ),
    (2, "subscriber_name", "text", False, "If not yours: the policy holder's full name", "Si no es suyo: nombre completo del titular", "", "", []),
    (
        2,
        "subscriber_birth_date",
        "date",
        False,
        "If not yours: the policy holder's date of birth",
        "Si no es suyo: fecha de nacimiento del titular",
        "",
        "",
        [],
    ),
    (
        2,
        "card_front",
        "image",
        False,
        "Photo of the front of your insurance card",
        "Foto del frente de su tarjeta de seguro",
        "A photo from your phone (JPEG, PNG or iPhone photo), up to 10 MB.",
        "Una foto de su teléfono (JPEG, PNG o foto de iPhone), de hasta 10 MB.",
        [],
    ),
    (
        2,
        "card_back",
        "image",
        False,
        "Photo of the back of your insurance card",
        "Foto del reverso de su tarjeta de seguro",
        "A photo from your phone (JPEG, PNG or iPhone photo), up to 10 MB.",
        "Una foto de su teléfono (JPEG, PNG o foto de iPhone), de hasta 10 MB.",
        [],
    ),
    (
        2,
        "photo_id",
        "image",
        False,
        "Photo of an ID with your picture (driver's license, passport, matrícula consular)",
        "Foto de una identificación con su foto (licencia de conducir, pasaporte, matrícula consular)",
        "A photo from your phone (JPEG, PNG or iPhone photo), up to 10 MB.",
        "Una foto de su teléfono (JPEG, PNG o foto de iPhone), de hasta 10 MB.",
        [],
    ),
    # 3. Your legs and your health
    (
        3,
        "symptoms",
        "multiple",
        False,
        "What do you feel in your legs?",
        "¿Qué siente en las piernas?",
        "Choose all that apply.",
        "Elija todas las que correspondan.",
        [
            c("aching", "Aching or pain", "Dolor"),
            c("heaviness", "Heaviness or tiredness", "Pesadez o cansancio"),
            c("swelling", "Swelling", "Hinchazón"),
            c("cramps", "Cramps", "Calambres"),
            c("restless_legs", "An urge to move my legs at night", "Ganas de mover las piernas por la noche"),
            c("visible_veins", "Veins I can see (varicose or spider veins)", "Venas visibles (várices o arañitas)"),
            c("skin_changes", "Skin changes (darker, itchy, hard)", "Cambios en la piel (más oscura, comezón, dura)"),
            c("ulcers", "A sore or wound that does not heal", "Una llaga o herida que no sana"),
        ],
    ),
    (
        3,
        "symptoms_since",
        "choice",
        False,
        "Since when?",
        "¿Desde cuándo?",
        "",
        "",
        [
            c("under_3_months", "Less than 3 months", "Menos de 3 meses"),
            c("3_to_12_months", "3 to 12 months", "De 3 a 12 meses"),
            c("1_to_5_years", "1 to 5 years", "De 1 a 5 años"),
            c("over_5_years", "More than 5 years", "Más de 5 años"),
        ],
    ),
    (
        3,
        "compression_stockings",
        "yes_no",
        False,
        "Have you worn compression stockings?",
        "¿Ha usado medias de compresión?",
        "Insurers usually ask for about three months of them before they approve treatment.",
        "Las aseguradoras suelen pedir unos tres meses de uso antes de aprobar un tratamiento.",
        [],
    ),
    (3, "compression_since", "text", False, "Since when (month and year)?", "¿Desde cuándo (mes y año)?", "", "", []),
    (3, "compression_months", "number", False, "For how many months in all?", "¿Cuántos meses en total?", "", "", []),
    (3, "compression_hours", "number", False, "How many hours a day?", "¿Cuántas horas al día?", "", "", []),
    (
        3,
        "other_treatment",
        "multiple",
        False,
        "What else have you tried?",
        "¿Qué más ha probado?",
        "Choose all that apply.",
        "Elija todas las que correspondan.",
        [
            c("elevation", "Raising my legs", "Elevar las piernas"),
            c("exercise", "Walking or exercise", "Caminar o hacer ejercicio"),
            c("medication", "Pain or swelling medicine", "Medicina para el dolor o la hinchazón"),
            c("procedure", "A vein procedure", "Un procedimiento en las venas"),
        ],
    ),
    (
        3,
        "prior_procedures",
        "text",
        False,
        "If you had a vein procedure: which one, and when?",
        "Si le hicieron un procedimiento en las venas: ¿cuál y cuándo?",
        "",
        "",
        [],
    ),
    (
        3,
        "blood_clots",
        "choice",
        False,
        "Have you ever had a blood clot in a leg or a lung (DVT or pulmonary embolism)?",
        "¿Ha tenido alguna vez un coágulo en una pierna o en un pulmón (trombosis o embolia pulmonar)?",
        "",
        "",
        YES_NO_UNSURE,
    ),
    (
        3,
        "anticoagulants",
        "choice",
        False,
        "Do you take a blood thinner (such as warfarin, Eliquis or Xarelto)?",
        "¿Toma un anticoagulante (como warfarina, Eliquis o Xarelto)?",
        "",
        "",
        YES_NO_UNSURE,
    ),
    (3, "medications", "long_text", False, "Other medicines you take", "Otros medicamentos que toma", "", "", []),
    (
        3,
        "allergies",
        "long_text",
        False,
        "Allergies (medicines, latex, tape)",
        "Alergias (medicamentos, látex, cinta adhesiva)",
        "",
        "",
        [],
    ),
    (
        3,
        "pregnancy",
        "choice",
        False,
        "Are you pregnant, or could you be?",
        "¿Está embarazada o podría estarlo?",
        "",
        "",
        [c("yes", "Yes", "Sí"), c("no", "No", "No"), c("not_applicable", "Does not apply to me", "No aplica en mi caso")],
    ),
    (
        3,
        "iron",
        "choice",
        False,
        "For restless legs: have you had iron tests or iron treatment?",
        "Para las piernas inquietas: ¿le han hecho análisis de hierro o le han dado hierro?",
        "",
        "",
        [
            c("tests", "Iron tests", "Análisis de hierro"),
            c("treatment", "Iron treatment", "Tratamiento con hierro"),
            c("both", "Both", "Ambos"),
            c("no", "No", "No"),
            c("not_sure", "I don't know", "No lo sé"),
        ],
    ),
    (
        3,
        "anything_else",
        "long_text",
        False,
        "Anything else you want the doctor to know",
        "Algo más que quiera que sepa el médico",
        "",
        "",
        [],
    ),
    # 4. Consents (each text is part of what is signed; the signature is typed on this step)
    (
        4,
        "consent_privacy",
        "consent",
        True,
        "I have received the practice's Notice of Privacy Practices.",
        "He recibido el Aviso de Prácticas de Privacidad del consultorio.",
        "It says how we use and protect your health information.",
        "Explica cómo usamos y protegemos su información de salud.",
        [],
    ),
    (
        4,
        "consent_financial",
        "consent",
        True,
        "I accept the practice's financial policy.",
        "Acepto la política financiera del consultorio.",
        "We bill your insurance for covered services. You pay your copay, coinsurance and deductible, "
        "and for services your plan does not cover. Without insurance, you receive a Good Faith Estimate "
        "before the visit, and payment is due at the visit.",
        "Facturamos a su seguro los servicios cubiertos. Usted paga su copago, coaseguro y deducible, y los "
        "servicios que su plan no cubre. Sin seguro, recibe un Presupuesto de Buena Fe antes de la consulta "
        "y el pago se hace en la consulta.",
        [],
    ),
    (
        4,
        "consent_treatment",
        "consent",
        True,
        "I consent to examination and treatment by the practice's clinicians.",
        "Doy mi consentimiento para que los profesionales del consultorio me examinen y me traten.",
        "This covers the exam and tests such as a leg ultrasound. Any procedure is explained to you "
        "and needs its own written consent.",
        "Incluye el examen y pruebas como un ultrasonido de las piernas. Cualquier procedimiento se le "
        "explicará y necesitará su propio consentimiento por escrito.",
        [],
    ),
]


def seed(apps, schema_editor):
    Question = apps.get_model("packets", "Question")
    for order, (step, key, kind, required, text_en, text_es, help_en, help_es, choices) in enumerate(QUESTIONS):
        Question.objects.update_or_create(
            key=key,
            defaults={
                "step": step,
                "order": order,
                "kind": kind,
                "required": required,
                "text_en": text_en,
                "text_es": text_es,
                "help_en": help_en,
                "help_es": help_es,
                "choices": choices,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("packets", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
