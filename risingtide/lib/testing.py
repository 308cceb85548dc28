"""Test helpers that need no app: files made in memory. The test worlds (people, schools,
projects) are built by ``risingtide.demo.testing``."""


def png_file(name: str = "picture.png", size: tuple[int, int] = (64, 48)):
    """A real PNG, made in memory, as an uploaded file."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def linked_ids(html: str, prefix: str) -> list[int]:
    """The ids a page links to under ``prefix`` (``"/projects/"`` finds ``/projects/12/``), in
    the order the page shows them, each once: what a person sees listed, for comparing a page
    with the API."""
    import re

    found = re.findall(rf'href="{re.escape(prefix)}(\d+)/', html)
    return list(dict.fromkeys(int(pk) for pk in found))
