"""The site's fonts for scripts a device lacks: one family of faces, each limited to its script's
letters (so a page downloads only what it shows, and nothing for Latin), linked from every page
and from the admin."""

import re

import pytest

from participation.documents.fonts import web_font_css


def faces():
    css = web_font_css(lambda name: f"/static/documents/fonts/{name}")
    return re.findall(r"@font-face \{(.*?)\}", css)


def ranges(face):
    spans = re.search(r"unicode-range: ([^;]+);", face).group(1).split(", ")
    for span in spans:
        low, _, high = span.removeprefix("U+").partition("-")
        yield int(low, 16), int(high or low, 16)


def covers(face, point):
    return any(low <= point <= high for low, high in ranges(face))


def test_each_script_beyond_latin_has_a_face_in_two_weights_and_latin_none():
    found = faces()
    for letter in "ሀتՀდअঅਅதකกကא":  # Ethiopic, Arabic, Armenian, Georgian, ... Hebrew
        weights = {
            re.search(r"font-weight: (\d+)", f).group(1) for f in found if covers(f, ord(letter))
        }
        assert weights == {"400", "700"}, letter
    assert not [f for f in found if covers(f, ord("a")) or covers(f, ord("é"))]
    # Urdu's Nastaliq is for PDFs; on pages Arabic letters have one face per weight (Naskh).
    assert not [f for f in found if "Nastaliq" in f]
    ethiopic = next(f for f in found if "NotoSansEthiopic-Regular" in f)
    assert 'local("Noto Sans Ethiopic Regular")' in ethiopic  # installed: nothing downloaded
    assert "font-display: swap" in ethiopic


@pytest.mark.django_db
def test_every_page_and_the_admin_link_the_fonts(client, home_page, make_user):
    response = client.get("/fonts/scripts.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert "max-age=3600" in response["Cache-Control"]
    assert "/static/documents/fonts/NotoSansEthiopic-Bold.ttf" in response.content.decode()
    assert 'href="/fonts/scripts.css"' in client.get(home_page.url).content.decode()
    from allauth.mfa.totp.internal.auth import TOTP

    editor = make_user("fonts@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    admin = client.get("/admin/").content.decode()
    assert 'href="/fonts/scripts.css"' in admin and "portal/css/admin" in admin
