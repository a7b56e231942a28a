"""Helpers the awards tests import (a conftest cannot be imported by name: every
folder has one)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def png_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name="report.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "application/pdf"
    )
