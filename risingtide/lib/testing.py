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


def without_tokens(html: str) -> str:
    """A page with its random CSRF tokens taken out (the forms' and the one htmx sends), so a
    test can say a short word is not on the page without the token ever spelling it."""
    import re

    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


_data_dirs: dict[tuple, str] = {}  # (demo?, secret key) -> a data directory made this run


def migrated_data_dir(target, env: dict, *, demo: bool = False) -> None:
    """Fill ``target`` (an empty ``RISINGTIDE_DATA_DIR``) with a migrated SQLite database, and
    the demo world if asked, as ``risingtide manage migrate`` (and ``load_demo``) would leave it.

    Tests that start servers or racing processes on their own database file each ran those
    commands in a fresh process (15–40 s apiece); now the first such test of a run makes the
    directory once and every test gets a copy of it (files, keys and all)."""
    import atexit
    import shutil
    import subprocess
    import sys
    import tempfile

    key = (demo, env.get("RISINGTIDE_SECRET_KEY", ""))
    if key not in _data_dirs:
        made = tempfile.mkdtemp(prefix="risingtide-data-")
        atexit.register(shutil.rmtree, made, ignore_errors=True)
        here = {**env, "RISINGTIDE_DATA_DIR": made, "RISINGTIDE_DATABASE_URL": ""}
        cli = [sys.executable, "-m", "risingtide.cli", "manage"]
        subprocess.run([*cli, "migrate", "-v0"], env=here, check=True, timeout=600)  # noqa: S603
        if demo:
            subprocess.run(  # noqa: S603 - our own CLI
                [*cli, "load_demo"], env=here, check=True, timeout=600, stdout=subprocess.DEVNULL
            )
        _data_dirs[key] = made
    shutil.copytree(_data_dirs[key], target, dirs_exist_ok=True)
