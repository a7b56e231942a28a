from django.core.files.base import ContentFile

from portal.staticfiles import StaticFilesStorage

CSS = b'@font-face { src: url("../../fonts/Font.ttf"); }\nbody { background: url("dot.png"); }\n'


def test_staticfiles_post_process_keeps_references_outside_the_static_folders(tmp_path):
    """The PDF stylesheet names the app's fonts folder, outside STATIC_ROOT: collectstatic with
    the manifest storage stopped there (SuspiciousFileOperation) before this storage."""
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.save("documents/print.css", ContentFile(CSS))
    storage.save("documents/dot.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    paths = {name: (storage, name) for name in ("documents/print.css", "documents/dot.png")}
    results = list(storage.post_process(paths))
    assert not [done for _name, _hashed, done in results if isinstance(done, Exception)]
    hashed = storage.stored_name("documents/print.css")
    text = storage.open(hashed).read()
    assert b'url("../../fonts/Font.ttf")' in text  # kept as written
    assert b'url("dot.' in text and b'url("dot.png")' not in text  # inside: hashed as before
