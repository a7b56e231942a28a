"""Files, once for every plugin: what an upload is (``kinds``), whether it may be kept
(``checks``: content, active content, polyglots, decompression bombs; images re-encoded), where
it lives (``storage``: public media apart from private files) and how a private file reaches the
one person allowed to read it (``serve``).

Nothing here imports a plugin or the host site.
"""
