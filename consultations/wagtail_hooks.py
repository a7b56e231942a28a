from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from themes.selectors import ThemedItem, ThemedSection

from .admin_views import ResponseViewSet
from .models import ConsultationPage


@hooks.register("register_admin_viewset")
def register_response_viewset():
    return ResponseViewSet("consultation_responses", url_prefix="consultations/responses")


@hooks.register("register_themed_content")
def themed_consultations(theme, request):
    pages = ConsultationPage.objects.live().public().filter(themes=theme).order_by("-opens_at")
    return ThemedSection(
        heading=_("Consultations"),
        items=[
            ThemedItem(
                title=page.title,
                url=page.get_url(request),
                summary=page.intro,
                kind=str(page.get_state_display()),
            )
            for page in pages
        ],
    )


@hooks.register("participation_personal_data")
def responses_data(user):
    from .models import Response

    responses = Response.objects.filter(user=user).select_related("consultation", "organisation")
    return "consultation_responses", [
        {
            "consultation": r.consultation.title,
            "on_behalf_of": r.organisation.name if r.organisation else None,
            "status": r.status,
            "receipt_number": r.receipt_number,
            "language": r.language,
            "country": r.country.code or None,
            "answers": r.answers,
            "started": r.created_at.isoformat(),
            "submitted": r.submitted_at.isoformat() if r.submitted_at else None,
        }
        for r in responses
    ]
