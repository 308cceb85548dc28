"""What authoring adds to training: the pictures, sounds and videos a module's pages show
(uploaded through the checked path, never changed afterwards, so a published version keeps
showing what it showed), and modules an LA shares with other LAs, copied with provenance."""

import uuid

from django.conf import settings
from django.db import models

from risingtide.training.models.programmes import Module, ModuleVersion


def media_path(media: "ModuleMedia", filename: str) -> str:
    # The uploader's file name is never trusted: the stored name is ours.
    return f"training/{uuid.uuid4().hex}"


class ModuleMedia(models.Model):
    """A picture, sound or video for a module's pages, referred to from its Markdown as
    ``![description](media:<pk>)``. Rows and files are never changed or deleted: a version
    published with it shows it for as long as anyone is on that version."""

    class Family(models.TextChoices):
        IMAGE = "image", "picture"
        AUDIO = "audio", "sound"
        VIDEO = "video", "video"

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to=media_path)
    name = models.CharField(max_length=200)  # the uploader's file name, shown to authors only
    mime = models.CharField(max_length=100)
    family = models.CharField(max_length=5, choices=Family.choices)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # When a published version first referred to it; until then only the module's authors may
    # see it (an upload in a draft is theirs to take back). Never unset: a learner may still be
    # on that version.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["module", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def reference(self) -> str:
        return f"media:{self.pk}"


class SharedModule(models.Model):
    """One published version of an LA's module, offered to the other LAs of the nation to copy.
    The version is fixed, so what a copier takes is what was shared."""

    version = models.OneToOneField(ModuleVersion, on_delete=models.PROTECT, related_name="share")
    local_authority = models.ForeignKey(
        "schools.LocalAuthority", on_delete=models.PROTECT, related_name="+"
    )
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField()

    class Meta:
        ordering = ["-shared_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version} from {self.local_authority}"


class ModuleSource(models.Model):
    """Where a copied module came from: its provenance, shown to its authors."""

    module = models.OneToOneField(Module, on_delete=models.CASCADE, related_name="source")
    shared = models.ForeignKey(SharedModule, on_delete=models.PROTECT, related_name="copies")
    copied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    copied_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.words

    @property
    def words(self) -> str:
        version = self.shared.version
        return (
            f"from {self.shared.local_authority.name}, {version.module.title} "
            f"version {version.number}"
        )
