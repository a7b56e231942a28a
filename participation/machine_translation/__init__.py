"""Machine translation of what people wrote, behind a backend setting whose default is "none".

``PARTICIPATION_MACHINE_TRANSLATION`` (conf.py) chooses the backend: ``none`` (nothing is ever
translated and nothing changes on any page), ``libretranslate`` (any LibreTranslate-compatible
HTTP API, self-hosted or not), ``deepl`` (DeepL's v2 API) or ``etranslation`` (the
Commission's eTranslation). Backends are plain classes with ``translate(texts, source, target)
-> list[str]`` (backends.py), or, for an asynchronous service (eTranslation), ``submit`` one
text whose translation comes back later to a callback (views.py); translations are made in the
background only, kept in one cache keyed by the source text's hash, both languages and the
backend (models.MachineTranslation), so the same text is never sent twice, and read back with
one query per page (services.lookup). Which texts need translating is the plugins' business:
consultations asks for its answers (consultations/machine_translation.py); the core never
imports a plugin.
"""
