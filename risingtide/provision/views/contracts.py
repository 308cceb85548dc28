"""The contract manager's pages: the contracts and the renewal list, recording and changing a
contract, signing it, its documents; and a provider's contracts, services, delivery record and
ratings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from risingtide.access.core import can, requires, visible
from risingtide.lib import uploads
from risingtide.lib.forms import posted, refusal_of, refused, show_refusal
from risingtide.provision import contracts, kpis, profiles
from risingtide.provision.contract_forms import (
    ChooseProviderForm,
    ContractForm,
    DocumentForm,
    RenewalForm,
    SignForm,
)
from risingtide.provision.contract_models import STATUS_LABELS


def _rows(found, today):
    figures = kpis.contract_figures(found, today)
    return [(c, STATUS_LABELS[c.status_on(today)], figures[c.pk]) for c in found]


@require_GET
@requires("contract.manage")
def contract_list(request):
    today = timezone.localdate()
    found = list(contracts.contract_list(request.user))
    providers = list(
        contracts.with_standing(
            visible(request.user, "provider", "contract.create").order_by("name"), today
        )
    )
    return render(
        request,
        "provision/contracts.html",
        {
            "rows": _rows(found, today),
            "providers": providers,
            "choose_form": ChooseProviderForm(providers=providers),
            "renewal_form": RenewalForm(),
        },
    )


@require_GET
@requires("contract.manage")
def renewals(request):
    today = timezone.localdate()
    form = RenewalForm(request.GET or None)
    days = 90
    found = []
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        status = 200
        if form.is_bound and form.cleaned_data["days"]:
            days = form.cleaned_data["days"]
        found = list(contracts.renewals(request.user, days, today))
        for c in found:
            c.days_left = (c.ends_on - today).days
    return render(
        request,
        "provision/renewals.html",
        {"form": form, "days": days, "rows": _rows(found, today), "today": today},
        status=status,
    )


@require_GET
@requires("contract.manage")
def choose_provider(request):
    """The list page's "record a contract with…" choice, sent on to that provider's form."""
    providers = visible(request.user, "provider", "contract.create").order_by("name")
    form = ChooseProviderForm(request.GET or None, providers=providers)
    if form.is_valid():
        return redirect("provision:contract_new", form.cleaned_data["provider"])
    messages.error(request, "Choose a provider to record a contract with.")
    return redirect("provision:contracts")


def _service_choices(provider):
    return [
        (s.pk, f"{s.title} ({s.get_status_display().lower()})")
        for s in provider.services.order_by("title", "pk")
    ]


@requires("contract.create", "pk")
def new_contract(request, provider):
    form = ContractForm(**posted(request), services=_service_choices(provider))
    if request.method == "POST" and form.is_valid():
        try:
            contract = contracts.create(request.user, provider, form.contract_input())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Contract {contract.reference} saved as a draft.")
            return redirect("provision:contract", contract.pk)
    return render(
        request,
        "provision/contract_form.html",
        {"form": form, "provider": provider},
        status=400 if form.errors else 200,
    )


@requires("contract.edit", "pk")
def edit_contract(request, contract):
    form = ContractForm(
        **posted(request),
        initial=ContractForm.initial_from(contract),
        services=_service_choices(contract.provider),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contracts.change(request.user, contract, form.contract_input())
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Contract {contract.reference} saved.")
            return redirect("provision:contract", contract.pk)
    return render(
        request,
        "provision/contract_form.html",
        {"form": form, "provider": contract.provider, "contract": contract},
        status=400 if form.errors else 200,
    )


def contract_page(request, contract, *, document_form=None, status=200):
    today = timezone.localdate()
    figures = kpis.contract_figures([contract], today)[contract.pk]
    return render(
        request,
        "provision/contract.html",
        {
            "contract": contract,
            "status": STATUS_LABELS[contract.status_on(today)],
            "in_force": contract.in_force_on(today),
            "figures": figures,
            "services": list(contract.services.order_by("title", "pk")),
            "documents": list(contract.documents.order_by("added_at", "pk")),
            "can_edit": can(request.user, "contract.edit", contract),
            "document_form": document_form or DocumentForm(),
            "sign_form": SignForm(initial={"signed_on": today}),
            "document_types": ", ".join(contracts.DOCUMENT_TYPES.values()),
        },
        status=status,
    )


@require_GET
@requires("contract.view", "pk")
def contract(request, contract):
    return contract_page(request, contract)


@require_POST
@requires("contract.edit", "pk")
def sign(request, contract):
    form = SignForm(request.POST)
    if not form.is_valid():
        refused(request, refusal_of(form))
        return redirect("provision:contract", contract.pk)
    try:
        contracts.sign(request.user, contract, form.cleaned_data["signed_on"])
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Contract {contract.reference} signed.")
    return redirect("provision:contract", contract.pk)


@require_POST
@requires("contract.edit", "pk")
def add_document(request, contract):
    form = DocumentForm(**posted(request))
    if form.is_valid():
        try:
            document = contracts.add_document(
                request.user, contract, form.cleaned_data["file"], form.cleaned_data["title"]
            )
        except ValidationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, f"Document “{document.title}” added.")
            return redirect(reverse("provision:contract", args=[contract.pk]) + "#documents")
    return contract_page(request, contract, document_form=form, status=400)


@require_GET
@requires("contract.view", "pk")
def document(request, contract, file_id):
    found = contract.documents.filter(pk=file_id).first()
    if found is None:
        raise Http404
    return uploads.serve(
        found.file.open("rb"), found.file_type, found.file_name, request.headers.get("Range", "")
    )


@require_POST
@requires("contract.edit", "pk")
def remove_document(request, contract, file_id):
    found = contract.documents.filter(pk=file_id).first()
    if found is None:
        raise Http404
    try:
        contracts.remove_document(request.user, contract, found.pk)
    except ValidationError as exc:
        refused(request, exc)
    else:
        messages.success(request, f"Document “{found.title}” removed.")
    return redirect("provision:contract", contract.pk)


@require_GET
@requires("provider.oversee", "pk")
def provider_record(request, provider):
    record = profiles.provider_record(request.user, provider)
    return render(
        request,
        "provision/provider_record.html",
        {"record": record, "status_labels": STATUS_LABELS},
    )
