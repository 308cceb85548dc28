"""The marketplace's pages: the catalogue, providers' services and their review, booking
places, and delivery."""

from django.urls import path

from risingtide.provision.views import (
    booking,
    catalogue,
    contracts,
    delivery,
    offering,
    opportunities,
    profiles,
    ratings,
    reports,
)

app_name = "provision"

urlpatterns = [
    path("provision/", catalogue.catalogue, name="catalogue"),
    path("provision/services/<int:pk>/", catalogue.service, name="service"),
    path("provision/services/<int:pk>/edit/", offering.edit_service, name="service_edit"),
    path("provision/services/<int:pk>/sessions/", offering.add_session, name="session_add"),
    path("provision/services/<int:pk>/submit/", offering.submit, name="service_submit"),
    path("provision/services/<int:pk>/review/", offering.review, name="service_review"),
    path("provision/providers/<int:pk>/", offering.provider, name="provider"),
    path("provision/providers/<int:pk>/new/", offering.new_service, name="service_new"),
    path("provision/schools/<int:pk>/bookings/", booking.school_bookings, name="school_bookings"),
    path("provision/schools/<int:pk>/sessions/<int:session_id>/book/", booking.book, name="book"),
    path(
        "provision/schools/<int:pk>/sessions/<int:session_id>/waiting/",
        booking.join_waiting,
        name="join_waiting",
    ),
    # What a school shows its pupils (opportunities.py).
    path(
        "provision/schools/<int:pk>/pupils-see/<int:service_id>/",
        opportunities.show_to_pupils,
        name="show_to_pupils",
    ),
    path(
        "provision/schools/<int:pk>/opportunities/",
        opportunities.opportunities_page,
        name="opportunities",
    ),
    path("provision/bookings/<int:pk>/", delivery.booking, name="booking"),
    path("provision/bookings/<int:pk>/cancel/", booking.cancel, name="booking_cancel"),
    path("provision/bookings/<int:pk>/attendance/", delivery.attendance, name="attendance"),
    # Contracts, providers' profiles and ratings (contracts.py, profiles.py, ratings.py).
    path("provision/contracts/", contracts.contract_list, name="contracts"),
    path("provision/contracts/renewals/", contracts.renewals, name="renewals"),
    path("provision/contracts/new/", contracts.choose_provider, name="contract_choose"),
    path(
        "provision/contracts/new/<int:pk>/",
        contracts.new_contract,
        name="contract_new",
    ),
    path("provision/contracts/<int:pk>/", contracts.contract, name="contract"),
    path("provision/contracts/<int:pk>/edit/", contracts.edit_contract, name="contract_edit"),
    path("provision/contracts/<int:pk>/sign/", contracts.sign, name="contract_sign"),
    path(
        "provision/contracts/<int:pk>/documents/",
        contracts.add_document,
        name="contract_document_add",
    ),
    path(
        "provision/contracts/<int:pk>/documents/<int:file_id>/",
        contracts.document,
        name="contract_document",
    ),
    path(
        "provision/contracts/<int:pk>/documents/<int:file_id>/remove/",
        contracts.remove_document,
        name="contract_document_remove",
    ),
    path(
        "provision/contracts/providers/<int:pk>/",
        contracts.provider_record,
        name="provider_record",
    ),
    path("provision/providers/<int:pk>/profile/", profiles.profile, name="provider_profile"),
    path(
        "provision/providers/<int:pk>/profile/edit/",
        profiles.edit_profile,
        name="provider_profile_edit",
    ),
    path("provision/ratings/", ratings.to_rate, name="ratings"),
    path("provision/sessions/<int:pk>/rating/", ratings.rate, name="rate"),
    path("provision/reports/nations/<int:pk>/", reports.nation, name="report_nation"),
    path("provision/reports/nations/<int:pk>/csv/", reports.nation_csv, name="report_nation_csv"),
    path("provision/reports/las/<int:pk>/", reports.local_authority, name="report_la"),
    path("provision/reports/las/<int:pk>/csv/", reports.local_authority_csv, name="report_la_csv"),
    path("provision/reports/schools/<int:pk>/", reports.school, name="report_school"),
    path("provision/reports/schools/<int:pk>/csv/", reports.school_csv, name="report_school_csv"),
]
