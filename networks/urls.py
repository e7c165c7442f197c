"""Routes of the networks API and pages: `public_patterns` on the public host (the pages
under `/nettverk/`, namespace `networks`), `municipality_patterns` on a municipality's host
(its own networks: the page `/nettverk/` and the API `/api/network-memberships/…`)."""

from django.urls import include, path

from networks import api, views

page_patterns = [
    path("", views.network_list, name="list"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/sammenligning/", views.comparison_page, name="comparison"),
    path("<slug:slug>/utvikling/", views.trends_page, name="trends"),
]

public_patterns = [
    path("nettverk/", include((page_patterns, "networks"))),
    path("api/networks/", api.NetworkList.as_view(), name="api-networks"),
    path("api/networks/<int:network_id>/", api.NetworkDetail.as_view(), name="api-network"),
    path(
        "api/networks/<int:network_id>/members/",
        api.MemberList.as_view(),
        name="api-network-members",
    ),
    path(
        "api/networks/<int:network_id>/members/<int:municipality_id>/",
        api.MemberDetail.as_view(),
        name="api-network-member",
    ),
    path(
        "api/networks/<int:network_id>/comparison/",
        api.NetworkComparison.as_view(),
        name="api-network-comparison",
    ),
    path(
        "api/networks/<int:network_id>/comparison.xlsx",
        api.ComparisonXlsx.as_view(),
        name="api-network-comparison-xlsx",
    ),
    path(
        "api/networks/<int:network_id>/comparison.pdf",
        api.ComparisonPdf.as_view(),
        name="api-network-comparison-pdf",
    ),
    path(
        "api/networks/<int:network_id>/trends/",
        api.NetworkTrends.as_view(),
        name="api-network-trends",
    ),
]

municipality_patterns = [
    path("nettverk/", views.memberships_page, name="network-memberships-page"),
    path(
        "nettverk/<int:membership_id>/meld-ut/",
        views.leave_page,
        name="network-membership-leave-page",
    ),
    path(
        "api/network-memberships/",
        api.MembershipList.as_view(),
        name="api-network-memberships",
    ),
    path(
        "api/network-memberships/<int:membership_id>/",
        api.MembershipDetail.as_view(),
        name="api-network-membership",
    ),
    path(
        "api/network-memberships/<int:membership_id>/leave/",
        api.MembershipLeave.as_view(),
        name="api-network-membership-leave",
    ),
    path(
        "api/network-memberships/<int:membership_id>/open-comparison-consent/",
        api.MembershipConsent.as_view(),
        name="api-network-membership-consent",
    ),
]
