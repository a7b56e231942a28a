"""Translating call pages as editors do: Wagtail's simple_translation admin view, then a
translator's edit of the copy, then publishing it."""

from django.urls import reverse
from wagtail.models import Locale

TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def french():
    return Locale.objects.get(language_code="fr")


def submit_translation(client, page, locale, include_subtree=False):
    """POST the admin's "Translate" form for ``page`` (the client is a signed-in editor);
    returns the new draft copy in ``locale``."""
    url = reverse("simple_translation:submit_page_translation", args=[page.pk])
    data = {"locales": [locale.pk]}
    if include_subtree:
        data["include_subtree"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return page.get_translation(locale).specific


def publish_translation(copy, **fields):
    """The translator's work on the copy (``fields``), then publish, as from the admin."""
    page = copy.get_latest_revision_as_object() if copy.latest_revision_id else copy
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def translate_tree(client, page, locale, **fields):
    """Translate ``page`` and any parents not yet translated (each published as it is, but
    ``page``, which gets ``fields``); returns the published translation of ``page``."""
    ancestors = [a.specific for a in page.get_ancestors().filter(depth__gt=1)]
    for ancestor in ancestors:
        if not ancestor.has_translation(locale):
            publish_translation(submit_translation(client, ancestor, locale))
    return publish_translation(submit_translation(client, page, locale), **fields)


def translated_questionnaire(stream, labels, options=None):
    """A copy of a questionnaire's raw JSON with the translator's labels: ``labels`` maps block
    ids to a new label (or heading); ``options`` maps stored values to new option labels. Block
    ids and stored values are left alone, as a translator leaves them."""
    options = options or {}
    translated = []
    for block in stream.get_prep_value():
        block = {**block, "value": dict(block["value"])}
        value = block["value"]
        if block["id"] in labels:
            value["heading" if block["type"] == "section" else "label"] = labels[block["id"]]
        if value.get("options"):
            value["options"] = [
                {
                    **item,
                    "value": {
                        **item["value"],
                        "label": options.get(item["value"]["value"], item["value"]["label"]),
                    },
                }
                for item in value["options"]
            ]
        translated.append(block)
    return translated


def page_ids(stream):
    return [block["id"] for block in stream.get_prep_value()]


def expert_call(home_page, question_id, question_label="How many days a year can you give?"):
    """A published, open expert call with one required long-text question."""
    from datetime import timedelta

    from django.utils import timezone

    from expertgroup.models import ExpertCallIndexPage, ExpertCallPage

    index = home_page.add_child(instance=ExpertCallIndexPage(title="Experts", slug="experts"))
    now = timezone.now()
    return index.add_child(
        instance=ExpertCallPage(
            title="Migrant Expert Group 2027",
            slug="meg-2027",
            intro="We look for experts.",
            opens_at=now - timedelta(days=10),
            closes_at=now + timedelta(days=10),
            seats=3,
            questionnaire=[
                {
                    "type": "long_text",
                    "id": question_id,
                    "value": {
                        "label": question_label,
                        "required": True,
                        "key": "availability",
                        "help_text": "",
                    },
                }
            ],
        )
    )


def page_route(page, name, *args):
    """A page route in the page's own language (a request leaves another language active)."""
    from django.utils import translation

    with translation.override(page.locale.language_code):
        return page.url + page.reverse_subpage(name, args=args)
