"""The five notices, seeded from the US government's model texts (public-domain works) where one
exists, in condensed, faithful versions, and in plain words where none exists (Texas): each marked
not yet reviewed by the practice, which must check it before going live (docs/notices.md).

The practice's name, first office's address and phone are filled in from the seeded practice and
offices as they are when this migration runs; editors correct any of it in admin.
"""

from django.db import migrations
from django.utils import timezone

from core.markdown import render_markdown

OCR_COMPLAINTS = (
    "U.S. Department of Health and Human Services, Office for Civil Rights, 200 Independence Avenue, S.W., "
    "Room 509F, HHH Building, Washington, D.C. 20201"
)

# --- HIPAA Notice of Privacy Practices (HHS model notice, condensed) -------------------------

NPP = """\
**This notice describes how medical information about you may be used and disclosed and how you can get access to this information. Please review it carefully.**

## Your rights

When it comes to your health information, you have certain rights.

- **Get a copy of your medical record**, on paper or electronically. Ask us how. We will usually give you a copy or a summary within 30 days of your request, and may charge a reasonable, cost-based fee.
- **Ask us to correct your medical record** if you think it is incorrect or incomplete. We may say "no", but we will tell you why in writing within 60 days.
- **Ask for confidential communications**: to contact you in a specific way (for example, a home or office phone) or to send mail to a different address. We will say "yes" to all reasonable requests.
- **Ask us to limit what we use or share** for treatment, payment or our operations. We are not required to agree, and may say "no" if it would affect your care. If you pay for a service or health care item out-of-pocket in full, you can ask us not to share that information with your health insurer, and we will say "yes" unless a law requires us to share it.
- **Get a list of those with whom we've shared information**: the times we shared your health information in the six years before you ask, who we shared it with, and why (except for treatment, payment, operations and certain other disclosures). One list a year is free.
- **Get a copy of this notice** at any time, even if you agreed to receive it electronically.
- **Choose someone to act for you**: someone with your medical power of attorney, or your legal guardian, can exercise your rights. We will make sure that person has this authority before we act.
- **File a complaint** if you feel we have violated your rights, by contacting us (below), or with the U.S. Department of Health and Human Services Office for Civil Rights: %(ocr)s; 1-877-696-6775; [www.hhs.gov/ocr/privacy/hipaa/complaints/](https://www.hhs.gov/ocr/privacy/hipaa/complaints/). We will not retaliate against you for filing a complaint.

## Your choices

For certain health information, you can tell us your choices about what we share. You have both the right and the choice to tell us to share information with your family, close friends or others involved in your care, and to share information in a disaster relief situation. If you cannot tell us your preference (for example, if you are unconscious), we may share your information if we believe it is in your best interest, or when needed to lessen a serious and imminent threat to health or safety.

We never share your information for marketing purposes or sell your information unless you give us written permission. We may contact you for fundraising efforts, but you can tell us not to contact you again.

## Our uses and disclosures

We typically use or share your health information to **treat you** (with other professionals who are treating you), to **run our organization** (to improve your care and contact you when necessary) and to **bill for your services** (from health plans or other entities).

We are allowed or required to share your information in other ways, usually in ways that contribute to the public good, such as public health and research, and only after meeting many conditions in the law: to help with public health and safety issues (preventing disease, reporting adverse reactions to medications, reporting suspected abuse, neglect or domestic violence, preventing a serious threat to anyone's health or safety); for health research; to comply with the law, including with the Department of Health and Human Services; to respond to organ and tissue donation requests; to work with a medical examiner or funeral director; for workers' compensation claims, law enforcement purposes, health oversight agencies and special government functions such as military, national security and presidential protective services; and in response to a court or administrative order or a subpoena.

**Substance use disorder treatment records.** If we receive or keep records of substance use disorder treatment that are protected by federal law (42 CFR Part 2), we will not use or share them, or testimony about them, in any civil, criminal, administrative or legislative proceeding against you without your written consent or a court order issued after you were given notice and a chance to be heard.

## Our responsibilities

- We are required by law to maintain the privacy and security of your protected health information.
- We will let you know promptly if a breach occurs that may have compromised the privacy or security of your information.
- We must follow the duties and privacy practices described in this notice and give you a copy of it.
- We will not use or share your information other than as described here unless you tell us we can in writing. If you tell us we can, you may change your mind at any time by letting us know in writing.

## Changes to this notice

We can change the terms of this notice, and the changes will apply to all information we have about you. The new notice will be available on request, in our offices and on this website, and every earlier version stays available here.

## Contact

%(practice)s, %(address)s. Privacy questions and requests: call %(phone)s and ask for our privacy officer.
"""

