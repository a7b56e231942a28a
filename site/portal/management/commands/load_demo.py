"""Build a complete, browsable demo site. Safe to run again: it adds nothing twice.

With DEBUG (``make run``) the accounts get the README's password and the editor the TOTP secret
below, so anyone can try the demo. Without DEBUG the command refuses unless asked with
``--allow-production``, and then every account gets a random password and the editor a new TOTP
secret, printed once: nothing in the repository can sign in to such a site.
"""

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.utils.translation import gettext, gettext_noop, override, pgettext
from wagtail.models import Locale, Page, Site

from awards import demo as awards_demo
from consultations import demo as consultations_demo
from expertgroup import demo as expertgroup_demo
from monitoring import demo as monitoring_demo
from participation.organisations.models import Membership, Organisation
from portal import demo_localise
from portal.blocks import other_languages
from portal.models import HomePage, NavigationSettings, StandardPage
from themes.models import Theme

DEMO_PASSWORD = "demo-participation-2026"  # noqa: S105 - printed in the README, demo only
# Base32 secret for the demo editor's authenticator app; `manage.py demo_totp` prints the code.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

PEOPLE = [
    # email, display name, country, language, languages spoken, staff, two-factor set up
    ("editor@example.org", "Elena Editor", "BE", "en", ["en", "fr", "de"], True, True),
    ("amina@example.org", "Amina Yusuf", "DE", "de", ["so", "de", "en", "ar"], False, False),
    # A juror (award) and a committee member (expert group) must use two-factor authentication.
    ("oleksandr@example.org", "Олександр Коваленко", "PL", "uk", ["uk", "pl", "en"], False, True),
    ("samira@example.org", "سميرة الحسن", "FR", "ar", ["ar", "fr"], False, False),
    ("miriam.reviewer@example.org", "Miriam Cohen", "BE", "fr", ["fr", "en", "he"], False, True),
]


# The demo's menu, footer and site name in every interface language come from the catalogues
# (as an editor would enter them in Settings > Navigation): a language whose content file is
# missing or incomplete keeps pages in English, and its menu is still in its own language.
NAVIGATION_TEXTS = [
    gettext_noop("Consultations"),
    gettext_noop("Migrant Expert Group"),
    gettext_noop("Integration award"),
    gettext_noop("Progress board"),
    gettext_noop("About this platform"),
    gettext_noop("Privacy and your data"),
    gettext_noop("Accessibility"),
]
FOOTER_TEXT = gettext_noop("Built for the EU Action Plan on Integration and Inclusion 2021-2027.")


