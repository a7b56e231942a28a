"""One engine for every PDF summary, receipt and spreadsheet.

Public API (import from the submodules; this package imports nothing at load time):

- ``pdf.render_pdf(template_name, context, *, title, author, lang, request=None) -> bytes``
- ``charts.bar_chart(title, categories, series, *, stacked=False) -> Chart`` (``.svg``, ``.table``);
  ``charts.line_chart(...)``, and its ``.sparkline(description) -> Sparkline`` (``.svg``, small)
- ``spreadsheets.Column``, ``csv_response``, ``xlsx_response``, ``write_xlsx``
- ``registry.DocumentKind`` and ``registry.register`` for plugins' document kinds
- ``services.request_document``: queue (or reuse) a background document
- ``mail.send_with_pdf``: an email with a PDF attached (receipts)
- ``fonts``: the font of each script (``FAMILIES``), ``missing_glyphs`` (letters no font of ours
  has, by script) and ``collect_missing_glyphs()`` to gather them around renders
"""