NPP_ES = """\
**Este aviso describe cómo se puede usar y divulgar su información médica y cómo puede usted obtener acceso a esta información. Por favor, léalo con atención.**

## Sus derechos

En lo que respecta a su información de salud, usted tiene ciertos derechos.

- **Obtener una copia de su expediente médico**, en papel o en formato electrónico. Pregúntenos cómo hacerlo. Por lo general le daremos una copia o un resumen dentro de los 30 días siguientes a su solicitud, y podemos cobrar un cargo razonable basado en el costo.
- **Pedirnos que corrijamos su expediente médico** si cree que es incorrecto o está incompleto. Podemos decir "no", pero le diremos por qué por escrito dentro de 60 días.
- **Solicitar comunicaciones confidenciales**: que nos comuniquemos con usted de una manera específica (por ejemplo, al teléfono de su casa o de su trabajo) o que enviemos el correo a otra dirección. Diremos "sí" a todas las solicitudes razonables.
- **Pedirnos que limitemos lo que usamos o compartimos** para tratamiento, pago o nuestras operaciones. No estamos obligados a aceptar y podemos decir "no" si afectara su atención. Si paga por completo de su bolsillo un servicio o artículo de atención médica, puede pedirnos que no compartamos esa información con su aseguradora, y diremos "sí" a menos que una ley nos obligue a compartirla.
- **Obtener una lista de aquellos con quienes hemos compartido información**: las veces que compartimos su información de salud en los seis años anteriores a su solicitud, con quién y por qué (salvo para tratamiento, pago, operaciones y algunas otras divulgaciones). Una lista al año es gratuita.
- **Obtener una copia de este aviso** en cualquier momento, aunque haya aceptado recibirlo en formato electrónico.
- **Elegir a alguien para que actúe en su nombre**: una persona con su poder notarial médico, o su tutor legal, puede ejercer sus derechos. Nos aseguraremos de que esa persona tenga esa autoridad antes de actuar.
- **Presentar una queja** si cree que hemos violado sus derechos, comunicándose con nosotros (abajo), o ante la Oficina de Derechos Civiles del Departamento de Salud y Servicios Humanos de los EE. UU.: %(ocr)s; 1-877-696-6775; [www.hhs.gov/ocr/privacy/hipaa/complaints/](https://www.hhs.gov/ocr/privacy/hipaa/complaints/). No tomaremos represalias contra usted por presentar una queja.

## Sus opciones

Sobre cierta información de salud, usted puede decirnos qué prefiere que compartamos. Tiene el derecho y la opción de pedirnos que compartamos información con su familia, amigos cercanos u otras personas que participan en su atención, y que compartamos información en una situación de ayuda en caso de desastre. Si no puede decirnos su preferencia (por ejemplo, si está inconsciente), podemos compartir su información si creemos que es lo mejor para usted, o cuando sea necesario para reducir una amenaza grave e inminente a la salud o la seguridad.

Nunca compartimos su información con fines de mercadeo ni la vendemos sin su permiso por escrito. Podemos comunicarnos con usted para recaudar fondos, pero puede pedirnos que no lo volvamos a hacer.

## Nuestros usos y divulgaciones

Por lo general usamos o compartimos su información de salud para **tratarlo** (con otros profesionales que lo atienden), para **administrar nuestra organización** (para mejorar su atención y comunicarnos con usted cuando sea necesario) y para **facturar sus servicios** (a planes de salud u otras entidades).

La ley nos permite o exige compartir su información de otras maneras, por lo general en formas que contribuyen al bien público, como la salud pública y la investigación, y solo después de cumplir muchas condiciones legales: para ayudar con asuntos de salud pública y seguridad (prevenir enfermedades, informar reacciones adversas a medicamentos, informar sospechas de abuso, negligencia o violencia doméstica, prevenir una amenaza grave a la salud o seguridad de alguien); para investigaciones de salud; para cumplir con la ley, incluso con el Departamento de Salud y Servicios Humanos; para responder a solicitudes de donación de órganos y tejidos; para colaborar con un médico forense o director de funeraria; para reclamos de compensación laboral, fines policiales, agencias de supervisión de la salud y funciones gubernamentales especiales como las militares, de seguridad nacional y de protección presidencial; y para responder a una orden judicial o administrativa o a una citación.

**Expedientes de tratamiento por trastornos por consumo de sustancias.** Si recibimos o conservamos expedientes de tratamiento por trastornos por consumo de sustancias protegidos por la ley federal (42 CFR Parte 2), no los usaremos ni compartiremos, ni testimonios sobre ellos, en ningún procedimiento civil, penal, administrativo o legislativo contra usted sin su consentimiento por escrito o una orden judicial emitida después de que se le haya notificado y dado la oportunidad de ser escuchado.

## Nuestras responsabilidades

- La ley nos exige mantener la privacidad y la seguridad de su información de salud protegida.
- Le avisaremos de inmediato si ocurre una violación de seguridad que pueda haber comprometido la privacidad o la seguridad de su información.
- Debemos cumplir con los deberes y las prácticas de privacidad descritos en este aviso y darle una copia.
- No usaremos ni compartiremos su información de otra manera que la descrita aquí, a menos que nos lo autorice por escrito. Si nos autoriza, puede cambiar de opinión en cualquier momento avisándonos por escrito.

## Cambios a este aviso

Podemos cambiar los términos de este aviso, y los cambios se aplicarán a toda la información que tengamos sobre usted. El nuevo aviso estará disponible a pedido, en nuestras oficinas y en este sitio web, donde también quedan todas las versiones anteriores.

## Contacto

%(practice)s, %(address)s. Preguntas y solicitudes sobre privacidad: llame al %(phone)s y pida hablar con nuestro encargado de privacidad.
"""

