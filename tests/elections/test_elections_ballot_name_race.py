"""Nominations racing on PostgreSQL: of several members nominated at once under one ballot name
(case and whitespace aside), exactly one stands, so the exported BLT never names two alike."""

import threading

import pytest
from django.db import connection, connections
from officer_helpers import DECLARE, scene

from mutualise.elections import services
from mutualise.elections.models import Candidate

pytestmark = pytest.mark.django_db(transaction=True)

NAMES = ["Ann Able", "ann able", "ANN  ABLE", "Ann\tAble"]


def test_one_of_several_racing_nominations_of_one_ballot_name_stands(nhs_org):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time, so there is no race to test there")
    s = scene(nhs_org, "returning_officer", stage="nominations", voters=len(NAMES))
    started = threading.Barrier(len(NAMES))
    stood, refused, lock = [], [], threading.Lock()

    def nominate(member, name):
        started.wait()
        try:
            services.nominate(
                s.election, member, ballot_name=name, declarations=DECLARE,
                now=s.drive.nominating,
            )  # fmt: skip
        except services.ElectionError as exc:
            with lock:
                refused.append(str(exc))
        else:
            with lock:
                stood.append(name)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=nominate, args=pair) for pair in zip(s.voters, NAMES, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stood) == 1 and len(refused) == len(NAMES) - 1
    assert all("already has the ballot name" in message for message in refused)
    names = Candidate.objects.filter(election=s.election).values_list("ballot_name", flat=True)
    assert sum(" ".join(n.split()).casefold() == "ann able" for n in names) == 1
