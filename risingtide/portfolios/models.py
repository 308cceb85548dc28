"""Pupils' portfolios: one per pupil (or per group) per project, organised by TASC stage.

Nothing a pupil writes is lost: a note's every saved text is kept as a revision, and a save
made from an out-of-date copy is refused (the version check) rather than written over another.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404

from risingtide.lib import uploads
from risingtide.tasc.models import Project, Stage


class Portfolio(models.Model):
    class Sharing(models.TextChoices):
        PRIVATE = "", "Only me and my teachers"
        CLASS = "class", "My class"
        SCHOOL = "school", "My school"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="portfolios")
    # A group's name in a group project ("Group 2", "The Bee Team"); blank for one pupil's.
    name = models.CharField(max_length=60, blank=True)
    # Who may see the Communicate presentation (never beyond the school: decision 0002).
    shared_with = models.CharField(max_length=6, choices=Sharing.choices, blank=True, default="")
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PortfolioMember", related_name="portfolios"
    )
    current_stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.GATHER)
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Moved on by the database whenever anything the board shows is written (items, their
    # categories, connections, stages done, thinking tools, members, feedback, the project and
    # its wheel): the kept board pages are keyed by it (lib/versions.py, decision 0015).
    content_version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        constraints = [
            # Two groups made at the same moment cannot both be "Group 3".
            models.UniqueConstraint(
                fields=["project", "name"], condition=~Q(name=""), name="portfolio_unique_group"
            )
        ]

    def __str__(self) -> str:
        return f"Portfolio {self.pk} for {self.project}"

    def save(self, *args, **kwargs):
        """Never write ``content_version`` back: the copy in memory may be behind the triggers,
        and writing it would set the counter back to a version a kept page was made at."""
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "content_version"
            ]
        super().save(*args, **kwargs)


class PortfolioMember(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="memberships")
    pupil = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_memberships"
    )
    # Denormalised so "this pupil's portfolio for this project" is unique and one lookup.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "pupil"], name="portfolio_one_per_pupil_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in portfolio {self.portfolio_id}"


class StageProgress(models.Model):
    class Status(models.TextChoices):
        STARTED = "started", "Started"
        DONE = "done", "Done"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="progress")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.STARTED)
    done_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "stage"], name="progress_unique_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.get_status_display()}"


def upload_path(item: "Item", filename: str) -> str:
    # A random name: the pupil's file name is kept in ``file_name`` and never used on disk.
    return f"portfolios/{item.portfolio_id}/{uuid.uuid4().hex}"


class ClipStatus(models.TextChoices):
    PENDING = "pending", "Fetching"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not fetch"


class Item(models.Model):
    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        CLIPPING = "clipping", "Web clipping"
        UPLOAD = "upload", "Upload"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    stage = models.CharField(max_length=12, choices=Stage.choices)
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)
    importance = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(5)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic concurrency for notes: every save names the version it was made from.
    version = models.PositiveIntegerField(default=1)
    # A note's text, as the pupil typed it (shown escaped).
    body = models.TextField(blank=True)
    # An upload: stored under a random name, served only through the item's file view.
    file = models.FileField(upload_to=upload_path, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=120, blank=True)
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=upload_path, blank=True)
    categories = models.ManyToManyField("Category", blank=True, related_name="items")
    # A web clipping: the link always stays; the rest arrives from the background fetch.
    url = models.URLField(max_length=2000, blank=True)
    clip_status = models.CharField(max_length=8, choices=ClipStatus.choices, blank=True)
    clip_error = models.CharField(max_length=300, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    # A readable copy, sanitised by lib.clip.snapshot (nh3) before it is stored.
    snapshot = models.TextField(blank=True)
    # Where the pupil left it on the graph of connections (null: let the layout place it).
    graph_x = models.FloatField(null=True, blank=True)
    graph_y = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "position", "pk"]
        indexes = [
            # The portfolio page: items of one portfolio by stage and position.
            models.Index(fields=["portfolio", "stage", "position"], name="item_portfolio_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance__isnull=True) | Q(importance__lte=5),
                name="item_importance_0_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def serve_file(self, request):
        """The upload, served inert (one byte range if asked), for whoever passed the guard."""

        if not self.file:
            raise Http404
        return uploads.serve(
            self.file.open("rb"),
            self.file_type,
            self.title or self.file_name,
            request.headers.get("Range", ""),
        )

    def serve_thumbnail(self):

        if not self.thumbnail:
            raise Http404
        return uploads.serve(self.thumbnail.open("rb"), "image/png", "thumbnail.png")


class NoteRevision(models.Model):
    """Every text a note has been saved with, in order: nothing written is ever lost."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField(blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    # A text refused by the version check (made from ``version``, which had moved on): kept,
    # so neither of two concurrent edits is ever lost.
    conflicted = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "version"],
                condition=Q(conflicted=False),
                name="revision_unique_version",
            ),
            # One refused copy per person per version they wrote from (the latest they typed).
            models.UniqueConstraint(
                fields=["item", "version", "saved_by"],
                condition=Q(conflicted=True),
                name="revision_one_refused_copy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} v{self.version}"


class Connection(models.Model):
    """A labelled, directed link between two items of one portfolio, with the pupil's reason."""

    SUGGESTED_LABELS = ["supports", "contradicts", "causes", "is an example of"]

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="connections")
    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="connections_out")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="connections_in")
    label = models.CharField(max_length=60)
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="connection_not_to_itself"
            ),
            models.UniqueConstraint(
                fields=["source", "target", "label"], name="connection_unique_label"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.label} {self.target}"


class Category(models.Model):
    """A pupil's own way of sorting their items (e-TASC: "sort it into categories")."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=40)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "name"], name="category_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Annotation(models.Model):
    """A pupil's note on an item: what it shows, why it matters."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class StageWork(models.Model):
    """What a pupil did with a stage's thinking tool (mind dump, questions, ideas, decision
    grid, action plan, two stars and a wish, presentation, reflection journal), as data."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="stage_work")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    data = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "stage"], name="stagework_unique_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} tool of portfolio {self.portfolio_id}"


class GroupMessage(models.Model):
    """The discussion thread of a group: its members and their teachers talking about the work."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:40]


class Contribution(models.Model):
    """One group member's view of how much a member (themself included) gave to the work.
    Seen by the member who gave it and by the teachers, not by the member it is about."""

    class Share(models.IntegerChoices):
        LITTLE = 1, "A little"
        SOME = 2, "Some"
        FAIR = 3, "A fair share"
        LOT = 4, "A lot"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="contributions")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    share = models.PositiveSmallIntegerField(choices=Share.choices)
    comment = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "rater", "member"], name="contribution_one_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rater_id} on {self.member_id}: {self.get_share_display()}"
