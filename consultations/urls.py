from django.urls import path

from . import respond

app_name = "consultations"
urlpatterns = [
    path("<int:response_id>/submit/", respond.submit, name="submit"),
]
