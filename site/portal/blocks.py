from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


def other_languages():
    """The interface languages but the default one, read when the form is built (a callable:
    adding a language needs no migration)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class TranslatedLabelBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(choices=other_languages, label=_("Language"))
    label = blocks.CharBlock(label=_("Label"))

    class Meta:
        icon = "globe"
        label = _("Label in another language")


class SiteTextBlock(blocks.StructBlock):
    """The site's name and footer text in one language (Settings > Navigation)."""

    language = blocks.ChoiceBlock(choices=other_languages, label=_("Language"))
    site_name = blocks.CharBlock(required=False, label=_("Site name"))
    footer_text = blocks.RichTextBlock(
        required=False, features=["bold", "italic", "link"], label=_("Footer text")
    )

    class Meta:
        icon = "globe"
        label = _("Language")


class LinkBlock(blocks.StructBlock):
    """A link to a page or to any URL. Its label in the reader's language: the label given for
    that language, else the title of the page's translation, else the label, else the title."""

    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("External URL"))
    label = blocks.CharBlock(
        required=False, label=_("Label"), help_text=_("Defaults to the page title.")
    )
    translated_labels = blocks.ListBlock(
        TranslatedLabelBlock(),
        default=[],
        label=_("Label in other languages"),
        help_text=_(
            "For a page not translated into a language, or an external link: the label readers "
            "of that language see."
        ),
    )

    class Meta:
        icon = "link"
        label = _("Link")


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"))
    text = blocks.TextBlock(required=False, label=_("Text"))
    link = LinkBlock()

    class Meta:
        icon = "pick"
        template = "portal/blocks/call_to_action.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="portal/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"]
    )
    image = ImageBlock()
    call_to_action = CallToActionBlock()
    quote = blocks.BlockQuoteBlock()
