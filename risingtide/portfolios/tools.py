"""The thinking tool at each TASC stage: what the form sends, turned into checked data.

Each reader takes the posted form (a QueryDict) and the portfolio's other stage work (the
decision grid scores the ideas from Generate; the evaluation uses the project's success
criteria) and returns the data to store, or raises ValidationError naming the field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from risingtide.people.models import User
from risingtide.portfolios.models import Portfolio, StageWork
from risingtide.portfolios.services import EditConflict, _may_change, _touch

MAX_LINES = 50
MAX_TEXT = 500

TOOL_NAMES = {
    "gather": "Mind dump: what I already know",
    "identify": "Questions to clarify the task",
    "generate": "Idea list",
    "decide": "Decision grid",
    "implement": "Action plan",
    "evaluate": "Two stars and a wish",
    "communicate": "What I will present",
    "learn": "Reflection journal",
}


def _lines(text: str, what: str) -> list[str]:
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(f"{what}: at most {MAX_LINES} lines.")
    if any(len(line) > MAX_TEXT for line in lines):
        raise ValidationError(f"{what}: keep each line under {MAX_TEXT} characters.")
    return lines


def _text(value: str, what: str, limit: int = 2000) -> str:
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(f"{what}: at most {limit} characters.")
    return value


def read(stage: str, form, context: dict) -> dict:
    if stage == "gather":
        return {"known": _lines(form.get("known", ""), "What I know")}
    if stage == "identify":
        return {"questions": _lines(form.get("questions", ""), "Questions")}
    if stage == "generate":
        return {"ideas": _lines(form.get("ideas", ""), "Ideas")}
    if stage == "decide":
        return _read_grid(form, context)
    if stage == "implement":
        return _read_plan(form)
    if stage == "evaluate":
        criteria = context.get("success_criteria", [])
        met = {}
        for index, _ in enumerate(criteria):
            value = form.get(f"criterion_{index}", "")
            if value not in ("", "met", "partly", "not yet"):
                raise ValidationError("Choose met, partly or not yet for each criterion.")
            met[str(index)] = value
        return {
            "stars": [
                _text(form.get("star_1", ""), "First star", 500),
                _text(form.get("star_2", ""), "Second star", 500),
            ],
            "wish": _text(form.get("wish", ""), "Wish", 500),
            "criteria": met,
        }
    if stage == "communicate":
        items = [int(i) for i in form.getlist("item") if i.isascii() and i.isdigit()][:50]
        allowed = set(context.get("item_ids", []))
        return {
            "audience": _text(form.get("audience", ""), "Audience", 300),
            "items": [i for i in items if i in allowed],
        }
    if stage == "learn":
        entries = list(context.get("entries", []))
        new = _text(form.get("entry", ""), "Journal entry")
        if form.get("draft") == "1":  # the autosave keeps the words, not yet an entry
            return {"entries": entries, "draft": new}
        if new:
            entries.append({"text": new, "at": context["now"]})
        return {"entries": entries[-200:], "draft": ""}
    raise ValidationError(f"Unknown TASC stage {stage!r}")


def _read_grid(form, context: dict) -> dict:
    ideas = context.get("ideas", [])
    criteria = _lines(form.get("criteria", ""), "Criteria")[:10]
    scores: dict[str, dict[str, int]] = {}
    for i, _ in enumerate(ideas):
        for c, _ in enumerate(criteria):
            raw = form.get(f"score_{i}_{c}", "")
            if raw == "":
                continue
            if raw not in ("0", "1", "2", "3"):
                raise ValidationError("Score each idea from 0 to 3.")
            scores.setdefault(str(i), {})[str(c)] = int(raw)
    chosen = form.get("chosen", "")
    # isascii: "²".isdigit() is true, but int("²") fails.
    ok = chosen.isascii() and chosen.isdigit() and len(chosen) < 4 and int(chosen) < len(ideas)
    chosen_index = int(chosen) if ok else None
    return {
        "criteria": criteria,
        "scores": scores,
        "chosen": chosen_index,
        "why": _text(form.get("why", ""), "Why this idea", 1000),
    }


def _read_plan(form) -> dict:
    steps = []
    for n in range(20):
        text = " ".join(form.get(f"step_{n}", "").split())
        if not text:
            continue
        if len(text) > MAX_TEXT:
            raise ValidationError(f"Step {n + 1}: keep it under {MAX_TEXT} characters.")
        steps.append(
            {
                "text": text,
                "who": _text(form.get(f"who_{n}", ""), f"Step {n + 1} who", 80),
                "by": _text(form.get(f"by_{n}", ""), f"Step {n + 1} by when", 40),
                "done": form.get(f"done_{n}") == "on",
            }
        )
    return {"steps": steps}


def grid_totals(data: dict, ideas: list[str]) -> list[dict]:
    """Each idea with its scores in criterion order and its total, for the grid page."""
    criteria = data.get("criteria", [])
    rows = []
    for i, idea in enumerate(ideas):
        scores = [data.get("scores", {}).get(str(i), {}).get(str(c)) for c in range(len(criteria))]
        rows.append(
            {"index": i, "idea": idea, "scores": scores, "total": sum(s or 0 for s in scores)}
        )
    return rows


def save_stage_work(actor: User, portfolio: Portfolio, stage: str, form, base_version: int):
    """Save a stage tool from its form, refusing a save made from an out-of-date copy (another
    group member's work is never silently replaced)."""
    _may_change(actor, "portfolio.edit", portfolio, portfolio, stage)
    with transaction.atomic():
        work, _ = StageWork.objects.select_for_update().get_or_create(
            portfolio=portfolio, stage=stage
        )
        if work.version != base_version:
            raise EditConflict(str(work.data), work.version, "")
        context = stage_context(portfolio, stage, work)
        work.data = read(stage, form, context)
        work.version += 1
        work.updated_by = actor
        work.save()
        _touch(portfolio)
    return work


def stage_context(portfolio: Portfolio, stage: str, work: "StageWork | None" = None) -> dict:
    """What a stage's tool needs from the rest of the portfolio."""
    context: dict = {"now": timezone.now().isoformat(timespec="minutes")}
    if stage == "decide":
        generate = StageWork.objects.filter(portfolio=portfolio, stage="generate").first()
        context["ideas"] = generate.data.get("ideas", []) if generate else []
    if stage == "evaluate":
        context["success_criteria"] = portfolio.project.success_criteria
    if stage == "communicate":
        context["item_ids"] = list(portfolio.items.values_list("pk", flat=True))
    if stage == "learn" and work is not None:
        context["entries"] = work.data.get("entries", [])
    return context


def summary(stage: str, data: dict) -> str:
    """What the stage's tool holds, in a few words, for the panel beside the board's cards."""

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}" if n else ""

    if stage == "gather":
        return count(len(data.get("known", [])), "thing you know", "things you know")
    if stage == "identify":
        return count(len(data.get("questions", [])), "question", "questions")
    if stage == "generate":
        return count(len(data.get("ideas", [])), "idea", "ideas")
    if stage == "decide":
        return "You chose an idea" if data.get("chosen") is not None else ""
    if stage == "implement":
        steps = data.get("steps", [])
        done = sum(1 for s in steps if s.get("done"))
        return f"{done} of {len(steps)} steps done" if steps else ""
    if stage == "evaluate":
        return count(sum(1 for s in data.get("stars", []) if s), "star", "stars")
    if stage == "communicate":
        return count(len(data.get("items", [])), "thing to show", "things to show")
    if stage == "learn":
        return count(len(data.get("entries", [])), "journal entry", "journal entries")
    return ""
