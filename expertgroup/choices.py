"""Codes the plugin stores, with labels in the reader's language (kept out of migrations)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def profile_choices():
    return [
        ("migrant_organisation", _("Migrant or diaspora organisation")),
        ("migrant_council", _("Migrant council or advisory body")),
        ("civil_society", _("Civil society organisation")),
        ("academia", _("Academia and research")),
        ("business", _("Business and employers")),
        ("trade_union", _("Trade union")),
        ("individual", _("Individual expert")),
    ]


def gender_choices():
    return [
        ("", _("I prefer not to say")),
        ("woman", _("Woman")),
        ("man", _("Man")),
        ("non_binary", _("Non-binary")),
        ("self_described", _("I describe it myself")),
    ]


def migrant_background_choices():
    return [
        ("first_generation", _("I migrated to the country where I live")),
        ("second_generation", _("At least one of my parents migrated")),
        ("refugee", _("I came as a refugee or asylum seeker")),
        ("none", pgettext_lazy("migrant background", "None of these")),
        ("undisclosed", _("I prefer not to say")),
    ]


# Regions of residence for balance: the EU's usual geographic grouping (EuroVoc).
REGIONS = {
    "north": {"DK", "EE", "FI", "IE", "IS", "LT", "LV", "NO", "SE"},
    "west": {"AT", "BE", "CH", "DE", "FR", "LI", "LU", "NL"},
    "south": {"CY", "ES", "GR", "HR", "IT", "MT", "PT", "SI"},
    "east": {"BG", "CZ", "HU", "PL", "RO", "SK", "UA", "MD"},
}


def region_of(country_code: str) -> str:
    for region, codes in REGIONS.items():
        if country_code in codes:
            return region
    return "other"


def region_choices():
    return [
        ("north", _("Northern Europe")),
        ("west", _("Western Europe")),
        ("south", _("Southern Europe")),
        ("east", _("Eastern Europe")),
        ("other", _("Elsewhere")),
    ]
