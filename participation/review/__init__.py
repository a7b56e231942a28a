"""The review and selection engine shared by the expert group and award plugins.

* ``interface`` - what a plugin implements (``review_title``, ``review_fields``, ...) or registers
  as an adapter; the only override point.
* ``models`` - processes, phases, criteria, items, reviewers, assignments, reviews, conflicts,
  waivers, quotas, selection runs.
* ``services`` - every rule and change (audited); ``rules`` - who may do what.
* ``views`` / ``urls`` - the reviewers' workspace on the public site (namespace ``review``).
* ``admin_views`` / ``admin_urls`` / ``wagtail_hooks`` - the editors' pages in the Wagtail admin.
* ``exports`` - the score sheet (CSV, XLSX; also the ``review.score_sheet`` document kind).
* ``algorithms`` - pure scoring, assignment, aggregation and selection (no Django).
"""
