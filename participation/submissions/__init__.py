"""Submissions shared by the three calls: drafts, edit conflicts, deadlines, receipts, withdrawal.

Plugins subclass `SubmissionBase` (consultation responses, applications, nominations) and call
the functions in `services`; the rules live here once.
"""
