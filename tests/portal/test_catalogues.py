"""Every offered language's catalogues are complete, correct and compiled; none lags the code.

Red until every catalogue is complete, by design: each failure lists what to fix (catalogue,
message). Check a subset with PARTICIPATION_LANGUAGES=en,fr,de (the offered languages are
checked).
"""

import gettext
import os
import shutil
import struct
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from portal.languages import KNOWN_LANGUAGES, LIBRARY_GAP_LANGUAGES
from portal.management.commands import library_strings
from portal.management.commands.update_catalogues import (
    CATALOGUE_ROOTS,
    catalogue_languages,
    fill_from,
    known_translations,
)

BASE = Path(settings.BASE_DIR)
OFFERED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# Plural rules (gettext expressions), the first being Django's (or CLDR's where Django has no
# catalogue); the others are equivalent classic forms translators also use. A catalogue's rule
# must have the same number of forms as one of them and pick the same form for every count.
PLURAL_RULES = {
    "fr": ["nplurals=2; plural=(n > 1);"],
    "de": ["nplurals=2; plural=(n != 1);"],
    "ar": [
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;"
    ],
    "uk": [
        "nplurals=4; plural=(n % 1 == 0 && n % 10 == 1 && n % 100 != 11 ? 0 : n % 1 == 0 && "
        "n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : n % 1 == 0 && "
        "(n % 10 ==0 || (n % 10 >=5 && n % 10 <=9) || (n % 100 >=11 && n % 100 <=14 )) ? 2: 3);",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ],
    "fa": ["nplurals=2; plural=(n > 1);"],  # CLDR: one for 0 and 1
    "ps": ["nplurals=2; plural=(n != 1);"],  # CLDR: one for 1
    "ti": ["nplurals=2; plural=(n > 1);"],  # CLDR: one for 0 and 1
    "so": ["nplurals=2; plural=(n != 1);"],  # CLDR: one for 1
    "tr": ["nplurals=2; plural=(n > 1);", "nplurals=2; plural=(n != 1);"],
    "ru": [
        "nplurals=4; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<12 || n%100>14) ? 1 : n%10==0 || (n%10>=5 && n%10<=9) || "
        "(n%100>=11 && n%100<=14)? 2 : 3);",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
    ],
    "es": [
        "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;",
        "nplurals=2; plural=(n != 1);",
    ],
    "it": ["nplurals=2; plural=(n != 1);"],
    "pl": [
        "nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && (n%100<12 || n%100>14) ? 1 : "
        "n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && n%10<=9) || (n%100>=12 && n%100<=14) ? 2 "
        ": 3);",
        "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    ],
    "ro": ["nplurals=3; plural=(n==1?0:(((n%100>19)||((n%100==0)&&(n!=0)))?2:1));"],
}
COUNTS = [*range(0, 1001), 1_000_000, 2_000_001]


def plural_rule(header: str):
    """(nplurals, [form for each of COUNTS]) of a Plural-Forms header, or None if unreadable."""
    try:
        parts = dict(part.strip().split("=", 1) for part in header.strip().rstrip(";").split(";"))
        choose = gettext.c2py(parts["plural"].strip())
        return int(parts["nplurals"]), [choose(n) for n in COUNTS]
    except (KeyError, ValueError, SyntaxError):
        return None


def catalogue_problems(code: str, po_path: Path) -> list[str]:
    """Everything wrong with one catalogue, one line each."""
    where = po_path.relative_to(BASE) if po_path.is_relative_to(BASE) else po_path
    if not po_path.exists():
        return [f"{where}: missing (make messages, then translate it)"]
    po = polib.pofile(str(po_path))
    problems = []
    if po.metadata_is_fuzzy:
        problems.append(f"{where}: the header is marked fuzzy")
    rule = plural_rule(po.metadata.get("Plural-Forms", ""))
    if rule is None or rule not in [plural_rule(expected) for expected in PLURAL_RULES[code]]:
        problems.append(
            f"{where}: Plural-Forms {po.metadata.get('Plural-Forms')!r} is not the rule for "
            f"{code!r} ({PLURAL_RULES[code][0]})"
        )
    for entry in po:
        if entry.obsolete:
            continue
        label = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}|{entry.msgid}"
        if entry.fuzzy:
            problems.append(f"{where}: fuzzy: {label!r}")
        elif not entry.translated():
            problems.append(f"{where}: untranslated: {label!r}")
        elif entry.msgid_plural and rule and len(entry.msgstr_plural) != rule[0]:
            # A missing form shows the English text for the counts that need it.
            problems.append(
                f"{where}: {len(entry.msgstr_plural)} plural forms, {rule[0]} needed: {label!r}"
            )
    check = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(po_path)],
        capture_output=True,
        text=True,
    )
    if check.returncode:
        problems += [f"{where}: msgfmt: {line}" for line in check.stderr.splitlines()]
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{where}: not compiled (no .mo): make messages")
    else:
        try:
            stale = compiled(polib.mofile(str(mo_path))) != compiled(po)
        except (OSError, ValueError, struct.error):
            stale = True
        if stale:
            problems.append(f"{where}: the .mo differs from the .po (compile again: make messages)")
    return problems


