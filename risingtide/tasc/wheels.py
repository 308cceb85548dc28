"""The platform's default wheel, present in every database."""

from risingtide.tasc.default_wheel import DEFAULT_STAGES, DEFAULT_WHEEL_NAME
from risingtide.tasc.models import Wheel, WheelStage


def ensure_default_wheel(wheel_model=None, stage_model=None):
    """The default wheel, created from ``default_wheel.py`` if it is missing (the data
    migration calls this with historical models)."""
    wheel_model, stage_model = wheel_model or Wheel, stage_model or WheelStage
    wheel, created = wheel_model.objects.get_or_create(
        school=None, name=DEFAULT_WHEEL_NAME, version=1
    )
    if created:
        stage_model.objects.bulk_create(
            stage_model(wheel=wheel, stage=stage, title=title, question=question, prompts=prompts)
            for stage, title, question, prompts in DEFAULT_STAGES
        )
    return wheel
