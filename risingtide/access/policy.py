"""The one declaration of who may do what, as data.

Each capability names the kind of object it acts on (its *subject*, or ``None`` for an action on
the site itself) and, for each role that holds it, how far that role reaches from the places the
person's memberships anchor them:

- ``SELF``: only the person themself;
- ``GROUP``: the teaching groups the person is a member of (group memberships only);
- ``SCHOOL``: the schools of their memberships (a group's school, every school of a cluster),
  or, for a membership anchored above schools (an LA lead, a national officer), every school
  in its LA or nation;
- ``LA``: the local authorities those schools sit in, or a national officer's whole nation;
- ``NATION``: the nations all of those sit in;
- ``PROVIDER``: the provider they work for (provider memberships only);
- ``ANY``: everything.

Any role or capability not listed is denied. ``docs/access.md`` and the route access tests are
generated from this file: ``risingtide manage access_doc`` rewrites the doc.
"""

from dataclasses import dataclass, field
from enum import IntEnum

from risingtide.people.models import Role


class Reach(IntEnum):
    SELF = 0
    GROUP = 1
    SCHOOL = 2
    LA = 3
    NATION = 4
    PROVIDER = 5
    ANY = 9


@dataclass(frozen=True)
class Capability:
    name: str
    subject: str | None
    summary: str
    # A role reaches one way, or several at once (a coordinator: their own CQS reflections and
    # those their school's teachers have shared).
    grants: dict[str, Reach | tuple[Reach, ...]] = field(default_factory=dict)


def reaches(grant: Reach | tuple[Reach, ...]) -> tuple[Reach, ...]:
    return grant if isinstance(grant, tuple) else (grant,)


STAFF_IN_SCHOOL = {
    Role.TEACHER: Reach.SCHOOL,
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
}
PUPIL_CARERS = {
    Role.TEACHER: Reach.GROUP,
    Role.LEADING_TEACHER: Reach.SCHOOL,
    Role.HEAD: Reach.SCHOOL,
}
# Any signed-in, active person, whether or not they hold a role yet.
SIGNED_IN = "signed_in"
ANYONE_SIGNED_IN = {SIGNED_IN: Reach.ANY}

