from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("-/edit-profile/", views.profile_edit, name="profile_edit"),
    path("-/suggest/", views.suggest, name="suggest"),
    path("-/account/", views.account_settings, name="account_settings"),
    path("-/account/data/", views.data_download, name="data_download"),
    path("-/account/delete/", views.account_delete, name="account_delete"),
    path("-/confirm-again/", views.confirmation_resend, name="confirmation_resend"),
    path("<str:username>/", views.profile, name="profile"),
]