# --- Section 1557: Notice of Nondiscrimination (HHS sample notice, 45 CFR 92.10) -------------

NONDISCRIMINATION = """\
%(practice)s complies with applicable Federal civil rights laws and does not discriminate on the basis of race, color, national origin, age, disability or sex. %(practice)s does not exclude people or treat them differently because of race, color, national origin, age, disability or sex.

%(practice)s:

- Provides people with disabilities reasonable modifications and free appropriate auxiliary aids and services to communicate effectively with us, such as qualified sign language interpreters and written information in other formats (large print, audio, accessible electronic formats, other formats).
- Provides free language assistance services to people whose primary language is not English, such as qualified interpreters and information written in other languages.

If you need reasonable modifications, appropriate auxiliary aids and services or language assistance services, call %(phone)s (TTY: 711) and ask for our Section 1557 Coordinator.

If you believe that %(practice)s has failed to provide these services or discriminated in another way on the basis of race, color, national origin, age, disability or sex, you can file a grievance with our Section 1557 Coordinator: %(address)s; %(phone)s (TTY: 711). You can file a grievance in person, by mail or by phone. If you need help filing a grievance, our Section 1557 Coordinator is available to help you.

You can also file a civil rights complaint with the U.S. Department of Health and Human Services, Office for Civil Rights, electronically through the Office for Civil Rights Complaint Portal at [ocrportal.hhs.gov/ocr/portal/lobby.jsf](https://ocrportal.hhs.gov/ocr/portal/lobby.jsf), or by mail or phone at: %(ocr)s; 1-800-368-1019, 800-537-7697 (TDD). Complaint forms are available at [www.hhs.gov/ocr/complaints/index.html](https://www.hhs.gov/ocr/complaints/index.html).

This notice is available at no cost in alternative formats and in other languages: [language assistance](/notices/language-assistance/).
"""

NONDISCRIMINATION_ES = """\
%(practice)s cumple con las leyes federales de derechos civiles aplicables y no discrimina por motivos de raza, color, origen nacional, edad, discapacidad o sexo. %(practice)s no excluye a las personas ni las trata de forma diferente debido a su raza, color, origen nacional, edad, discapacidad o sexo.

%(practice)s:

- Proporciona a las personas con discapacidades modificaciones razonables y ayudas y servicios auxiliares apropiados y gratuitos para comunicarse eficazmente con nosotros, como intérpretes de lenguaje de señas calificados e información escrita en otros formatos (letra grande, audio, formatos electrónicos accesibles, otros formatos).
- Proporciona servicios gratuitos de asistencia lingüística a personas cuyo idioma principal no es el inglés, como intérpretes calificados e información escrita en otros idiomas.

Si necesita modificaciones razonables, ayudas y servicios auxiliares apropiados o servicios de asistencia lingüística, llame al %(phone)s (TTY: 711) y pida hablar con nuestro Coordinador de la Sección 1557.

Si cree que %(practice)s no le ha proporcionado estos servicios o lo ha discriminado de otra manera por motivos de raza, color, origen nacional, edad, discapacidad o sexo, puede presentar una queja ante nuestro Coordinador de la Sección 1557: %(address)s; %(phone)s (TTY: 711). Puede presentar la queja en persona, por correo o por teléfono. Si necesita ayuda para presentarla, nuestro Coordinador de la Sección 1557 está disponible para ayudarle.

También puede presentar una queja de derechos civiles ante la Oficina de Derechos Civiles del Departamento de Salud y Servicios Humanos de los EE. UU., de forma electrónica a través del Portal de Quejas de la Oficina de Derechos Civiles en [ocrportal.hhs.gov/ocr/portal/lobby.jsf](https://ocrportal.hhs.gov/ocr/portal/lobby.jsf), o por correo o por teléfono: %(ocr)s; 1-800-368-1019, 800-537-7697 (TDD). Los formularios de queja están disponibles en [www.hhs.gov/ocr/complaints/index.html](https://www.hhs.gov/ocr/complaints/index.html).

Este aviso está disponible sin costo en formatos alternativos y en otros idiomas: [asistencia con idiomas](/es/notices/language-assistance/).
"""

