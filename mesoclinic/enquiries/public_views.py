"""The public enquiry form: no sign-in, CSRF-protected, throttled per client address.

``/enquiry/`` shows the form (with the self-assessment's answers attached from ``?answers=``),
``/enquiry/sent/`` says what happens next. Nothing is stored unless the person sends; the
thank-you page's address holds nothing of what they typed (POST-redirect-GET).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mesoclinic.accounts.models import Site
from mesoclinic.core.forms import error_summary, form_attempt
from mesoclinic.enquiries.display import answers_summary
from mesoclinic.enquiries.forms import EnquiryForm, started_token
from mesoclinic.enquiries.services import ADULT_AGE, enquiry_send
from mesoclinic.enquiries.throttle import enquiry_attempt_allowed, retry_after_seconds

TOO_MANY_REQUESTS = 429
TOO_FAST = (
    "Please check your details, then send again: the form was sent a moment after it opened, "
    "which robots do and people rarely do."
)


@never_cache
@require_http_methods(["GET", "POST"])
def enquiry_form_view(request: HttpRequest) -> HttpResponse:
    sites = list(Site.objects.order_by("name"))
    status = 200
    if request.method == "POST":
        if not enquiry_attempt_allowed(request):
            return _throttled(request)
        data = request.POST.copy()
        if not data.get("started"):
            data["started"] = started_token()
        form = EnquiryForm(data, sites=sites)
        if form.is_robot():
            # As if sent: a robot learns nothing from the answer.
            return redirect("enquiry:sent")
        answers = form.attached_answers()
        if answers is not None and answers.age < ADULT_AGE:
            return _under_18(request)
        if form.is_valid():
            if form.sent_too_fast():
                form.add_error(None, TOO_FAST)
                status = 422
            else:
                enquiry, status = form_attempt(
                    form, lambda: enquiry_send(details=form.details(answers))
                )
                if enquiry is not None:
                    return redirect("enquiry:sent")
        else:
            status = 422
    else:
        token = request.GET.get("answers", "")
        initial = {"answers": token, "started": started_token(), "attach_answers": True}
        if len(sites) == 1:
            initial["site"] = str(sites[0].pk)
        form = EnquiryForm(initial=initial, sites=sites)
        answers = form.attached_answers()
        if answers is not None and answers.age < ADULT_AGE:
            return _under_18(request)
    return render(
        request,
        "enquiries/public_form.html",
        {
            "form": form,
            "summary": error_summary(form),
            "answers": answers,
            "answers_summary": answers_summary(answers) if answers else "",
            "answers_dropped": form.answers_dropped,
        },
        status=status,
    )


def _under_18(request: HttpRequest) -> HttpResponse:
    return render(request, "enquiries/under_18.html", {"adult_age": ADULT_AGE})


def _throttled(request: HttpRequest) -> HttpResponse:
    seconds = retry_after_seconds()
    response = render(
        request,
        "enquiries/throttled.html",
        {"minutes": max(seconds // 60, 1)},
        status=TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response


@require_GET
def enquiry_sent_view(request: HttpRequest) -> HttpResponse:
    return render(request, "enquiries/sent.html")
