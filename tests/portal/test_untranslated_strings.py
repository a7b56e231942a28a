"""Every interface language shows the whole interface in that language.

A crawler walks the demo site (public pages, account pages, a participant's drafts and receipts,
an organisation's pages, the reviewer workspace) in each interface language but English and fails
on any visible text that is an English string of our catalogues which has another translation in
that language: the string was shown untranslated. Text the page declares to be in another
language (``lang="en"`` on an untranslated page's title and body, a language's own name in the
switcher) is content, not interface, and is left out.
"""

import io
import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# Scripts, and identifiers people type or read as such (open-data column names in <code>).
SKIPPED_TAGS = {"script", "style", "template", "code", "kbd", "samp"}
# Attributes people read or hear: tooltips, image text, screen-reader labels, placeholders.
READ_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder", "aria-description"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def interface_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogues():
    return sorted(
        path
        for path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    )


@cache
def english_strings(language):
    """English text that has another translation in ``language``: exact strings, and patterns
    for strings with placeholders (``%(count)s answers``). An English string that some catalogue
    translates as itself ("OK", "PDF", a name) is left out."""
    translations = {}  # English text -> set of translations in this language
    for path in catalogues():
        if path.parent.parent.name != language:
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = [value for _n, value in sorted(entry.msgstr_plural.items())]
                pairs = [(entry.msgid, forms[:1]), (entry.msgid_plural, forms[1:] or forms)]
            else:
                pairs = [(entry.msgid, [entry.msgstr])]
            for english, translated in pairs:
                translated = [t for t in translated if t]
                if translated:
                    translations.setdefault(normalise(english), set()).update(
                        normalise(t) for t in translated
                    )
    exact, patterns = set(), []
    # A translation that happens to be an English string too (German "Filter" for "Filters")
    # is the translated text, not English shown by mistake.
    shown_translated = set().union(*translations.values()) if translations else set()
    for english, translated in translations.items():
        if english in shown_translated:
            continue
        if english in translated or not re.search(r"[A-Za-z]{2,}", english):
            continue
        if PLACEHOLDER.search(english):
            literal = PLACEHOLDER.sub("", english)
            if len(re.findall(r"[A-Za-z]{3,}", literal)) >= 2:  # enough words to be sure
                parts = PLACEHOLDER.split(english)
                pattern = re.compile(r"(?s)" + r".+?".join(re.escape(p) for p in parts))
                patterns.append((english, max(parts, key=len), pattern))
        else:
            exact.add(english)
    return exact, patterns


def normalise(text):
    return " ".join(text.split())


class VisibleText(HTMLParser):
    """Text nodes and read attributes, leaving out scripts and anything the page marks as being
    in another language than ``language``."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}  # fmt: skip

    def __init__(self, language):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack = []  # (tag, skipped)
        self.texts, self.foreign = [], set()

    def _skipped(self):
        return bool(self.stack) and self.stack[-1][1]

    def _foreign(self):
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        # translate="no": recorded data shown as recorded (an audit trail's details).
        skipped = self._skipped() or tag in SKIPPED_TAGS or attrs.get("translate") == "no"
        foreign = self._foreign()
        if lang is not None and tag != "html":
            foreign = lang.split("-")[0] != self.language
        if not skipped:
            values = [attrs.get(name) for name in READ_ATTRIBUTES]
            values += [v for k, v in attrs.items() if k.startswith("data-") and k.endswith("-text")]
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
                values.append(attrs.get("value"))
            for value in values:
                self._add(value, foreign)
        if tag not in self.VOID:
            self.stack.append((tag, skipped, foreign))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):  # forgiving: unclosed <p>, <li>
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self._skipped():
            self._add(data, self._foreign())

    def _add(self, value, foreign):
        value = normalise(value or "")
        if value:
            (self.foreign.add if foreign else self.texts.append)(value)


def editors_text():
    """Text editors wrote once, in the default language, in places that have no translation of
    their own: an award category (translated with its edition page), a questionnaire (with its
    page). Content, not interface: the crawl leaves it out even where the page does not mark its
    language. (A review process's default round and criterion names are shown in the reader's
    language: the crawl checks them.)"""
    from awards.models import AwardCategory
    from consultations.models import ConsultationPage
    from expertgroup.models import ExpertCallPage

    texts = set()
    for category in AwardCategory.objects.all():
        texts |= {category.name, category.description, category.prize, *category.criteria_list}
    for model in (ConsultationPage, ExpertCallPage):
        for page in model.objects.all():
            texts |= set(_strings(list(page.questionnaire.raw_data)))
    return {normalise(text) for text in texts if text}


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("id", "type"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def untranslated(html, language, content=frozenset()):
    """The English interface strings shown on this page in ``language``; ``content``: text that
    is editors' content wherever it shows."""
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    exact, patterns = english_strings(language)
    found = []
    for text in parser.texts:
        # The tab title: "page title · site name", "commitment — board · site name", and the
        # admin's "view title: subject - Wagtail".
        candidates = [text, *[part.strip() for part in re.split(r" [·—-] |: ", text)]]
        for candidate in candidates:
            if candidate in parser.foreign or candidate in content:
                continue
            if candidate in exact:
                found.append(candidate)
            else:
                found += [
                    english
                    for english, longest, pattern in patterns
                    if longest in candidate and pattern.fullmatch(candidate)
                ]
    return sorted(set(found))


