"""The insights app's part of the API, one router for ``api.api`` to add: the reports read as
JSON (``reports``, with their schemas in ``answers``), then the LA lead's runs of PDF reports
and a school's PDF (``runs``), in that order, which is the order of the OpenAPI document.

Every published figure is a ``Figure``: ``{"value": 12, "shown": "12"}``, ``{"value": 18,
"shown": "18%"}``, or, when suppressed, ``{"value": null, "shown": "c"}``. Only ``value`` and
``shown`` ever leave a figure: the exact count behind a rounded or suppressed one does not.
"""

from ninja import Router

from risingtide.insights.api import reports, runs

router = Router()
router.add_router("", reports.router)
router.add_router("", runs.router)
