from django.apps import apps
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.urls.base import reverse
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from participation import api

from . import views


class AdminLoginRedirect(RedirectView):
    """The Wagtail admin signs in through allauth, so staff always pass the TOTP step."""

    def get_redirect_url(self, *args, **kwargs):
        query = self.request.META.get("QUERY_STRING", "")
        return reverse("account_login") + (f"?{query}" if query else "?next=/admin/")


urlpatterns = [
    path("admin/login/", AdminLoginRedirect.as_view(), name="admin_login_redirect"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", sitemap),
    # The public read API (participation.api): JSON, one address for every language.
    path("api/v2/", api.urls()),
    # Where an asynchronous translation service posts its translations (eTranslation).
    path("machine-translation/", include("participation.machine_translation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("accounts/profile/", include("participation.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("organisations/", include("participation.organisations.urls")),
    path("themes/", include("themes.urls")),
    path("documents/generated/", include("participation.documents.urls")),
    path("search/", views.search, name="search"),
    path("fonts/scripts.css", views.script_fonts, name="script_fonts"),
    path("review/", include("participation.review.urls")),
    # A plugin's own public URLs, while it is installed (each plugin may be left out).
    *(
        [path("responses/", include("consultations.urls"))]
        if apps.is_installed("consultations")
        else []
    ),
    # Wagtail's own views (the password form of restricted pages, its login), which the
    # catch-all below would otherwise take for page paths: a password could never be given.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    # Wagtail's page serving with a fallback for untranslated pages (same pattern and name).
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
