"""What the demo's personalised provision says: Riverton Academy's provision map, and the
words of a handful of its pupils, their learning guides and families (``demo.personalisation``
puts them in the database).

Pupils write as pupils of their age do (Year 7 is eleven or twelve, Year 11 fifteen or
sixteen), about what they like, what they are good at and what helps them, never about a
"learning style". ``{name}`` is the pupil's first name.

Longer than most modules because it is only words and data: twenty lines of a provision map and
six pupils' own accounts, read best together."""

from dataclasses import dataclass, field

from risingtide.opportunities.models import Component, Domain, Kind, Wave

A, T, C, ORG, B = (
    Component.ASSESSMENT,
    Component.TEACHING,
    Component.CURRICULUM,
    Component.ORGANISATION,
    Component.BEYOND,
)
G, TAL, BOTH = Domain.GIFTED, Domain.TALENTED, Domain.BOTH


@dataclass(frozen=True)
class Spec:
    """One line of the provision map. ``when`` is "year" (all year) or (days from the day the
    demo is loaded, days long), kept inside this academic year; the term follows from the date.
    ``lead``: "coordinator", "teacher", "head", or "staff0".."staff2" (the school's other
    teachers by sign-in name)."""

    key: str
    title: str
    kind: str
    wave: int
    domain: str
    subjects: tuple[str, ...]
    years: tuple[int, int]
    when: object
    lead: str
    capacity: int | None
    components: tuple[str, ...]
    description: str
    cost: int = 0
    consent: bool = False
    on_menu: bool = True
    saturdays: bool = False  # held on Saturdays (else on school days)


