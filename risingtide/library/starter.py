"""The starter set: example TASC projects that ship with Rising Tide, shared with every school.

Written for Rising Tide (not copied from anywhere), under CC BY 4.0 like anything a teacher
publishes by default. Each runs round the whole wheel, with a prompt or two for every stage.
``ensure_starter_library`` adds whichever are missing (a data migration and the demo world
call it), so a school never sees an empty library.
"""

from risingtide.library.models import Resource

STARTER = [
    {
        "key": "minibeast-home",
        "title": "Design a home for a minibeast",
        "subject": "science",
        "key_stage": "ks1",
        "mode": "group",
        "description": (
            "Young scientists find out what one minibeast needs to live, design a home that "
            "gives it those things, build it from found materials and watch whether anything "
            "moves in. Works outdoors over two or three weeks in spring or early autumn."
        ),
        "brief": (
            "Woodlice, snails, worms and beetles live all around our school. Choose one "
            "minibeast, find out what it needs to stay alive, then design and build a home "
            "for it in our school grounds. Check your home every few days: did anything "
            "move in?"
        ),
        "success_criteria": [
            "I can name three things my minibeast needs",
            "My home gives my minibeast each of those things",
            "I can say what I would change next time, and why",
        ],
        "stage_prompts": {
            "gather": ["Where have you seen minibeasts around school?", "What do they eat?"],
            "identify": ["Which minibeast will you build for?", "What does it need most?"],
            "generate": ["Draw three different homes. Which materials could you use?"],
            "decide": ["Which home gives your minibeast everything it needs?"],
            "implement": ["Build your home. Take a photo at each step."],
            "evaluate": ["Did any minibeasts move in? How do you know?"],
            "communicate": ["Show a partner your home and explain how it helps."],
            "learn": ["What surprised you about minibeasts?"],
        },
    },
    {
        "key": "healthy-picnic",
        "title": "Plan a healthy class picnic",
        "subject": "pshe",
        "key_stage": "ks2",
        "mode": "group",
        "description": (
            "Pupils plan a picnic for the whole class that is healthy, fits a budget and "
            "suits everyone, including classmates with allergies or who do not eat some "
            "foods. Brings together nutrition, money and thinking about other people."
        ),
        "brief": (
            "Our class is going on a picnic and you are in charge of the food. Plan a menu "
            "that is healthy, costs no more than £2 a person, and that everyone in the class "
            "can enjoy. Present your plan to the class and persuade them to choose it."
        ),
        "success_criteria": [
            "My menu includes food from each part of the Eatwell Guide",
            "I have shown my costs add up to no more than the budget",
            "Everyone in the class can eat something from every course",
        ],
        "stage_prompts": {
            "gather": ["What makes a meal healthy?", "What does the class like to eat?"],
            "identify": ["Which needs must the menu meet: budget, allergies, taste?"],
            "generate": ["Write down as many picnic foods as you can, even unusual ones."],
            "decide": ["Which menu meets every need best? Use a table to compare."],
            "implement": ["Write your shopping list with prices from a supermarket website."],
            "evaluate": ["Ask three classmates what they think of your menu."],
            "communicate": ["Make a poster or talk that persuades the class to pick yours."],
            "learn": ["What would you plan differently for a party or a school trip?"],
        },
    },
    {
        "key": "street-museum",
        "title": "Make a museum of our street's past",
        "subject": "history",
        "key_stage": "ks2",
        "mode": "individual",
        "description": (
            "Local history through evidence: pupils collect clues about how one street or "
            "building near school has changed, decide what the clues tell us, and curate a "
            "small museum display with labels that explain their reasoning."
        ),
        "brief": (
            "Every street has a story. Choose a street or building near school and find out "
            "how it has changed over the last hundred years, using old maps, photographs, "
            "people's memories and what you can see today. Then make a museum display that "
            "tells its story and shows your evidence."
        ),
        "success_criteria": [
            "I have used at least three different kinds of evidence",
            "I can explain what each piece of evidence tells us, and what it cannot",
            "My labels help a visitor understand how and why the place changed",
        ],
        "stage_prompts": {
            "gather": ["What do you already know about this place?", "Who could you ask?"],
            "identify": ["What is the big question your museum will answer?"],
            "generate": ["Where could evidence be hiding? List as many sources as you can."],
            "decide": ["Which objects and pictures will tell the story best?"],
            "implement": ["Write a label for each exhibit: what is it, and what does it show?"],
            "evaluate": ["Which piece of evidence do you trust most? Which least? Why?"],
            "communicate": ["Guide a visitor round your museum."],
            "learn": ["How is being a historian like being a detective?"],
        },
    },
    {
        "key": "wind-farm",
        "title": "Should our town build a wind farm?",
        "subject": "geography",
        "key_stage": "ks3",
        "mode": "individual",
        "description": (
            "A decision-making enquiry: pupils weigh the economic, environmental and social "
            "arguments for and against a wind farm near their town, listen to different "
            "voices, and write a recommendation to the council that answers its critics."
        ),
        "brief": (
            "The council is deciding whether to allow a wind farm on the hills outside town. "
            "Find out what a wind farm would mean for the people, wildlife, landscape and "
            "economy of the area, consider the views of different groups, and write a "
            "recommendation to the council. You may decide either way: what matters is how "
            "well you support your decision."
        ),
        "success_criteria": [
            "I have considered economic, environmental and social arguments",
            "I have represented views I disagree with fairly",
            "My recommendation is backed by evidence and answers the strongest objection",
        ],
        "stage_prompts": {
            "gather": [
                "How does a wind turbine make electricity?",
                "Where does our town's electricity come from now?",
            ],
            "identify": ["Who would gain and who would lose if the wind farm were built?"],
            "generate": ["What other choices does the council have? Think beyond yes and no."],
            "decide": ["Weigh the arguments: which matter most, and why?"],
            "implement": ["Draft your recommendation as a letter or a short report."],
            "evaluate": ["Ask someone to argue against you. Does your case still stand?"],
            "communicate": ["Present your recommendation as if at a council meeting."],
            "learn": ["How did your view change as you found out more?"],
        },
    },
    {
        "key": "fair-game",
        "title": "Design a fair game for the school fair",
        "subject": "maths",
        "key_stage": "ks3",
        "mode": "group",
        "description": (
            "Probability with a purpose: pupils design a stall game for the school fair, "
            "calculate and test the chance of winning, and set the price and prizes so the "
            "game is fair to players yet still raises money."
        ),
        "brief": (
            "Design a game for the school fair using dice, spinners, cards or counters. Work "
            "out the chance of winning, test it by playing it many times, then choose a price "
            "and prizes so that players have a fair chance and the stall still makes money "
            "for the school."
        ),
        "success_criteria": [
            "I can calculate the theoretical probability of winning",
            "I have compared it with the results of at least 50 trials",
            "I can show how much the stall is likely to raise from 100 players",
        ],
        "stage_prompts": {
            "gather": ["What games have you played at fairs? Which felt fair?"],
            "identify": ["What does 'fair' mean for a game that has to raise money?"],
            "generate": ["Invent at least three different games. Keep the rules simple."],
            "decide": ["Which game is easiest to explain and to work out the odds for?"],
            "implement": ["Play your game 50 times and record every result."],
            "evaluate": ["Do your results match your calculation? Why might they not?"],
            "communicate": ["Make the rules card for your stall, with the chance of winning."],
            "learn": ["Where else do people use probability to make decisions?"],
        },
    },
    {
        "key": "air-quality",
        "title": "How clean is the air around our school?",
        "subject": "science",
        "key_stage": "ks4",
        "mode": "individual",
        "description": (
            "An independent investigation for able GCSE scientists: pupils plan and carry "
            "out a survey of air quality around the school (with lichen surveys, sticky "
            "traps or a low-cost sensor), analyse their data and judge their own method."
        ),
        "brief": (
            "Plan and carry out an investigation into air quality around the school site at "
            "different places or times of day. Choose a method you can justify, collect "
            "enough data to draw a conclusion, and write it up as a short scientific report "
            "that evaluates how far your results can be trusted."
        ),
        "success_criteria": [
            "My question is testable and my method controls the variables that matter",
            "I have processed my data and shown it in a suitable graph",
            "My evaluation identifies the biggest sources of error and how to reduce them",
        ],
        "stage_prompts": {
            "gather": ["What pollutes air near schools? What do you know about each?"],
            "identify": ["Write your question. What will you measure, and where?"],
            "generate": ["List every way you could measure air quality with what we have."],
            "decide": ["Which method gives the most reliable data in the time you have?"],
            "implement": ["Collect your data, keeping a log of anything unexpected."],
            "evaluate": ["How repeatable are your results? What would improve them?"],
            "communicate": ["Write a report a local newspaper could summarise accurately."],
            "learn": ["What did this teach you about how scientists know what they know?"],
        },
    },
    {
        "key": "monument",
        "title": "Whose story gets told? Investigating a local memorial",
        "subject": "history",
        "key_stage": "ks5",
        "mode": "individual",
        "description": (
            "An extended-project style research task for sixth formers: choose a memorial, "
            "statue or street name nearby, research who put it there and why, whose story it "
            "leaves out, and argue what, if anything, should be done about it."
        ),
        "brief": (
            "Choose a memorial, statue, plaque or street name in our area. Research who it "
            "commemorates, who paid for it and why, and how people have seen it since. Whose "
            "stories does it tell, and whose does it leave out? Write an extended essay "
            "(2,000–3,000 words) that reaches and defends a judgement."
        ),
        "success_criteria": [
            "I have used primary sources and weighed them against historians' interpretations",
            "I have considered the memorial's meaning when it was made and today",
            "My judgement is clear, and I answer the strongest counter-argument",
        ],
        "stage_prompts": {
            "gather": ["What is known about this memorial already? Where is it recorded?"],
            "identify": ["Turn your interest into a question that allows a judgement."],
            "generate": ["Which archives, records and people could help you?"],
            "decide": ["Which line of argument does the evidence best support?"],
            "implement": ["Draft your essay section by section, citing as you go."],
            "evaluate": ["Where is your argument weakest? Have a peer test it."],
            "communicate": ["Present your findings in a five-minute talk with questions."],
            "learn": ["How has this changed the way you look at your surroundings?"],
        },
    },
    {
        "key": "young-inventors",
        "title": "Young inventors: solve a problem at home",
        "subject": "dt",
        "key_stage": "ks2",
        "mode": "individual",
        "description": (
            "Pupils interview their family to find an everyday problem, invent something "
            "that solves it, make a prototype and test it with the people who have the "
            "problem. Good for a half-term or home-learning project."
        ),
        "brief": (
            "Inventors start with a problem. Ask the people you live with about a small "
            "problem they have every day. Invent something that solves it, make a model or "
            "prototype, and test it with them. Then pitch your invention to the class."
        ),
        "success_criteria": [
            "I found a real problem by asking someone who has it",
            "My prototype works, and I tested it with the person I designed it for",
            "I can explain one improvement I made because of testing",
        ],
        "stage_prompts": {
            "gather": ["Interview someone at home: what is annoying or difficult every day?"],
            "identify": ["Which problem will you solve? Who has it?"],
            "generate": ["Sketch at least five different inventions, including a silly one."],
            "decide": ["Which idea could you really make? Which would help most?"],
            "implement": ["Build your prototype. What materials work best?"],
            "evaluate": ["Watch someone use it. What went wrong? What went right?"],
            "communicate": ["Pitch your invention in one minute, as on a television show."],
            "learn": ["What makes a good inventor?"],
        },
    },
]


def ensure_starter_library(resource_model=None) -> int:
    """Add the starter set's missing examples to the library; how many were added. The data
    migration calls this with its historical model."""
    resource_model = resource_model or Resource
    present = set(
        resource_model.objects.exclude(starter_key="").values_list("starter_key", flat=True)
    )
    missing = [
        resource_model(
            kind="example",
            title=spec["title"],
            description=spec["description"],
            subject=spec["subject"],
            key_stage=spec["key_stage"],
            licence="cc-by-4.0",
            audience="everyone",
            brief=spec["brief"],
            success_criteria=spec["success_criteria"],
            stage_prompts=spec["stage_prompts"],
            mode=spec["mode"],
            starter_key=spec["key"],
        )
        for spec in STARTER
        if spec["key"] not in present
    ]
    resource_model.objects.bulk_create(missing)
    return len(missing)
