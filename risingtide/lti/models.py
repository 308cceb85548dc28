"""LTI 1.3 tool: the records this app keeps.

A ``Platform`` is one learning platform (a Moodle site, a Canvas instance, Google Classroom)
registered by a site administrator for one school: everyone it launches is matched or made in
that school only. ``LaunchState`` is the OIDC login's state and nonce, kept server-side and
bound to the browser that began the login (``launch.py`` explains why). ``Identity`` ties the
platform's ``sub`` to an account; ``Context`` ties a course to a teaching group; ``GradeLink``
is where a pupil's progress on a project goes back to (AGS).
"""

from django.conf import settings
from django.db import models

from risingtide.schools.models import School, TeachingGroup
from risingtide.tasc.models import Project


class Platform(models.Model):
    name = models.CharField(max_length=100)
    issuer = models.URLField("issuer", max_length=300)
    client_id = models.CharField("client id", max_length=200)
    key_set_url = models.URLField("key set URL", max_length=500)
    auth_login_url = models.URLField("authentication request URL", max_length=500)
    token_url = models.URLField("access token URL", max_length=500)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="lti_platforms")
    active = models.BooleanField(default=True)

    class NewTeachers(models.TextChoices):
        OFF = "off", "No: teachers must already be linked"
        STAFF = "staff", "Yes, if the platform says they are staff of the institution"
        INSTRUCTORS = "instructors", "Yes, anyone who teaches a course on the platform"

    # Whether a first launch as a course's Instructor makes a teacher's account. Off unless the
    # site administrator says otherwise: where pupils can make courses (Google Classroom), a
    # pupil is the Instructor of their own course. "staff" also asks for an institution staff
    # role; "instructors" is for platforms, like Moodle, whose teachers carry none.
    new_teachers = models.CharField(
        "new teachers from launches",
        max_length=20,
        choices=NewTeachers.choices,
        default=NewTeachers.OFF,
    )
    # The platform's public keys as last fetched, and when: read again at most once a minute
    # when a launch names a key not in it (the platform rotated), else kept an hour.
    key_set = models.JSONField(default=dict, blank=True, editable=False)
    key_set_fetched_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Deployment(models.Model):
    """One deployment of the tool on the platform (a Moodle site has one; Canvas one per
    account or course it was installed in). A launch naming any other is refused."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "deployment_id"], name="lti_deployment_unique"
            )
        ]

    def __str__(self) -> str:
        return self.deployment_id


class LaunchState(models.Model):
    """One OIDC login begun by a platform: single use, short-lived."""

    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64)
    # SHA-256 of the random value in the browser's binding cookie: a state stolen from a URL
    # is no use in another browser.
    browser = models.CharField(max_length=64)
    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Launch state for {self.platform_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Identity(models.Model):
    """A platform's user (its ``sub``) as one of our accounts."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="identities")
    sub = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "sub"], name="lti_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sub} on platform {self.platform_id}"


class Context(models.Model):
    """A platform course (its LTI context) and the teaching group it is taught as here."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(max_length=255)
    title = models.CharField(max_length=200, blank=True)
    teaching_group = models.ForeignKey(
        TeachingGroup, on_delete=models.CASCADE, related_name="lti_contexts"
    )
    # NRPS: where the platform lists the course's members (from the last launch).
    memberships_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class GradeLink(models.Model):
    """Where one pupil's progress on one project goes back to: the line item of the resource
    link they launched (AGS), and the last score sent."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="+")
    pupil = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    sub = models.CharField(max_length=255)
    resource_link_id = models.CharField(max_length=255)
    lineitem_url = models.URLField(max_length=500, blank=True)
    lineitems_url = models.URLField(max_length=500, blank=True)
    scopes = models.JSONField(default=list)
    last_sent = models.CharField(max_length=20, blank=True)  # "3/8", to send only changes
    last_error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "pupil", "project", "resource_link_id"],
                name="lti_gradelink_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Grades of {self.pupil_id} on {self.project_id} to {self.lineitem_url or '-'}"
