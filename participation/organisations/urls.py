from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.create, name="create"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<str:slug>/", views.detail, name="detail"),
    path("<str:slug>/edit/", views.edit, name="edit"),
    path("<str:slug>/members/", views.members, name="members"),
    path("<str:slug>/members/invite/", views.invite, name="invite"),
    path("<str:slug>/members/action/", views.member_action, name="member_action"),
    path("<str:slug>/invitations/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<str:slug>/leave/", views.leave, name="leave"),
    path("<str:slug>/delete/", views.delete, name="delete"),
]
