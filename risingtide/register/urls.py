from django.urls import path

from risingtide.register.views import data_protection, exports, imports, records, school

app_name = "register"

urlpatterns = [
    path("schools/<int:pk>/register/", school.register, name="register"),
    path("schools/<int:pk>/register/pupils/", school.pupils, name="register_pupils"),
    path("schools/<int:pk>/register/screening/", school.screening, name="register_screening"),
    path("schools/<int:pk>/register/equity/", school.equity, name="register_equity"),
    path("schools/<int:pk>/register/criteria/", school.criteria, name="register_criteria"),
    path("schools/<int:pk>/register/imports/", imports.imports, name="register_imports"),
    path("schools/<int:pk>/register/export/", exports.export, name="register_export"),
    path("schools/<int:pk>/register/audit/", data_protection.audit, name="register_audit"),
    path("schools/<int:pk>/register/sharing/", data_protection.sharing, name="register_sharing"),
    path("register/pupils/<int:pk>/", records.record, name="register_pupil"),
    path("register/pupils/<int:pk>/nominate/", records.nominate, name="register_nominate"),
    path("register/pupils/<int:pk>/evidence/", records.add_evidence, name="register_evidence"),
    path("register/pupils/<int:pk>/decide/", records.decide, name="register_decide"),
    path("register/pupils/<int:pk>/ctf/", exports.leaver_ctf, name="register_leaver_ctf"),
    path("register/imports/<int:pk>/", imports.import_batch, name="register_import"),
    path(
        "register/imports/<int:pk>/rows-to-fix.csv",
        imports.import_rows_to_fix,
        name="register_import_rows_to_fix",
    ),
    path(
        "register/imports/<int:pk>/progress/",
        imports.import_progress,
        name="register_import_progress",
    ),
    path(
        "register/imports/<int:pk>/mapping/", imports.import_mapping, name="register_import_mapping"
    ),
    path(
        "register/imports/<int:pk>/confirm/", imports.import_confirm, name="register_import_confirm"
    ),
    path("register/imports/<int:pk>/cancel/", imports.import_cancel, name="register_import_cancel"),
]
