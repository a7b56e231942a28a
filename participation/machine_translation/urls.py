from django.urls import path

from . import views

app_name = "machine_translation"
urlpatterns = [
    path(
        "callback/<uuid:reference>/<str:outcome>/",
        views.callback,
        name="callback",
    ),
]
