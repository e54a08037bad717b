from django.contrib import admin
from django.urls import include, path

from accounts.admin_sign_in import secure_admin_site
from accounts.connections import connections
from forum.operations.health import healthz

secure_admin_site(admin.site)  # before admin.site.urls: the admin signs in through allauth

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Before allauth's own: "Connected accounts" is not found when no provider is configured.
    path("accounts/3rdparty/", connections, name="socialaccount_connections"),
    path("accounts/", include("allauth.urls")),
    path("u/", include("accounts.urls")),
    path("api/", include("forum.api.urls")),
    path("", include("forum.urls")),
]

handler400 = "config.security.bad_request"
# A database outage is a 503 with Retry-After; any other error the usual 500 page.
handler500 = "forum.site_views.database_outage.server_error"
