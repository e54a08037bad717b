from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("-/edit-profile/", views.profile_edit, name="profile_edit"),
    path("-/suggest/", views.suggest, name="suggest"),
    path("<str:username>/", views.profile, name="profile"),
]
