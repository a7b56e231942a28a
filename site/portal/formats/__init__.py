"""Date and number formats for interface languages Django ships none for (ps, ti, so).

FORMAT_MODULE_PATH points here; Django looks here first, then in django.conf.locale, so the
other languages keep Django's own formats. Patterns follow CLDR's date formats for each
language, written in Django's date-format syntax; month and weekday names come from the
catalogues (portal/library_strings.py lists them for languages Django does not translate).
"""
