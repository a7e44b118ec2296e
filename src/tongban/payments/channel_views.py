"""The channels' side of the web: the notify endpoint they post to, and the sandbox channels' own pages.

The notify endpoint answers 200 ``{"code": "SUCCESS"}`` when the notification
is applied (or was already), and 400 with the refusal's code otherwise, so a
channel retries what was refused for a passing reason. The sandbox pages exist
only while the channel's adapter is a sandbox (production refuses sandboxes).
"""

from __future__ import annotations

import datetime

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tongban.core.errors import TongbanError
from tongban.payments.channels import channel, channel_codes, sandbox
from tongban.payments.errors import PaymentError
from tongban.payments.services import notifications

SIGNATURE_HEADER = "X-Channel-Signature"


@csrf_exempt  # a server-to-server call authenticated by the channel's signature, not by a session
@require_POST
def notify(request: HttpRequest, code: str) -> JsonResponse:
    """A channel's asynchronous payment notification."""
    try:
        outcome = notifications.receive(code, request.body, request.headers.get(SIGNATURE_HEADER, ""))
    except TongbanError as refusal:
        status = 404 if refusal.error == PaymentError.CHANNEL_UNKNOWN else 400
        return JsonResponse({"code": refusal.code, "message": refusal.message}, status=status)
    return JsonResponse({"code": "SUCCESS", "outcome": outcome})


def _sandbox(code: str) -> sandbox.SandboxChannel:
    try:
        adapter = channel(code)
    except TongbanError:
        raise Http404 from None
    if not isinstance(adapter, sandbox.SandboxChannel):
        raise Http404
    return adapter


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, code: str, token: str) -> HttpResponseBase:
    """The sandbox channel's hosted pay page: shows the terms, takes the money on confirmation."""
    adapter = _sandbox(code)
    try:
        terms = adapter.prepay(token)
    except signing.BadSignature:
        raise Http404 from None
    expired = datetime.datetime.fromisoformat(terms["expires"]) <= datetime.datetime.now(datetime.UTC)
    paid = adapter.already_paid(terms["order"])
    if request.method == "POST" and not expired and not paid:
        adapter.pay(token)
        back = terms.get("return", "/")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return redirect(back)
    return render(request, "payments/sandbox/pay.html", {
        "channel": adapter, "terms": terms, "yuan": f"{terms['amount'] / 100:.2f}", "expired": expired,
        "paid": paid,
    })


@require_http_methods(["GET", "POST"])
def sandbox_faults(request: HttpRequest) -> HttpResponse:
    """The sandbox's fault switches (lose, duplicate, reorder, delay, corrupt notifications)."""
    if not any(isinstance(channel(code), sandbox.SandboxChannel) for code in channel_codes()):
        raise Http404
    if request.method == "POST":
        try:
            delay = int(request.POST.get("delay_seconds") or 0)
        except ValueError:
            delay = 0
        sandbox.set_faults(request.POST.getlist("faults"), delay)
    active, delay = sandbox.current_faults()
    return render(request, "payments/sandbox/faults.html", {"faults": sandbox.FAULTS, "active": active,
                                                           "delay": delay})


@require_safe
def sandbox_statement(request: HttpRequest, code: str, day: str) -> StreamingHttpResponse:
    """The sandbox channel's statement of one day, as CSV (what a real channel's download API returns)."""
    adapter = _sandbox(code)
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    response = StreamingHttpResponse((line + "\n" for line in adapter.statement(date)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{code}-{date}.csv"'
    return response
