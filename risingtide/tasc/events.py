"""What TASC announces to, and asks of, the apps above it (portfolios, feedback), so it never
imports them."""

from risingtide.lib.hooks import Hook

assignment_removed = Hook(
    "tasc.assignment_removed",
    "A class or pupil was taken off a project. Handlers get ``project`` and return how many "
    "group memberships they ended (portfolios: pupils no longer set the project leave their "
    "groups); runs inside the removal's transaction.",
)
project_page_parts = Hook(
    "tasc.project_page_parts",
    "What another app adds to a project's page. Handlers get ``request``, ``project`` and the "
    "page's ``context`` so far, and return a dict to add (feedback: the rubric levels).",
)
