"""The demo consultation's questionnaire, as editors would build it (raw StreamField JSON).

Ids are fixed UUIDs so that re-running the demo, and the tests, address the same questions.
"""

import uuid

_NS = uuid.UUID("6c1f3b0a-8f51-4d4e-9a4e-0d6b1f8a2c11")


def qid(name: str) -> str:
    return str(uuid.uuid5(_NS, name))


def _options(*pairs):
    return [
        {"type": "item", "value": {"value": value, "label": label}, "id": qid(f"opt-{value}")}
        for value, label in pairs
    ]


def recognition_questionnaire():
    return [
        {
            "type": "section",
            "id": qid("s-you"),
            "value": {
                "heading": "Your experience",
                "help_text": (
                    "Tell us what happened when you asked for your qualifications to be recognised."
                ),
            },
        },
        {
            "type": "yes_no",
            "id": qid("applied"),
            "value": {
                "label": "Have you applied for recognition of a qualification in the EU?",
                "required": True,
                "key": "applied",
                "help_text": "",
            },
        },
        {
            "type": "single_choice",
            "id": qid("outcome"),
            "value": {
                "label": "What was the outcome?",
                "required": True,
                "key": "outcome",
                "help_text": "",
                "show_if": {"key": "applied", "operator": "equals", "value": "yes"},
                "options": _options(
                    ("full", "Fully recognised"),
                    ("partial", "Partly recognised"),
                    ("refused", "Refused"),
                    ("waiting", "Still waiting"),
                ),
                "allow_other": True,
                "other_label": "Something else",
            },
        },
        {
            "type": "scale",
            "id": qid("difficulty"),
            "value": {
                "label": "How difficult was the process?",
                "required": False,
                "key": "difficulty",
                "help_text": "",
                "scale_min": 1,
                "scale_max": 5,
                "min_label": "Very easy",
                "max_label": "Very difficult",
                "allow_dont_know": True,
            },
        },
        {
            "type": "section",
            "id": qid("s-ideas"),
            "value": {
                "heading": "Your proposals",
                "help_text": "",
            },
        },
        {
            "type": "multiple_choice",
            "id": qid("priorities"),
            "value": {
                "label": "What should change first?",
                "required": True,
                "key": "priorities",
                "help_text": "Think of what would have helped you most.",
                "min_selections": 1,
                "max_selections": 3,
                "options": _options(
                    ("cost", "Lower fees"),
                    ("time", "Shorter waiting times"),
                    ("language", "Information in my language"),
                    ("partial", "Partial recognition and top-up courses"),
                    ("digital", "Online applications"),
                ),
                "allow_other": True,
                "other_label": "",  # "Other" in the reader's language
            },
        },
        {
            "type": "long_text",
            "id": qid("proposal"),
            "value": {
                "label": "Your proposal in your own words",
                "required": False,
                "key": "proposal",
                "help_text": "Any language is welcome.",
                "max_length": 5000,
            },
        },
        {
            "type": "consent",
            "id": qid("consent"),
            "value": {
                "label": "I agree that my answer is used to prepare the Commission's proposal.",
                "help_text": "",
                "required": True,
                "key": "consent",
            },
        },
    ]


def housing_questionnaire():
    return [
        {
            "type": "yes_no",
            "id": qid("h-discrimination"),
            "value": {
                "label": "Have you been treated unfairly when looking for a home?",
                "required": True,
                "key": "discrimination",
                "help_text": "",
            },
        },
        {
            "type": "single_choice",
            "id": qid("h-first"),
            "value": {
                "label": "What should cities do first?",
                "required": True,
                "key": "first",
                "help_text": "",
                "options": _options(
                    ("deposits", "Help with deposits"),
                    ("testing", "Test landlords for discrimination"),
                    ("social", "Build more social housing"),
                    ("advice", "Free housing advice in many languages"),
                ),
                "allow_other": False,
            },
        },
        {
            "type": "long_text",
            "id": qid("h-story"),
            "value": {
                "label": "Tell us more",
                "required": False,
                "key": "story",
                "help_text": "",
                "max_length": 5000,
            },
        },
    ]
