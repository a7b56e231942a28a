"""Helpers the expertgroup tests import (a conftest cannot be imported by name: every
folder has one)."""

from django.core.files.uploadedfile import SimpleUploadedFile

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def with_totp(user):
    """Staff and reviewers must use two-factor authentication."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, SECRET)
    return user


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _png() -> bytes:
    # A real image: uploads are decoded and re-encoded, so a bare signature is refused.
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (40, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def pdf_upload(name="cv.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


QUESTION_ID = "5b0b7d3e-8d0c-4d6b-9a43-2f4c1d2e9a01"
