"""The audit log in words, for the managers' page: who did what to which record, and details
as labelled fields instead of the stored JSON and internal names.

Pure: no query. The CSV export keeps the stored codes and JSON, which are the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

VERBS: Final[dict[str, str]] = {
    "view": "viewed",
    "list": "listed",
    "search": "searched",
    "create": "created",
    "update": "changed",
    "archive": "archived",
    "sign": "signed",
    "withdraw": "withdrew",
    "upload": "uploaded",
    "download": "downloaded",
    "export": "exported",
    "print": "printed",
    "login": "signed in",
    "login_failed": "failed to sign in",
    "logout": "signed out",
    "purge": "purged",
}
# What each object type is, in words; a plural where a folded row counts several.
OBJECTS: Final[dict[str, str]] = {
    "api_token": "an API token",
    "audit_event": "audit events",
    "audit_log": "the audit log",
    "consent_form": "a consent form",
    "consent_record": "a signed consent",
    "consent_signature": "a consent signature",
    "consent_template": "a consent form version",
    "consultation": "a consultation",
    "patient": "the patient record",
    "patient_duplicates": "possible duplicates",
    "patient_list": "the patient list",
    "patient_record_summary": "the clinical record summary",
    "photo": "a photo",
    "photo_comparison": "a photo comparison",
    "photo_consent": "photo consent",
    "photo_thumbnail": "a photo thumbnail",
    "photo_upload": "the photo upload form",
    "plan": "a treatment plan",
    "session": "a session",
    "staff": "a member of staff",
    "user": "a member of staff",
}
PLURALS: Final[dict[str, str]] = {"photo_thumbnail": "photo thumbnails", "photo": "photos"}
# Detail keys that read better under another name.
LABELS: Final[dict[str, str]] = {
    "path": "Value",
    "old": "Was",
    "new": "Now",
    "old_value": "Was",
    "new_value": "Now",
    "q": "Search",
    "query": "Search",
    "shown": "Patients shown",
    "count": "Matches",
    "include_archived": "Archived included",
    "date_from": "From",
    "date_to": "To",
    "actor_id": "Member of staff",
    "patient_id": "Patient",
    "patient_query": "Patient search",
    "template_id": "Consent form",
    "name_checked": "Name checked by staff",
    "consent_records": "Signed consent",
    "plans": "Treatment plans",
}
VALUE_SHOWN_MAX: Final = 120
_CODE: Final = re.compile(r"[a-z]+(?:_[a-z]+)+")
# Keys shown first, in this order; the rest alphabetically. PostgreSQL's jsonb keeps keys in
# its own order (shortest first), so the stored order cannot be the shown one.
FIRST: Final = ("path", "old_value", "old", "new_value", "new", "reason")


def sentence(actor: str, action: str, object_type: str, *, denied: bool, count: int = 1) -> str:
    """ "nina.nurse viewed a treatment plan", "ben.reception was refused: view a consultation";
    with ``count`` > 1, "... viewed 6 photo thumbnails". The patient, when there is one, is
    named after it by the page ("of Anderson, Alice")."""
    verb = VERBS.get(action, action.replace("_", " "))
    if action in {"login", "login_failed", "logout"}:
        return f"{actor} {verb}"
    if count > 1:
        thing = f"{count} {PLURALS.get(object_type, OBJECTS.get(object_type, object_type))}"
    else:
        thing = OBJECTS.get(object_type, object_type.replace("_", " "))
    if denied:
        bare = {"viewed": "view", "listed": "list", "changed": "change"}.get(verb, action)
        return f"{actor} was refused: {bare.replace('_', ' ')} {thing}"
    return f"{actor} {verb} {thing}"


def fields(detail: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """The detail's entries as (label, value) pairs, nested mappings flattened into their
    parent's label ("Filters: from"), lists joined, yes/no for booleans, long values cut; in
    the same order on every database (``FIRST``, then alphabetical)."""
    pairs: list[tuple[str, str]] = []
    entries = (detail or {}).items()
    ranked = sorted(
        entries, key=lambda kv: (FIRST.index(kv[0]) if kv[0] in FIRST else len(FIRST), kv[0])
    )
    for key, value in ranked:
        label = LABELS.get(key, key.replace("_", " ").capitalize())
        if isinstance(value, Mapping):
            for inner_label, inner in fields(value):
                pairs.append((f"{label}: {inner_label.lower()}", inner))
        else:
            pairs.append((label, _shown(value)))
    return pairs


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        text = ", ".join(_shown(item) for item in value) or "none"
    elif isinstance(value, str) and _CODE.fullmatch(value):
        text = value.replace("_", " ")  # a stored code ("awaiting_prescriber") as words
    else:
        text = str(value)
    return text if len(text) <= VALUE_SHOWN_MAX else text[: VALUE_SHOWN_MAX - 1] + "…"