def compiled(catalogue) -> dict:
    """What a catalogue translates: what msgfmt puts in a .mo (no fuzzy, no empty strings)."""
    result = {}
    for entry in catalogue:
        if entry.obsolete or getattr(entry, "fuzzy", False) or not entry.msgid:
            continue
        if isinstance(entry, polib.POEntry) and not entry.translated():
            continue
        value = entry.msgstr_plural and tuple(sorted(entry.msgstr_plural.items()))
        result[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = value or entry.msgstr
    return result


def catalogue_paths(code: str) -> list[Path]:
    return [
        BASE / root / "locale" / code / "LC_MESSAGES" / "django.po"
        for root in CATALOGUE_ROOTS
        if catalogue_languages(root, [code])
    ]


@pytest.mark.parametrize("code", OFFERED)
def test_every_catalogue_of_an_offered_language_is_complete_and_compiled(code):
    problems = [line for path in catalogue_paths(code) for line in catalogue_problems(code, path)]
    assert not problems, f"{len(problems)} problems in the {code!r} catalogues:\n" + "\n".join(
        problems
    )


def test_the_plural_table_covers_every_language():
    assert set(PLURAL_RULES) == set(KNOWN_LANGUAGES) - {"en"}
    for code, rules in PLURAL_RULES.items():
        assert all(plural_rule(rule) for rule in rules), code


def test_the_check_names_an_untranslated_fuzzy_and_wrongly_pluralised_entry(tmp_path):
    po_path = tmp_path / "django.po"
    po_path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Done"\nmsgstr "Fait"\n\n'
        'msgid "Open"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Closed"\nmsgstr "Fermé"\n\n'
        '#, python-format\nmsgid "%(count)s answers"\nmsgstr "%(nombre)s réponses"\n',
        encoding="utf-8",
    )
    problems = "\n".join(catalogue_problems("fr", po_path))
    assert "untranslated: 'Open'" in problems
    assert "fuzzy: 'Closed'" in problems
    assert "Plural-Forms 'nplurals=2; plural=(n != 1);' is not the rule for 'fr'" in problems
    assert "msgfmt:" in problems and "argument 'count'" in problems
    assert "not compiled" in problems
    polib.POFile().save_as_mofile(str(po_path.with_suffix(".mo")))  # a stale, empty .mo
    assert ".mo differs from the .po" in "\n".join(catalogue_problems("fr", po_path))
    assert "'Done'" not in problems


def test_a_message_that_moves_to_another_catalogue_keeps_its_translation(tmp_path):
    old, new = tmp_path / "old.po", tmp_path / "new.po"
    old.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Withdrawn"\nmsgstr "Retiré"\n\n'
        '#, fuzzy\nmsgid "Draft"\nmsgstr "Brouillon ?"\n',
        encoding="utf-8",
    )
    new.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Withdrawn"\nmsgstr ""\n\nmsgid "Draft"\nmsgstr ""\n\n'
        'msgctxt "verb"\nmsgid "Withdrawn"\nmsgstr ""\n',
        encoding="utf-8",
    )
    assert fill_from(new, known_translations([old])) == 1
    translations = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(new))}
    # Only the same message in the same context, and never a fuzzy guess.
    assert translations == {
        (None, "Withdrawn"): "Retiré",
        (None, "Draft"): "",
        ("verb", "Withdrawn"): "",
    }


# --- Catalogues follow the code: `make messages` would change nothing --------------------


