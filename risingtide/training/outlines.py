"""A programme's modules as their published versions stand: each module's newest version with
the outline of its steps (kind and title; never a check's answers, which a learner meets in
the module). For the API; a constant number of queries however many modules."""

from dataclasses import dataclass

from django.db.models import Prefetch

from risingtide.training.models import Module, ModuleVersion, Programme


@dataclass(frozen=True)
class Outline:
    module: Module
    version: ModuleVersion | None  # None until first published
    prerequisites: list[int]

    @property
    def steps(self) -> list[dict]:
        if self.version is None:
            return []
        return [{"kind": s["kind"], "title": s["title"]} for s in self.version.steps]


def _outlines(modules) -> list[Outline]:
    return [
        Outline(m, m.published[0] if m.published else None, [p.pk for p in m.prerequisites.all()])
        for m in modules
    ]


def _modules():
    return Module.objects.prefetch_related(
        Prefetch(
            "versions",
            queryset=ModuleVersion.objects.order_by("module_id", "-number"),
            to_attr="published",
        ),
        Prefetch("prerequisites", queryset=Module.objects.only("pk")),
    )


def of_programme(programme: Programme) -> list[Outline]:
    """Every module of the programme, in order, each with its newest published version."""
    return _outlines(_modules().filter(programme=programme).order_by("position", "pk"))


def of_module(module: Module) -> Outline:
    return _outlines(_modules().filter(pk=module.pk))[0]
