from django.urls import path

from . import admin_assigning, admin_selection
from . import admin_views as views

app_name = "review_admin"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("<int:pk>/", views.ProcessView.as_view(), name="process"),
    path("<int:pk>/items/", views.ItemsView.as_view(), name="items"),
    path(
        "<int:pk>/items/results/", views.ItemsView.as_view(results_only=True), name="items_results"
    ),
    path("<int:pk>/reviewers/", views.ReviewersView.as_view(), name="reviewers"),
    path(
        "<int:pk>/reviewers/<int:reviewer>/", views.ReviewerEditView.as_view(), name="reviewer_edit"
    ),
    path(
        "<int:pk>/phases/<int:phase>/assignments/",
        admin_assigning.AssignmentsView.as_view(),
        name="assignments",
    ),
    path(
        "<int:pk>/phases/<int:phase>/results/",
        admin_selection.ResultsView.as_view(),
        name="results",
    ),
    path("<int:pk>/conflicts/", admin_assigning.ConflictsView.as_view(), name="conflicts"),
    path("<int:pk>/selection/", admin_selection.SelectionView.as_view(), name="selection"),
    path(
        "<int:pk>/selection/<int:run>/",
        admin_selection.SelectionRunView.as_view(),
        name="selection_run",
    ),
    path("<int:pk>/audit/", views.AuditView.as_view(), name="audit"),
    path(
        "<int:pk>/audit/results/",
        views.AuditView.as_view(results_only=True),
        name="audit_results",
    ),
    path("<int:pk>/scores.<str:fmt>", views.score_sheet, name="score_sheet"),
]
