from django import template

from risingtide.tasc.queries import wheel_segments

register = template.Library()


@register.inclusion_tag("tasc/_wheel.html")
def tasc_wheel(stages, done=(), current=None, label="TASC wheel"):
    """The wheel as an SVG image with a text alternative beside it."""
    return {"segments": wheel_segments(stages, set(done), current), "label": label}
