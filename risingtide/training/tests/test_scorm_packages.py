"""Uploading SCORM packages: a good 1.2 or 2004 package is unpacked into private storage and
published as a new version (learners finish the one they started); a hostile one is refused
with its reason, leaving no file and no row."""

import io
import os
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from risingtide.training import services
from risingtide.training.models import Module, ModuleVersion, ScormPackage
from risingtide.training.scorm import manifest, packages
from risingtide.training.tests import scorm_packages as make
from risingtide.training.tests.world import add_training

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(world, settings, tmp_path):
    settings.TRAINING_SCORM_DIR = tmp_path / "scorm"
    return add_training(world)


def _upload(data: bytes, name: str = "package.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def _written(settings) -> list[str]:
    root = settings.TRAINING_SCORM_DIR
    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs] if root.exists() else []


def _publish(training, data: bytes, module=None):
    return packages.publish_package(
        training.users["la_lead@own"], training.programmes["own"], _upload(data), module
    )


@pytest.mark.parametrize("standard", ["1.2", "2004"])
def test_a_package_is_unpacked_privately_and_published_as_a_module(training, settings, standard):
    version = _publish(training, make.package(standard, title="Spotting the more able"))
    package = ScormPackage.objects.get()
    assert version.kind == "scorm"
    assert version.content == {"kind": "scorm", "package": package.pk, "standard": standard}
    assert version.module.title == "Spotting the more able"
    assert version.module.programme == training.programmes["own"]
    assert (package.standard, package.launch, package.file_count) == (standard, "index.html", 3)
    folder = settings.TRAINING_SCORM_DIR / package.folder
    assert sorted(p.name for p in folder.iterdir()) == ["imsmanifest.xml", "index.html", "sco.js"]
    # Private: nowhere under the media folder.
    assert settings.MEDIA_ROOT not in folder.parents


def test_a_new_upload_is_a_new_version_and_learners_finish_the_one_they_started(training):
    first = _publish(training, make.package("1.2", title="First"))
    learner = training.users["leading_teacher@own"]
    started = services.progress_for(learner, first.module)
    second = _publish(training, make.package("2004", title="Second"), module=first.module)
    assert second.number == 2 and second.module == first.module
    started.refresh_from_db()
    assert started.version == first
    assert Module.objects.filter(pk=first.module.pk).count() == 1


def test_only_the_programmes_authors_upload(training):
    with pytest.raises(PermissionDenied):
        packages.publish_package(
            training.users["la_lead@own"],
            training.programmes["nation"],  # the nation's: an LA lead takes it, not writes it
            _upload(make.package()),
        )
    with pytest.raises(PermissionDenied):
        packages.publish_package(
            training.users["leading_teacher@own"],
            training.programmes["own"],
            _upload(make.package()),
        )
    with pytest.raises(ValidationError, match="not part of this programme"):
        _publish(training, make.package(), module=training.modules["other"])


def _good(**changes):
    entries = make.files()
    entries.update(changes)
    return entries


NESTED = "/".join(["deeper"] * 1000) + "/page.html"
BOMB = b"\0" * (8 * 1024 * 1024)  # 8 MB of nothing packs into a few kilobytes
MANIFEST_WITH_SCRIPT = make.MANIFEST_12.replace(
    "<metadata>", "<metadata><script>alert(document.cookie)</script>"
).format(title="T", launch="index.html")
MANIFEST_JAVASCRIPT_LAUNCH = make.MANIFEST_12.format(title="T", launch="javascript:alert(1)")
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>'
    "<manifest>&b;</manifest>"
)

