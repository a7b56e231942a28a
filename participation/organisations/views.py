from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participation import limits
from participation.text import clean_query

from . import services
from .forms import InviteForm, MemberActionForm, OrganisationForm
from .models import Invitation, Membership, Organisation
from .services import OrganisationError


def directory(request):
    organisations = (
        Organisation.objects.filter(verified=True)
        .annotate(member_count=Count("memberships"))
        .order_by("name")
    )
    kind = request.GET.get("kind", "")
    if kind in Organisation.Kind.values:
        organisations = organisations.filter(kind=kind)
    query = clean_query(request.GET.get("q"))
    if query:
        organisations = organisations.filter(name__icontains=query)
    page = Paginator(organisations, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/directory.html",
        {"page": page, "kinds": Organisation.Kind.choices, "kind": kind, "query": query},
    )


def detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = services.membership_of(request.user, organisation)
    # Unverified organisations are visible to their members and to editors only.
    if not organisation.verified and membership is None and not request.user.is_staff:
        raise Http404
    return render(
        request,
        "organisations/detail.html",
        {"organisation": organisation, "membership": membership},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.create_organisation(request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(name)s has been created. An editor will verify it before it is listed publicly.")
            % {"name": organisation.name},
        )
        return redirect("organisations:members", slug=organisation.slug)
    return render(request, "organisations/form.html", {"form": form, "creating": True})


def _own_organisation(request, slug):
    """The organisation and the requester's membership; 404 for anyone who is not a member."""
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = services.membership_of(request.user, organisation)
    if membership is None:
        raise Http404
    return organisation, membership


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, slug):
    organisation, membership = _own_organisation(request, slug)
    if not membership.is_admin:
        messages.error(request, _("Only an administrator of this organisation can do that."))
        return redirect("organisations:members", slug=slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        # One transaction: plugins keep figures that follow the organisation's kind (signals).
        with transaction.atomic():
            form.save()
        messages.success(request, _("The organisation's details have been saved."))
        return redirect("organisations:members", slug=slug)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
def members(request, slug, invite_form=None, status=200):
    organisation, membership = _own_organisation(request, slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "memberships": organisation.memberships.select_related("user").order_by(
            "role", "user__display_name", "user__email"
        ),
    }
    if membership.is_admin:
        context["invite_form"] = invite_form or InviteForm()
        context["invitations"] = organisation.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True
        )
        context["member_actions"] = MemberActionForm.ACTIONS
    return render(request, "organisations/members.html", context, status=status)


@login_required
@require_POST
def invite(request, slug):
    organisation, _membership = _own_organisation(request, slug)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below."))
        return members(request, slug, invite_form=form)
    # The invitation goes to an address the inviter typed: limited per organisation and
    # address, per inviter and per connection (participation.limits).
    about = f"organisations.invitation:{organisation.pk}:{form.cleaned_data['email'].lower()}"
    if not limits.allow_relayed_email(request, about, count=False):
        form.add_error(
            "email",
            _(
                "No invitation was sent: an address can be invited only a few times a day, and "
                "each person may send only a limited number of such emails a day. Please try "
                "again tomorrow."
            ),
        )
        return members(request, slug, invite_form=form, status=429)
    try:
        invitation = services.invite(organisation, request.user, **form.cleaned_data)
    except OrganisationError as error:
        form.add_error("email", str(error))
        return members(request, slug, invite_form=form)
    limits.allow_relayed_email(request, about)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def revoke(request, slug, pk):
    organisation, _membership = _own_organisation(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        services.revoke_invitation(invitation, request.user)
        messages.success(request, _("The invitation has been withdrawn."))
    except OrganisationError as error:
        messages.error(request, str(error))
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def member_action(request, slug):
    organisation, _membership = _own_organisation(request, slug)
    form = MemberActionForm(organisation, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("organisations:members", slug=slug)
    target, action = form.cleaned_data["membership"], form.cleaned_data["action"]
    try:
        if action == "remove":
            services.remove_member(organisation, request.user, target)
            messages.success(request, _("%(name)s has been removed.") % {"name": target.user})
        elif action == "transfer":
            services.transfer_admin(organisation, request.user, target)
            messages.success(
                request, _("%(name)s is now the administrator.") % {"name": target.user}
            )
        else:
            role = Membership.Role.ADMIN if action == "make_admin" else Membership.Role.MEMBER
            services.set_role(organisation, request.user, target, role)
            messages.success(request, _("The role has been changed."))
    except OrganisationError as error:
        messages.error(request, str(error))
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def leave(request, slug):
    organisation, _membership = _own_organisation(request, slug)
    try:
        services.leave(organisation, request.user)
    except OrganisationError as error:
        messages.error(request, str(error))
        return redirect("organisations:members", slug=slug)
    messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    return redirect("accounts:profile")


@login_required
@require_POST
def delete(request, slug):
    organisation, _membership = _own_organisation(request, slug)
    try:
        services.delete_organisation(organisation, request.user)
    except OrganisationError as error:
        messages.error(request, str(error))
        return redirect("organisations:members", slug=slug)
    messages.success(request, _("%(name)s has been deleted.") % {"name": organisation.name})
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )
    if request.method == "POST":
        try:
            membership = services.accept_invitation(token, request.user)
        except OrganisationError as error:
            return render(
                request,
                "organisations/invitation.html",
                {"invitation": invitation, "error": str(error)},
                status=400,
            )
        messages.success(
            request, _("Welcome to %(name)s.") % {"name": membership.organisation.name}
        )
        return redirect("organisations:members", slug=membership.organisation.slug)
    error = None
    if invitation is None or invitation.revoked_at:
        error = _("This invitation link is not valid. Ask for a new invitation.")
    elif invitation.accepted_at:
        error = _("This invitation has already been used.")
    elif invitation.is_expired:
        error = _("This invitation has expired. Ask the organisation for a new one.")
    return render(
        request,
        "organisations/invitation.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )
