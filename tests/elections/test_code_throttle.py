"""Issue 11.3: wrong voting codes from one shared address (a hospital's NAT, a proxy) do not lock
out the honest voters behind it; wrong codes are counted per client and per election, and the
client address is read through the trusted-proxy setting."""
# ruff: noqa: F811 (the tests take the imported fixture by name)

import json

import pytest
from test_elections_pages import polling, url  # noqa: F401 (the fixture)

from mutualise.audit.models import AuditEvent
from mutualise.elections import services
from mutualise.elections.models import VoteRecord
from mutualise.web.security import client_address

pytestmark = pytest.mark.django_db
WRONG = "WRNG-WRNG-WRNG-WRNG"
NAT = "198.51.100.7"


def _post(client, election, body, **extra):
    return client.post(
        url(election, "api/cast"), json.dumps(body), content_type="application/json", **extra
    )


def test_wrong_codes_from_a_shared_address_do_not_lock_out_its_voters(client, polling):
    election, drive, codes = polling
    for _ in range(services.THROTTLE_LIMIT * 3):  # one guesser behind the hospital's NAT
        assert (
            _post(client, election, {"code": WRONG, "marks": [1]}, REMOTE_ADDR=NAT).status_code
            == 409
        )
    told = _post(client, election, {"code": WRONG, "marks": [1]}, REMOTE_ADDR=NAT).json()["error"]
    assert "many wrong codes from this connection" in told
    for code in codes[:3]:  # the honest voters behind the same address still vote
        response = _post(client, election, {"code": code, "marks": [1]}, REMOTE_ADDR=NAT)
        assert response.status_code == 200, response.json()
    page = client.post(url(election, "vote/"), {"step": "code", "code": codes[3]}, REMOTE_ADDR=NAT)
    assert page.status_code == 200 and b"Number the candidates" in page.content
    assert VoteRecord.objects.filter(election=election).count() == 3


def test_wrong_codes_are_counted_per_election_and_audited_past_the_alarm(polling, monkeypatch):
    election, drive, codes = polling
    monkeypatch.setattr(services.credentials, "ELECTION_ALARM", 5)  # where check_code reads it
    for k in range(6):  # from six addresses: no one client reaches its limit
        with pytest.raises(services.CodeRefused):
            services.check_code(election, WRONG, client=f"203.0.113.{k}")
    alarms = AuditEvent.objects.filter(
        action="election.many_wrong_codes", subject_id=str(election.pk)
    )
    assert alarms.count() == 1 and alarms.get().data["wrong_codes"] == 5


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        (0, "1.2.3.4", "10.0.0.2"),  # no proxy trusted: the header is the client's own claim
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # a forged left part is ignored
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),
        (2, "1.2.3.4", "10.0.0.2"),  # fewer hops than proxies: not through them, use the peer
    ],
)
def test_client_address_through_the_trusted_proxy_setting(proxies, forwarded, expected):
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, proxies) == expected


def test_the_throttle_counts_the_forwarded_address_behind_a_proxy(client, polling, settings):
    election, drive, codes = polling
    settings.MUTUALISE_TRUSTED_PROXIES = 1
    for k in range(services.THROTTLE_LIMIT + 1):
        # one proxy address, many clients behind it: none of them is over its own limit
        forwarded = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": f"192.0.2.{k}"}
        error = _post(client, election, {"code": WRONG, "marks": [1]}, **forwarded).json()["error"]
        assert "many wrong codes" not in error