HOSTILE = {
    "zip-slip": (make.build(_good(**{"../escaped.html": "x"})), "path", "leaves its folder"),
    "absolute path": (make.build(_good(**{"/etc/evil.html": "x"})), "path", "absolute path"),
    "drive letter": (make.build(_good(**{"C:/evil.html": "x"})), "path", "absolute path"),
    "backslash": (make.build(_good(**{"..\\evil.html": "x"})), "path", "backslash"),
    "symlink": (
        make.build(make.files(), symlinks={"secret": "/etc/passwd"}),
        "symlink",
        "symbolic link",
    ),
    "a thousand nested folders": (make.build(_good(**{NESTED: "x"})), "depth", "nested more than"),
    "zip bomb": (make.build(_good(**{"video.mp4": BOMB})), "bomb", "ZIP bomb"),
    "missing manifest": (
        make.build({"index.html": make.PAGE, "sco.js": make.SCRIPT_12}),
        "no_manifest",
        "no imsmanifest.xml",
    ),
    "script in the manifest": (
        make.build(_good(**{"imsmanifest.xml": MANIFEST_WITH_SCRIPT})),
        "manifest_script",
        "script element",
    ),
    "javascript: launch": (
        make.build(_good(**{"imsmanifest.xml": MANIFEST_JAVASCRIPT_LAUNCH})),
        "manifest_script",
        "javascript:",
    ),
    "entities in the manifest": (
        make.build(_good(**{"imsmanifest.xml": BILLION_LAUGHS})),
        "manifest_entities",
        "DTD or entities",
    ),
    "launch file missing": (
        make.build({"imsmanifest.xml": make.files()["imsmanifest.xml"], "sco.js": "x"}),
        "no_launch",
        "is not in the ZIP",
    ),
    "not a zip": (b"<html>hello</html>", "not_zip", "not a ZIP"),
    "same name twice": (
        make.build(_good(**{"Page.html": "a", "page.html": "b"})),
        "duplicate",
        "twice",
    ),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_package_is_refused_with_its_reason_and_writes_nothing(training, settings, case):
    data, code, words = HOSTILE[case]
    versions, modules = ModuleVersion.objects.count(), Module.objects.count()
    with pytest.raises(ValidationError) as refused:
        _publish(training, data)
    assert refused.value.code == code
    assert words in refused.value.messages[0]
    assert _written(settings) == []
    assert ScormPackage.objects.count() == 0
    assert (ModuleVersion.objects.count(), Module.objects.count()) == (versions, modules)


def test_an_oversized_entry_a_package_too_large_and_too_many_files_are_refused(training, settings):
    settings.TRAINING_SCORM_MAX_FILE_BYTES = 1000
    with pytest.raises(ValidationError, match="more than 0 MB") as refused:
        _publish(training, make.build(_good(**{"film.mp4": os.urandom(2000)})))
    assert refused.value.code == "entry_size"
    settings.TRAINING_SCORM_MAX_FILE_BYTES = 10**9
    settings.TRAINING_SCORM_MAX_UNPACKED_BYTES = 3000
    with pytest.raises(ValidationError) as refused:
        _publish(training, make.build(_good(a=os.urandom(1500), b=os.urandom(1500))))
    assert refused.value.code == "total_size"
    settings.TRAINING_SCORM_MAX_UNPACKED_BYTES = 10**9
    settings.TRAINING_SCORM_MAX_FILES = 4
    with pytest.raises(ValidationError) as refused:
        _publish(training, make.build(_good(a="1", b="2")))
    assert refused.value.code == "count"
    assert _written(settings) == [] and ScormPackage.objects.count() == 0


def test_a_zip_that_lies_about_a_size_is_refused_as_it_unpacks_and_leaves_nothing(
    training, settings
):
    data = bytearray(make.build(_good(**{"big.txt": b"x" * 5000})))
    # Shrink big.txt's size in the central directory: the directory now says 50 bytes.
    offset = next(
        i
        for i in range(len(data))
        if data.startswith(b"PK\x01\x02", i) and data[i + 46 : i + 53] == b"big.txt"
    )
    data[offset + 24 : offset + 28] = (50).to_bytes(4, "little")
    entry = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("big.txt")
    assert entry.file_size == 50
    with pytest.raises(ValidationError) as refused:
        _publish(training, bytes(data))
    assert refused.value.code in ("bomb", "damaged")
    assert _written(settings) == [] and ScormPackage.objects.count() == 0


def test_files_already_unpacked_are_taken_back_when_the_publish_fails(
    training, settings, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ModuleVersion.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _publish(training, make.package())
    assert _written(settings) == [] and ScormPackage.objects.count() == 0


def test_the_manifest_says_its_standard_title_and_launch():
    read = manifest.parse(
        make.files("2004", title="Using the IQS", launch="sco/start.html")[
            "imsmanifest.xml"
        ].encode()
    )
    assert (read.standard, read.title, read.launch) == ("2004", "Using the IQS", "sco/start.html")
    titled = make.files(title="Data: what the register tells you")["imsmanifest.xml"]
    assert manifest.parse(titled.encode()).title == "Data: what the register tells you"
    escaped = make.files(title="&lt;script&gt;alert(1)&lt;/script&gt;")["imsmanifest.xml"]
    with pytest.raises(ValidationError, match="contains script"):
        manifest.parse(escaped.encode())  # shown unescaped somewhere, it would run
    with pytest.raises(ValidationError, match=r"not a SCORM 1\.2 or SCORM 2004"):
        manifest.parse(
            b'<manifest xmlns="x"><organizations><organization identifier="o"><item '
            b'identifierref="r"/></organization></organizations><resources><resource '
            b'identifier="r" href="a.html"/></resources></manifest>'
        )


def test_folders_no_package_names_are_swept(training, settings):
    from django.core.management import call_command

    kept = _publish(training, make.package())
    orphan = settings.TRAINING_SCORM_DIR / "0123abcd"
    orphan.mkdir(parents=True)
    (orphan / "index.html").write_text("left by a killed upload")
    assert packages.orphaned_folders(3600) == []  # too young: it may be an upload under way
    assert packages.orphaned_folders(-1) == [orphan]
    call_command("sweep_scorm", "--older-than-hours", "-1", "--delete", stdout=io.StringIO())
    assert not orphan.exists()
    folder = ScormPackage.objects.get(pk=kept.content["package"]).folder
    assert (settings.TRAINING_SCORM_DIR / folder / "index.html").exists()
