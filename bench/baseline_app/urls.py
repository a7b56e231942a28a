"""The site's URLs plus the baseline view (outside i18n_patterns and before Wagtail's catch-all)."""

from django.urls import path

from portal.urls import urlpatterns as site_urlpatterns

from . import views

urlpatterns = [
    path("bench-baseline/", views.submit, name="bench_baseline"),
    path("bench-baseline/floor/<int:pk>/", views.floor_submit, name="bench_floor"),
    *site_urlpatterns,
]
