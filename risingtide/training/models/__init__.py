"""Training's models, one module a part of the training: programmes and modules with each
learner's progress here; face-to-face sessions, SCORM packages and credentials beside them."""

from risingtide.training.models.authoring import ModuleMedia, ModuleSource, SharedModule
from risingtide.training.models.credentials import BadgeCredential
from risingtide.training.models.programmes import (
    Completion,
    Module,
    ModuleVersion,
    Programme,
    Progress,
    Reflection,
)
from risingtide.training.models.scorm import ScormPackage, ScormState
from risingtide.training.models.sessions import Session, SignUp

__all__ = [
    "BadgeCredential",
    "Completion",
    "Module",
    "ModuleMedia",
    "ModuleSource",
    "ModuleVersion",
    "Programme",
    "Progress",
    "Reflection",
    "ScormPackage",
    "ScormState",
    "Session",
    "SharedModule",
    "SignUp",
]
