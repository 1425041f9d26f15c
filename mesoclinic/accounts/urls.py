from __future__ import annotations

from django.urls import path

from mesoclinic.accounts.views import sessions, signin, staff, tokens

app_name = "accounts"
urlpatterns = [
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("mfa/", signin.mfa_view, name="mfa"),
    path("mfa/recovery-codes/", signin.recovery_codes_view, name="recovery_codes"),
    path("password/", signin.password_view, name="password"),
    path("tokens/", tokens.tokens_view, name="tokens"),
    path("sessions/", sessions.sessions_view, name="sessions"),
    path("sessions/<str:handle>/end/", sessions.session_end_view, name="session_end"),
    path("tokens/<int:token_id>/revoke/", tokens.token_revoke_view, name="token_revoke"),
    path("staff/", staff.staff_list_view, name="staff"),
    path("staff/new/", staff.staff_create_view, name="staff_create"),
    path("staff/<int:staff_id>/deactivate/", staff.staff_deactivate_view, name="staff_deactivate"),
    path("staff/<int:staff_id>/reset-mfa/", staff.staff_mfa_reset_view, name="staff_mfa_reset"),
    path(
        "staff/<int:staff_id>/reset-password/",
        staff.staff_password_reset_view,
        name="staff_password_reset",
    ),
]