# --- Section 1557: Notice of Availability, with taglines (45 CFR 92.11) ----------------------

# The 15 languages most spoken in Texas by people with limited English proficiency (HHS's
# state list, from Census data), each tagline in HHS's sample wording with its language marked
# (and right-to-left where the script is), so screen readers read it in that language.
TAGLINES = """\
ATENCIÓN: Si habla español, tiene a su disposición servicios gratuitos de asistencia lingüística. Llame al %(phone)s (TTY: 711).
{: lang="es" }

CHÚ Ý: Nếu bạn nói Tiếng Việt, có các dịch vụ hỗ trợ ngôn ngữ miễn phí dành cho bạn. Gọi số %(phone)s (TTY: 711).
{: lang="vi" }

注意：如果您使用繁體中文，您可以免費獲得語言援助服務。請致電 %(phone)s（TTY：711）。
{: lang="zh-Hant" }

ملحوظة: إذا كنت تتحدث اللغة العربية، فإن خدمات المساعدة اللغوية تتوافر لك بالمجان. اتصل برقم %(phone)s (رقم هاتف الصم والبكم: 711).
{: lang="ar" dir="rtl" }

주의: 한국어를 사용하시는 경우, 언어 지원 서비스를 무료로 이용하실 수 있습니다. %(phone)s (TTY: 711) 번으로 전화해 주십시오.
{: lang="ko" }

خبردار: اگر آپ اردو بولتے ہیں، تو آپ کو زبان کی مدد کی خدمات مفت میں دستیاب ہیں۔ کال کریں %(phone)s (TTY: 711)۔
{: lang="ur" dir="rtl" }

ध्यान दें: यदि आप हिंदी बोलते हैं तो आपके लिए मुफ्त में भाषा सहायता सेवाएं उपलब्ध हैं। %(phone)s (TTY: 711) पर कॉल करें।
{: lang="hi" }

PAUNAWA: Kung nagsasalita ka ng Tagalog, maaari kang gumamit ng mga serbisyo ng tulong sa wika nang walang bayad. Tumawag sa %(phone)s (TTY: 711).
{: lang="tl" }

ATTENTION : Si vous parlez français, des services d'aide linguistique vous sont proposés gratuitement. Appelez le %(phone)s (ATS : 711).
{: lang="fr" }

توجه: اگر به زبان فارسی گفتگو می کنید، تسهیلات زبانی بصورت رایگان برای شما فراهم می باشد. با %(phone)s (TTY: 711) تماس بگیرید.
{: lang="fa" dir="rtl" }

ACHTUNG: Wenn Sie Deutsch sprechen, stehen Ihnen kostenlos sprachliche Hilfsdienstleistungen zur Verfügung. Rufnummer: %(phone)s (TTY: 711).
{: lang="de" }

સુચના: જો તમે ગુજરાતી બોલતા હો, તો નિ:શુલ્ક ભાષા સહાય સેવાઓ તમારા માટે ઉપલબ્ધ છે. ફોન કરો %(phone)s (TTY: 711).
{: lang="gu" }

ВНИМАНИЕ: Если вы говорите на русском языке, то вам доступны бесплатные услуги перевода. Звоните %(phone)s (телетайп: 711).
{: lang="ru" }

注意事項：日本語を話される場合、無料の言語支援をご利用いただけます。%(phone)s（TTY: 711）まで、お電話にてご連絡ください。
{: lang="ja" }

ໂປດຊາບ: ຖ້າວ່າ ທ່ານເວົ້າພາສາ ລາວ, ການບໍລິການຊ່ວຍເຫຼືອດ້ານພາສາ, ໂດຍບໍ່ເສັຽຄ່າ, ແມ່ນມີພ້ອມໃຫ້ທ່ານ. ໂທຣ %(phone)s (TTY: 711).
{: lang="lo" }
"""

