"""A module's media and its sharing: a picture, sound or video uploaded through the checked
path (``lib.uploads``) and kept with the module for good; a published version an LA shares
with the other LAs of its nation; and a shared module copied into another programme as a new
draft that says where it came from (as the library's project templates do)."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from risingtide.access.core import can, visible
from risingtide.audit.models import record
from risingtide.lib import storage, uploads
from risingtide.people.models import User
from risingtide.training import media, services
from risingtide.training.models import (
    Module,
    ModuleMedia,
    ModuleSource,
    Programme,
    SharedModule,
)


def add_media(actor: User, module: Module, upload) -> ModuleMedia:
    """Keep a picture, sound or video for the module's pages (checked by its bytes and size;
    documents are refused: a page shows media, it does not offer downloads)."""
    if not can(actor, "module.author", module):
        raise PermissionDenied
    if upload is None:
        raise ValidationError({"file": "Choose a picture, sound or video to upload."})
    sniffed = uploads.check(upload)
    if sniffed.family not in uploads.PLAYABLE:
        raise ValidationError(
            {"file": "A page can show a picture (JPEG, PNG, GIF, WebP), a sound or a video."}
        )
    with storage.files_undone_on_failure(), transaction.atomic():
        item = ModuleMedia(
            module=module,
            name=(upload.name or "file")[-200:],
            mime=sniffed.mime,
            family=sniffed.family,
            size=upload.size,
            uploaded_by=actor,
        )
        item.file.save("media", upload, save=False)
        item.save()
    return item


def share(actor: User, module: Module) -> SharedModule:
    """Offer the module's newest published version to the other LAs (once per version)."""
    if not can(actor, "module.share", module):
        raise PermissionDenied
    version = module.versions.order_by("-number").first()
    if version is None:
        raise ValidationError(
            "Publish the module before sharing it: others copy what is published."
        )
    with transaction.atomic():
        shared, made = SharedModule.objects.get_or_create(
            version=version,
            defaults={
                "local_authority_id": module.programme.local_authority_id,
                "shared_by": actor,
                "shared_at": timezone.now(),
            },
        )
        if not made:
            raise ValidationError(f"Version {version.number} is already shared.")
        record(actor, "training.module_shared", shared, version=version.number)
    return shared


def shared_modules(actor: User) -> QuerySet[SharedModule]:
    """What the LAs of the actor's nation share, newest first, with its provenance."""
    return visible(actor, "shared_module").select_related("local_authority", "version__module")


def _renumbered(text: str, new_ids: dict[int, int]) -> str:
    def swap(match: re.Match) -> str:
        old = int(match.group(2))
        return match.group(0).replace(f"media:{old})", f"media:{new_ids.get(old, old)})")

    return media.REFERENCE.sub(swap, text)


def copy_shared(actor: User, shared: SharedModule, programme: Programme) -> Module:
    """The shared version as a new optional module of ``programme``, its draft a copy of the
    version (its media copied too, the files themselves shared: they never change), with its
    provenance. Nothing is published: the copier reads it and publishes when ready."""
    if not can(actor, "shared_module.copy", shared):
        raise PermissionDenied
    if not can(actor, "programme.author", programme):
        raise PermissionDenied
    version = shared.version
    steps = [dict(step) for step in version.steps]
    with transaction.atomic():
        module = services.add_module(actor, programme, version.module.title, core=False)
        new_ids = {}
        for item in media.of_steps(version.module_id, steps).values():
            copy = ModuleMedia.objects.create(
                module=module,
                file=item.file.name,
                name=item.name,
                mime=item.mime,
                family=item.family,
                size=item.size,
                uploaded_by=item.uploaded_by,
            )
            new_ids[item.pk] = copy.pk
        for step in steps:
            for key in ("body", "prompt"):
                if key in step:
                    step[key] = _renumbered(step[key], new_ids)
        module.summary = version.module.summary
        module.draft = {"steps": steps, "revision": 1}
        module.save(update_fields=["summary", "draft"])
        ModuleSource.objects.create(module=module, shared=shared, copied_by=actor)
        record(actor, "training.module_copied", module, shared=shared.pk)
    return module