OPPORTUNITIES = [
    Spec("extension", "Going further: extension tasks in every lesson", Kind.EXTENSION,
         Wave.WHOLE_CLASS, BOTH, (), (7, 11), "year", "coordinator", None, (T, A),
         "Every department plans a “going further” task for each unit, and teachers use "
         "questions and feedback to move pupils on to it when they are ready. Nobody has to "
         "ask: it is part of every lesson.", on_menu=False),
    Spec("maths_circle", "Maths circle", Kind.CLUB, Wave.SMALL_GROUP, G, ("maths",), (7, 11),
         "year", "staff0", 20, (B,),
         "Tuesdays after school in M4: puzzles, proofs and problems that do not fit in a "
         "lesson. Bring a friend who likes a challenge."),
    Spec("stem_club", "STEM club: build it, test it", Kind.CLUB, Wave.SMALL_GROUP, G,
         ("science", "design_technology", "computing"), (7, 9), "year", "staff2", 20, (B,),
         "Thursdays after school in the DT workshop: design, build and test, from bird boxes "
         "to buggies. This year's project is a wildlife garden for the quad."),
    Spec("debate", "Debate club", Kind.CLUB, Wave.SMALL_GROUP, G,
         ("english", "history", "re", "classics", "languages"), (7, 11), "year", "coordinator",
         10, (B, T),
         "Wednesday lunchtimes in the library. Learn to build an argument, listen hard and "
         "answer back politely; the best speakers represent the school at the Riverton "
         "schools' debating competition in the summer."),
    Spec("choir", "Chamber choir", Kind.CLUB, Wave.SMALL_GROUP, TAL, ("music",), (7, 11), "year",
         "staff1", 30, (B,),
         "Tuesday rehearsals after school, with concerts at Christmas and in the summer. New "
         "singers are welcome: ask for a short, friendly audition."),
    Spec("council", "Learning council", Kind.OTHER, Wave.SMALL_GROUP, BOTH, (), (7, 11), "year",
         "head", 10, (ORG,),
         "Pupils who help decide how the school teaches: they visit lessons with staff, give "
         "feedback on homework and planning, and report to the head each half term. Meets in "
         "Monday registration."),
    Spec("acceleration", "Accelerated maths: learning with the year above", Kind.ACCELERATION,
         Wave.INDIVIDUAL, G, ("maths",), (8, 8), "year", "staff0", 2, (C, ORG),
         "For a Year 8 pupil whose maths is well beyond their year: maths lessons with a Year "
         "9 set, and a check-in with their learning guide each half term."),
    Spec("early_entry", "GCSE Statistics early entry", Kind.EARLY_ENTRY, Wave.SMALL_GROUP, G,
         ("maths",), (10, 10), "year", "staff0", 8, (C, A),
         "An extra GCSE, in Statistics, taken at the end of Year 10: one lunchtime lesson a "
         "week and some work on your own. The school pays the entry fee."),
    Spec("mentoring", "Mentoring with a university student", Kind.MENTORING, Wave.INDIVIDUAL, G,
         (), (10, 11), "year", "coordinator", 6, (B, ORG),
         "Six online sessions with an undergraduate who studies a subject you love, and a "
         "visit to their university. Good for thinking about A levels and what comes after."),
    Spec("music_mentoring", "Music scholarship mentoring", Kind.MENTORING, Wave.INDIVIDUAL, TAL,
         ("music",), (9, 11), "year", "staff1", 3, (B, A),
         "Half-termly sessions with a Riverton Music Service tutor for pupils preparing for "
         "higher grades or a festival performance: repertoire, practice plans and feedback."),
    Spec("maths_challenge", "Year 9 Maths Challenge", Kind.COMPETITION, Wave.SMALL_GROUP, G,
         ("maths",), (9, 9), (-30, 1), "staff0", None, (A, B),
         "A one-hour challenge paper in the hall, then the solutions (and pizza). Certificates "
         "for the top scorers; the best four make the school team."),
    Spec("team_challenge", "Maths team challenge (Years 8 and 9)", Kind.COMPETITION,
         Wave.SMALL_GROUP, G, ("maths",), (8, 9), (-45, 1), "staff0", 8, (B,),
         "Teams of four against other Riverton schools at Hollowmere High School: relay "
         "rounds, a group round and a lot of cheering."),
    Spec("museum", "Natural History Museum trip", Kind.TRIP, Wave.SMALL_GROUP, G,
         ("science", "geography"), (7, 9), (-25, 1), "staff2", 30, (B, C),
         "A day in London with a behind-the-scenes talk from a museum scientist. The coach "
         "leaves at 7.30 am. £18; free for pupils eligible for the pupil premium.",
         cost=18, consent=True),
    Spec("writers", "Young writers' workshop with a visiting author", Kind.ENRICHMENT_DAY,
         Wave.SMALL_GROUP, G, ("english", "history"), (7, 9), (-10, 1), "coordinator", 15,
         (B, C),
         "A day of writing with a published author: finding your voice, drafting fast and "
         "editing hard. Every writer leaves with a finished piece."),
    Spec("cyber", "Cyber security challenge", Kind.COMPETITION, Wave.SMALL_GROUP, G,
         ("computing",), (10, 11), (-60, 1), "staff1", 8, (B, A),
         "An online capture-the-flag competition in teams of three: codes, ciphers and "
         "puzzles. Practice sessions in IT2 in the weeks before."),
    Spec("art", "Art portfolio masterclass at Riverton Gallery", Kind.ENRICHMENT_DAY,
         Wave.SMALL_GROUP, TAL, ("art",), (9, 11), (9, 1), "staff2", 12, (B, C),
         "A day with the gallery's artist in residence: drawing from the collection, then "
         "building a portfolio page. £5 towards materials.", cost=5),
    Spec("bridge", "Young engineers' bridge challenge", Kind.COMPETITION, Wave.SMALL_GROUP, G,
         ("design_technology", "science"), (7, 8), (35, 1), "staff2", 6, (B,),
         "Build a bridge from spaghetti and glue that holds the most weight for its own. "
         "Teams of three; the winners go to the regional final."),
    Spec("masterclass", "Royal Institution maths masterclasses", Kind.ENRICHMENT_DAY,
         Wave.SMALL_GROUP, G, ("maths",), (9, 10), (40, 57), "staff0", 4, (B, C),
         "Six Saturday mornings at Riverton University with mathematicians from universities "
         "and industry. The school has four places; maths teachers nominate.", saturdays=True),
    Spec("oxford", "Oxford taster day", Kind.ENRICHMENT_DAY, Wave.SMALL_GROUP, G, (), (9, 11),
         (70, 1), "coordinator", 6, (B, C),
         "A day at an Oxford college: a taster lecture, a tour, lunch in hall and the chance to "
         "ask students anything. We travel by minibus; there is no cost to families."),
    Spec("residential", "Outdoor science residential", Kind.TRIP, Wave.SMALL_GROUP, G,
         ("science", "geography"), (7, 8), (130, 3), "staff2", 24, (B, C),
         "Three days and two nights at Hollowmere Field Centre: river studies, a night walk and "
         "a bat survey. £145, with help towards the cost: ask the school office in confidence.",
         cost=145, consent=True),
]  # fmt: skip


