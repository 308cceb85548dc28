"""The wheel every school starts with: the common school wording of the TASC questions
(domain.md §1) and prompts written for Rising Tide. Schools reword it as a new version."""

DEFAULT_WHEEL_NAME = "TASC wheel"

DEFAULT_STAGES = [
    (
        "gather",
        "Gather and Organise",
        "What do I know about this?",
        [
            "Write down everything you already know about the topic.",
            "Where have you met this before, in school or out of it?",
            "Sort what you know into groups.",
        ],
    ),
    (
        "identify",
        "Identify",
        "What is the task?",
        [
            "What exactly are you being asked to do?",
            "Which questions do you need answered before you start?",
            "What would a really good result look like?",
        ],
    ),
    (
        "generate",
        "Generate",
        "How many ideas can I think of?",
        [
            "List as many ideas as you can; do not judge them yet.",
            "What would someone very different from you suggest?",
            "Can you combine two ideas into a new one?",
        ],
    ),
    (
        "decide",
        "Decide",
        "Which is the best idea?",
        [
            "Which ideas best meet the success criteria?",
            "What time and materials does each idea need?",
            "Why did you choose this idea over the others?",
        ],
    ),
    (
        "implement",
        "Implement",
        "Let's do it!",
        [
            "What are the steps, in order?",
            "Who does what, and by when?",
            "What will you do if something goes wrong?",
        ],
    ),
    (
        "evaluate",
        "Evaluate",
        "How well did I do?",
        [
            "Two stars: what went well?",
            "A wish: what would make it even better?",
            "How well did you meet each success criterion?",
        ],
    ),
    (
        "communicate",
        "Communicate",
        "Let's tell someone!",
        [
            "Who is your audience, and what do they need to know?",
            "Which pieces of your work tell the story best?",
            "How will you show the connections between your ideas?",
        ],
    ),
    (
        "learn",
        "Learn from Experience",
        "What have I learned?",
        [
            "What have you learned about the topic?",
            "What have you learned about how you think and work?",
            "What will you do differently next time?",
        ],
    ),
]
