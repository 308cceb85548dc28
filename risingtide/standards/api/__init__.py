"""The standards app's part of the API, one router for ``api.api`` to add: frameworks
(``frameworks``), a school's self-evaluations and improvement plan (``evaluations``), then the
LA's monitoring and the national indicator (``oversight``), in that order, which is the order
of the OpenAPI document. Classroom self-evaluation (CQS) has its own router, beside its pages
in ``standards.classroom.api``."""

from ninja import Router

from risingtide.standards.api import evaluations, frameworks, oversight

router = Router()
router.add_router("", frameworks.router)
router.add_router("", evaluations.router)
router.add_router("", oversight.router)
