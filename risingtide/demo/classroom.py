"""The demo's classroom: two projects set to Riverton Academy's Year 7 class, and four weeks of
the class's work on them, so the pupil's portfolio, the teacher's progress grid, the feedback
inbox and the presenter view all have something to show.

The class is a mix, as a real one is: the demo pupil (Maya) and a few others have finished or
nearly finished, most have done some stages, a few stopped a week or more ago and some have
not opened the project at all. Everything goes through the services a pupil's or teacher's
click goes through (notes, clippings of the demo's own pages, uploads, stage tools, finished
stages, connections, ratings, sharing; feedback and reviews in ``demo.feedback``), told day
by day by ``demo.story`` so the dates read as a term's work.
"""

import random
from dataclasses import dataclass, field

from django.http import QueryDict

from risingtide.demo import content, pages, pictures
from risingtide.demo import feedback as demo_feedback
from risingtide.demo.story import Story
from risingtide.people.models import User
from risingtide.portfolios import groups as group_work
from risingtide.portfolios import services
from risingtide.portfolios.models import Item, Portfolio
from risingtide.portfolios.tools import save_stage_work
from risingtide.schools.models import School, TeachingGroup
from risingtide.tasc import services as projects
from risingtide.tasc.models import STAGE_ORDER, Project
from risingtide.tasc.wheels import ensure_default_wheel

FINISHED, STARTED, STOPPED = 4, 10, 5  # and the rest never opened the project
WEEKS = 4


@dataclass
class Pupil:
    """One pupil's part in the story: how far they get and when, and what they made."""

    user: User
    rng: random.Random
    stages_done: int  # 0 to 8
    first_day: int  # days ago they started
    last_day: int  # days ago they last worked
    shares: bool = False
    thorough: bool = False  # clips every page, fills in every tool: the demo pupil
    portfolio: Portfolio | None = None
    items: dict[str, Item] = field(default_factory=dict)

    @property
    def reached(self) -> list[str]:
        """The stages they finished, then the one they are on (if any is left)."""
        return STAGE_ORDER[: min(self.stages_done + 1, len(STAGE_ORDER))]


def _form(values: dict) -> QueryDict:
    """A stage tool's fields as its form posts them."""
    form = QueryDict(mutable=True)
    for key, value in values.items():
        form.setlist(key, value if isinstance(value, list) else [value])
    return form


def _project(teacher: User, school: School, spec: dict, mode: str, group) -> Project:
    details = projects.ProjectDetails(
        title=spec["title"],
        brief=spec["brief"],
        subject=spec["subject"],
        key_stage=Project.KeyStage.KS3,
        success_criteria=spec["success_criteria"],
        wheel=ensure_default_wheel(),
        stage_prompts=spec["stage_prompts"],
        start_date=None,
        due_date=None,
        mode=mode,
    )
    project = projects.create_project(teacher, school, details)
    projects.assign(teacher, project, groups=[group])
    return projects.set_status(teacher, project, Project.Status.OPEN)


def _cast(pupils: list[User], demo_pupil: User, rng: random.Random) -> list[Pupil]:
    """Who does what: the demo pupil nearly finished and sharing; then a few finished, most
    part-way, some stopped a week or more ago, the rest not started."""
    others = [p for p in pupils if p.pk != demo_pupil.pk]
    rng.shuffle(others)
    cast = [Pupil(demo_pupil, random.Random(rng.random()), 6, 22, 0, True, True)]
    for n, user in enumerate(others):
        stream = random.Random(rng.random())
        if n < FINISHED:
            cast.append(Pupil(user, stream, 8, stream.randint(18, 22), stream.randint(1, 5)))
            cast[-1].shares = n < FINISHED - 1
        elif n < FINISHED + STARTED:
            last = stream.randint(0, 5)
            cast.append(Pupil(user, stream, stream.randint(1, 5), stream.randint(12, 21), last))
        elif n < FINISHED + STARTED + STOPPED:
            last = stream.randint(9, 18)
            cast.append(Pupil(user, stream, stream.randint(0, 1), last + 3, last))
    return cast


def _days(pupil: Pupil) -> list[int]:
    """A day for each stage they reach, spread from their first day to their last."""
    n = len(pupil.reached)
    if n == 1:
        return [pupil.last_day]
    span = pupil.first_day - pupil.last_day
    return [pupil.first_day - round(span * i / (n - 1)) for i in range(n)]


