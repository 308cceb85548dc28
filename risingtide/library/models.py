"""The library: project templates and resources teachers share with their school, their LA or
every school on the platform.

A published project is copied into the resource (``brief``, ``success_criteria``,
``stage_prompts``, ``mode``), so the library owns what it shows: later edits to the teacher's
project never change it, and a copy made from it is a new project of the copier's school whose
``ResourceUse`` row says where it came from. Nothing is deleted: the author withdraws an item,
and copies already made stay.

Searching uses the database's own full-text index, which the models do not declare: a stored
``tsvector`` column with a GIN index on PostgreSQL, an FTS5 table kept in step by triggers on
SQLite (migration 0002; ``library.search`` reads both).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from risingtide.schools.models import LocalAuthority, School
from risingtide.tasc.models import Project, Stage


def resource_path(resource: "Resource", filename: str) -> str:
    # A random name: the teacher's file name is kept in ``file_name`` and never used on disk.
    return f"library/{uuid.uuid4().hex}"


class Subject(models.TextChoices):
    """Curriculum areas, so that a filter finds what a colleague filed under the same name."""

    ART = "art", "Art and design"
    CITIZENSHIP = "citizenship", "Citizenship"
    COMPUTING = "computing", "Computing"
    DT = "dt", "Design and technology"
    ENGLISH = "english", "English"
    GEOGRAPHY = "geography", "Geography"
    HISTORY = "history", "History"
    LANGUAGES = "languages", "Languages"
    MATHS = "maths", "Mathematics"
    MUSIC = "music", "Music"
    PE = "pe", "Physical education"
    PSHE = "pshe", "PSHE"
    RE = "re", "Religious education"
    SCIENCE = "science", "Science"
    CROSS = "cross", "Cross-curricular"


class Resource(models.Model):
    class Kind(models.TextChoices):
        TEMPLATE = "template", "Project template"
        EXAMPLE = "example", "Example project"
        LESSON_PLAN = "lesson_plan", "Lesson plan"
        FILE = "file", "File"
        LINK = "link", "Link"

    class Audience(models.TextChoices):
        SCHOOL = "school", "My school"
        LA = "la", "Schools in my local authority"
        EVERYONE = "everyone", "Every school on Rising Tide"

    class Licence(models.TextChoices):
        CC_BY = "cc-by-4.0", "CC BY 4.0"
        CC_BY_SA = "cc-by-sa-4.0", "CC BY-SA 4.0"
        CC_BY_NC = "cc-by-nc-4.0", "CC BY-NC 4.0"
        CC_BY_NC_SA = "cc-by-nc-sa-4.0", "CC BY-NC-SA 4.0"
        CC0 = "cc0-1.0", "CC0 1.0 (no rights reserved)"

    # Kinds whose content is a project a teacher can copy into their own projects.
    PROJECT_KINDS = (Kind.TEMPLATE, Kind.EXAMPLE)

    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=150)
    description = models.TextField(max_length=5000, blank=True)
    subject = models.CharField(max_length=12, choices=Subject.choices)
    key_stage = models.CharField(
        max_length=4, choices=Project.KeyStage.choices, blank=True, help_text="Blank: any."
    )
    stage = models.CharField(
        "TASC stage", max_length=12, choices=Stage.choices, blank=True, help_text="Blank: all."
    )
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.CC_BY)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    # None for the starter set, which ships with the platform ("Rising Tide").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_resources",
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The school's LA when published, kept here so that "shared with my LA" needs no join.
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A project template or example: the library's own copy of the project.
    brief = models.TextField(blank=True)
    success_criteria = models.JSONField(default=list, blank=True)
    stage_prompts = models.JSONField(default=dict, blank=True)
    mode = models.CharField(
        max_length=10, choices=Project.Mode.choices, default=Project.Mode.INDIVIDUAL
    )
    source_project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A lesson plan's text (plain text; shown as written).
    body = models.TextField(max_length=20000, blank=True)
    # A link: shown, never fetched by the server.
    url = models.URLField(max_length=2000, blank=True)
    # A file (required for a file, optional for other kinds), stored under a random name and
    # served only through the resource's file view.
    file = models.FileField(upload_to=resource_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # The starter set's own key, so that loading it again adds only what is missing.
    starter_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Browsing without search words: newest first.
            models.Index(fields=["-created_at", "-id"], name="resource_recent"),
            # "Shared with my LA": the audience and the LA, as access.core filters them.
            models.Index(fields=["local_authority", "audience"], name="resource_la_audience"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["starter_key"], condition=~Q(starter_key=""), name="resource_starter_key"
            ),
            models.CheckConstraint(
                condition=Q(author__isnull=True) | Q(school__isnull=False),
                name="resource_author_has_school",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_project(self) -> bool:
        return self.kind in self.PROJECT_KINDS

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_image(self) -> bool:
        return self.file_type.startswith("image/")


class Review(models.Model):
    """One teacher's rating (1–5) and short review of one resource, which they may change."""

    MAX_CHARS = 600

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_reviews"
    )
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=MAX_CHARS, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "author"], name="review_one_per_person"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 for {self.resource_id}"


class ResourceUse(models.Model):
    """A teacher used a resource: copied a template into a project (``project`` says which,
    and is the copy's "adapted from" provenance), or downloaded its file. A copy deleted later
    still counts."""

    class How(models.TextChoices):
        COPIED = "copied", "Copied into a project"
        DOWNLOADED = "downloaded", "Downloaded"

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="uses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    project = models.OneToOneField(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_source",
    )
    how = models.CharField(max_length=10, choices=How.choices)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        constraints = [
            # A download counts once per person.
            models.UniqueConstraint(
                fields=["resource", "user"],
                condition=Q(how="downloaded"),
                name="resourceuse_one_download_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} used {self.resource_id}"