CAPABILITIES: dict[str, Capability] = {
    cap.name: cap
    for cap in [
        # --- the site itself ---
        Capability("site.home", None, "See one's own home page", ANYONE_SIGNED_IN),
        Capability(
            "site.profile",
            None,
            "See one's own roles (/api/v1/me), change one's password",
            ANYONE_SIGNED_IN,
        ),
        Capability(
            "site.api_tokens",
            None,
            "Create and revoke one's own API tokens",
            {
                role: Reach.ANY
                for role in Role.values
                if role != Role.PUPIL  # pupils use the site, not scripts
            },
        ),
        Capability("site.admin", None, "Use the Django admin", {Role.SITE_ADMIN: Reach.ANY}),
        Capability(
            "site.list_schools",
            None,
            "List the schools one may see (/api/v1/schools)",
            {
                Role.TEACHER: Reach.ANY,
                Role.LEADING_TEACHER: Reach.ANY,
                Role.HEAD: Reach.ANY,
                Role.LA_LEAD: Reach.ANY,
                Role.NATIONAL_OFFICER: Reach.ANY,
                Role.SITE_ADMIN: Reach.ANY,
            },
        ),
        # --- organisations ---
        Capability(
            "nation.view",
            "nation",
            "See the nation's local authorities and school counts",
            {Role.NATIONAL_OFFICER: Reach.NATION, Role.SITE_ADMIN: Reach.ANY},
        ),
        Capability(
            "local_authority.view",
            "local_authority",
            "See a local authority and its schools",
            {
                Role.LA_LEAD: Reach.LA,
                Role.NATIONAL_OFFICER: Reach.NATION,
                Role.SITE_ADMIN: Reach.ANY,
            },
        ),
        Capability(
            "school.view",
            "school",
            "See a school's page: groups, staff and pupil numbers",
            {
                **STAFF_IN_SCHOOL,
                Role.LA_LEAD: Reach.LA,
                Role.NATIONAL_OFFICER: Reach.NATION,
                Role.SITE_ADMIN: Reach.ANY,
            },
        ),
        Capability(
            "provider.view",
            "provider",
            "See a provider's page",
            {
                Role.PROVIDER_STAFF: Reach.PROVIDER,
                Role.NATIONAL_OFFICER: Reach.NATION,
                Role.SITE_ADMIN: Reach.ANY,
            },
        ),
        # --- teaching groups and pupils (pupil-level data never leaves the school) ---
        Capability(
            "teaching_group.view",
            "teaching_group",
            "See a teaching group and its pupils",
            {**PUPIL_CARERS},
        ),
        Capability(
            "teaching_group.manage_pupils",
            "teaching_group",
            "Add pupils to a group, print sign-in cards",
            {**PUPIL_CARERS},
        ),
        Capability(
            "pupil.view",
            "pupil",
            "See a pupil's profile",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        # --- TASC projects ---
        Capability(
            "project.create",
            None,
            "Create a TASC project in one's school",
            {Role.TEACHER: Reach.ANY, Role.LEADING_TEACHER: Reach.ANY, Role.HEAD: Reach.ANY},
        ),
        Capability(
            "project.view",
            "project",
            "See a project (pupils: those set to them, once open)",
            {Role.PUPIL: Reach.SELF, **STAFF_IN_SCHOOL},
        ),
        Capability(
            "project.edit",
            "project",
            "Edit, copy, assign, open and close a project",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "project.work",
            "project",
            "Work on a project set to one: open one's own portfolio for it",
            {Role.PUPIL: Reach.SELF},
        ),
        Capability(
            "portfolio.view",
            "portfolio",
            "See a pupil's portfolio (staff read only)",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "portfolio.edit",
            "portfolio",
            "Add to one's own portfolio and mark stages done",
            {Role.PUPIL: Reach.SELF},
        ),
        Capability(
            "presentation.view",
            "presentation",
            "See a pupil's Communicate presentation (pupils: their own, or one shared with "
            "their class or school)",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "item.view",
            "item",
            "See a portfolio item",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "item.edit",
            "item",
            "Change an item in one's own portfolio",
            {Role.PUPIL: Reach.SELF},
        ),
        Capability(
            "portfolio.import",
            None,
            "Bring a portfolio exported elsewhere (a pupil who moved school) into one's school",
            {**STAFF_IN_SCHOOL},
        ),
        # --- assessment for learning ---
        Capability(
            "portfolio.comment",
            "portfolio",
            "Give diagnostic feedback (praise, next step, question, misconception) on a "
            "pupil's work",
            {**PUPIL_CARERS},
        ),
        Capability(
            "comment.view",
            "comment",
            "Read a feedback thread on a portfolio one may see",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "comment.reply",
            "comment",
            "Reply in a feedback thread",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "comment.mark_done",
            "comment",
            "Mark a next step done (the pupils whose work it is)",
            {Role.PUPIL: Reach.SELF},
        ),
        Capability(
            "comment.accept",
            "comment",
            "Accept a next step the pupil has done, or give it back",
            {**PUPIL_CARERS},
        ),
        Capability(
            "presentation.review",
            "presentation",
            "Review a classmate's presentation on the project's rubric (optionally anonymously)",
            {Role.PUPIL: Reach.SELF},
        ),
        Capability(
            "pupil.record",
            "pupil",
            "See a pupil's progress record across all projects (PDF, CSV)",
            {Role.PUPIL: Reach.SELF, **PUPIL_CARERS},
        ),
        Capability(
            "feedback.inbox",
            None,
            "See one's own feedback to read or answer",
            {Role.PUPIL: Reach.ANY, **{r: Reach.ANY for r in PUPIL_CARERS}},
        ),
        Capability(
            "wheel.view",
            "wheel",
            "See a TASC wheel wording (the default, or one's school's)",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "wheel.reword",
            "wheel",
            "Reword a wheel's questions and prompts as a new version for one's school",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "pupil.reset_password",
            "pupil",
            "Give a pupil a new password",
            {**PUPIL_CARERS},
        ),
        # --- the G&T register (pupil-level data stays in the school; an LA sees it only
        # while the school has a data-sharing agreement in force) ---
        Capability(
            "register.view",
            "register",
            "See a school's G&T register, screening list and equity check",
            {
                Role.LEADING_TEACHER: Reach.SCHOOL,
                Role.HEAD: Reach.SCHOOL,
                Role.LA_LEAD: Reach.LA,
            },
        ),
        Capability(
            "register.manage",
            "register",
            "Import pupil data, decide identifications, set the screening criteria",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "register.export",
            "register",
            "Export the register (census return, CSV, XLSX, PDF) and CTF for a leaver",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "register.audit",
            "school",
            "Read the log of who viewed or exported the school's pupil-level data",
            {
                Role.LEADING_TEACHER: Reach.SCHOOL,
                Role.HEAD: Reach.SCHOOL,
                Role.LA_LEAD: Reach.LA,
            },
        ),
        Capability(
            "register.share",
            "school",
            "Record or end the school's data-sharing agreement with its LA (the head signs it)",
            {Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "pupil_record.view",
            "pupil_record",
            "See a pupil's record: characteristics, attainment, register history, evidence",
            {
                Role.TEACHER: Reach.GROUP,
                Role.LEADING_TEACHER: Reach.SCHOOL,
                Role.HEAD: Reach.SCHOOL,
                Role.LA_LEAD: Reach.LA,
            },
        ),
        Capability(
            "pupil_record.nominate",
            "pupil_record",
            "Nominate a pupil for the register and add evidence",
            {**PUPIL_CARERS},
        ),
        Capability(
            "pupil_record.decide",
            "pupil_record",
            "Decide a nomination: identify, not identify or remove (the coordinator)",
            {Role.LEADING_TEACHER: Reach.SCHOOL},
        ),
        Capability(
            "pupil_record.export",
            "pupil_record",
            "Export a leaving pupil's CTF with their G&T data",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "import.view",
            "import",
            "See an import of pupil data, its preview and progress",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "import.confirm",
            "import",
            "Confirm or cancel an import once its preview is checked",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        # --- register insights: summaries, never pupil-level data, above the school; every
        # figure shown outside its own school passes disclosure control ---
        Capability(
            "insights.view",
            "insights",
            "See a school's register insights report (outside the school: with small numbers "
            "suppressed)",
            {
                **STAFF_IN_SCHOOL,
                Role.LA_LEAD: Reach.LA,
                Role.NATIONAL_OFFICER: Reach.NATION,
            },
        ),
        Capability(
            "insights.own",
            "insights",
            "See one's own school's figures exactly, without disclosure control",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "insights.la",
            "local_authority",
            "See an LA's report: its schools compared (suppressed), drill down to a school",
            {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
        ),
        Capability(
            "insights.generate",
            "local_authority",
            "Generate every school's PDF report in one run and download them as a ZIP",
            {Role.LA_LEAD: Reach.LA},
        ),
        Capability(
            "insights.nation",
            "nation",
            "See the national dashboard: LAs compared (suppressed)",
            {Role.NATIONAL_OFFICER: Reach.NATION},
        ),
        # --- quality standards: the school's self-evaluation (IQS) and improvement plan are
        # the school's own; its LA monitors them; the nation sees only counts of schools ---
        Capability(
            "framework.browse",
            None,
            "Read the quality-standards frameworks (IQS, CQS, LAQS) and their descriptors",
            {
                **{role: Reach.ANY for role in STAFF_IN_SCHOOL},
                Role.LA_LEAD: Reach.ANY,
                Role.NATIONAL_OFFICER: Reach.ANY,
                Role.SITE_ADMIN: Reach.ANY,
            },
        ),
        Capability(
            "framework.manage",
            None,
            "Import, export and edit frameworks and their descriptor texts",
            {Role.SITE_ADMIN: Reach.ANY},
        ),
        Capability(
            "standards.view",
            "standards",
            "See a school's quality-standards profile, judgements, plan and LA notes",
            {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
        ),
        Capability(
            "standards.evaluate",
            "standards",
            "Start and edit the school's IQS self-evaluation, attach evidence, submit it",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "standards.plan",
            "standards",
            "Write and update the school's G&T improvement plan",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "standards.note",
            "standards",
            "Leave a dated monitoring note and agreed actions the school sees",
            {Role.LA_LEAD: Reach.LA},
        ),
        Capability(
            "self_evaluation.view",
            "self_evaluation",
            "See one self-evaluation (a draft or a submitted judgement) and its evidence",
            {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
        ),
        Capability(
            "self_evaluation.edit",
            "self_evaluation",
            "Record a level, evidence and next steps in a draft; submit it",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "self_evaluation.plan",
            "self_evaluation",
            "Make an improvement plan from a submitted judgement's next steps",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "plan.view",
            "improvement_plan",
            "See an improvement plan, its history and exports",
            {**STAFF_IN_SCHOOL, Role.LA_LEAD: Reach.LA},
        ),
        Capability(
            "plan.edit",
            "improvement_plan",
            "Add and update a plan's actions and milestones",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        Capability(
            "standards.monitor",
            "local_authority",
            "See every school of the LA: levels, plan progress, reviews; filter to target support",
            {Role.LA_LEAD: Reach.LA, Role.NATIONAL_OFFICER: Reach.NATION},
        ),
        Capability(
            "standards.indicator",
            "nation",
            "See the programme's indicator: schools at each IQS level, by LA and phase, over time",
            {Role.NATIONAL_OFFICER: Reach.NATION},
        ),
        # --- a teacher's classroom self-evaluation (CQS): theirs and the observing colleague's;
        # the coordinator sees it only once the teacher shares it ---
        Capability(
            "classroom.start",
            None,
            "Start a classroom self-evaluation (CQS) of one's own class or subject",
            {role: Reach.ANY for role in STAFF_IN_SCHOOL},
        ),
        Capability(
            "classroom_evaluation.view",
            "classroom_evaluation",
            "See a classroom self-evaluation (the teacher's and the observing colleague's; the "
            "coordinator's once shared)",
            {
                Role.TEACHER: Reach.SELF,
                Role.LEADING_TEACHER: (Reach.SELF, Reach.SCHOOL),
                Role.HEAD: (Reach.SELF, Reach.SCHOOL),
            },
        ),
        Capability(
            "classroom_evaluation.edit",
            "classroom_evaluation",
            "Rate the prompts, write next steps (the teacher and the observing colleague)",
            {role: Reach.SELF for role in STAFF_IN_SCHOOL},
        ),
        Capability(
            "classroom.summary",
            "standards",
            "See the school's CQS summary: how many reflections, and the ratings teachers shared",
            {Role.LEADING_TEACHER: Reach.SCHOOL, Role.HEAD: Reach.SCHOOL},
        ),
        # --- the library (school staff; pupils do not use it) ---
        Capability(
            "library.browse",
            None,
            "Search the library of project templates and resources",
            {role: Reach.ANY for role in STAFF_IN_SCHOOL},
        ),
        Capability(
            "resource.publish",
            None,
            "Publish a lesson plan, file or link to the library for one's school, LA or everyone",
            {role: Reach.ANY for role in STAFF_IN_SCHOOL},
        ),
        Capability(
            "project.publish",
            "project",
            "Publish a project to the library as a template (the library keeps its own copy)",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "resource.view",
            "resource",
            "See a library resource shared with one's school, one's LA or every school "
            "(once withdrawn: its own school's staff only)",
            {**STAFF_IN_SCHOOL, Role.SITE_ADMIN: Reach.ANY},
        ),
        Capability(
            "resource.copy",
            "resource",
            "Copy a template into one's school's projects, adapted from the library's",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "resource.review",
            "resource",
            "Rate and review a resource (not one's own)",
            {**STAFF_IN_SCHOOL},
        ),
        Capability(
            "resource.edit",
            "resource",
            "Change the details of one's own resource",
            {role: Reach.SELF for role in STAFF_IN_SCHOOL},
        ),
        Capability(
            "resource.withdraw",
            "resource",
            "Withdraw a resource from the library (copies already made stay)",
            {**{role: Reach.SELF for role in STAFF_IN_SCHOOL}, Role.SITE_ADMIN: Reach.ANY},
        ),
    ]
}


def capability(name: str) -> Capability:
    try:
        return CAPABILITIES[name]
    except KeyError:
        raise LookupError(f"No capability {name!r} is declared in access.policy") from None


# The capability that makes an object of each subject visible at all. Without it the object
# answers 404; with it, but without the action's capability, 403.
VIEW_CAPABILITY = {
    cap.subject: cap.name
    for cap in CAPABILITIES.values()
    if cap.subject is not None and cap.name.endswith(".view")
}

# URL names anyone may reach signed out: sign-in, password reset, health, static.
PUBLIC_ROUTES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "healthz",
        "api-1:openapi-json",
        "api-1:openapi-view",
        "api-1:api-root",
    }
)
