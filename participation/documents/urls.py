from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.document_list, name="list"),
    path("request/<str:kind>/", views.request_document, name="request"),
    path("<uuid:public_id>/", views.status, name="status"),
    path("<uuid:public_id>/progress.json", views.progress, name="progress"),
    path("<uuid:public_id>/download/", views.download, name="download"),
    path("<uuid:public_id>/retry/", views.retry, name="retry"),
]
