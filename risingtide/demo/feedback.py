"""The teacher's feedback in the demo's classroom, and the class's reviews of each other's
presentations, through the feedback services.

The demo pupil's portfolio has a thread of every kind and a next step in every state: open,
done and waiting for the teacher, accepted, and one given back to do again; a question she
answered that the teacher has not read yet; praise she has not seen. Classmates have a few
threads each, and the pupils who stopped a while ago a nudge. So the pupil's inbox, the
teacher's inbox ("questions to answer", "next steps to accept") and the menu badge all have
something in them. Days are days before the demo was loaded (``demo.story``).
"""

import random
from dataclasses import dataclass, field

from risingtide.demo import content
from risingtide.feedback import services
from risingtide.feedback.models import Comment
from risingtide.people.models import User

PRAISE, NEXT = Comment.Kind.PRAISE, Comment.Kind.NEXT_STEP
QUESTION, MISCONCEPTION = Comment.Kind.QUESTION, Comment.Kind.MISCONCEPTION


@dataclass
class Thread:
    """A teacher's comment and what followed. ``about`` is an item the pupil made (by its key
    in ``classroom.Pupil.items``), ``stage:<stage>``, or "" for the whole portfolio. ``then``
    holds (day, step, text): the pupil *replies*, marks it *done*, *reads* it; the teacher
    *answers*, *accepts* or *gives back*."""

    day: int
    kind: str
    body: str
    about: str = ""
    then: list[tuple[int, str, str]] = field(default_factory=list)


DEMO_PUPIL = [
    Thread(17, QUESTION, "Which fact on this page will change your design the most?",
           "bee-hotel.html", [(16, "replies", "The 15 cm depth: my tubes were only 8 cm.")]),
    Thread(17, NEXT, "Add where and when you saw the bees, so it is evidence.", "known",
           [(15, "done", "Added: the bike shed wall, at lunch on Tuesday."),
            (13, "accepts", "Good: a place and a time make it evidence.")]),
    Thread(14, PRAISE, "Clear labels: I can see the 2-10 mm holes and the roof overhang.",
           "sketch", [(13, "reads", "")]),
    Thread(12, MISCONCEPTION,
           "Careful: bigger holes are not better. Most solitary bees choose holes 2-10 mm across.",
           "sketch", [(11, "replies", "I'll make most of them small then."),
                      (10, "answers", "Yes: and keep a few bigger ones for leafcutter bees.")]),
    Thread(6, NEXT, "Show how deep the tubes are: put a ruler beside the model in a photo.",
           "model", [(5, "done", "I wrote the depth on the photo."),
                     (3, "gives back", "Not yet: a ruler in the photo is the evidence.")]),
    Thread(2, NEXT, "Add one more wish: what would you change for tiny bees?", "stage:evaluate",
           [(1, "done", "More 2 mm holes on the left side.")]),
    Thread(0, NEXT, "In your presentation, say why the box faces south-east.",
           "stage:communicate"),
    Thread(0, PRAISE, "Your presentation is ready for the class: well done for sharing it."),
]  # fmt: skip

# For classmates part-way through: one thread each, in turn.
CLASSMATES = [
    Thread(0, NEXT, "Where did you find this out? Add the page you used.", "known"),
    Thread(0, NEXT, "Sort these facts into groups.", "known", [(-1, "done", "Done!")]),
    Thread(1, QUESTION, "Which of these facts surprised you?", "known",
           [(0, "replies", "That most bees live alone.")]),
    Thread(1, NEXT, "Add a picture of a bee you saw.", "known",
           [(0, "done", ""), (-1, "accepts", "Lovely: now we know which bee it was.")]),
    Thread(1, PRAISE, "Good questions: they will really help your design.", "stage:identify",
           [(0, "reads", "")]),
]  # fmt: skip
FINISHED = Thread(0, PRAISE, "A finished bee hotel with evidence for every choice. Brilliant.")
NUDGE = Thread(-2, NEXT, "You started well: add one question you want answered.", "stage:gather")


def _tell(story, teacher: User, pupil, thread: Thread, offset: int = 0) -> None:
    """Put the thread into the story, its days moved ``offset`` days back. Skipped if the
    pupil never made the item it is about."""
    made: dict[str, Comment] = {}

    def give() -> None:
        about = thread.about
        if pupil.portfolio is None or (about and ":" not in about and about not in pupil.items):
            return
        where = {"stage": about.split(":")[1]} if about.startswith("stage:") else {}
        if about and not where:
            where = {"item_id": pupil.items[about].pk}
        made["c"] = services.give(teacher, pupil.portfolio, thread.kind, thread.body, **where)

    def step(what: str, text: str) -> None:
        comment = made.get("c")
        if comment is None:
            return
        if what == "replies":
            services.reply(pupil.user, comment, text)
        elif what == "answers":
            services.reply(teacher, comment, text)
        elif what == "done":
            services.mark_done(pupil.user, comment, text)
        elif what in ("accepts", "gives back"):
            services.accept(teacher, comment, what == "accepts", text)
        elif what == "reads":
            services.mark_read(pupil.user, [comment])

    story.on(max(0, thread.day + offset), give)
    for day, what, text in thread.then:
        story.on(max(0, day + offset), lambda what=what, text=text: step(what, text))


def _reviews(story, cast, rng: random.Random) -> None:
    """Classmates review each shared presentation on the rubric; one review in three is
    anonymous. The demo pupil reviews her own too (a self-evaluation to compare)."""
    reviewers = [p for p in cast if p.stages_done >= 3]
    for presenter in [p for p in cast if p.shares]:
        for n, reviewer in enumerate([r for r in reviewers if r is not presenter][:3]):
            levels = {criterion: rng.choice([1, 2, 2, 3]) for criterion in range(3)}
            text = rng.choice(content.REVIEW_COMMENTS)

            def review(p=presenter, r=reviewer, levels=levels, text=text, anonymous=n == 1):
                services.review(r.user, p.portfolio, levels, text, anonymous)

            story.on(0, review)
    maya = cast[0]
    story.on(
        0,
        lambda: services.review(
            maya.user, maya.portfolio, {0: 2, 1: 2, 2: 1}, "I need more small holes.", False
        ),
    )


def plan(story, teacher: User, cast, rng: random.Random) -> None:
    """Put the feedback and reviews into the story (after the pupils' own work each day)."""
    maya = cast[0]
    for thread in DEMO_PUPIL:
        _tell(story, teacher, maya, thread)
    story.on(1, lambda: services.judge(teacher, maya.portfolio, 0, 2, "Two sources, explained."))
    started = [p for p in cast[1:] if 1 <= p.stages_done < 8]
    for n, pupil in enumerate(started[:10]):
        _tell(story, teacher, pupil, CLASSMATES[n % len(CLASSMATES)], max(pupil.last_day, 1))
    for pupil in [p for p in cast[1:] if p.stages_done == 8]:
        _tell(story, teacher, pupil, FINISHED, pupil.last_day)
        level = rng.choice([2, 3])

        def judge(p=pupil, level=level):
            services.judge(teacher, p.portfolio, 1, level, "The design follows the evidence.")

        story.on(pupil.last_day, judge)
    for pupil in [p for p in cast[1:] if p.stages_done < 2 and p.last_day >= 9]:
        _tell(story, teacher, pupil, NUDGE, pupil.last_day)
    _reviews(story, cast, rng)
