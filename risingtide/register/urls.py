from django.urls import path

from risingtide.register import views

urlpatterns = [
    path("schools/<int:pk>/register/", views.register, name="register"),
    path("schools/<int:pk>/register/pupils/", views.pupils, name="register_pupils"),
    path("schools/<int:pk>/register/screening/", views.screening, name="register_screening"),
    path("schools/<int:pk>/register/equity/", views.equity, name="register_equity"),
    path("schools/<int:pk>/register/criteria/", views.criteria, name="register_criteria"),
    path("schools/<int:pk>/register/imports/", views.imports, name="register_imports"),
    path("schools/<int:pk>/register/export/", views.export, name="register_export"),
    path("schools/<int:pk>/register/audit/", views.audit, name="register_audit"),
    path("schools/<int:pk>/register/sharing/", views.sharing, name="register_sharing"),
    path("register/pupils/<int:pk>/", views.record, name="register_pupil"),
    path("register/pupils/<int:pk>/nominate/", views.nominate, name="register_nominate"),
    path("register/pupils/<int:pk>/evidence/", views.add_evidence, name="register_evidence"),
    path("register/pupils/<int:pk>/decide/", views.decide, name="register_decide"),
    path("register/pupils/<int:pk>/ctf/", views.leaver_ctf, name="register_leaver_ctf"),
    path("register/imports/<int:pk>/", views.import_batch, name="register_import"),
    path(
        "register/imports/<int:pk>/progress/",
        views.import_progress,
        name="register_import_progress",
    ),
    path(
        "register/imports/<int:pk>/mapping/", views.import_mapping, name="register_import_mapping"
    ),
    path(
        "register/imports/<int:pk>/confirm/", views.import_confirm, name="register_import_confirm"
    ),
    path("register/imports/<int:pk>/cancel/", views.import_cancel, name="register_import_cancel"),
]
