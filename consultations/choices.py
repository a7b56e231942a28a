from django.utils.translation import gettext_lazy as _

from participation.accounts.languages import language_choices


def audience_choices():
    return [
        ("migrants", _("Migrants and people with a migrant background")),
        ("migrant_led", _("Migrant-led organisations")),
        ("supporting", _("Organisations supporting migrants")),
        ("public_authority", _("Public authorities")),
        ("academia", _("Academia and research")),
        ("social_partners", _("Trade unions and employers")),
        ("public", _("The general public")),
    ]


def content_language_choices():
    return language_choices()