def _extract(root: str, workdir: Path) -> set:
    """The messages makemessages finds in ``root`` (a copy in ``workdir``; nothing is written
    to the repository), as (context, msgid, plural)."""
    source = BASE / root
    nested = {other[len(root) + 1 :] for other in CATALOGUE_ROOTS if other.startswith(root + "/")}
    copy = workdir / root.replace("/", "_")

    def ignore(folder, names):
        relative = Path(folder).relative_to(source)
        skip = {"locale", "static", "tests", "__pycache__"} if relative == Path(".") else set()
        return [n for n in names if n in skip or (relative / n).as_posix() in nested]

    shutil.copytree(source, copy, ignore=ignore)
    (copy / "locale").mkdir()
    start = os.getcwd()
    os.chdir(copy)
    try:
        call_command("makemessages", locale=["xx"], domain="django", no_location=True, verbosity=0)
    finally:
        os.chdir(start)
    po = polib.pofile(str(copy / "locale" / "xx" / "LC_MESSAGES" / "django.po"))
    return messages_of(po)


def messages_of(po) -> set:
    return {(e.msgctxt or "", e.msgid, e.msgid_plural or "") for e in po if not e.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("extracted")
    return {root: _extract(root, workdir) for root in CATALOGUE_ROOTS}


@pytest.mark.parametrize("code", OFFERED)
def test_make_messages_would_change_no_catalogue(code, extracted):
    problems = []
    for root in CATALOGUE_ROOTS:
        if not catalogue_languages(root, [code]):
            continue
        path = BASE / root / "locale" / code / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue  # reported by the completeness test
        present = messages_of(polib.pofile(str(path)))
        where = path.relative_to(BASE)
        problems += [f"{where}: not in the catalogue: {m[1]!r}" for m in extracted[root] - present]
        problems += [f"{where}: no longer in the code: {m[1]!r}" for m in present - extracted[root]]
    assert not problems, "make messages would change catalogues:\n" + "\n".join(sorted(problems))


# --- Library messages for the languages the libraries do not translate -------------------


def test_library_gap_languages_are_those_the_libraries_ship_no_catalogue_for():
    import allauth
    import django
    import wagtail

    def ships(package, code):
        return (Path(package.__file__).parent / "locale" / code / "LC_MESSAGES").is_dir() or (
            Path(package.__file__).parent / "conf" / "locale" / code / "LC_MESSAGES"
        ).is_dir()

    gaps = {
        code
        for code in KNOWN_LANGUAGES
        if code != "en" and not all(ships(p, code) for p in (django, allauth, wagtail))
    }
    assert gaps == set(LIBRARY_GAP_LANGUAGES)


def test_the_library_strings_module_is_up_to_date():
    expected = library_strings.python_source(library_strings.library_messages())
    assert library_strings.TARGET.read_text(encoding="utf-8") == expected, (
        "The libraries changed: run `manage.py library_strings`, then `make messages`."
    )


def test_our_catalogue_translates_library_messages_in_a_gap_language(extracted, tmp_path):
    from django import forms
    from django.test import override_settings
    from django.utils import translation
    from django.utils.dates import MONTHS_AP

    messages = extracted["site/portal/library_strings"]
    assert ("", "This field is required.", "") in messages
    assert ("abbrev. month", "Dec.", "") in messages
    assert ("", "Sign In", "") in messages  # allauth's sign-in page
    assert len(messages) == library_strings.TARGET.read_text().count("\n    gettext_noop(") + sum(
        library_strings.TARGET.read_text().count(f"\n    {f}(")
        for f in ("pgettext_lazy", "ngettext_lazy", "npgettext_lazy")
    )
    # A small Somali catalogue in LOCALE_PATHS: Django's own form error comes out translated.
    folder = tmp_path / "so" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(
        polib.POEntry(msgid="This field is required.", msgstr="Goobtan waa loo baahan yahay.")
    )
    po.append(polib.POEntry(msgctxt="abbrev. month", msgid="Dec.", msgstr="Dis."))
    po.save_as_mofile(str(folder / "django.mo"))
    with override_settings(LOCALE_PATHS=[tmp_path]), translation.override("so"):
        with pytest.raises(forms.ValidationError) as error:
            forms.CharField().clean("")
        assert error.value.messages == ["Goobtan waa loo baahan yahay."]
        assert str(MONTHS_AP[12]) == "Dis."
