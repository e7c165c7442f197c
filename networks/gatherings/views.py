"""The gatherings' pages on the public host.

Coordinators (and operators): a network's gatherings, one gathering with its registrations
and tasks, the live screen (answers arriving through htmx polling of a fragment that
answers 304 while nothing changed; QR codes of each municipality's join address), a
projection of one municipality's answers, the evaluation's results. Members see the
gatherings, register their municipality and see their own rows. Without an account:
`/svar/` (enter a code) → a municipality's open tasks at one gathering, or the anonymous
evaluation. The same services as the API; refusals are shown on the page, nothing saved.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from networks.access import networks_for
from networks.gatherings import access, forms, limits, results, services
from networks.gatherings.kinds import kind_of
from networks.gatherings.models import Gathering, GroupTask, JoinCode
from networks.gatherings.qr import qr_svg
from networks.models import LearningNetwork, NetworkMembership
from samla.accounts.access import acting_user
from samla.urls_helpers import public_url

DEVICE_COOKIE = "samla_device"
DEVICE_SALT = "gatherings.evaluation.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


def _network(request: HttpRequest, slug: str) -> LearningNetwork:
    network = networks_for(acting_user(request)).filter(slug=slug).first()
    if network is None:
        raise Http404(_("Fant ikke nettverket."))
    return network


def _managed_gathering(request: HttpRequest, gathering_id: int) -> Gathering:
    """The gathering, for its coordinators and operators; 404 for anyone who cannot see
    it, 403 for a member who can."""
    return access.get_managed_gathering(acting_user(request), gathering_id)


def _refused(form: Form, exc: ValidationError | PermissionDenied) -> None:
    """A service's refusal on the form: by field where the form has it."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("Du har ikke tilgang til dette."))
        return
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, found in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, found)


@login_required
@require_http_methods(["GET", "POST"])
def network_gatherings(request: HttpRequest, slug: str) -> HttpResponse:
    network = _network(request, slug)
    user = acting_user(request)
    manages = access.can_manage(user, network)
    form = forms.GatheringForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        access.require_manager(user, network)
        if form.is_valid():
            try:
                made = services.create_gathering(user, network, dict(form.cleaned_data))
            except ValidationError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Samlingen er opprettet."))
                return redirect("gatherings:detail", gathering_id=made.pk)
        status = 400
    gatherings = list(Gathering.objects.filter(network=network).order_by("starts_at", "id"))
    from networks.gatherings.api import _seats

    seats = _seats([g.pk for g in gatherings])
    return render(
        request,
        "gatherings/network_gatherings.html",
        {
            "network": network,
            "rows": [(g, seats.get(g.pk, 0)) for g in gatherings],
            "manages": manages,
            "form": form,
            "calendar_url": reverse("api-network-gatherings-calendar", args=[network.pk]),
        },
        status=status,
    )


def _participants_from(text: str) -> list[dict[str, str]]:
    """One participant per line: «name; role; unit»."""
    people = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")] + ["", ""]
        people.append({"name": parts[0], "role": parts[1], "unit": parts[2]})
    return people


