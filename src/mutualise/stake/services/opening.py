"""Opening balances for members just imported: one share account and one allotment each,
written set-wise, with one audit event for the import carrying the digest of the holdings."""

from __future__ import annotations

from datetime import date

from django.db import connection, transaction

from mutualise import clock
from mutualise.audit import services as audit
from mutualise.register.models import Member

from .. import bulk
from .errors import require, shares_rules


def record_opening_balances(organisation, batch, opening_shares: dict, *, on: date, actor=None):
    """`opening_shares` maps the imported members' external references to pence (whole
    shares, checked row by row by the import). Runs inside the import's transaction."""
    require(actor, "stake.keep_register", organisation, "record opening balances")
    shares_rules(organisation)
    with transaction.atomic():
        members = dict(
            Member.objects.filter(
                organisation=organisation, import_batch=batch, external_ref__in=list(opening_shares)
            )  # fmt: skip
            .values_list("external_ref", "pk")
            .iterator(20_000)
        )
        rows = sorted((pk, opening_shares[ref]) for ref, pk in members.items())
        if not rows:
            return 0
        bulk.load_parts(rows)
        ops = connection.ops
        reference = f"import-{batch.pk}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO stake_shareaccount (organisation_id, member_id, balance_pence,
                    opened_on) SELECT %s, id, pence, %s FROM {bulk.PARTS}""",
                [organisation.pk, ops.adapt_datefield_value(on)],
            )
            cursor.execute(
                f"""INSERT INTO stake_movement (organisation_id, account_id, kind, amount_pence,
                    balance_after_pence, "on", recorded_at, recorded_by, counterpart_id,
                    reference, note)
                SELECT %s, a.id, 'allotment', p.pence, p.pence, %s, %s, %s, NULL, %s,
                       'opening balance'
                FROM {bulk.PARTS} p JOIN stake_shareaccount a ON a.member_id = p.id""",
                [organisation.pk, ops.adapt_datefield_value(on),
                 ops.adapt_datetimefield_value(clock.now()), audit.actor_name(actor),
                 reference],
            )  # fmt: skip
        bulk.drop_parts()
        numbers = dict(Member.objects.filter(pk__in=[pk for pk, _ in rows])
                       .values_list("pk", "number"))  # fmt: skip
        audit.record(organisation, "shares.opening_balances", actor=actor, subject=batch,
                     data={"members": len(rows), "pence": sum(p for _, p in rows),
                           "holdings_sha256": bulk.digest(
                               f"{numbers[pk]}:{p}" for pk, p in
                               sorted(rows, key=lambda r: numbers[r[0]]))})  # fmt: skip
    return len(rows)