# --- The demo site, loaded once for the module ----------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """load_demo's site for every test of this module, rolled back at the end (a few seconds
    once instead of once per language)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_demo", "--allow-production", stdout=io.StringIO())
            start_drafts(get_user_model().objects.get(email=DRAFTER))
            yield
            transaction.set_rollback(True)


DRAFTER = "samira@example.org"  # gets a draft on each open call, whose steps are walked


def start_drafts(user):
    """A draft answer, application and nomination on the demo's open calls."""
    from awards import services as awards
    from awards.models import AwardEditionPage, Nomination
    from consultations.models import ConsultationPage, Response
    from expertgroup import services as expertgroup
    from expertgroup.models import ExpertCallPage
    from participation.submissions import services as submissions

    for page in ConsultationPage.objects.live():
        if page.is_open:
            submissions.start_or_resume(
                Response,
                "consultation",
                page,
                user,
                respondent_type=Response.RespondentType.INDIVIDUAL,
                country="FR",
                language="ar",
            )
    for page in ExpertCallPage.objects.live():
        if page.accepts_submission():
            expertgroup.start_application(page, user)
    for page in AwardEditionPage.objects.live():
        if page.accepts_submission():
            awards.start(
                page, user, category=page.categories.first(), kind=Nomination.Kind.THIRD_PARTY
            )


