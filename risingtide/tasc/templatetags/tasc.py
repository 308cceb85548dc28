from django import template

from risingtide.tasc.queries import wheel_segments

register = template.Library()


@register.inclusion_tag("tasc/_wheel.html")
def tasc_wheel(stages, done=(), current=None, label="TASC wheel"):
    """The wheel as an SVG image with a text alternative beside it."""
    return {"segments": wheel_segments(stages, set(done), current), "label": label}


@register.inclusion_tag("tasc/_wheel_nav.html")
def tasc_wheel_nav(stages, done=(), current=None, open=None, href="?stage="):
    """The wheel as links to its stages (``href`` followed by the stage), the open one ringed
    and each done one ticked: for pointer and touch, beside a list of the same links."""
    return {"segments": wheel_segments(stages, set(done), current), "open": open, "href": href}
