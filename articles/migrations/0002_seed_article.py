"""The clinic's article on iron deficiency and restless legs, from its current page (kept as
tests/articles/seed_page.txt), with its Spanish version."""

from django.db import migrations

from core.markdown import render_markdown

SLUG = "the-link-between-iron-deficiency-and-restless-leg-syndrome"

BODY = """\
You know the feeling: You’re tired out. You lie down to catch some Zs. But before you know it, there it is: that irresistible urge to move your legs. If you’re one of the 10% of Americans with restless legs syndrome (RLS), that sequence of events is — unfortunately — all too familiar.

Restless legs syndrome is a chronic condition that causes that undeniable desire to stretch or move your legs, along with other symptoms, like a creepy-crawly sensation just under your skin. Moving helps — but pretty soon, the symptoms come back, making it nearly impossible to get a decent night’s sleep.

At Desert West Vein & Surgery Center, Atur Kasha, DO, treats restless leg syndrome on an individual basis, identifying the factors contributing to each patient’s condition and then tailoring their treatment to their needs. Sometimes, that means addressing an underlying vein problem. Here’s how RLS and low iron levels are linked.

## RLS and iron deficiency

Iron is an important mineral that helps your blood carry oxygen to your tissues and organs. Most people associate low levels of iron with anemia, a condition that can cause symptoms like fatigue and lightheadedness.

But iron also plays an important role in brain health — specifically in relation to the production, processing, and storage of the neurotransmitter dopamine, a chemical that helps control movements.

Research shows that RLS symptoms are directly related to how well your brain produces and uses dopamine. When iron levels are low, the brain can’t process dopamine effectively, and RLS symptoms worsen.

In fact, MRI studies have shown that people with RLS have low concentrations of iron in a part of the brain that contains the special cells that produce dopamine. Low dopamine levels can have a direct effect on your muscles, interfering with nerve signaling that controls movements and resulting in those hard-to-control urges to move.

## Treating restless leg syndrome

The symptoms of iron deficiency aren’t always obvious. Dr. Kasha performs a comprehensive exam, including a review of your symptoms, your medical history, and other factors that could be contributing to RLS and its symptoms.

If he suspects an iron deficiency, he may refer you to your primary care physician, or you may need a blood test to measure the amount of iron in your blood. An iron blood test is simple, but there’s a catch: Some people have iron deficiency-related RLS even when their blood levels of iron are normal. Researchers believe that happens when the brain doesn’t absorb or store iron efficiently, effectively depriving key areas of iron even when there’s an adequate supply in the bloodstream. In these instances, you may need treatment for iron deficiency to see if your symptoms are relieved.

Other treatment options can include:

- Hot and cold compresses
- Foot wraps
- Massage
- Stretching exercises
- Lifestyle changes, like exercise or avoiding caffeine

Many people benefit from a combination of medication (or supplements) and lifestyle changes to improve circulation in their legs.

## Start enjoying a good night’s sleep

Without treatment, RLS can deprive you of sleep and interfere with lots of other aspects of your life, too. The sooner you seek treatment, the sooner you can relieve your symptoms, restore your sleep, and reclaim a normal life balance.

To learn more about RLS treatments at our offices in El Paso, Texas, [book an appointment online](/appointments/request/) or over the phone with Dr. Kasha and the team at Desert West Vein & Surgery Center today.
"""