@login_required
@require_http_methods(["GET", "POST"])
def gathering_detail(request: HttpRequest, gathering_id: int) -> HttpResponse:
    user = acting_user(request)
    gathering = access.get_gathering_for(user, gathering_id)
    network = gathering.network
    manages = access.can_manage(user, network)
    writable = access.own_municipality_ids(user, network, write=True)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and request.POST.get("action") == "close":
        return _close_task(request, gathering)
    task_form = forms.TaskForm(request.POST if request.POST.get("action") == "add-task" else None)
    if request.method == "POST" and request.POST.get("action") == "add-task":
        access.require_manager(user, network)
        if task_form.is_valid():
            try:
                task = services.create_task(user, gathering, dict(task_form.cleaned_data))
            except ValidationError as exc:
                _refused(task_form, exc)
            else:
                messages.success(
                    request, _("Oppgaven «%(title)s» er lagt til.") % {"title": task.title}
                )
                return redirect("gatherings:detail", gathering_id=gathering.pk)
    if request.method == "POST" and request.POST.get("action") == "register":
        text = request.POST.get("participants", "")
        try:
            services.register(
                user, gathering, request.POST.get("municipality") or None, _participants_from(text)
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = _messages(exc)
            status = 400
        else:
            messages.success(request, _("Påmeldingen er lagret."))
            return redirect("gatherings:detail", gathering_id=gathering.pk)
    registrations = list(access.registrations_for(user, gathering).order_by("municipality__name"))
    tasks = list(results.live_tasks(gathering))
    context = {
        "gathering": gathering,
        "network": network,
        "manages": manages,
        "registrations": registrations,
        "seats": sum(len(r.participants.all()) for r in registrations),
        "tasks": tasks,
        "can_register": bool(writable) and not gathering.has_ended,
        "writable": _municipality_names(writable),
        "errors": errors,
        "typed": request.POST.get("participants", "") if errors else "",
        "task_form": task_form,
        # The user's own municipalities' answer pages (their join codes), while tasks are open.
        "own_answer_pages": [
            (code.municipality.name, reverse("gatherings:join-tasks", args=[code.code]))
            for code in JoinCode.objects.filter(gathering=gathering, municipality_id__in=writable)
            .select_related("municipality")
            .order_by("municipality__name")
        ]
        if any(t.is_open for t in tasks) and not gathering.has_ended
        else [],
    }
    if task_form.is_bound:
        status = 400
    return render(request, "gatherings/gathering_detail.html", context, status=status)


def _municipality_names(ids: list[int]) -> list[tuple[int, str]]:
    from tenants.models import Municipality

    return list(Municipality.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def _messages(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or _("Du har ikke tilgang til dette.")]
    return [str(m) for m in exc.messages]


def _close_task(request: HttpRequest, gathering: Gathering) -> HttpResponse:
    user = acting_user(request)
    access.require_manager(user, gathering.network)
    try:
        task_id = int(request.POST.get("task", ""))
    except ValueError:
        raise Http404(_("Fant ikke oppgaven.")) from None
    task = GroupTask.objects.filter(gathering=gathering, pk=task_id).first()
    if task is None:
        raise Http404(_("Fant ikke oppgaven."))
    services.close_task(user, task)
    messages.success(request, _("Oppgaven «%(title)s» er lukket.") % {"title": task.title})
    if request.POST.get("next") == "live":
        return redirect("gatherings:live", gathering_id=gathering.pk)
    return redirect("gatherings:detail", gathering_id=gathering.pk)


def _join_url(code: str) -> str:
    return public_url(reverse("gatherings:join-tasks", args=[code]))


def _live_context(gathering: Gathering) -> dict[str, Any]:
    """The tasks with each municipality's answer, in two queries."""
    tasks = list(results.live_tasks(gathering))
    answers = list(results.live_answers(gathering))
    # One reverse for every answer's link to the projection view.
    projection = reverse("gatherings:projection", args=[gathering.pk, 0]).removesuffix("0/")
    by_task: dict[int, list[Any]] = {t.pk: [] for t in tasks}
    for answer in answers:
        by_task[answer.task_id].append(answer)
    # The labels translated once per task, not once per answer.
    labels = {t.pk: [(f.key, str(f.label)) for f in kind_of(t.kind).fields] for t in tasks}
    return {
        "gathering": gathering,
        "tasks": [
            {
                "task": task,
                "fields": kind_of(task.kind).fields,
                "answers": [
                    {
                        "municipality": a.municipality,
                        "projection_url": f"{projection}{a.municipality_id}/",
                        "values": [
                            (label, a.content[key])
                            for key, label in labels[task.pk]
                            if a.content.get(key) is not None
                        ],
                        "updated_at": a.updated_at,
                    }
                    for a in by_task[task.pk]
                ],
            }
            for task in tasks
        ],
    }


@login_required
def live(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """The live screen; htmx's polls (`HX-Request`) get only the answers fragment."""
    if request.headers.get("HX-Request"):
        return live_answers(request, gathering_id)
    gathering = _managed_gathering(request, gathering_id)
    services.ensure_join_codes(gathering)
    current = NetworkMembership.objects.current().filter(network_id=gathering.network_id)
    codes = (
        JoinCode.objects.filter(
            gathering=gathering, municipality_id__in=current.values("municipality_id")
        )
        .select_related("municipality")
        .order_by("municipality__name")
    )
    joins = [
        {
            "code": c,
            "url": _join_url(c.code),
            "qr": qr_svg(
                _join_url(c.code),
                _("QR-kode til svarsiden for %(name)s") % {"name": c.municipality.name},
            ),
        }
        for c in codes
    ]
    context = {
        **_live_context(gathering),
        "joins": joins,
        "marker": results.live_marker(gathering),
        "join_page": public_url(reverse("gatherings:join")),
    }
    return render(request, "gatherings/live.html", context)


def live_answers(request: HttpRequest, gathering_id: int) -> HttpResponse:
    """The live screen's answers as a fragment; 304 while nothing has changed (ETag)."""
    gathering = _managed_gathering(request, gathering_id)
    marker = results.live_marker(gathering)
    etag = f'"{marker}"'
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = render(request, "gatherings/_live_answers.html", _live_context(gathering))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
def projection(request: HttpRequest, gathering_id: int, municipality_id: int) -> HttpResponse:
    """One municipality's answers, large, for the projector; previous and next."""
    gathering = _managed_gathering(request, gathering_id)
    members = list(
        NetworkMembership.objects.current()
        .filter(network_id=gathering.network_id)
        .select_related("municipality")
        .order_by("municipality__name")
    )
    ids = [m.municipality_id for m in members]
    if municipality_id not in ids:
        raise Http404(_("Kommunen er ikke medlem av nettverket."))
    index = ids.index(municipality_id)
    municipality = members[index].municipality
    context = _live_context(gathering)
    for item in context["tasks"]:
        item["answers"] = [a for a in item["answers"] if a["municipality"].pk == municipality_id]
    context.update(
        {
            "municipality": municipality,
            "previous": members[index - 1].municipality if index > 0 else None,
            "next": members[index + 1].municipality if index + 1 < len(members) else None,
        }
    )
    return render(request, "gatherings/projection.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_results(request: HttpRequest, gathering_id: int) -> HttpResponse:
    gathering = _managed_gathering(request, gathering_id)
    current = list(gathering.evaluation_questions.order_by("order", "id"))
    initial = {
        "scale_questions": "\n".join(q.text for q in current if q.kind == "scale"),
        "text_questions": "\n".join(q.text for q in current if q.kind == "text"),
        "open": gathering.evaluation_open,
    }
    form = forms.EvaluationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_evaluation(
                    acting_user(request), gathering, form.cleaned_data["open"], form.questions()
                )
            except ValidationError as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("Evalueringen er lagret."))
                return redirect("gatherings:evaluation", gathering_id=gathering.pk)
        status = 400
    url = public_url(reverse("gatherings:evaluate", args=[gathering.evaluation_code]))
    return render(
        request,
        "gatherings/evaluation_results.html",
        {
            "gathering": gathering,
            "results": results.evaluation_results(gathering),
            "evaluation_url": url,
            "qr": qr_svg(url, _("QR-kode til evalueringen")),
            "export_url": reverse("api-gathering-evaluation-xlsx", args=[gathering.pk]),
            "form": form,
        },
        status=status,
    )


# Without an account -----------------------------------------------------------------------


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "gatherings/too_many.html", status=429)


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Enter a code: a municipality's join code leads to its tasks, an evaluation code to
    the evaluation."""
    error = ""
    status = 200
    if request.method == "POST":
        if limits.code_attempts_exhausted(request):
            return _too_many(request)
        code = access.normalise_code(request.POST.get("code"))
        if len(code) == access.EVALUATION_CODE_LENGTH:
            if Gathering.objects.filter(evaluation_code=code).exists():
                return redirect("gatherings:evaluate", code=code)
        else:
            try:
                access.get_join_code(code)
            except Http404:
                pass
            else:
                return redirect("gatherings:join-tasks", code=code)
        limits.record_wrong_code(request)
        error = _("Koden finnes ikke eller er utløpt. Sjekk at du har skrevet den riktig.")
        status = 400
    return render(request, "gatherings/join.html", {"error": error}, status=status)


def _join_code_or_refuse(request: HttpRequest, code: str) -> JoinCode | HttpResponse:
    if limits.code_attempts_exhausted(request):
        return _too_many(request)
    try:
        return access.get_join_code(code)
    except Http404:
        limits.record_wrong_code(request)
        return render(
            request,
            "gatherings/join.html",
            {"error": _("Koden finnes ikke eller er utløpt.")},
            status=404,
        )


@require_http_methods(["GET", "POST"])
def join_tasks(request: HttpRequest, code: str) -> HttpResponse:
    """The code's municipality's answers to the gathering's open tasks, as forms."""
    found = _join_code_or_refuse(request, code)
    if isinstance(found, HttpResponse):
        return found
    errors: dict[int, dict[str, list[str]]] = {}
    typed: dict[int, dict[str, str]] = {}
    status = 200
    if request.method == "POST":
        try:
            task_id = int(request.POST.get("task", ""))
        except ValueError:
            raise Http404(_("Fant ikke oppgaven.")) from None
        task = access.get_task_for_code(found, task_id)
        given = {f.key: request.POST.get(f.key, "") for f in kind_of(task.kind).fields}
        try:
            services.submit_answer_with_code(found, task, given)
        except services.TaskClosed:
            messages.error(request, services.closed_message())
            return render(
                request, "gatherings/join_tasks.html", _join_context(found, {}, {}), status=409
            )
        except ValidationError as exc:
            errors[task.pk] = exc.message_dict
            typed[task.pk] = given
            status = 400
        else:
            messages.success(request, _("Svaret på «%(title)s» er lagret.") % {"title": task.title})
            return redirect("gatherings:join-tasks", code=found.code)
    return render(
        request, "gatherings/join_tasks.html", _join_context(found, errors, typed), status=status
    )


def _join_context(
    code: JoinCode, errors: dict[int, dict[str, list[str]]], typed: dict[int, dict[str, str]]
) -> dict[str, Any]:
    tasks = list(access.open_tasks_for_code(code).order_by("order", "id"))
    answers = {
        a.task_id: a.content for a in code.municipality.gathering_answers.filter(task__in=tasks)
    }
    items = []
    for task in tasks:
        saved = answers.get(task.pk, {})
        shown = typed.get(task.pk) or saved
        task_errors = errors.get(task.pk, {})
        items.append(
            {
                "task": task,
                "answered": bool(saved),
                "errors": task_errors.get("answer", []) + task_errors.get("__all__", []),
                "fields": [
                    {
                        "field": f,
                        "id": f"t{task.pk}-{f.key}",
                        "value": "" if shown.get(f.key) is None else str(shown.get(f.key)),
                        "errors": task_errors.get(f"answer.{f.key}", []),
                    }
                    for f in kind_of(task.kind).fields
                ],
            }
        )
    return {"code": code, "gathering": code.gathering, "items": items, "scale": range(1, 6)}


@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, code: str) -> HttpResponse:
    """The anonymous evaluation: once per device (a signed cookie), rate-limited."""
    if limits.code_attempts_exhausted(request):
        return _too_many(request)
    try:
        gathering = access.get_gathering_by_evaluation_code(code)
    except Http404:
        limits.record_wrong_code(request)
        raise
    device = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    questions = list(gathering.evaluation_questions.order_by("order", "id"))
    context: dict[str, Any] = {
        "gathering": gathering,
        "questions": questions,
        "scale": range(1, 6),
        "done": services.has_evaluated(gathering, device),
        "errors": {},
        "typed": {},
    }
    status = 200
    if request.method == "POST":
        if limits.submissions_exhausted(request):
            return _too_many(request)
        device = device or secrets.token_urlsafe(24)
        given = {f"q{q.pk}": request.POST.get(f"q{q.pk}", "") for q in questions}
        try:
            services.submit_evaluation(gathering, device, given)
        except ValidationError as exc:
            status = 409 if services.has_evaluated(gathering, device) else 400
            context["errors"] = (
                exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            )
            context["typed"] = given
            context["done"] = status == 409
        else:
            limits.record_submission(request)
            messages.success(request, _("Takk! Evalueringen er sendt inn."))
            response = redirect("gatherings:evaluate", code=gathering.evaluation_code)
            response.set_signed_cookie(
                DEVICE_COOKIE,
                device,
                salt=DEVICE_SALT,
                max_age=DEVICE_MAX_AGE,
                httponly=True,
                samesite="Lax",
            )
            return response
    context["general_errors"] = context["errors"].get("__all__", [])
    context["items"] = [
        {
            "question": q,
            "key": f"q{q.pk}",
            "value": context["typed"].get(f"q{q.pk}", ""),
            "errors": context["errors"].get(f"q{q.pk}", []),
        }
        for q in questions
    ]
    return render(request, "gatherings/evaluate.html", context, status=status)
