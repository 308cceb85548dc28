"""The questions a pupil's profile asks, worded for their age (from the pupil record's NC year).

A six-year-old gets a short, friendly question with an example of an answer; a sixth-former a
question about their subjects and what comes after school. Every band asks the same five things
(``models.PROFILE_FIELDS``), so what a pupil wrote in Year 6 still answers the question in Year
7. None asks for a "learning style": "what helps me learn" is about conditions a pupil can
name (a quiet place, time to think, being shown first), never a label to sort them by.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Prompt:
    field: str
    question: str  # the field's label on the pupil's page
    hint: str = ""
    example: str = ""  # said as "For example: …"


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    intro: str
    prompts: tuple[Prompt, ...]
    show_limit: bool  # whether the page says how long an answer may be


EARLY = Band(
    "early",
    "Reception to Year 2",
    "Tell us about you! Write a little, or ask a grown-up to help you write.",
    (
        Prompt("interests", "What do you like?", example="I like dinosaurs and drawing."),
        Prompt("strengths", "What are you good at?", example="I am good at counting."),
        Prompt(
            "to_improve",
            "What do you want to get better at?",
            example="I want to read longer books.",
        ),
        Prompt(
            "aspirations",
            "What would you like to be one day?",
            example="I want to be a vet.",
        ),
        Prompt(
            "helps_me_learn",
            "What helps you learn?",
            example="It helps when someone shows me first.",
        ),
    ),
    show_limit=False,
)
PRIMARY = Band(
    "primary",
    "Years 3 to 6",
    "This is your page to tell your teachers about you, in your own words.",
    (
        Prompt(
            "interests",
            "What are you interested in?",
            "Things you enjoy, want to find out about, or could talk about for ages.",
            "Space, football, making up stories.",
        ),
        Prompt(
            "strengths",
            "What are you good at?",
            "At school, at home or in a club. It is fine to be proud of it.",
            "Solving puzzles and helping younger children.",
        ),
        Prompt(
            "to_improve",
            "What would you like to get better at?",
            "Something you are working on, or would like to try.",
            "Explaining my working out in maths.",
        ),
        Prompt(
            "aspirations",
            "What would you like to do one day?",
            "A job, a place to visit, something to make or learn.",
            "Be an engineer and build bridges.",
        ),
        Prompt(
            "helps_me_learn",
            "What helps you learn?",
            "What makes it easier for you to learn something new?",
            "A quiet place, a hard challenge, talking my ideas through.",
        ),
    ),
    show_limit=True,
)
SECONDARY = Band(
    "secondary",
    "Years 7 to 11",
    "Your profile tells your teachers and your learning guide who you are and what you want "
    "from school. Write it in your own words; you can change it whenever you like.",
    (
        Prompt(
            "interests",
            "What are you interested in?",
            "In lessons and outside them: subjects, topics, hobbies, causes you care about.",
        ),
        Prompt(
            "strengths",
            "What are you good at?",
            "Include things your school may not see, such as a sport, an instrument or caring "
            "for someone.",
        ),
        Prompt(
            "to_improve",
            "What do you want to get better at?",
            "A skill, a subject or a habit you are working on.",
        ),
        Prompt(
            "aspirations",
            "What would you like to do in the future?",
            "A job, further study, a place to go, something you want to achieve.",
        ),
        Prompt(
            "helps_me_learn",
            "What helps you learn?",
            "For example, time to think before answering, working with others, a stretching "
            "question, knowing why something matters.",
        ),
    ),
    show_limit=True,
)
SIXTH_FORM = Band(
    "sixth_form",
    "Sixth form",
    "Your profile helps your learning guide find opportunities that fit where you are heading. "
    "Write it in your own words; you can change it whenever you like.",
    (
        Prompt(
            "interests",
            "What are your academic and wider interests?",
            "The questions in your subjects you would like to explore further, and what you do "
            "outside them.",
        ),
        Prompt(
            "strengths",
            "What are your strengths?",
            "Academic and personal: what others rely on you for.",
        ),
        Prompt(
            "to_improve",
            "What do you want to develop?",
            "For example, independent research, writing at length, confidence in interviews.",
        ),
        Prompt(
            "aspirations",
            "What are your plans after sixth form?",
            "University courses, apprenticeships, work or a year out, and what draws you there.",
        ),
        Prompt(
            "helps_me_learn",
            "What helps you learn and do your best work?",
            "The conditions, support or challenge that help you.",
        ),
    ),
    show_limit=True,
)
BANDS = (EARLY, PRIMARY, SECONDARY, SIXTH_FORM)
_BY_YEAR = {
    **dict.fromkeys(("N1", "N2", "R", "1", "2"), EARLY),
    **dict.fromkeys(("3", "4", "5", "6"), PRIMARY),
    **dict.fromkeys(("7", "8", "9", "10", "11"), SECONDARY),
    **dict.fromkeys(("12", "13", "14"), SIXTH_FORM),
}


def band_for(nc_year: str) -> Band:
    """The band for a pupil record's NC year. An unknown or missing year (``X``, blank) gets
    the Years 3 to 6 wording: plain enough for anyone, never babyish for a teenager."""
    return _BY_YEAR.get((nc_year or "").strip().upper(), PRIMARY)
