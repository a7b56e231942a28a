"""Submissions shared by the three calls: drafts, edit conflicts, deadlines, receipts, withdrawal,
and the flow around them.

Plugins subclass `SubmissionBase` (consultation responses, applications, nominations) and call
the functions in `services`; the rules live here once. The flow (start, steps, review, submit,
receipt, change, withdraw: checks, versions, files, messages) is `flow.SubmissionFlow`, whose
docstring is the interface a new call plugin implements; `routes.submission_routes` gives the
call page its routes, and `templates/submissions/start.html` is the start page plugins extend.
"""