@dataclass(frozen=True)
class Voice:
    """One pupil of the handful: who they are (preferred domains, years), what they wrote,
    what staff noticed, what they asked for, their plan and its conversation."""

    slot: str
    domains: tuple[str, ...]
    years: tuple[int, int]
    profile: dict[str, str]
    earlier: dict[str, str]  # answers as first written, changed since
    observations: list[tuple[str, str]]  # (who: "guide" or a lead key of Spec, text)
    # (opportunity key, state, reason in the pupil's words)
    takes: list[tuple[str, str, str]]
    # (text, state, evidence: opportunity keys, "item:<title>", "next_step:<start of body>")
    targets: list[tuple[str, str, tuple[str, ...]]]
    review: str
    family: str  # how the family signs its messages (the demo carer's own name for Maya)
    conversation: list[tuple[int, str, str]]  # (days ago, voice, text)
    overdue: bool = False  # the plan's review date has passed
    notes: dict[str, str] = field(default_factory=dict)  # staff's words with an answer


HANDFUL = [
    Voice(
        "maya", ("science", "design_technology"), (7, 7),
        profile={
            "interests": "Bees and other minibeasts, building things out of junk, and drawing "
            "plans before I make something. I like finding out why animals choose the homes "
            "they do.",
            "strengths": "I notice small details and I keep going when my model falls apart. "
            "I am good at explaining my ideas with drawings.",
            "to_improve": "Putting my hand up when I am not sure of the answer. Writing down my "
            "evidence as I go, not at the end.",
            "aspirations": "An engineer who designs homes for wildlife, or a vet.",
            "helps_me_learn": "Trying things with my hands, talking my plan through with a "
            "friend first, and a bit of quiet time to draw it out.",
        },
        earlier={"aspirations": "A vet."},
        observations=[
            ("guide", "{name} tested two bee hotel designs and chose between them using what "
             "she had read, without being asked. Her labelled drawings help the class follow "
             "her thinking."),
            ("staff2", "In STEM club {name} is first to try a new material but waits to be "
             "asked before sharing an idea with the group; a direct question brings out very "
             "good thinking."),
        ],
        takes=[
            ("extension", "place", ""),
            ("stem_club", "place", "I want to build more things like my bee hotel."),
            ("museum", "took_part", "I want to see the insect collection."),
            ("writers", "took_part", ""),
            ("bridge", "requested", "I built a bee hotel that had to stand up in the rain, and "
             "now I want to make something that holds real weight."),
            ("residential", "granted", "I want to do the bat survey and find out what lives in "
             "the river at night."),
        ],
        targets=[
            ("I will explain my design choices with evidence, like why my bee hotel faces "
             "south-east and how deep the tubes are.", "working",
             ("item:My bee hotel design", "item:Photo of my model",
              "next_step:Show how deep the tubes are", "next_step:In your presentation")),
            ("I want to build something that has to work when it is tested for real, like a "
             "bridge that holds weight.", "working", ("stem_club",)),
            ("I will ask at least one question in every science lesson, even when I'm not sure "
             "I'm right.", "working", ()),
        ],
        review="{name} has met her first aim for the term: her bee hotel design shows its "
        "evidence. Next: the bridge challenge if there is a place, and asking questions in "
        "class. Her mum will look at the residential at home.",
        family="",
        conversation=[
            (14, "pupil", "I finished my bee hotel model! Can I do the bridge challenge with "
             "my friends?"),
            (13, "guide", "Brilliant, {name}. I've asked about places: it's popular, so I'll "
             "let you know. Keep a photo of each test: that's evidence for your first target."),
            (6, "family", "{name} talks about the bee hotel every evening. Could we hear more "
             "about the residential? Is there help with the cost?"),
            (5, "guide", "Yes: the school office can help, in confidence. The consent is on "
             "{name}'s opportunities page whenever you are ready."),
        ],
    ),
    Voice(
        "maths", ("maths",), (8, 9),
        profile={
            "interests": "Maths puzzles, chess, Rubik's cubes and anything with patterns. I "
            "watch videos about really big numbers and infinity.",
            "strengths": "Spotting patterns quickly and not giving up on a hard problem. I "
            "like explaining a method to someone who is stuck.",
            "to_improve": "Showing all my working instead of jumping to the answer, and being "
            "patient when a problem takes more than one lesson.",
            "aspirations": "Study maths at university, then maybe be an actuary or make video "
            "games.",
            "helps_me_learn": "A really hard question to get stuck into, and being told what "
            "went wrong straight away, not at the end of term.",
        },
        earlier={"aspirations": "Make video games."},
        observations=[
            ("guide", "{name} finishes the extension tasks quickly and is coping well in the "
             "Year 9 set. Still needs reminding to write down the steps worked out mentally."),
            ("staff0", "{name} explained a proof to two classmates in maths circle, patiently "
             "and clearly."),
        ],
        takes=[
            ("extension", "place", ""),
            ("maths_circle", "place", "I like the puzzles that are too long for lessons."),
            ("acceleration", "place", ""),
            ("team_challenge", "took_part", "I want to be in the team."),
            ("bridge", "declined", ""),
        ],
        notes={"bridge": "{name} would rather keep Thursdays for maths circle."},
        targets=[
            ("I will write down every step of my working so someone else can follow it, even "
             "when I can do it in my head.", "working", ("acceleration",)),
            ("I want to get a gold certificate in a maths challenge this year.", "working",
             ("team_challenge",)),
        ],
        review="{name} has settled well in the Year 9 set. Working is still too short: we "
        "agreed on every step shown in every homework for a month, then a check back.",
        family="{name}'s dad",
        conversation=[
            (20, "pupil", "The Year 9 work is harder but I like it. Can I still do maths "
             "circle?"),
            (19, "guide", "Of course, {name}: maths circle is the perfect place to practise "
             "writing your steps out."),
            (9, "family", "{name} loved the team challenge. Thank you for the extra "
             "stretch this year."),
        ],
    ),
    Voice(
        "music", ("music", "drama", "dance", "art"), (8, 11),
        profile={
            "interests": "Piano, singing, writing my own songs and musicals. I've started "
            "learning the guitar from videos.",
            "strengths": "I can learn a piece by ear and I'm good at keeping a group together "
            "in choir.",
            "to_improve": "Sight-reading, and performing without getting so nervous that my "
            "hands shake.",
            "aspirations": "Study music at a conservatoire and write music for films or the "
            "theatre.",
            "helps_me_learn": "Hearing someone play it first, practising in short bursts every "
            "day, and honest feedback after I perform.",
        },
        earlier={"to_improve": "Sight-reading."},
        observations=[
            ("staff1", "{name} held the alto line together at the winter concert when the "
             "section lost its place. Confidence in solo work is growing."),
            ("guide", "{name} says performing still brings on nerves, and has agreed to sing "
             "one verse solo at the next lunchtime concert."),
        ],
        takes=[
            ("extension", "place", ""),
            ("choir", "place", "Singing with other people is my favourite thing at school."),
            ("music_mentoring", "requested", "I'm working towards Grade 6 and the county "
             "festival, and I want help choosing a piece and feeling less nervous."),
            ("writers", "took_part", "I want to get better at writing lyrics."),
        ],
        targets=[
            ("I will sing a solo at a school concert without letting my nerves stop me.",
             "working", ("choir",)),
            ("I want to get better at sight-reading by practising for ten minutes every day.",
             "working", ()),
        ],
        review="{name} is a mainstay of the choir. We talked about nerves: a short solo at a "
        "lunchtime concert first, then the festival. Music mentoring asked for.",
        family="{name}'s mum",
        conversation=[
            (16, "pupil", "I'd like a music mentor for the festival. Is that allowed in Year 9?"),
            (15, "guide", "It is, {name}: ask on your opportunities page and say why, and I'll "
             "back it up."),
            (8, "family", "We can help with practice at home; the keyboard is in the kitchen "
             "now!"),
        ],
    ),
    Voice(
        "humanities", ("history", "english", "classics", "geography", "re", "languages"), (9, 10),
        profile={
            "interests": "History, especially the World Wars and the Romans, and arguing about "
            "the news with my family at dinner.",
            "strengths": "Remembering dates and details, and finding the weak spot in someone's "
            "argument.",
            "to_improve": "Writing longer answers that stay on the question. Listening "
            "properly to the other side before I reply.",
            "aspirations": "A barrister, or a historian who makes documentaries.",
            "helps_me_learn": "Real sources I can pick apart, debating in pairs, and a plan for "
            "my essay before I start writing.",
        },
        earlier={"aspirations": "A lawyer."},
        observations=[
            ("coordinator", "{name}'s rebuttals in debate club are sharp and well evidenced; "
             "the next step is saying what is good in the other side's point before answering "
             "it."),
            ("guide", "{name}'s written answers are strong when planned first; unplanned ones "
             "drift away from the question."),
        ],
        takes=[
            ("extension", "place", ""),
            ("debate", "place", "I want to argue properly, with evidence."),
            ("writers", "took_part", ""),
            ("museum", "took_part", ""),
            ("oxford", "requested", "I want to see what studying history at university is "
             "like, and ask students how they chose."),
        ],
        targets=[
            ("I will plan every long answer before I write it, so I stay on the question.",
             "working", ("writers",)),
            ("In debates I will say what is good about the other side's point before I argue "
             "back.", "working", ("debate",)),
            ("I want to find out what studying history or law at university is really like.",
             "working", ()),
        ],
        review="{name} is one of the strongest speakers in debate club. Essay plans are "
        "making a difference. Oxford taster asked for; the family are keen.",
        family="{name}'s mum",
        conversation=[
            (18, "pupil", "Can I go on the Oxford taster day even though I'm in Year 9?"),
            (17, "guide", "Yes, {name}: it's open to Year 9. Ask for it on your opportunities "
             "page and say what you'd like to find out."),
            (10, "family", "We would love {name} to go. We've heard about nothing else!"),
        ],
    ),
    Voice(
        "computing", ("computing", "science"), (11, 11),
        profile={
            "interests": "Programming, mostly Python, cyber security puzzles, and how apps are "
            "designed. I help with coding sessions for Year 7s at lunch.",
            "strengths": "Breaking a big problem into small steps, debugging, and staying calm "
            "under time pressure in competitions.",
            "to_improve": "Revising for subjects I find less interesting, and writing up my "
            "projects so other people can follow them.",
            "aspirations": "Computer science at university, or a degree apprenticeship in "
            "cyber security if I can find a good one.",
            "helps_me_learn": "A real problem to solve, time to work on it on my own first, and "
            "a mentor I can ask when I'm properly stuck.",
        },
        earlier={"aspirations": "Computer science at university."},
        observations=[
            ("staff1", "{name} led a team to third place in the cyber security challenge and "
             "kept everyone calm when their first approach failed."),
            ("guide", "{name}'s project write-ups are hard to follow; we agreed to try a simple "
             "template with headings."),
        ],
        takes=[
            ("extension", "place", ""),
            ("cyber", "took_part", "I want to try a real competition."),
            ("mentoring", "place", "I want to talk to someone who studies computer science."),
            ("oxford", "place", ""),
            ("debate", "waiting", "Apprenticeship interviews will need me to think on my "
             "feet."),
        ],
        targets=[
            ("I will write up my coding projects with clear headings so someone else can "
             "follow them and use them.", "working", ("mentoring",)),
            ("I want to find and apply for a degree apprenticeship in cyber security by the "
             "spring.", "working", ()),
            ("Get my team into the top three of a cyber security competition.", "achieved",
             ("cyber",)),
        ],
        review="{name} achieved the competition target. The mentor is helping to compare "
        "degrees with apprenticeships. Write-ups are the focus now.",
        family="{name}'s grandad",
        conversation=[
            (25, "pupil", "We came third!! Can that count for my plan?"),
            (24, "guide", "It already does, {name}: I've linked it and marked the target "
             "achieved. Congratulations."),
            (11, "family", "Very proud of {name}. Could the mentor talk about "
             "apprenticeships as well as university?"),
        ],
    ),
    Voice(
        "maths10", ("maths",), (10, 10),
        profile={
            "interests": "Maths, football statistics and economics. I keep a spreadsheet of my "
            "team's results and predictions.",
            "strengths": "Fast mental maths, using data to back up what I say, and working in "
            "a team.",
            "to_improve": "Checking my work carefully, and writing proofs properly instead of "
            "saying it's obvious.",
            "aspirations": "Economics at university, or working as a sports data analyst.",
            "helps_me_learn": "Seeing what maths is used for in real life, and working through "
            "problems with someone at my level.",
        },
        earlier={"strengths": "Fast mental maths."},
        observations=[
            ("staff0", "{name} is on track for a top grade in the early-entry Statistics GCSE "
             "and has started helping others with hypothesis tests."),
            ("coordinator", "{name} rushes the last questions in timed work; slowing down to "
             "check would add marks."),
        ],
        takes=[
            ("extension", "place", ""),
            ("early_entry", "place", ""),
            ("masterclass", "place", "I want to see maths that isn't on the syllabus."),
            ("maths_circle", "place", ""),
        ],
        targets=[
            ("I will check every answer in timed papers, leaving the last five minutes for it.",
             "working", ("early_entry",)),
            ("I want to get a grade 9 in the early-entry Statistics GCSE.", "working",
             ("early_entry",)),
            ("I want to use what I learn at the masterclasses in a project of my own about "
             "football data.", "working", ("masterclass",)),
        ],
        review="{name} is doing well in Statistics. Timed work is rushed at the end: we agreed "
        "to practise checking. The review after the mock exams is overdue.",
        family="{name}'s mum",
        overdue=True,
        conversation=[
            (40, "pupil", "Can I do the maths masterclasses on Saturdays? I can get the bus."),
            (39, "guide", "Yes, {name}: you have one of our four places."),
            (30, "family", "Thank you. {name} is excited; we'll make sure of the bus."),
        ],
    ),
]  # fmt: skip

# The register pupils short of the entitlement, and why (``demo.personalisation``).
SHORT = {
    "waiting": "I like arguing about books in English and want to learn how to do it properly.",
    "declined": "Declined: Tuesday rehearsals clash with football training. We'll look at the "
    "Saturday music centre together.",
    "offered": "Could you stay on Thursdays? We can sort out a later bus home.",
}
