"""What a module holds, checked before it is kept, and how a knowledge check is marked.

A module's content is ``{"steps": [...]}``, each step one of:

- ``{"kind": "page", "title": str, "body": markdown}``;
- ``{"kind": "check", "title": str, "pass_mark": int, "questions": [{"text": str,
  "multiple": bool, "answers": [{"text": str, "correct": bool, "feedback": str}]}]}`` (the
  pass mark counts questions answered rightly);
- ``{"kind": "reflection", "title": str, "prompt": markdown}``.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

KINDS = ("page", "check", "reflection")
MAX_STEPS = 60
MAX_TEXT = 50_000


def _text(value, what: str, *, required: bool = True) -> str:
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValidationError(f"{what} needs some text.")
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{what} is too long (at most {MAX_TEXT:,} characters).")
    return value.strip()


def _question(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} is not a question.")
    answers = raw.get("answers")
    if not isinstance(answers, list) or len(answers) < 2:
        raise ValidationError(f"{where} needs at least two answers to choose from.")
    cleaned = [
        {
            "text": _text(a.get("text") if isinstance(a, dict) else None, f"{where}, answer {n}"),
            "correct": bool(a.get("correct")),
            "feedback": _text(a.get("feedback", ""), f"{where}, feedback {n}", required=False),
        }
        for n, a in enumerate(answers, 1)
    ]
    right = sum(a["correct"] for a in cleaned)
    multiple = bool(raw.get("multiple"))
    if right == 0:
        raise ValidationError(f"{where} has no right answer.")
    if not multiple and right != 1:
        raise ValidationError(f"{where} is single choice, so it needs exactly one right answer.")
    return {"text": _text(raw.get("text"), where), "multiple": multiple, "answers": cleaned}


def _step(raw, n: int) -> dict:
    where = f"Step {n}"
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise ValidationError(f"{where} must be a page, a knowledge check or a reflection.")
    kind = raw["kind"]
    step = {"kind": kind, "title": _text(raw.get("title"), f"{where}'s title")}
    if kind == "page":
        step["body"] = _text(raw.get("body"), f"{where}'s page")
    elif kind == "reflection":
        step["prompt"] = _text(raw.get("prompt"), f"{where}'s prompt")
    else:
        questions = raw.get("questions")
        if not isinstance(questions, list) or not questions:
            raise ValidationError(f"{where} needs at least one question.")
        step["questions"] = [
            _question(q, f"{where}, question {i}") for i, q in enumerate(questions, 1)
        ]
        mark = raw.get("pass_mark", len(questions))
        if not isinstance(mark, int) or isinstance(mark, bool) or not 1 <= mark <= len(questions):
            raise ValidationError(f"{where}'s pass mark must be between 1 and {len(questions)}.")
        step["pass_mark"] = mark
    return step


def clean(content) -> dict:
    """The content as it will be kept, or a ValidationError naming the first thing wrong."""
    steps = content.get("steps") if isinstance(content, dict) else None
    if not isinstance(steps, list) or not steps:
        raise ValidationError("A module needs at least one step.")
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"A module holds at most {MAX_STEPS} steps.")
    return {"steps": [_step(raw, n) for n, raw in enumerate(steps, 1)]}


@dataclass(frozen=True)
class Marked:
    """A knowledge check, marked: which questions were right, and whether it passed."""

    right: list[bool]
    pass_mark: int

    @property
    def score(self) -> int:
        return sum(self.right)

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


def mark(step: dict, chosen: dict[int, list[int]]) -> Marked:
    """Mark the answers chosen (question index → answer indexes). A single-choice question is
    right when its one choice is the right answer; a multiple-choice one when exactly the right
    answers are chosen. Unanswered questions are wrong."""
    right = []
    for index, question in enumerate(step["questions"]):
        wanted = {n for n, a in enumerate(question["answers"]) if a["correct"]}
        picked = set(chosen.get(index, []))
        if not question["multiple"] and len(picked) > 1:
            picked = set()  # two choices for a one-answer question answer nothing
        right.append(picked == wanted)
    return Marked(right, step["pass_mark"])