LANGUAGE_ASSISTANCE = """\
ATTENTION: If you speak a language other than English, free language assistance services are available to you. Appropriate auxiliary aids and services to provide information in accessible formats are also available free of charge. Call %(phone)s (TTY: 711) or speak to your provider.

## In your language

%(taglines)s
## More about your rights

Read our [Notice of Nondiscrimination](/notices/nondiscrimination/).
"""

LANGUAGE_ASSISTANCE_ES = """\
ATENCIÓN: Si habla un idioma que no sea el inglés, tiene a su disposición servicios gratuitos de asistencia lingüística. También están disponibles de forma gratuita ayudas y servicios auxiliares apropiados para proporcionar información en formatos accesibles. Llame al %(phone)s (TTY: 711) o hable con su proveedor.

## En su idioma

%(taglines)s
## Más sobre sus derechos

Lea nuestro [Aviso de no discriminación](/es/notices/nondiscrimination/).
"""

# --- No Surprises Act: the right to a Good Faith Estimate (CMS model notice) ----------------

GOOD_FAITH_ESTIMATE = """\
**You have the right to receive a "Good Faith Estimate" explaining how much your medical care will cost.**

Under the law, health care providers need to give patients who don't have insurance or who are not using insurance an estimate of the bill for medical items and services.

- You have the right to receive a Good Faith Estimate for the total expected cost of any non-emergency items or services. This includes related costs like medical tests, prescription drugs, equipment and hospital fees.
- Make sure your health care provider gives you a Good Faith Estimate in writing at least 1 business day before your medical service or item. You can also ask your health care provider, and any other provider you choose, for a Good Faith Estimate before you schedule an item or service.
- If you receive a bill that is at least $400 more than your Good Faith Estimate, you can dispute the bill.
- Make sure to save a copy or picture of your Good Faith Estimate.

For questions or more information about your right to a Good Faith Estimate, visit [www.cms.gov/nosurprises](https://www.cms.gov/nosurprises) or call 1-800-985-3059.

## When we send your estimate

When you book a visit and tell us you will not use health insurance, or ask us for an estimate, we send it within 1 business day when the visit is at least 3 business days away, and within 3 business days when the visit is at least 10 business days away or when you ask for one. Questions: call %(phone)s.
"""

GOOD_FAITH_ESTIMATE_ES = """\
**Usted tiene derecho a recibir un "Cálculo de buena fe" que explique cuánto costará su atención médica.**

Según la ley, los proveedores de atención médica deben dar a los pacientes que no tienen seguro o que no usan su seguro un cálculo de la factura por los artículos y servicios médicos.

- Tiene derecho a recibir un Cálculo de buena fe del costo total previsto de cualquier artículo o servicio que no sea de emergencia. Esto incluye costos relacionados, como pruebas médicas, medicamentos recetados, equipo y cargos de hospital.
- Asegúrese de que su proveedor de atención médica le dé un Cálculo de buena fe por escrito al menos 1 día hábil antes de su servicio o artículo médico. También puede pedir a su proveedor de atención médica, y a cualquier otro proveedor que elija, un Cálculo de buena fe antes de programar un artículo o servicio.
- Si recibe una factura de al menos $400 más que su Cálculo de buena fe, puede disputar la factura.
- Asegúrese de guardar una copia o una foto de su Cálculo de buena fe.

Si tiene preguntas o desea más información sobre su derecho a un Cálculo de buena fe, visite [www.cms.gov/nosurprises](https://www.cms.gov/nosurprises) o llame al 1-800-985-3059.

## Cuándo le enviamos su cálculo

Cuando programa una visita y nos dice que no usará seguro médico, o nos pide un cálculo, se lo enviamos dentro de 1 día hábil si la visita es en 3 días hábiles o más, y dentro de 3 días hábiles si la visita es en 10 días hábiles o más o si usted nos lo pide. Preguntas: llame al %(phone)s.
"""

# --- Texas HB 300: notice of electronic disclosure (Health and Safety Code 181.154) ---------
# Texas publishes no model text; this says what the statute requires, plainly.

