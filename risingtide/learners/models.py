"""A learner's profile in their own words, what staff observe, and the learning guide who sees
that each pupil on the register has a rounded experience (issue 19).

A profile belongs to the pupil record (``register.Pupil``): the school's record of the pupil,
which the pupil's account is linked to. Every change to the pupil's words is kept with who made
it (``ProfileChange``); observations are never edited, only withdrawn, so what a pupil was shown
stays true. Whether a school uses profiles for suggestions at all is its own choice, off until
it is turned on (``Personalisation``; the ICO Age Appropriate Design Code)."""

from django.conf import settings
from django.db import models

from risingtide.register.models import Pupil
from risingtide.schools.models import School

# What a pupil writes about themself, in the order the page asks: the field, and its heading.
PROFILE_FIELDS = {
    "interests": "What I am interested in",
    "strengths": "What I am good at",
    "to_improve": "What I want to get better at",
    "aspirations": "What I would like to do one day",
    "helps_me_learn": "What helps me learn",
}
ANSWER_LIMIT = 1000  # characters per answer: a paragraph, not an essay


class LearnerProfile(models.Model):
    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="learner_profile")
    interests = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    to_improve = models.TextField(blank=True)
    aspirations = models.TextField(blank=True)
    helps_me_learn = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Profile of {self.pupil}"


class ProfileChange(models.Model):
    """One answer changed: what it was, what it became, who changed it and when."""

    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=list(PROFILE_FIELDS.items()))
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_by_name = models.CharField(max_length=150, blank=True)  # kept if the account goes
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field} changed by {self.changed_by_name}"


class Observation(models.Model):
    """What a member of staff noticed about a pupil; the pupil sees it. Never edited: a wrong
    one is withdrawn (and stays in the history, marked so)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="observations")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Observation of {self.pupil} by {self.author_name}"


class LearningGuide(models.Model):
    """The named member of staff who guides one pupil (a pupil has at most one at a time)."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="learning_guide")
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guided_pupils"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["guide"], name="learning_guide_caseload")]

    def __str__(self) -> str:
        return f"{self.guide} guides {self.pupil}"


class Personalisation(models.Model):
    """A school's choices about using what it knows of pupils: both off until turned on."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="personalisation")
    # Pupils write profiles and staff add observations.
    profiles_on = models.BooleanField(default=False)
    # Opportunities are suggested to pupils from their profile, register domains and next steps.
    suggestions_on = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Personalisation at {self.school}"
