import uuid

import pytest

from participation.questionnaire.blocks import QuestionnaireBlock

NAMESPACE = uuid.UUID("0b7f2d0e-5f3a-4c43-9a1e-3c1d2b9f6a10")


class Builder:
    """Builds questionnaires as editors would, as raw StreamField JSON with stable ids.

    ``build(build.q("short_text", "Name", key="name"), build.section("Part 2"), ...)`` gives a
    StreamValue; ``build.id("Name")`` is the block id of the question labelled "Name" (or of
    the given ``name=``), so tests can address answers without looking them up.
    """

    @staticmethod
    def id(name: str) -> str:
        return str(uuid.uuid5(NAMESPACE, name))

    @staticmethod
    def options(*options):
        items = []
        for option in options:
            value, label = option if isinstance(option, tuple) else (option.lower(), option)
            items.append(
                {
                    "type": "item",
                    "value": {"label": label, "value": value},
                    "id": str(uuid.uuid5(NAMESPACE, f"option {value}")),
                }
            )
        return items

    def q(self, block_type, label, *, name=None, options=None, show_if=None, **value):
        value["label"] = label
        if options is not None:
            value["options"] = self.options(*options)
        if show_if is not None:
            key, operator, wanted = show_if
            value["show_if"] = {"key": key, "operator": operator, "value": wanted}
        return {"type": block_type, "value": value, "id": self.id(name or label)}

    def section(self, heading, *, show_if=None, help_text=""):
        value = {"heading": heading, "help_text": help_text}
        if show_if is not None:
            key, operator, wanted = show_if
            value["show_if"] = {"key": key, "operator": operator, "value": wanted}
        return {"type": "section", "value": value, "id": self.id(f"section {heading}")}

    def raw(self, *blocks):
        return list(blocks)

    def __call__(self, *blocks):
        return QuestionnaireBlock().to_python(list(blocks))


@pytest.fixture
def build():
    return Builder()
