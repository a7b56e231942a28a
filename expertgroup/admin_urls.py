from django.urls import path

from . import admin_views as views

app_name = "expertgroup_admin"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:page_id>/", views.CallView.as_view(), name="call"),
    path("<int:page_id>/screening/", views.ScreeningView.as_view(), name="screening"),
    path("<int:page_id>/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path(
        "<int:page_id>/statistics/results/",
        views.StatisticsView.as_view(results_only=True),
        name="statistics_results",
    ),
    path(
        "<int:page_id>/applications/<int:application_id>/",
        views.ApplicationView.as_view(),
        name="application",
    ),
    path(
        "<int:page_id>/applications/<int:application_id>/sensitive/",
        views.SensitiveView.as_view(),
        name="sensitive",
    ),
    path(
        "<int:page_id>/applications/<int:application_id>/files/<str:name>/",
        views.application_file,
        name="file",
    ),
]
