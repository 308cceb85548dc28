"""Quality-standards frameworks as versioned data: what a standard says, apart from what anyone
records against it (models.py).

A framework (the IQS, the CQS, the LAQS, or one an administrator writes) has versions; a
version has themes, a theme has elements, and every element is described at three cumulative
levels. A classroom framework's elements (the CQS "features") also carry prompts that a teacher
rates. Judgements point at one version's elements, so a revision loads beside the old version
and never changes a judgement already made.

Its own module because the frameworks are reference data, loaded from files (frameworks.py)
and read by every part of the app, while the records change daily. models.py imports these
models, so Django finds them as the app's own (app label ``standards``, migrations unchanged).
"""

from django.db import models


class Level(models.IntegerChoices):
    """The three cumulative levels (roughly Ofsted satisfactory, good, outstanding)."""

    ENTRY = 1, "Entry"
    DEVELOPING = 2, "Developing"
    EXEMPLARY = 3, "Exemplary"


LEVEL_KEYS = {"entry": Level.ENTRY, "developing": Level.DEVELOPING, "exemplary": Level.EXEMPLARY}


class Rating(models.IntegerChoices):
    """How well a CQS prompt describes the classroom, once for all learners, once for G&T."""

    UNSURE = 1, "Unsure"
    QUITE_WELL = 2, "Quite well"
    VERY_WELL = 3, "Very well"


class Framework(models.Model):
    class Kind(models.TextChoices):
        SCHOOL = "school", "Whole school (judged by the school)"
        CLASSROOM = "classroom", "Classroom (rated by a teacher)"
        LOCAL_AUTHORITY = "local_authority", "Local authority"

    key = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    label = models.CharField(max_length=40)  # "2007", "2010 revision"
    # New self-evaluations start on the newest active version; older ones stay readable.
    active = models.BooleanField(default=True)
    source_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "label"], name="version_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} ({self.label})"


class Theme(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=10)  # "A"
    name = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="theme_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Element(models.Model):
    """One element (a CQS "feature"), described at each level. The descriptors shipped are our
    own short paraphrases; administrators load the full published texts."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="elements")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="elements")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    entry = models.TextField("Entry descriptor")
    developing = models.TextField("Developing descriptor")
    exemplary = models.TextField("Exemplary descriptor")

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="element_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def descriptor(self, level: int) -> str:
        return {Level.ENTRY: self.entry, Level.DEVELOPING: self.developing}.get(
            level, self.exemplary
        )

    @property
    def descriptors(self) -> list[tuple[int, str, str]]:
        return [(lv.value, lv.label, self.descriptor(lv)) for lv in Level]


class Prompt(models.Model):
    """A CQS Layer 1 prompt under a feature, rated Unsure / Quite well / Very well."""

    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="prompts")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["element", "number"]
        constraints = [
            models.UniqueConstraint(fields=["element", "number"], name="prompt_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.element.number}.{self.number} {self.text[:60]}"
