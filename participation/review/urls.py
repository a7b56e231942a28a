from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("<int:process>/items/<int:number>/", views.item, name="item"),
    path("<int:process>/items/<int:number>/conflict/", views.declare, name="declare"),
    path("<int:process>/phases/<int:phase>/results/", views.results, name="results"),
]
