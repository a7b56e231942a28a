from django.urls import path

from . import admin_views as views

app_name = "awards_admin"

urlpatterns = [
    path("<int:edition_id>/", views.EditionView.as_view(), name="edition"),
    path("categories/<int:category_id>/", views.CategoryView.as_view(), name="category"),
]