def demo_paths():
    """Addresses of the pages to walk, found in the demo data: (who, path)."""
    from wagtail.models import Locale

    from awards.models import AwardEditionPage, AwardIndexPage
    from consultations.models import ConsultationIndexPage, ConsultationPage
    from expertgroup.models import ExpertCallIndexPage, ExpertCallPage
    from monitoring.models import Commitment, MonitoringBoardPage
    from portal.models import StandardPage
    from themes.models import Theme

    default = Locale.get_default()

    def url(page, suffix=""):
        return page.relative_url(None).rstrip("/") + "/" + suffix

    public = ["/", "/themes/", "/organisations/", "/search/?q=housing", "/does-not-exist/"]
    public += [url(p) for p in StandardPage.objects.live().filter(locale=default)]
    public += [f"/themes/{t.slug}/" for t in Theme.objects.filter(locale=default)[:2]]
    public += ["/organisations/migrant-voices-network/"]
    for index in ConsultationIndexPage.objects.live().filter(locale=default):
        public.append(url(index))
    for page in ConsultationPage.objects.live().filter(locale=default):
        public += [url(page), url(page, "what-we-heard/"), url(page, "responses/")]
        public.append(url(page, "respond/"))
    for index in ExpertCallIndexPage.objects.live().filter(locale=default):
        public.append(url(index))
    for page in ExpertCallPage.objects.live().filter(locale=default):
        public += [url(page), url(page, "members/")]
    for index in AwardIndexPage.objects.live().filter(locale=default):
        public.append(url(index))
    for page in AwardEditionPage.objects.live().filter(locale=default):
        public += [url(page), url(page, "shortlist/"), url(page, "winners/"), url(page, "vote/")]
    for board in MonitoringBoardPage.objects.live().filter(locale=default):
        public += [url(board), url(board, "data/")]
        public += [url(board, f"{t.slug}/") for t in Theme.objects.filter(locale=default)[:1]]
        first = Commitment.objects.order_by("pk").first()
        if first is not None:
            public.append(url(board, f"commitments/{first.pk}/"))
    public += [
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("account_reset_password_done"),
        reverse("account_email_verification_sent"),
    ]
    paths = [(None, p) for p in public]

    participant = [
        reverse("accounts:profile"),
        reverse("accounts:delete"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("mfa_activate_totp"),
        reverse("documents:list"),
        reverse("organisations:create"),
        "/organisations/migrant-voices-network/edit/",
        "/organisations/migrant-voices-network/members/",
    ]
    for page in ConsultationPage.objects.live().filter(locale=default):
        participant.append(url(page, "respond/"))
    for page in ExpertCallPage.objects.live().filter(locale=default):
        participant.append(url(page, "apply/"))
    for page in AwardEditionPage.objects.live().filter(locale=default):
        participant.append(url(page, "nominate/"))
    paths += [("amina@example.org", p) for p in participant]

    drafter = get_user_model().objects.get(email=DRAFTER)
    drafts = []
    from awards.models import Nomination
    from consultations.models import Response
    from expertgroup.models import Application

    for response in Response.objects.filter(user=drafter).select_related("consultation"):
        base = url(response.consultation, f"respond/{response.pk}/")
        drafts += [base + f"step/{step}/" for step in range(3)] + [base + "review/"]
    for application in Application.objects.filter(user=drafter).select_related("call"):
        base = url(application.call, f"apply/{application.pk}/")
        drafts += [base + "details/", base + "questions/0/", base + "review/"]
    for nomination in Nomination.objects.filter(user=drafter).select_related("edition"):
        drafts += [url(nomination.edition, f"nominate/{nomination.pk}/")]
    paths += [(DRAFTER, p) for p in drafts]

    paths += [("oleksandr@example.org", reverse("review:workspace"))]
    paths += [("miriam.reviewer@example.org", reverse("review:workspace"))]
    return paths


# Links followed from a signed-in person's pages: the steps of their drafts, their receipts,
# their review items and results (a few of each).
FOLLOW = re.compile(
    r'href="/[a-z]{2,3}(?:-[a-z]+)?(/[^"?#]*/(?:respond|apply|nominate)/\d+/[^"?#]*'
    r'|/review/\d+/[^"?#]*|/[^"?#]*/jury/\d+/)"'
)


def crawl(client, language, paths):
    """Fetch each path in ``language``, and for signed-in people the pages their pages link to
    (draft steps, receipts, review items); returns {where: [untranslated strings]} and the number
    of pages fetched."""
    User = get_user_model()
    content = editors_text()
    results, seen = {}, set()
    queue = list(paths)
    while queue:
        who, path = queue.pop(0)
        address = f"/{language}{path}"
        if (who, address) in seen:
            continue
        seen.add((who, address))
        client.logout()
        if who:
            client.force_login(User.objects.get(email=who))
        response = client.get(address, follow=True)
        assert response.status_code < 500, address
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if who:
            for link in list(dict.fromkeys(FOLLOW.findall(html)))[:6]:
                queue.append((who, link))
        shown = untranslated(html, language, content)
        if shown:
            results[f"{who or 'public'} {address}"] = shown
    return results, len(seen)


@pytest.mark.parametrize("language", interface_languages())
def test_every_page_shows_the_interface_in_the_readers_language(demo_site, db, language):
    results, pages = crawl(Client(), language, demo_paths())
    report = "\n".join(f"{where}: {strings}" for where, strings in sorted(results.items()))
    assert not results, f"English shown on {len(results)} of {pages} pages in {language}:\n{report}"


def test_check_finds_an_english_string_and_leaves_content_scripts_and_code_alone():
    with translation.override("fr"):
        sign_in, search = translation.gettext("Sign in"), translation.gettext("Search")
    assert sign_in != "Sign in" and search != "Search"  # the French catalogue has them
    shown = '<p>Sign in</p><input type="submit" value="Sign in"><img alt="Search" src="x">'
    elsewhere = (
        f"<p>{sign_in}</p><h1 lang='en'>Search</h1><script>var a = 'Sign in';</script>"
        "<code>Sign in</code>"
    )
    page = f'<html lang="fr"><head><title>{search} · Participation</title></head><body>{{}}</body>'
    # "Search" is also this page's own English content (lang="en"): content, not interface.
    assert untranslated(page.format(shown + elsewhere), "fr") == ["Sign in"]
    # Only the translated, foreign, scripted and code copies: nothing to report.
    assert untranslated(page.format(elsewhere), "fr") == []
    assert untranslated(page.format(shown), "fr") == ["Search", "Sign in"]


def test_crawler_catches_an_untranslated_string_on_a_real_page(demo_site, db, monkeypatch):
    """A menu label forgotten in English (as a template without {% translate %} would show it)
    fails the crawl."""
    from portal.templatetags import portal_tags

    monkeypatch.setattr(portal_tags, "link_text", lambda link: {"label": "Sign in", "lang": ""})
    results, pages = crawl(Client(), "uk", [(None, "/")])
    assert pages == 1
    assert results == {"public /uk/": ["Sign in"]}


# --- The Wagtail admin, as an editor whose admin language is each of ours ------------------------

# Our admin pages: the plugins' views and viewsets, their snippets, and the page editor of our
# page types. Wagtail's own pages speak Wagtail's catalogues, which this check does not judge.
OUR_ADMIN = re.compile(
    r'href="(/admin/(?:consultations|review|expertgroup|awards|monitoring|organisations|documents'
    r'|operations|audit|snippets/(?:themes|expertgroup|monitoring|portal))/[^"?#]*)"'
)
ADMIN_PAGES_PER_LANGUAGE = 80
DESTRUCTIVE = r"/(delete|unpublish|move|copy|revisions)/"
EDITOR = "editor@example.org"


def admin_languages():
    """Our interface languages that Wagtail's admin also speaks (an editor cannot choose the
    others as the admin's language)."""
    from wagtail.admin.localization import get_available_admin_languages

    admin = {code for code, _name in get_available_admin_languages()}
    return [code for code in interface_languages() if code in admin]


@cache
def wagtail_strings(language):
    """English strings of Wagtail's and Django's own catalogues that they translate into
    ``language``: a page of the admin shows them through Wagtail's templates (an untranslated
    one, like the dashboard's hidden "Search" button, is Wagtail's to fix), and their
    translations, which may read as English words."""
    import django
    import wagtail

    strings = set()
    for package in (wagtail, django):
        base = Path(package.__file__).resolve().parent
        for path in base.glob(f"**/locale/{language}/LC_MESSAGES/django.po"):
            for entry in polib.pofile(str(path)):
                if entry.msgstr:  # ("Start" is Wagtail's Polish for "Home", and English too)
                    strings |= {normalise(entry.msgid), normalise(entry.msgstr)}
    return strings


def admin_seeds():
    """The admin's home, the index of each of our admin sections, and the editor of one page of
    each of our page types (the demo's)."""
    from wagtail.models import Locale, Page

    from awards.models import AwardEditionPage
    from consultations.models import ConsultationPage
    from expertgroup.models import ExpertCallPage
    from monitoring.models import MonitoringBoardPage

    default = Locale.get_default()
    seeds = ["/admin/"]
    for model in (ConsultationPage, ExpertCallPage, AwardEditionPage, MonitoringBoardPage):
        page = model.objects.filter(locale=default).order_by("pk").first()
        if page is not None:
            seeds.append(f"/admin/pages/{page.pk}/edit/")
    home = Page.objects.filter(depth=2, locale=default).order_by("pk").first()
    seeds.append(f"/admin/pages/{home.pk}/")
    return seeds + [
        reverse("consultation_responses:index"),
        reverse("review_processes:index"),
        reverse("organisations_admin:index"),
        reverse("wagtailsnippets_themes_theme:list"),
    ]


def crawl_admin(client, language, seeds=None, limit=ADMIN_PAGES_PER_LANGUAGE):
    """Fetch the admin's pages as the demo's editor with ``language`` as the admin's language,
    following links to our admin pages; returns {where: [untranslated strings]} and the number
    of pages fetched."""
    from wagtail.models import Page
    from wagtail.users.models import UserProfile

    editor = get_user_model().objects.get(email=EDITOR)
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = language
    profile.save()
    client.force_login(editor)
    # Page titles are editors' content too (listed in every locale by the page explorer), and
    # Wagtail's own strings are Wagtail's to translate: both are left out here.
    content = editors_text() | {normalise(t) for t in Page.objects.values_list("title", flat=True)}
    content |= wagtail_strings(language)
    results, seen = {}, set()
    queue = list(seeds or admin_seeds())
    kinds = {}  # a few pages of each kind (one response's inspect page is like another's)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        kind = re.sub(r"\d+", "N", path)
        if path in seen or kinds.get(kind, 0) >= 2 or re.search(DESTRUCTIVE, path):
            continue
        seen.add(path)
        kinds[kind] = kinds.get(kind, 0) + 1
        response = client.get(path, follow=True)
        assert response.status_code < 500, path
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        queue += [link for link in dict.fromkeys(OUR_ADMIN.findall(html)) if link not in seen]
        shown = untranslated(html, language, content)
        if shown:
            results[path] = shown
    return results, len(seen)


@pytest.mark.parametrize("language", admin_languages())
def test_our_admin_pages_speak_the_editors_admin_language(demo_site, db, language):
    results, pages = crawl_admin(Client(), language)
    report = "\n".join(f"{where}: {strings}" for where, strings in sorted(results.items()))
    assert pages >= 20, f"only {pages} admin pages reached"
    where = f"{len(results)} of {pages} admin pages in {language}"
    assert not results, f"English shown on {where}:\n{report}"


def test_admin_crawler_catches_an_untranslated_string_on_a_real_page(demo_site, db, monkeypatch):
    """One of our admin pages with a title left in English fails the crawl."""
    from consultations.admin_views import DetectCampaignsView
    from consultations.models import ConsultationPage

    monkeypatch.setattr(DetectCampaignsView, "page_title", "Recent changes to this draft")
    page = ConsultationPage.objects.order_by("pk").first()
    address = reverse("consultations_detect_campaigns", args=[page.pk])
    results, pages = crawl_admin(Client(), "fr", seeds=[address], limit=1)
    assert pages == 1
    assert results == {address: ["Recent changes to this draft"]}
