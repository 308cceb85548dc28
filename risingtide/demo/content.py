"""What the demo's pupils wrote for the bee hotel project, stage by stage, in their own words:
notes (Markdown) and what they typed into each stage's thinking tool. Pupils draw from these
lists by their seeded stream, so classmates' work differs but reads like a Year 7 class."""

# The projects, as the teacher set them.
BEE_HOTEL = {
    "title": "Design a bee hotel",
    "brief": (
        "Solitary bees need somewhere to nest. Find out what they need, design a bee hotel for "
        "the school garden, build a model and tell the school why it works."
    ),
    "subject": "Science and design technology",
    "success_criteria": [
        "I can explain what solitary bees need, with evidence",
        "My design meets those needs and I can say how",
        "I can evaluate my model honestly: two stars and a wish",
    ],
    "stage_prompts": {"gather": ["Which bees have you seen near school?"]},
}
SURVEY = {
    "title": "Survey the school grounds for wildlife",
    "brief": (
        "In your group, plan and carry out a survey of one part of the school grounds, then tell "
        "the school what lives there and how to help it."
    ),
    "subject": "Science and geography",
    "success_criteria": ["Our survey method is fair", "We back our advice with our own data"],
    "stage_prompts": {},
}

# Notes by stage: (title, body). A pupil writes one or two at each stage they reach.
NOTES = {
    "gather": [
        (
            "What I already know",
            "- Bees **pollinate** flowers and fruit trees\n- Not all bees live in hives\n"
            "- I saw small bees going into holes in the wall by the bike shed",
        ),
        (
            "Bees near school",
            "Saw three bees on the lavender by the gate at lunch. One was *ginger and fluffy*, "
            "maybe a mason bee?",
        ),
        ("Facts so far", "Most British bees are **solitary**. Each female makes her own nest."),
    ],
    "identify": [
        (
            "My questions",
            "1. How big should the holes be?\n2. Which way should it face?\n"
            "3. How high up does it go?",
        ),
        ("What the task really asks", "Design *and* build a model, then persuade the school."),
    ],
    "generate": [
        (
            "Three ideas",
            "1. Drilled log\n2. Tin can full of bamboo\n3. Wooden box with a roof and stems "
            "you can take out",
        ),
        ("Wild idea", "A bee hotel shaped like our school, with a green roof of wildflowers!"),
    ],
    "decide": [
        (
            "Why I chose the box",
            "The box with removable tubes scores best: **dry**, cheap, and we can clean it. "
            "The log is heavy and the tin gets hot.",
        ),
    ],
    "implement": [
        (
            "Building log",
            "- Monday: cut the frame (ask Mr Whitfield for the saw)\n- Wednesday: bamboo cut "
            "to 15 cm\n- Friday: roof on, sanded the ends",
        ),
        ("Problem", "The bamboo split when I cut it. Used a junior hacksaw and tape instead."),
    ],
    "evaluate": [
        (
            "Testing in the garden",
            "Put the model on the fence facing south-east. After a week: two tubes sealed "
            "with mud!",
        ),
    ],
    "communicate": [("Poster plan", "Title, picture of the model, three reasons, one question")],
    "learn": [
        (
            "What I would do next time",
            "Measure twice: my first tubes were too short. Ask for help with cutting sooner.",
        ),
    ],
}

# Which bundled page a pupil clips at which stage (demo/pages.py).
CLIPS = {
    "gather": ["solitary-bees.html", "bee-hotel.html", "pollinator-plants.html"],
    "identify": ["bee-hotel.html"],
}

# Each stage tool, as the pupil filled it in (what the form posts; lists are repeated fields).
TOOLS = {
    "gather": {"known": "Bees pollinate flowers\nSolitary bees nest alone\nThey like sunny places"},
    "identify": {
        "questions": "What size holes?\nWhich way should it face?\nHow do we stop rain getting in?"
    },
    "generate": {"ideas": "Drilled log\nTin can of bamboo\nBox with removable tubes"},
    "decide": {
        "criteria": "Keeps dry\nEasy to clean\nCheap to make",
        "score_0_0": "2",
        "score_0_1": "1",
        "score_0_2": "2",
        "score_1_0": "1",
        "score_1_1": "1",
        "score_1_2": "3",
        "score_2_0": "3",
        "score_2_1": "3",
        "score_2_2": "2",
        "chosen": "2",
        "why": "The box scores best and the tubes come out for cleaning.",
    },
    "implement": {
        "step_0": "Cut the frame",
        "who_0": "Me",
        "by_0": "Monday",
        "done_0": "on",
        "step_1": "Cut and sand the tubes",
        "who_1": "Me and Dad",
        "by_1": "Wednesday",
        "done_1": "on",
        "step_2": "Fix the roof",
        "who_2": "Me",
        "by_2": "Friday",
    },
    "evaluate": {
        "star_1": "Bees used two tubes in the first week",
        "star_2": "The roof kept the tubes dry in the rain",
        "wish": "I wish I had made more small holes for tiny bees",
        "criterion_0": "met",
        "criterion_1": "met",
        "criterion_2": "partly",
    },
    "communicate": {"audience": "Year 6 visitors on open evening"},
    "learn": {"entry": "Planning my steps with dates helped me finish on time."},
}

CONNECTIONS = [
    # (from, label, to, reason): items named by the pupil's own keys in classroom.py
    ("bee-hotel.html", "supports", "sketch", "The page says 2-10 mm holes, so my sketch has them."),
    ("solitary-bees.html", "explains", "known", "Now I know why the bees went into the wall."),
    ("sketch", "built as", "model", "I built the box from my sketch."),
    ("decision", "based on", "bee-hotel.html", "Removable tubes are easier to keep clean."),
]

REVIEW_COMMENTS = [
    "Your photo shows the tubes really clearly. Maybe add why it faces south-east?",
    "I like how you tested it in the garden. The chart was hard to read.",
    "Great idea to make the tubes come out. I want to try that.",
    "Clear and interesting. Say more about which bees used it.",
]
