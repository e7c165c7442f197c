"""The leader's page for integration tokens on a municipality's host.

`/innstillinger/integrasjoner/` is one page and needs no JavaScript: the list, a form
that creates a token and shows its secret once (the response is not cached), and
revoking in two steps (the row's button asks for confirmation on the same page, the
confirmation revokes). Every change goes through `samla.accounts.integrations`; only
the leader reaches the page (others 403).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from samla.accounts import integrations
from samla.accounts.access import acting_user
from samla.accounts.models import IntegrationToken
from samla.textrules import validate_printable
from tenants.plans.forms import add_service_errors

TEMPLATE = "accounts/integration_tokens.html"


def _expiry_label(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return str(ngettext_lazy("%(n)d år", "%(n)d år", years) % {"n": years})
    return str(ngettext_lazy("%(n)d dag", "%(n)d dager", days) % {"n": days})


class IntegrationTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Navn"),
        max_length=integrations.NAME_MAX_LENGTH,
        validators=[validate_printable],
        help_text=gettext_lazy(
            "Hva nøkkelen brukes til, for eksempel «Sak/arkiv» eller «Power BI»."
        ),
    )
    can_write = forms.TypedChoiceField(
        label=gettext_lazy("Tilgang"),
        choices=[("0", gettext_lazy("Bare lese")), ("1", gettext_lazy("Lese og endre"))],
        coerce=lambda value: value == "1",
        initial="0",
        help_text=gettext_lazy("Velg «Bare lese» når systemet bare skal hente data."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=gettext_lazy("Gyldig i"),
        choices=[],  # set per request, in its language
        coerce=int,
        initial=str(integrations.DEFAULT_EXPIRY_DAYS),
        help_text=gettext_lazy("Etterpå slutter nøkkelen å virke, og du må lage en ny."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels of the durations in the language of this request.
        self.fields["expires_in_days"].choices = [  # type: ignore[attr-defined]
            (str(d), _expiry_label(d)) for d in integrations.EXPIRY_CHOICES_DAYS
        ]


def integration_tokens_page(request: HttpRequest) -> HttpResponse:
    """List, create and revoke the municipality's integration tokens."""
    municipality = request.tenant  # type: ignore[attr-defined]
    if not integrations.is_leader_of(request.user, municipality):
        raise PermissionDenied(integrations.LEADER_ONLY_MESSAGE)
    form = IntegrationTokenForm()
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            form = IntegrationTokenForm(request.POST)
            status = 400
            if form.is_valid():
                try:
                    token, secret = integrations.create_integration_token(
                        municipality, acting_user(request), **form.cleaned_data
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    status = 200
                    context.update(created=token, secret=secret)
                    form = IntegrationTokenForm()
        elif action in ("confirm-revoke", "revoke"):
            token = integrations.get_integration_token_for(
                municipality, request.user, request.POST.get("token")
            )
            if action == "revoke":
                integrations.revoke_integration_token(token, acting_user(request))
                messages.success(
                    request,
                    _("Nøkkelen «%(name)s» er trukket tilbake og virker ikke lenger.")
                    % {"name": token.name},
                )
                return redirect("integration-tokens-page")
            context["confirm"] = token
        else:
            return HttpResponse(_("Ukjent handling."), status=400)
    tokens: list[IntegrationToken] = list(
        integrations.integration_tokens_for(municipality, request.user)
    )
    context.update(form=form, tokens=tokens, max_days=integrations.MAX_EXPIRY_DAYS)
    response = render(request, TEMPLATE, context, status=status)
    if "secret" in context:
        add_never_cache_headers(response)
    return response
