from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("data.json", views.download_data, name="download_data"),
    path("delete/", views.delete, name="delete"),
    path("language/", views.language_offer, name="language_offer"),
]
