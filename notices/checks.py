"""The deployment check: a site must not go live without its notices, nor quietly keep the
government's model text as if the practice had made it its own."""

from django.core import checks
from django.db import DatabaseError, connections, router

from .models import RULES, Notice, NoticeKind


@checks.register(checks.Tags.security, deploy=True)
def notices_in_place(app_configs, **kwargs):
    """An error for each kind of notice missing, a warning for each not yet reviewed.

    It reads the database, as a deployment check may (it runs after `migrate` on the server). A
    database not migrated yet has nothing to judge: the migrations seed every notice."""
    alias = router.db_for_read(Notice)
    try:
        if Notice._meta.db_table not in connections[alias].introspection.table_names():
            return []
        found = dict(Notice.objects.using(alias).values_list("kind", "reviewed"))
    except DatabaseError as error:
        return [
            checks.Warning(
                f"The patient notices could not be read: {error.__class__.__name__}.",
                hint="Run the deployment check where the site's database answers.",
                id="notices.W002",
            )
        ]
    problems = []
    for kind in NoticeKind:
        if kind not in found:
            problems.append(
                checks.Error(
                    f"The notice “{kind.label}” is missing: the site must post it ({RULES[kind]}).",
                    hint="Add it in admin (Patient rights and notices), in English and Spanish.",
                    id="notices.E001",
                )
            )
        elif not found[kind]:
            problems.append(
                checks.Warning(
                    f"The notice “{kind.label}” is still the model text, not reviewed by the practice.",
                    hint="Review it in admin against docs/notices.md, then tick “reviewed by the practice”.",
                    id="notices.W001",
                )
            )
    return problems
