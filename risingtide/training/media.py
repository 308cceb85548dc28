"""A module page's pictures, sounds and videos: referred to in its Markdown as
``![description](media:<id>)`` on a line of its own, and shown as a figure, an audio player or
a video player served by ``training:media`` (the one safe-serving helper).

Everything else on the page goes through the project's one Markdown sanitiser
(``lib.markup.markdown``), which shows no pictures at all; the media lines never reach it, and
the HTML for them is built here from the media row, with the description escaped.
"""

import re
from collections.abc import Iterable

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from risingtide.lib.markup import markdown
from risingtide.training.models import ModuleMedia

# One reference on a line of its own; the description may not hold "]" or a line break.
REFERENCE = re.compile(r"^[ \t]*!\[([^\]\n]*)\]\(media:(\d{1,18})\)[ \t]*$", re.MULTILINE)


def reference(media: ModuleMedia, description: str) -> str:
    """The Markdown line that shows ``media``."""
    description = " ".join(description.replace("]", ")").split())
    return f"![{description}](media:{media.pk})"


def referenced_ids(texts: Iterable[str]) -> set[int]:
    return {int(m.group(2)) for text in texts for m in REFERENCE.finditer(text)}


def step_texts(steps: list[dict]) -> list[str]:
    """The Markdown of every step (pages' bodies, reflections' prompts)."""
    return [s.get("body") or s.get("prompt") or "" for s in steps if isinstance(s, dict)]


def of_steps(module_id: int, steps: list[dict]) -> dict[int, ModuleMedia]:
    """The module's media that ``steps`` refer to, by id (one query)."""
    ids = referenced_ids(step_texts(steps))
    if not ids:
        return {}
    return {m.pk: m for m in ModuleMedia.objects.filter(module_id=module_id, pk__in=ids)}


def problems(steps: list[dict], found: dict[int, ModuleMedia]) -> list[str]:
    """What is wrong with the media references of ``steps``: a picture without a
    description, or a reference to something not uploaded to this module."""
    wrong = []
    for n, step in enumerate(steps, 1):
        text = (step.get("body") or step.get("prompt") or "") if isinstance(step, dict) else ""
        for match in REFERENCE.finditer(text):
            item = found.get(int(match.group(2)))
            if item is None:
                wrong.append(f"Step {n} refers to media:{match.group(2)}, which is not uploaded.")
            elif item.family == ModuleMedia.Family.IMAGE and not match.group(1).strip():
                wrong.append(
                    f"Step {n}'s picture “{item.name}” needs a description (alt text) for "
                    "people who cannot see it."
                )
    return wrong


def _figure(item: ModuleMedia | None, description: str) -> SafeString:
    if item is None:
        return format_html('<p class="muted">[{}: not available]</p>', description or "media")
    url = reverse("training:media", args=[item.pk])
    if item.family == ModuleMedia.Family.IMAGE:
        return format_html(
            '<figure class="training-media"><img src="{}" alt="{}" loading="lazy"></figure>',
            url,
            description,
        )
    tag = "audio" if item.family == ModuleMedia.Family.AUDIO else "video"
    return format_html(
        '<figure class="training-media"><{} controls preload="metadata" src="{}" '
        'aria-label="{}"></{}>{}</figure>',
        mark_safe(tag),  # noqa: S308 - one of two fixed words
        url,
        description or item.name,
        mark_safe(tag),  # noqa: S308
        format_html("<figcaption>{}</figcaption>", description) if description else "",
    )


def page_html(text: str, found: dict[int, ModuleMedia]) -> SafeString:
    """Safe HTML for a page: Markdown between the media lines, sanitised; each media line as
    its player."""
    parts, start = [], 0
    for match in REFERENCE.finditer(text):
        parts.append(markdown(text[start : match.start()]))
        parts.append(_figure(found.get(int(match.group(2))), match.group(1).strip()))
        start = match.end()
    parts.append(markdown(text[start:]))
    return mark_safe("".join(parts))  # noqa: S308 - each part is escaped or sanitised above
