"""The shared questionnaire engine used by consultations, expert-group applications and
award nominations.

- ``blocks.QuestionnaireBlock``: the StreamBlock editors build questionnaires with.
- ``structure.parse``: a questionnaire (steps, questions, options, conditions) from its value.
- ``engine``: step forms, server-side conditions, saving a step, progress.
- ``export``: snapshots, spreadsheet columns (removed questions included), display text.
- ``fields.QuestionFileField``: uploads checked by content, once, in ``participation.files``.

Nothing here imports a plugin or the host site.
"""