def _work_on_stage(pupil: Pupil, stage: str, site: str, done: bool) -> None:
    me, rng, portfolio = pupil.user, pupil.rng, pupil.portfolio
    title, body = rng.choice(content.NOTES[stage])
    note = services.add_note(me, portfolio, stage, title, body)
    pupil.items.setdefault({"gather": "known", "decide": "decision"}.get(stage, stage), note)
    # The demo pupil clips every page; classmates who get far clip the one their design needs.
    clips = content.CLIPS.get(stage, []) if pupil.thorough else []
    if stage == "gather" and pupil.stages_done >= 4 and not pupil.thorough:
        clips = ["bee-hotel.html"]
    for name in clips:
        if name not in pupil.items:
            pupil.items[name] = pages.clip(me, portfolio, stage, site, name)
    if stage == "generate":
        pupil.items["sketch"] = services.add_upload(
            me, portfolio, stage, "My bee hotel design", pictures.design_sketch(rng)
        )
    if stage == "implement":
        pupil.items["model"] = services.add_upload(
            me, portfolio, stage, "Photo of my model", pictures.model_photo(rng)
        )
    # Classmates fill in the tools whose results their presentation shows; the demo pupil all.
    # (Communicate's tool is filled in when the work is presented.)
    if stage != "communicate" and (
        pupil.thorough or (done and stage in ("decide", "evaluate") and pupil.stages_done == 8)
    ):
        save_stage_work(me, portfolio, stage, _form(content.TOOLS[stage]), 0)
    if done:
        services.set_stage_done(me, portfolio, stage, True)


def _connect_and_rate(pupil: Pupil) -> None:
    me, portfolio = pupil.user, pupil.portfolio
    for source, label, target, reason in content.CONNECTIONS:
        if source in pupil.items and target in pupil.items:
            services.connect(
                me, portfolio, pupil.items[source].pk, pupil.items[target].pk, label, reason
            )
    for key, importance, categories in (("bee-hotel.html", 5, ["Design"]), ("sketch", 4, [])):
        if key in pupil.items:
            item = pupil.items[key]
            services.update_item(
                me,
                item,
                title=item.title,
                stage=item.stage,
                importance=importance,
                categories=categories or ["Evidence"],
            )
    if "bee-hotel.html" in pupil.items:
        services.annotate(
            me, pupil.items["bee-hotel.html"], "15 cm deep and 2-10 mm wide: put this in my design."
        )


def _present(pupil: Pupil) -> None:
    """Choose what to present (the Communicate tool) and share it with the class."""
    me, portfolio = pupil.user, pupil.portfolio
    keys = ("bee-hotel.html", "sketch", "model", "decision")
    chosen = [pupil.items[k].pk for k in keys if k in pupil.items]
    form = {**content.TOOLS["communicate"], "item": [str(pk) for pk in chosen]}
    save_stage_work(me, portfolio, "communicate", _form(form), 0)
    services.share_presentation(me, portfolio, Portfolio.Sharing.CLASS)


def _pupil_story(story: Story, pupil: Pupil, project: Project, site: str) -> None:
    def begin():
        pupil.portfolio = services.portfolio_for(pupil.user, project)

    days = _days(pupil)
    story.on(days[0], begin)
    for index, (stage, day) in enumerate(zip(pupil.reached, days, strict=True)):
        done = index < pupil.stages_done

        def work(stage=stage, done=done):
            _work_on_stage(pupil, stage, site, done)

        story.on(day, work)
    if pupil.stages_done >= 5:
        story.on(days[-1], lambda: _connect_and_rate(pupil))
    if pupil.shares:
        story.on(pupil.last_day, lambda: _present(pupil))


def _group_story(story: Story, teacher: User, project: Project, rng, site: str) -> None:
    """The group project: groups formed on the first day, a few getting going."""
    made: list[Portfolio] = []

    def form():
        made.extend(group_work.split_into_groups(teacher, project, 3))

    def start(n: int):
        portfolio = made[n]
        members = list(portfolio.members.order_by("last_name"))
        first = members[0]
        pages.clip(first, portfolio, "gather", site, "minibeast-survey.html")
        services.add_note(
            first, portfolio, "identify", "Where shall we survey?", "The pond or the field?"
        )
        group_work.post_message(first, portfolio, "Shall we do the pond? It has more to find.")
        if len(members) > 1:
            group_work.post_message(members[1], portfolio, "Yes! I'll bring a clipboard.")
            services.add_upload(
                members[1],
                portfolio,
                "implement",
                "Our first count",
                pictures.tally_chart(rng, ["Beetles", "Spiders", "Snails", "Worms"]),
            )

    story.on(10, form)
    for n in range(3):
        story.on(6 - n, lambda n=n: start(n))


def load(
    school: School,
    group: TeachingGroup,
    teacher: User,
    demo_pupil: User,
    rng: random.Random,
    site: str,
) -> list[Project]:
    """The bee hotel project (individual) and the survey (groups), both set to ``group``, with
    the class's work on them; ``site`` is where the demo is served (its pages' address)."""
    bee_hotel = _project(teacher, school, content.BEE_HOTEL, Project.Mode.INDIVIDUAL, group)
    survey = _project(teacher, school, content.SURVEY, Project.Mode.GROUP, group)
    pupils = list(group_work.assigned_pupils(teacher, bee_hotel).order_by("pk"))
    cast = _cast(pupils, demo_pupil, rng)
    story = Story([bee_hotel, survey])
    story.on(WEEKS * 7, lambda: None)  # the projects were set four weeks ago
    for pupil in cast:
        _pupil_story(story, pupil, bee_hotel, site)
    _group_story(story, teacher, survey, random.Random(rng.random()), site)
    demo_feedback.plan(story, teacher, cast, random.Random(rng.random()))
    story.tell()
    return [bee_hotel, survey]