BODY_ES = """\
Usted conoce la sensación: siente un gran cansancio. Se acuesta para dormir un poco. Pero, antes de que se dé cuenta, ahí está: esa necesidad irresistible de mover las piernas. Si usted forma parte del 10 % de los estadounidenses con síndrome de piernas inquietas (SPI), esa secuencia de hechos le resulta —lamentablemente— demasiado familiar.

El síndrome de piernas inquietas es una afección crónica que causa ese deseo innegable de estirar o mover las piernas, junto con otros síntomas, como una sensación de hormigueo justo debajo de la piel. Moverse ayuda, pero muy pronto los síntomas vuelven, y resulta casi imposible tener una buena noche de sueño.

En Desert West Vein & Surgery Center, el Dr. Atur Kasha, DO, trata el síndrome de piernas inquietas de manera individual: identifica los factores que contribuyen a la afección de cada paciente y luego adapta el tratamiento a sus necesidades. A veces, eso significa tratar un problema venoso subyacente. A continuación le explicamos cómo se relacionan el SPI y los niveles bajos de hierro.

## El SPI y la deficiencia de hierro

El hierro es un mineral importante que ayuda a su sangre a transportar oxígeno a sus tejidos y órganos. La mayoría de las personas asocia los niveles bajos de hierro con la anemia, una afección que puede causar síntomas como fatiga y sensación de mareo.

Pero el hierro también desempeña un papel importante en la salud del cerebro, concretamente en relación con la producción, el procesamiento y el almacenamiento del neurotransmisor dopamina, una sustancia química que ayuda a controlar los movimientos.

Las investigaciones muestran que los síntomas del SPI están directamente relacionados con lo bien que su cerebro produce y utiliza la dopamina. Cuando los niveles de hierro son bajos, el cerebro no puede procesar la dopamina de manera eficaz y los síntomas del SPI empeoran.

De hecho, estudios de resonancia magnética han demostrado que las personas con SPI tienen concentraciones bajas de hierro en una parte del cerebro que contiene las células especiales que producen dopamina. Los niveles bajos de dopamina pueden tener un efecto directo en sus músculos: interfieren con las señales nerviosas que controlan los movimientos y provocan esos impulsos de moverse tan difíciles de controlar.

## Tratamiento del síndrome de piernas inquietas

Los síntomas de la deficiencia de hierro no siempre son evidentes. El Dr. Kasha realiza un examen completo, que incluye una revisión de sus síntomas, sus antecedentes médicos y otros factores que podrían estar contribuyendo al SPI y a sus síntomas.

Si sospecha una deficiencia de hierro, es posible que lo remita a su médico de atención primaria, o que usted necesite un análisis de sangre para medir la cantidad de hierro en su sangre. Un análisis de hierro en sangre es sencillo, pero hay un inconveniente: algunas personas tienen SPI relacionado con la deficiencia de hierro incluso cuando sus niveles de hierro en sangre son normales. Los investigadores creen que esto ocurre cuando el cerebro no absorbe ni almacena el hierro de manera eficiente, lo que en efecto priva de hierro a zonas clave aun cuando hay un suministro adecuado en el torrente sanguíneo. En estos casos, es posible que necesite tratamiento de la deficiencia de hierro para ver si se alivian sus síntomas.

Otras opciones de tratamiento pueden incluir:

- Compresas calientes y frías
- Vendajes para los pies
- Masajes
- Ejercicios de estiramiento
- Cambios en el estilo de vida, como hacer ejercicio o evitar la cafeína

Muchas personas se benefician de una combinación de medicamentos (o suplementos) y cambios en el estilo de vida para mejorar la circulación en las piernas.

## Empiece a disfrutar de una buena noche de sueño

Sin tratamiento, el SPI puede privarle de sueño e interferir también en muchos otros aspectos de su vida. Cuanto antes busque tratamiento, antes podrá aliviar sus síntomas, recuperar el sueño y restablecer el equilibrio normal de su vida.

Para obtener más información sobre los tratamientos para el SPI en nuestros consultorios de El Paso, Texas, [reserve una cita en línea](/es/appointments/request/) o por teléfono con el Dr. Kasha y el equipo de Desert West Vein & Surgery Center hoy mismo.
"""

ARTICLE = {
    "slug": SLUG,
    "title": "The Link Between Iron Deficiency and Restless Leg Syndrome",
    "summary": (
        "Here’s how RLS and low iron levels are linked. When iron levels are low, the brain can’t process "
        "dopamine effectively, and RLS symptoms worsen."
    ),
    "body": BODY,
    "about": "Restless legs syndrome",
    "title_es": "La relación entre la deficiencia de hierro y el síndrome de piernas inquietas",
    "summary_es": (
        "Cuando los niveles de hierro son bajos, el cerebro no puede procesar la dopamina de manera eficaz "
        "y los síntomas del SPI empeoran."
    ),
    "body_es": BODY_ES,
    "about_es": "Síndrome de piernas inquietas",
    "status": "published",
    "published_on": "2022-08-01",
}


def create_article(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    if Article.objects.filter(slug=SLUG).exists():
        return
    # Historical models have no custom save(): render the HTML here as Article.save() does.
    Article.objects.create(
        **ARTICLE, body_html=render_markdown(ARTICLE["body"]), body_html_es=render_markdown(ARTICLE["body_es"])
    )


def delete_article(apps, schema_editor):
    apps.get_model("articles", "Article").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(create_article, delete_article)]
