import migration_data
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from participation.organisations.models import Membership, Organisation

PASSWORD = "correct-horse-battery-staple-42"  # noqa: S105


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Kept before any test changes the database: transactional tests put them back.
    with django_db_blocker.unblock():
        migration_data.DATA["default"] = migration_data.serialize()


def _transactional(item) -> bool:
    """Whether ``item`` runs on a transactional database (a live server, real processes),
    which Django flushes afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test's flush, put the data migrations' rows (site, locales,
    themes) back at once for the next test of this process (pytest-xdist may hand it a plain
    database test), and forget the content types the flush renumbered."""
    yield
    # The last test of a process (no next item) has had its test database torn down.
    if _transactional(item) and migration_data.DATA and nextitem is not None:
        from django.contrib.contenttypes.models import ContentType
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            migration_data.restore_if_flushed()
        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _english_first():
    # A request to /fr/... leaves French active in the thread; reverse() in the next test would
    # then build French URLs. Every test starts in the default language.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache; tests must not leak attempts into each other.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(email="person@example.org", verified=True, **fields):
        User = get_user_model()
        user = User.objects.create_user(
            username=email.split("@")[0] + str(User.objects.count()),
            email=email,
            password=PASSWORD,
            **fields,
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def user(make_user):
    return make_user("amina@example.org", display_name="Amina")


@pytest.fixture
def make_organisation(db):
    def make(admin, name="Migrant Voices", members=(), verified=True, **fields):
        fields.setdefault("country", "DE")
        fields.setdefault("kind", Organisation.Kind.MIGRANT_LED)
        organisation = Organisation.objects.create(
            name=name, slug=name.lower().replace(" ", "-"), verified=verified, **fields
        )
        Membership.objects.create(organisation=organisation, user=admin, role=Membership.Role.ADMIN)
        for member in members:
            Membership.objects.create(organisation=organisation, user=member)
        return organisation

    return make


@pytest.fixture
def home_page(db):
    """A home page as the default site's root, as `load_demo` builds it."""
    from wagtail.models import Locale, Page, Site

    from portal.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Home", slug="home-test", locale=Locale.get_default())
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


# A LibreTranslate-compatible server on loopback, for the machine translation tests of the
# core and of the plugins.
@pytest.fixture
def libretranslate():
    from tests.participation.machine_translation.libretranslate_server import LibreTranslateServer

    with LibreTranslateServer() as server:
        yield server


@pytest.fixture
def translating(settings, libretranslate):
    """The LibreTranslate backend pointed at the loopback server (a short timeout)."""
    settings.PARTICIPATION_MACHINE_TRANSLATION = {
        "BACKEND": "libretranslate",
        "URL": libretranslate.url,
        "TIMEOUT": 0.5,
    }
    return libretranslate
