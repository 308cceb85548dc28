"""A module's media before publication: an upload known only by its id, in a draft, is its
authors' (editor and preview) until a published version shows it; then every learner of the
module sees it, and goes on seeing it after a later version drops it."""

import copy

import pytest
from django.urls import reverse

from risingtide.lib.testing import png_file
from risingtide.training import media, services, sharing
from risingtide.training.tests.world import CONTENT, add_training

AUTHORS = {"own": "la_lead@own", "nation": "national_officer@nation"}


def _with_picture(item) -> dict:
    """The world's module content, its first page showing ``item``."""
    changed = copy.deepcopy(CONTENT)
    changed["steps"][0]["body"] += "\n\n" + media.reference(item, "A pupil thinking") + "\n"
    return changed


def _status(client, item) -> int:
    return client.get(reverse("training:media", args=[item.pk])).status_code


@pytest.fixture
def drafted(world):
    """A picture uploaded to each of the "own" LA's and the nation's modules and put in the
    draft, not published: by key."""
    add_training(world)
    found = {}
    for key, author_key in AUTHORS.items():
        author, module = world.users[author_key], world.modules[key]
        item = sharing.add_media(author, module, png_file())
        services.save_draft(author, module, _with_picture(item))
        found[key] = item
    return found


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "learner_key"),
    [
        ("own", "leading_teacher@own"),
        ("own", "leading_teacher@cluster"),
        ("own", "national_officer@nation"),  # reads the LA's modules, writes the nation's
        ("nation", "leading_teacher@own"),
        ("nation", "la_lead@own"),  # takes the nation's modules, writes their LA's
    ],
)
def test_a_learner_gets_404_for_media_only_in_a_draft_until_it_is_published(
    world, client_for, drafted, key, learner_key
):
    item, learner = drafted[key], client_for(world.users[learner_key])
    assert _status(learner, item) == 404
    services.publish(world.users[AUTHORS[key]], world.modules[key])
    assert _status(learner, item) == 200
    # A later version without the picture: anyone still on the first version sees it.
    services.save_draft(world.users[AUTHORS[key]], world.modules[key], CONTENT)
    services.publish(world.users[AUTHORS[key]], world.modules[key])
    assert _status(learner, item) == 200


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["own", "nation"])
def test_the_authors_see_draft_media_in_the_editor_and_the_preview(world, client_for, drafted, key):
    item, module = drafted[key], world.modules[key]
    author = client_for(world.users[AUTHORS[key]])
    src = reverse("training:media", args=[item.pk])
    for page in ("write_module", "write_preview"):
        response = author.get(reverse(f"training:{page}", args=[module.pk]))
        assert response.status_code == 200
        if page == "write_preview":
            assert src in response.content.decode()
    served = author.get(src)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


@pytest.mark.django_db
def test_an_unpublished_upload_next_to_published_ones_stays_the_authors(world, client_for, drafted):
    author, module = world.users["la_lead@own"], world.modules["own"]
    services.publish(author, module)  # the drafted picture is published
    later = sharing.add_media(author, module, png_file())  # uploaded, never published
    learner = client_for(world.users["leading_teacher@own"])
    assert _status(learner, drafted["own"]) == 200
    assert _status(learner, later) == 404
    assert _status(client_for(author), later) == 200
    # An LA's own author is not an author of another LA's modules.
    assert _status(client_for(world.users["la_lead@other"]), later) == 404


@pytest.mark.django_db
def test_the_migration_marks_the_media_of_versions_published_before_it(world, drafted):
    from importlib import import_module

    from django.apps import apps

    from risingtide.training.models import ModuleMedia

    author, module = world.users["la_lead@own"], world.modules["own"]
    version = services.publish(author, module)
    never = sharing.add_media(author, module, png_file())
    ModuleMedia.objects.update(published_at=None)  # as before the migration
    import_module("risingtide.training.migrations.0006_media_published").mark_published(apps, None)
    drafted["own"].refresh_from_db()
    assert drafted["own"].published_at == version.published_at
    assert ModuleMedia.objects.get(pk=never.pk).published_at is None
    assert ModuleMedia.objects.get(pk=drafted["nation"].pk).published_at is None  # a draft's
