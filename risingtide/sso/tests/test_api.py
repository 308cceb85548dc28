"""The API reads the connections the pages show, under the same capabilities, never a secret."""

import pytest

from risingtide.sso.tests.helpers import SECRET, connect

pytestmark = pytest.mark.django_db


def test_a_coordinator_reads_the_schools_connections_without_the_secret(client, world, oidc):
    provider = connect(oidc, school=world.schools["own"])
    connect(oidc, school=world.schools["other"])
    client.force_login(world.users["leading_teacher@own"])
    listed = client.get(f"/api/v1/sso/schools/{world.schools['own'].pk}/connections")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [provider.pk]
    one = client.get(f"/api/v1/sso/connections/{provider.pk}")
    assert one.json()["client_secret_set"] is True
    assert one.json()["slug"] == provider.slug
    for answer in (listed, one):
        assert SECRET not in answer.content.decode()
        assert 'client_secret"' not in answer.content.decode()


def test_a_teacher_cannot_see_a_connection(client, world, oidc):
    provider = connect(oidc, school=world.schools["own"])
    client.force_login(world.users["teacher@own"])
    assert client.get(f"/api/v1/sso/connections/{provider.pk}").status_code == 404
