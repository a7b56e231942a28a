"""What every email says about where it comes from: the site's name and its public address,
never the host:port a request happened to use (allauth's default said "Hello from
127.0.0.1:8000")."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings


def site_name(request=None) -> str:
    """The Wagtail site's name (Settings > Sites), else WAGTAIL_SITE_NAME."""
    from wagtail.models import Site

    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        site = Site.objects.filter(is_default_site=True).only("site_name").first()
    name = (site.site_name or "").strip() if site is not None else ""
    return name or str(getattr(settings, "WAGTAIL_SITE_NAME", "") or "Participation")


def site_url() -> str:
    """The public address links in emails start with (WAGTAILADMIN_BASE_URL), no trailing /."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def site_domain() -> str:
    return urlsplit(site_url()).netloc or site_url()


def current_site(request=None):
    """For allauth's templates, which read ``current_site.name`` and ``current_site.domain``."""
    return SimpleNamespace(name=site_name(request), domain=site_domain())


def signature() -> str:
    """The lines that end every email of ours (for texts not rendered from a template)."""
    from django.template.loader import render_to_string

    return render_to_string("accounts/email/signature.txt")