class Command(BaseCommand):
    help = "Load demo content: pages, themes on pages, people, an organisation. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run without DEBUG too; the accounts then get random passwords printed once",
        )
        parser.add_argument(
            "--languages",
            default=None,
            help=(
                "comma-separated codes of the languages to translate the demo into, or 'none' "
                "(default: every offered interface language with a file in "
                "portal/demo_content/)"
            ),
        )

    def handle(self, *args, allow_production=False, languages=None, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "load_demo creates accounts with the README's password; it runs only with "
                "DEBUG (make run). To load the demo on a real site, pass --allow-production: "
                "the accounts then get random passwords and a new TOTP secret, printed once."
            )
        # With DEBUG: the README's password. Without: one random password per account.
        self.public_credentials = settings.DEBUG
        self.credentials = {}  # email -> (password, TOTP secret or None) set in this run
        self.languages = self._languages(languages)
        self._load()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        if self.public_credentials:
            self.stdout.write(
                f"Sign in as editor@example.org / {DEMO_PASSWORD} (TOTP: manage.py demo_totp)"
            )
            self.stdout.write(f"or amina@example.org / {DEMO_PASSWORD} (organisation admin);")
            self.stdout.write(
                "oleksandr@example.org (award juror) and miriam.reviewer@example.org (committee "
                "member) can score now at /review/ (TOTP: manage.py demo_totp)."
            )
            return
        if self.credentials:
            self.stdout.write("Demo accounts (shown once, store them now):")
        for email, (password, totp_secret) in self.credentials.items():
            line = f"{email}  password: {password}"
            if totp_secret:
                line += f"  TOTP secret (add it to an authenticator app): {totp_secret}"
            self.stdout.write(line)

    def _languages(self, value) -> list[str]:
        """The languages to translate into: offered, not the default, with a content file."""
        available = demo_localise.content_languages()
        if value is None:
            return available
        codes = [c.strip().lower() for c in value.split(",") if c.strip()]
        if codes == ["none"]:
            return []
        offered = {code for code, _name in settings.LANGUAGES} - {settings.LANGUAGE_CODE}
        unknown = [c for c in codes if c not in offered]
        if unknown:
            raise CommandError(
                f"--languages: {', '.join(unknown)} not among the offered interface languages "
                f"but the default ({', '.join(sorted(offered))}), nor 'none'."
            )
        without_file = [c for c in codes if c not in available]
        if without_file:
            raise CommandError(
                f"--languages: no content file for {', '.join(without_file)} in "
                f"{demo_localise.CONTENT_DIR} (manage.py demo_strings lists what to translate)."
            )
        return codes

    @transaction.atomic
    def _load(self):
        home = self._home()
        self._pages(home)
        users = {email: self._person(email, *rest) for email, *rest in PEOPLE}
        self._organisation(users)
        consultations_index = consultations_demo.load(home)
        # Each plugin builds its own demo and returns the page the navigation links to.
        plugin_pages = [
            demo.load(home) for demo in (expertgroup_demo, awards_demo, monitoring_demo)
        ]
        self._navigation(home, [consultations_index, *filter(None, plugin_pages)])
        self._translations()
        call_command("update_index", verbosity=0)

    def _home(self) -> HomePage:
        locale = Locale.get_default()
        home = HomePage.objects.filter(locale=locale).first()
        if home:
            return home
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Have your say on integration and inclusion",
                slug="home-participation",
                locale=locale,
                intro=(
                    "Consultations, the Migrant Expert Group and the integration award: take part "
                    "in the decisions that concern migrants and migrant organisations, in your own "
                    "language, alone or on behalf of your organisation."
                ),
            )
        )
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site:
            site.root_page = home
            site.site_name = "Participation"
            site.save()
        else:
            Site.objects.create(
                hostname="localhost",
                port=80,
                root_page=home,
                is_default_site=True,
                site_name="Participation",
            )
        # Wagtail's placeholder "Welcome" page is no longer reachable; remove it.
        if (
            old_root
            and old_root.pk != home.pk
            and old_root.depth == 2
            and not old_root.get_children().exists()
        ):
            old_root.delete()
        return home

    def _pages(self, home):
        themes = {t.slug: t for t in Theme.objects.filter(locale=Locale.get_default())}
        pages = [
            (
                "about",
                "About this platform",
                "Why we ask, who takes part, and what happens with what you say.",
                ["participation-and-encounters", "building-strong-partnerships"],
            ),
            (
                "privacy",
                "Privacy and your data",
                "What we keep, for how long, and how to download or delete it.",
                ["digital-tools"],
            ),
            (
                "accessibility",
                "Accessibility",
                "How this site works with screen readers, keyboards and right-to-left scripts.",
                [],
            ),
        ]
        for slug, title, intro, theme_slugs in pages:
            page = StandardPage.objects.child_of(home).filter(slug=slug).first()
            if page is None:
                page = home.add_child(
                    instance=StandardPage(
                        title=title,
                        slug=slug,
                        intro=intro,
                        body=[
                            ("paragraph", f"<p>{intro}</p>"),
                        ],
                    )
                )
                page.themes.set([themes[s] for s in theme_slugs])
                page.save_revision().publish()

    def _person(self, email, name, country, language, spoken, staff, two_factor):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email.split("@")[0],
                "display_name": name,
                "country": country,
                "preferred_language": language,
                "languages_spoken": spoken,
                "is_staff": staff,
                "is_superuser": staff,
            },
        )
        password = None
        # Without DEBUG, an account that still has the README's password (a demo loaded with
        # DEBUG into this database) gets a random one too.
        if created or (not self.public_credentials and user.check_password(DEMO_PASSWORD)):
            password = DEMO_PASSWORD if self.public_credentials else secrets.token_urlsafe(18)
            user.set_password(password)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        totp_secret = None
        if staff:
            user.groups.add(Group.objects.get_or_create(name="Editors")[0])
        if two_factor:
            totp_secret = self._totp(user)
        if (password and not self.public_credentials) or totp_secret:
            self.credentials[email] = (password or "(unchanged)", totp_secret)
        return user

    def _totp(self, user):
        """A demo account's TOTP: the README's with DEBUG, else a new secret (returned once)."""
        authenticators = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if self.public_credentials:
            if not authenticators.exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
            return None
        adapter = get_mfa_adapter()
        known = [a for a in authenticators if adapter.decrypt(a.data["secret"]) == DEMO_TOTP_SECRET]
        if authenticators.exists() and not known:
            return None  # a secret of its own, set up before: keep it
        for authenticator in known:
            authenticator.delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    def _organisation(self, users):
        organisation = Organisation.objects.filter(slug="migrant-voices-network").first()
        if organisation is None:
            organisation = Organisation.objects.create(
                name="Migrant Voices Network",
                slug="migrant-voices-network",
                country="DE",
                kind=Organisation.Kind.MIGRANT_LED,
                register_number="123456789012-34",
                website="https://example.org/migrant-voices",
                description=(
                    "A network of migrant-led associations in twelve cities, working on access to "
                    "housing, health care and recognition of qualifications."
                ),
                verified=True,
                verified_by=users["editor@example.org"],
            )
        for email, role in [
            ("amina@example.org", Membership.Role.ADMIN),
            ("oleksandr@example.org", Membership.Role.MEMBER),
            ("samira@example.org", Membership.Role.MEMBER),
        ]:
            Membership.objects.get_or_create(
                organisation=organisation, user=users[email], defaults={"role": role}
            )

    def _translations(self):
        """Every demo page, theme and letter in each language of ``self.languages``, from the
        content files (portal/demo_content). What a file cannot translate whole stays English."""
        texts = len(demo_localise.read_strings())
        for report in demo_localise.translate_demo(self.languages):
            if report.missing:
                self.stdout.write(
                    f"{report.code}: {len(report.missing)} of {texts} texts missing from "
                    f"demo_content/{report.code}.json, so {report.left_in_english} of "
                    f"{report.objects} pages and snippets stay in English "
                    f"({report.created} translated now)."
                    + (
                        f" {report.items_in_english} of {report.items} items of the progress "
                        "board have no translation."
                        if report.items_in_english
                        else ""
                    )
                )

    def _navigation(self, home, section_pages):
        site = Site.objects.get(is_default_site=True)
        nav = NavigationSettings.for_site(site)
        if not nav.primary_links:
            about = StandardPage.objects.child_of(home).get(slug="about")
            privacy = StandardPage.objects.child_of(home).get(slug="privacy")
            accessibility = StandardPage.objects.child_of(home).get(slug="accessibility")
            nav.primary_links = [("link", {"page": about, "url": "", "label": ""})]
            nav.footer_links = [
                ("link", {"page": privacy, "url": "", "label": ""}),
                ("link", {"page": accessibility, "url": "", "label": ""}),
            ]
            nav.footer_text = f"<p>{FOOTER_TEXT}</p>"
        # Sections come first, in order; a section added since the last run is linked too.
        linked = {block.value["page"].pk for block in nav.primary_links if block.value["page"]}
        missing = [page for page in section_pages if page.pk not in linked]
        changed = not nav.pk
        if missing:
            others = [(block.block_type, block.value) for block in nav.primary_links]
            nav.primary_links = [
                *[("link", {"page": page, "url": "", "label": ""}) for page in missing],
                *others,
            ]
            changed = True
        changed |= self._navigation_languages(nav)
        if changed:
            nav.save()

    def _navigation_languages(self, nav) -> bool:
        """Labels, site name and footer text in every interface language the catalogues have
        them in, added where missing. Returns whether anything was added."""
        changed = False
        for field in ("primary_links", "footer_links"):
            links = []
            for block in getattr(nav, field):
                value = dict(block.value)
                labels = [dict(item) for item in value.get("translated_labels") or []]
                known = {item["language"] for item in labels}
                english = value["label"] or (value["page"].title if value["page"] else "")
                for code, _name in other_languages():
                    with override(code):
                        label = gettext(english) if english else ""
                    if code not in known and label and label != english:
                        labels.append({"language": code, "label": label})
                        changed = True
                value["translated_labels"] = labels
                links.append((block.block_type, value))
            setattr(nav, field, links)
        given = {block.value["language"] for block in nav.translations}
        texts = [(block.block_type, block.value) for block in nav.translations]
        for code, _name in other_languages():
            if code in given:
                continue
            with override(code):
                name, footer = pgettext("site name", "Participation"), gettext(FOOTER_TEXT)
            if footer == FOOTER_TEXT:
                continue  # not in this language's catalogue yet
            texts.append(
                (
                    "language",
                    {"language": code, "site_name": name, "footer_text": f"<p>{footer}</p>"},
                )
            )
            changed = True
        nav.translations = texts
        return changed
