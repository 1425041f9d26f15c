"""HTML input for the accounts pages: types and shapes only; the rules live in the services.

Every message names its field and, where it helps, the value typed, so the error summary at
the top of a page reads on its own.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.forms.utils import ErrorDict, ErrorList

from mesoclinic.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, Role, Site
from mesoclinic.core.forms import without_browser_limits

_CODE = re.compile(r"\d{6}")
_RECOVERY = re.compile(r"[a-z2-7]{24}")


class LabelledErrorsMixin:
    """Prefixes each field error that does not name its field with "<label>: ".

    Catches the messages written elsewhere (Django's password validators, model checks).
    Length limits are the server's (``without_browser_limits``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        without_browser_limits(self)  # type: ignore[arg-type]

    fields: dict[str, forms.Field]
    _errors: ErrorDict | None
    error_class: type[ErrorList]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, errors in list((self._errors or {}).items()):
            if name not in self.fields:
                continue
            prefix = f"{self.fields[name].label}: "
            self._errors[name] = self.error_class(  # type: ignore[index]
                [str(e) if str(e).startswith(prefix) else prefix + str(e) for e in errors]
            )


def _name_fields_in_messages(form: forms.Form) -> None:
    """Replace Django's generic "required" and "too long" messages with ones naming the field."""
    defaults = forms.CharField.default_error_messages
    for field in form.fields.values():
        label = str(field.label)
        if field.error_messages.get("required") == defaults["required"]:
            field.error_messages["required"] = f"{label}: it is empty."
        field.error_messages["max_length"] = (
            f"{label}: use at most %(limit_value)d characters (it has %(show_value)d)."
        )


class LoginForm(LabelledErrorsMixin, forms.Form):
    username = forms.CharField(
        label="Username",
        max_length=150,
        error_messages={"required": "Username: it is empty; type your username."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=4096,
        error_messages={"required": "Password: it is empty; type your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(LabelledErrorsMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The six digits your authenticator app shows now.",
        max_length=20,
        error_messages={"required": "Code: it is empty; type the 6 digits your app shows."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        typed: str = self.cleaned_data["code"]
        # Apps show the code as "123 456"; people type it so.
        code = typed.replace(" ", "")
        if not _CODE.fullmatch(code):
            raise forms.ValidationError(f"Code: “{typed}” is not 6 digits.")
        return code


class RecoveryCodeForm(LabelledErrorsMixin, forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        help_text="One of the codes you kept, e.g. “abcd-efgh-ijkl-mnop-qrst-uvwx”.",
        max_length=40,
        strip=True,
        error_messages={"required": "Recovery code: it is empty; type one of your codes."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def clean_recovery_code(self) -> str:
        typed: str = self.cleaned_data["recovery_code"]
        code = "".join(ch for ch in typed.lower() if ch not in " -")
        if not _RECOVERY.fullmatch(code):
            raise forms.ValidationError(
                f"Recovery code: “{typed}” is not 24 letters and digits in six groups."
            )
        return code


class ReauthenticateForm(LabelledErrorsMixin, forms.Form):
    password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=4096,
        help_text="Type your password to confirm it is you.",
        error_messages={"required": "Current password: it is empty; type your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(LabelledErrorsMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=80,
        help_text="What the token is for, e.g. the system that will use it, such as “Reporting”.",
        error_messages={
            "required": "Name: it is empty; say what the token is for.",
            "max_length": "Name: use at most %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    days = forms.IntegerField(
        label="Expires after (days)",
        initial=TOKEN_DEFAULT_DAYS,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        required=False,
        help_text=f"From 1 to {TOKEN_MAX_DAYS}; {TOKEN_DEFAULT_DAYS} if left empty.",
        error_messages={
            "invalid": "Expires after: give a whole number of days.",
            "min_value": "Expires after: at least %(limit_value)s day.",
            "max_value": "Expires after: at most %(limit_value)s days.",
        },
    )
    read_only = forms.BooleanField(
        label="Read only",
        required=False,
        help_text="The program may read but never change anything.",
    )
    password = forms.CharField(
        label="Current password",
        strip=False,
        max_length=4096,
        help_text="A token acts as you: type your password to confirm it is you.",
        error_messages={"required": "Current password: it is empty; type your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_days(self) -> int:
        days: int | None = self.cleaned_data["days"]
        return TOKEN_DEFAULT_DAYS if days is None else days


class StaffForm(LabelledErrorsMixin, forms.Form):
    """A new member of staff; the sites offered are the manager's own."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="Letters, digits and @ . + - _ only.",
        error_messages={"required": "Username: it is empty; choose one."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    email = forms.EmailField(label="Email", required=False)
    # No role is preselected: the first of the list is clinic manager, the role with the most
    # rights, and a form that offers it by default hands those rights to whoever is added
    # without a second look.
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Role: choose what this person does at the clinic."},
    )
    is_prescriber = forms.BooleanField(
        label="Prescriber", required=False, help_text="An independent prescriber."
    )
    registration_number = forms.CharField(
        label="Registration number",
        max_length=40,
        required=False,
        help_text="Required for prescribers, e.g. an NMC or GMC number.",
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites", queryset=Site.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        help_text="Their first password: at least 8 characters, not a common one. Hand it over "
        "in person; they change it after signing in.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, site_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sites = self.fields["sites"]
        assert isinstance(sites, forms.ModelMultipleChoiceField)  # noqa: S101 - narrows the type
        sites.queryset = Site.objects.filter(pk__in=site_ids).order_by("name")
        _name_fields_in_messages(self)
        self.fields["email"].error_messages["invalid"] = "Email: “%(value)s” is not an address."
        self.fields["role"].error_messages["invalid_choice"] = (
            "Role: “%(value)s” is not one of the roles listed."
        )
        sites.error_messages.update(
            {
                "required": "Sites: choose at least one site where this person works.",
                "invalid_choice": "Sites: “%(value)s” is not one of your sites.",
                "invalid_pk_value": "Sites: “%(pk)s” is not one of your sites.",
            }
        )


class PasswordForm(LabelledErrorsMixin, PasswordChangeForm):
    """Django's own password change (old password, new twice, the validators in settings)."""

    error_messages = {  # noqa: RUF012 - Django's own class attribute, overridden as Django does
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Old password: it is not your current password.",
        "password_mismatch": "it does not match the new password.",
    }
