from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from participation.i18n import offered_language_choices


class User(AbstractUser):
    """A person. Signs in by email (allauth); the username is generated and never shown."""

    display_name = models.CharField(
        _("display name"),
        max_length=150,
        blank=True,
        help_text=_("How your name is shown to others. Any script is fine."),
    )
    country = CountryField(_("country of residence"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=offered_language_choices,
        blank=True,
        help_text=_("The language of the site and of the emails we send you."),
    )
    languages_spoken = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("ISO 639-1 codes.")
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.public_name

    def get_full_name(self) -> str:
        """First and last name, else the display name: Wagtail's admin names people by this
        (falling back to the generated username, which nobody chose)."""
        return super().get_full_name().strip() or self.display_name.strip()

    @property
    def chosen_name(self) -> str:
        """The name the person gave (display name, else first and last name), or ""."""
        return (self.display_name or self.get_full_name()).strip()

    @property
    def public_name(self) -> str:
        # Never any part of the email address: it is private, and a name made from it would
        # tell its owner's address to whoever reads the page or the email.
        return self.chosen_name or gettext("Participant %(number)s") % {"number": self.pk}

    @property
    def colleague_name(self) -> str:
        """How staff see a person in the admin, its documents and exports (editors, reviewers,
        applicants alike): the chosen name, else the email address, which staff see there
        anyway; never "Participant 12", which tells a colleague nothing. Public pages and
        other participants keep ``public_name``."""
        return self.chosen_name or self.email or self.public_name


def sender_name(user, organisation=None) -> str:
    """How an email sent on someone's behalf names them: their chosen name and/or the
    organisation they act for; "" when they gave neither (the email then names no one)."""
    name = user.chosen_name if user is not None else ""
    if organisation is not None:
        return f"{name} ({organisation.name})" if name else organisation.name
    return name


def user_display(user) -> str:
    """allauth's ACCOUNT_USER_DISPLAY: the public name, never the username (made from the
    address's local part)."""
    return getattr(user, "public_name", "")
