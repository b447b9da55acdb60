from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import RedirectView

from shuangbai import views
from shuangbai.core import views as core_views

urlpatterns = [
    path("", views.home, name="home"),
    path("more/", views.more, name="more"),
    path("login/", core_views.ShuangbaiLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", core_views.password_change, name="password_change"),
    path("password/everywhere/", core_views.logout_everywhere, name="logout_everywhere"),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("audit/unlock/", core_views.account_unlock, name="account_unlock"),
    # the admin's own login would skip the lockout: there is one door
    path(
        "admin/login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_login",
    ),
    path("healthz", core_views.healthz, name="healthz"),
    path("regions/", include("shuangbai.regions.urls")),
    path("stations/", include("shuangbai.stations.urls")),
    path("staff/", include("shuangbai.staff.urls")),
    path("registry/", include("shuangbai.registry.urls")),
    path("visits/", include("shuangbai.visits.urls")),
    path("supervision/", include("shuangbai.supervision.urls")),
    path("cases/", include("shuangbai.cases.urls")),
    path("activities/", include("shuangbai.activities.urls")),
    path("assistance/", include("shuangbai.assistance.urls")),
    path("bulletins/", include("shuangbai.bulletins.urls")),
    path("map/", include("shuangbai.maps.urls")),
    path("dashboard/", include("shuangbai.dashboards.urls")),
    path("admin/", admin.site.urls),
]
