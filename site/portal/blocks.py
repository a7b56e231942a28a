from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class LinkBlock(blocks.StructBlock):
    """A link to a page (shown in the reader's language when translated) or to any URL."""

    page = blocks.PageChooserBlock(required=False, label=_("Page"))
    url = blocks.URLBlock(required=False, label=_("External URL"))
    label = blocks.CharBlock(
        required=False, label=_("Label"), help_text=_("Defaults to the page title.")
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
