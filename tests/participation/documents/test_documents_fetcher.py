"""The URL fetcher reads the project's own static and media files, and nothing else."""

import pytest
from PIL import Image

from participation.documents import pdf
from participation.documents.fetcher import LocalOnlyURLFetcher, RefusedURL

BASE = "http://localhost/"


@pytest.fixture
def fetcher():
    return LocalOnlyURLFetcher(BASE)


@pytest.fixture
def logo(media_root):
    path = media_root / "logos" / "logo.png"
    path.parent.mkdir()
    Image.new("RGB", (40, 20), (0, 114, 178)).save(path)
    return "/media/logos/logo.png"


def test_static_file_of_the_project_is_read(fetcher):
    response = fetcher.fetch(BASE + "static/documents/print.css")
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()
    assert fetcher.fetched == [BASE + "static/documents/print.css"]


def test_media_file_is_read_through_the_storage(fetcher, logo):
    response = fetcher.fetch(BASE + logo.lstrip("/"))
    assert response.content_type == "image/png"
    assert response.read().startswith(b"\x89PNG")


def test_bundled_font_file_is_read(fetcher):
    url = (pdf.FONTS_DIR / "NotoSansEthiopic-Regular.ttf").as_uri()
    assert fetcher.fetch(url).read()[:4] == b"\x00\x01\x00\x00"


def test_data_url_is_decoded_without_fetching(fetcher):
    assert fetcher.fetch("data:text/plain;base64,SGVsbG8=").read() == b"Hello"
    assert fetcher.fetch("data:,Hi%20there").read() == b"Hi there"


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/x.png",
        "https://evil.example/media/logos/logo.png",  # another origin, even with a media path
        "http://localhost:8080/static/documents/print.css",  # another port is another origin
        "http://localhost/admin/",
        "http://localhost/static/../../../../etc/passwd",
        "http://localhost/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "http://localhost/media/../db.sqlite3",
        "http://localhost/media/%2e%2e/%2e%2e/pyproject.toml",
        "http://localhost/static/documents/nope.css",
        "file:///etc/passwd",
        "file://evil.example/share/x.png",
        "ftp://evil.example/x.png",
        "gopher://evil.example/",
        "javascript:alert(1)",
    ],
)
def test_anything_else_is_refused(fetcher, url, no_network):
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused and fetcher.refused[0][0] == url
    assert fetcher.fetched == []
    assert no_network == []


def test_file_url_outside_the_allowed_folders_is_refused_even_in_the_repository(fetcher):
    with pytest.raises(RefusedURL):
        fetcher.fetch((pdf.PRINT_CSS.parents[3] / "models.py").as_uri())


def test_media_file_over_the_size_limit_is_refused(media_root, settings):
    settings.PARTICIPATION_DOCUMENTS_MAX_RESOURCE_BYTES = 1024
    (media_root / "big.png").write_bytes(b"\0" * 2048)
    fetcher = LocalOnlyURLFetcher(BASE)
    with pytest.raises(RefusedURL, match="limit"):
        fetcher.fetch(BASE + "media/big.png")


def test_weasyprint_is_given_our_fetcher_and_the_image_cache_is_shared(logo):
    pdf.clear_image_cache()
    html = (
        '<html lang="en"><head><title>t</title></head>'
        f'<body><img src="{logo}" alt="Logo"></body></html>'
    )
    first = pdf.html_to_pdf(html, base_url=BASE)
    assert first.fetched == [BASE + logo.lstrip("/")]
    second = pdf.html_to_pdf(html, base_url=BASE)
    assert second.fetched == []  # served from the shared image cache
    assert second.content.startswith(b"%PDF")