ELECTRONIC_DISCLOSURE = """\
**Your health information may be disclosed electronically.**

%(practice)s creates, receives and keeps your protected health information in electronic form, and may share it electronically, as Texas and federal law allow.

We share your protected health information electronically only to treat you, to obtain payment for your care, for our health care operations, for insurance or health maintenance organization functions, or as otherwise authorized or required by state or federal law. For any other electronic disclosure, we first ask for your written authorization.

This notice is given under Texas Health and Safety Code §181.154. For questions, call %(phone)s. Our [Notice of Privacy Practices](/notices/privacy-practices/) explains your rights over your health information.
"""

ELECTRONIC_DISCLOSURE_ES = """\
**Su información de salud puede divulgarse de forma electrónica.**

%(practice)s crea, recibe y conserva su información de salud protegida en formato electrónico, y puede compartirla de forma electrónica, según lo permiten las leyes de Texas y federales.

Compartimos su información de salud protegida de forma electrónica solo para tratarlo, para obtener el pago de su atención, para nuestras operaciones de atención médica, para funciones de seguros o de organizaciones de mantenimiento de la salud, o según lo autoricen o exijan de otro modo las leyes estatales o federales. Para cualquier otra divulgación electrónica, primero le pedimos su autorización por escrito.

Este aviso se da conforme a la sección 181.154 del Código de Salud y Seguridad de Texas. Si tiene preguntas, llame al %(phone)s. Nuestro [Aviso de prácticas de privacidad](/es/notices/privacy-practices/) explica sus derechos sobre su información de salud.
"""

NOTICES = [
    ("privacy-practices", "Notice of Privacy Practices", "Aviso de prácticas de privacidad", NPP, NPP_ES),
    (
        "nondiscrimination",
        "Notice of Nondiscrimination",
        "Aviso de no discriminación",
        NONDISCRIMINATION,
        NONDISCRIMINATION_ES,
    ),
    (
        "language-assistance",
        "Language assistance and auxiliary aids",
        "Asistencia con idiomas y ayudas auxiliares",
        LANGUAGE_ASSISTANCE,
        LANGUAGE_ASSISTANCE_ES,
    ),
    (
        "good-faith-estimate",
        "Your right to a Good Faith Estimate",
        "Su derecho a un Cálculo de buena fe",
        GOOD_FAITH_ESTIMATE,
        GOOD_FAITH_ESTIMATE_ES,
    ),
    (
        "electronic-disclosure",
        "Electronic disclosure of your health information",
        "Divulgación electrónica de su información de salud",
        ELECTRONIC_DISCLOSURE,
        ELECTRONIC_DISCLOSURE_ES,
    ),
]


def practice_details(apps):
    clinic = apps.get_model("core", "Clinic").objects.order_by("pk").first()
    office = apps.get_model("locations", "Location").objects.order_by("display_order", "name").first()
    details = {"practice": clinic.name if clinic else "Our practice", "ocr": OCR_COMPLAINTS}
    if office:
        street = f"{office.street_address}, {office.suite}" if office.suite else office.street_address
        details |= {"phone": office.phone, "address": f"{street}, {office.city}, {office.state} {office.postal_code}"}
    else:
        details |= {"phone": "our office", "address": "our office"}
    details["taglines"] = TAGLINES % details
    return details


def seed_notices(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    NoticeVersion = apps.get_model("notices", "NoticeVersion")
    details = practice_details(apps)
    today = timezone.localdate()
    for kind, title, title_es, body, body_es in NOTICES:
        if Notice.objects.filter(kind=kind).exists():
            continue
        content = {
            "title": title,
            "title_es": title_es,
            "body": body % details,
            "body_es": body_es % details,
            "effective_on": today,
            "reviewed": False,
        }
        notice = Notice.objects.create(kind=kind, **content)
        NoticeVersion.objects.create(
            notice=notice,
            number=1,
            body_html=render_markdown(content["body"], language_marks=True),
            body_html_es=render_markdown(content["body_es"], language_marks=True),
            **content,
        )


def remove_notices(apps, schema_editor):
    Notice = apps.get_model("notices", "Notice")
    apps.get_model("notices", "NoticeVersion").objects.filter(notice__kind__in=[row[0] for row in NOTICES]).delete()
    Notice.objects.filter(kind__in=[row[0] for row in NOTICES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("core", "0001_initial"),
        ("locations", "0002_seed_offices"),
    ]
    operations = [migrations.RunPython(seed_notices, remove_notices)]
