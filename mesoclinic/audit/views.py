"""The audit log for managers: a filtered page of events, and the same rows as CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mesoclinic.audit.csv_export import csv_lines
from mesoclinic.audit.forms import AuditFilterForm
from mesoclinic.audit.selectors import (
    AuditRow,
    AuditScope,
    audit_log_access,
    audit_log_export,
    audit_log_page,
)
from mesoclinic.core.http import staff

CSV_HEADER = (
    "event",
    "at_utc",
    "at_local",
    "actor",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "patient_id",
    "patient",
    "site",
    "ip",
    "path",
    "detail",
)


MAX_PAGE = 100_000


def _page_number(raw: str | None) -> int:
    """The page asked for, 1 if unreadable; capped so that the offset stays a database integer."""
    text = (raw or "").strip()
    return min(max(int(text), 1), MAX_PAGE) if text.isascii() and text.isdigit() else 1


@login_required
@never_cache
@require_GET
def audit_list_view(request: HttpRequest) -> HttpResponse:
    """The manager's audit log, filtered, 50 events a page; each view audited (VIEW)."""
    user = staff(request)
    scope = audit_log_access(user)
    form = AuditFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return _render(request, scope, form, status=400)
    page = _page_number(request.GET.get("page"))
    result = audit_log_page(user, scope, form.filters(), page=page)
    filters = {
        key: request.GET.get(key, "") for key in form.fields if request.GET.get(key, "").strip()
    }

    def link(number: int) -> str:
        return "?" + urlencode({**filters, "page": number})

    return _render(
        request,
        scope,
        form,
        page=result,
        newer_link=link(page - 1) if page > 1 else "",
        older_link=link(page + 1) if result.has_next else "",
        export_link="?" + urlencode(filters) if filters else "",
    )


@login_required
@never_cache
@require_GET
def audit_export_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every filtered event as CSV, streamed; audited (EXPORT) before the first row is read."""
    user = staff(request)
    scope = audit_log_access(user)
    form = AuditFilterForm(request.GET, scope=scope)
    if not form.is_valid():
        return _render(request, scope, form, status=400)
    rows = audit_log_export(user, scope, form.filters())
    stamp = timezone.localtime(timezone.now(), scope.zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        csv_lines(CSV_HEADER, (_csv_row(row) for row in rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


def _csv_row(row: AuditRow) -> tuple[object, ...]:
    return (
        row.event_id,
        row.at_utc.isoformat(),
        row.at_local.isoformat(),
        row.actor,
        row.action,
        row.outcome,
        row.object_type,
        row.object_id,
        row.patient_id or "",
        row.patient_name,
        row.site,
        row.ip,
        row.path,
        row.detail,
    )


def _render(
    request: HttpRequest,
    scope: AuditScope,
    form: AuditFilterForm,
    *,
    status: int = 200,
    **context: object,
) -> HttpResponse:
    return render(
        request,
        "audit/list.html",
        {"form": form, "zone": scope.zone.key, **context},
        status=status,
    )
