"""The register's part of the API, one router for ``api.api`` to add: pupil records
(``pupils``), the register's entries and decisions (``entries``) and pupil data imports
(``imports``), in that order, which is the order of the OpenAPI document."""

from ninja import Router

from risingtide.register.api import entries, imports, pupils

router = Router()
router.add_router("", pupils.router)
router.add_router("", entries.router)
router.add_router("", imports.router)
