"""The Spanish catalogue is complete, current and compiled.

`makemessages` runs on a copy of the project, so a new English string added to a template or
a form without its Spanish translation fails here, before a patient meets it.
"""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO_FILE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
IGNORED = shutil.ignore_patterns(".venv", ".git", "node_modules", "staticfiles", "bench", "*.sqlite3", "__pycache__")


def require_gettext():
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        pytest.fail("GNU gettext is needed to check the Spanish catalogue: apt-get install gettext")


def test_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(PO_FILE))
    assert not [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not [entry.msgid for entry in catalogue.fuzzy_entries()]


def test_every_translatable_string_in_the_code_is_in_the_catalogue(tmp_path):
    require_gettext()
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=IGNORED)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete", "--ignore=tests/*"],
        cwd=copy,
        env={"DEBUG": "1", "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "clinic_site.settings"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    regenerated = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    missing = sorted(entry.msgid for entry in regenerated.untranslated_entries())
    fuzzy = sorted(entry.msgid for entry in regenerated.fuzzy_entries())
    assert not missing, f"English strings with no Spanish translation: {missing}"
    assert not fuzzy, f"Translations to review (fuzzy after a change in English): {fuzzy}"


def test_compiled_catalogue_matches_the_source():
    compiled = gettext.GNUTranslations(MO_FILE.open("rb"))
    for entry in polib.pofile(str(PO_FILE)).translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid
