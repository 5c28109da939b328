"""Every public function of every app's services either writes an audit event or is listed here
with the reason it need not: a pure read, or a write the log must not carry (issue 11 item 7).

A new verb that changes state without an event fails `test_every_verb_writes_an_event`; a read
listed here that starts writing fails `test_the_reads_listed_do_not_write`; a name listed here
that is gone fails `test_the_lists_name_only_real_functions`."""

import pytest
from verb_walker import Index

# Pure reads: they change nothing, so there is nothing to record.
READS = {
    "accounts.services.errors": ["require_role_manager"],
    "accounts.services.founding": ["may_found", "suggest_slug", "slug_problem"],
    "accounts.services.invitations": ["lookup", "wrong_person"],
    "accounts.services.members": ["require_secretary", "member_link", "uninvited_members"],
    "accounts.services.membership": [
        "require_own", "needs_confirming", "waiting_changes", "recent_refusals",
    ],
    "accounts.services.passwords": ["organisations_of", "reset_link"],
    "accounts.services.recovery": ["normalise", "has_authenticator", "codes_left"],
    "accounts.services.roles": ["site_url", "invitation_link", "grant_problems", "role_holders"],
    "audit.services": [
        "actor_name", "chain_head", "head_at", "latest_event", "events_about", "notice_record",
        "check_batches",
    ],
    "elections.services.casting": ["ballot_rules", "parse_marks", "check_marks", "marks_text"],
    "elections.services.common": ["timetable", "facts", "casting_vote_pending"],
    "elections.services.setup": ["earliest_close_of_poll"],
    "elections.services.nominations": ["ballot_candidates"],
    "elections.services.receipts": ["check_receipt"],
    "elections.services.roll": ["roll_counts"],
    "elections.services.replacement": ["find_voters", "voter", "has_voted"],
    "governance.services.errors": ["require"],
    "governance.services.health": ["health_all"],
    "governance.services.holders": ["current_holders", "officers_register"],
    "governance.services.reminders": ["ahead_days", "open_reminders"],
    "jobs.services": [
        "on_failure", "job_for", "live", "kind", "may_view", "back_url", "unfinished", "latest",
        "downloads_once", "current_output",
    ],
    "mail.services": ["from_address", "render", "check_address", "holds_forgotten_secret"],
    "meetings.services.agenda": ["agenda", "kind_rules"],
    "meetings.services.attendance": ["is_present", "may_attend"],
    "meetings.services.common": ["member_for", "may", "require", "is_self", "require_self"],
    "meetings.services.minutes": ["minutes_text"],
    "meetings.services.hands": ["may_raise_hand_online", "online_hands"],
    "meetings.services.motions": ["word_count"],
    "meetings.services.notice": ["members_by_email", "members_by_post", "notice_sent", "require_unsent"],
    "meetings.services.organising": ["earliest_lawful_date"],
    "meetings.services.proxies": [
        "proxy_deadline", "live_proxies", "may_appoint_proxy", "may_revoke_proxy",
    ],
    "meetings.services.voting": ["may_vote"],
    "meetings.services.record": ["attendance_list", "record_text"],
    "meetings.services.results": [
        "ballots_digest", "receipts_digest", "published_ballots", "published_receipts",
        "check_receipt", "tally",
    ],
    "participation.services.common": [
        "now_or", "today", "require", "require_member", "require_self", "member_for",
    ],
    "participation.services.counting": ["instance_for", "pb_text"],
    "participation.services.delivery": ["deliveries_csv"],
    "participation.services.voting": ["eligibility", "has_voted", "validate"],
    "participation.services.paper": ["waiting_keyings"],
    "participation.services.setup": ["check", "defaults", "suggested_window", "window_problem"],
    "participation.services.to_meeting": ["awaiting", "resolution_kind", "waiting_items"],
    "register.services.mail": ["failed_mail"],
    "register.services.details": ["normalise_details", "find_duplicates", "eligibility_reasons"],
    "register.services.privacy": ["member_history", "subject_access"],
    "register.services.standing": ["recheck_register"],
    "register.services.members": ["member_facts", "may_end"],
    "stake.services.inspection": ["inspections"],
    "stake.services.errors": ["require", "shares_rules", "check_day", "check_pence", "check_text"],
    "stake.services.interest": [
        "parse_rate", "preview_interest", "posted_digest", "run_reference",
    ],
    "stake.services.ledger": ["maximum_holding", "verify_ledger"],
    "stake.services.nominations": ["nomination_on", "death_payouts"],
    "stake.services.offers": ["suspended_between", "applied_for"],
    "stake.services.surplus": ["read_amounts", "required_approval", "surplus_digest"],
    "stake.services.withdrawals": ["suspension_on", "yearly_allowance"],
}  # fmt: skip

# Writes that carry no event of their own, each for a stated reason.
WRITES_WITHOUT_EVENT = {
    "jobs.services.start": (
        "queues a job and its task for a verb that records itself (e.g. register.queue_import)"
    ),
    "jobs.services.fail": (
        "a job's progress record, not the organisation's state; its kind's hook tidies the "
        "work, and the work that did commit recorded itself"
    ),
    "jobs.services.running": "a job's progress record (attempts, state) only",
    "mail.services.send": (
        "records a message in the outbox (itself the record of what was sent to whom) for a "
        "verb that records itself (issuing codes, sending a notice, an invitation)"
    ),
    "mail.services.attachment": "stores a file for the messages of a verb that records itself",
    "mail.services.copy_to": (
        "records a failed message anew in the outbox for register.resend_mail, which records "
        "itself (mail.resent)"
    ),
    "jobs.services.save_output": (
        "the job's file, written in the work's own final transaction by a verb that records "
        "itself (e.g. elections.poll cards issue the codes and audit them)"
    ),
    "accounts.services.claims.request_claim": (
        "records an anonymous claim (keyed digests only: the throttle and what the worker "
        "checks); a claim that matches is audited by check_claim as the invitation it sends, "
        "and one that does not must leave no trace anyone could read as an answer"
    ),
    "audit.services.record": "it is the audit log: it writes the event itself",
    "audit.services.redact_subject": (
        "blanks and reseals the events about an erased subject; the erasure that calls it "
        "(register.erase_member) records itself"
    ),
    # elections.services cast, key_paper_ballot and check_code reach audit.record only through
    # the code-guessing alarm (and paper keyings through a mismatch, which discards both, as in
    # participation): by design no event per ballot (secrecy; the close of poll audits the
    # counts), as meetings.cast_vote below.
    "meetings.services.voting.cast_vote": (
        "ballot secrecy, as elections.cast: the declaration audits the counts and seals every "
        "ballot"
    ),
    "participation.services.voting.cast_ballot": (
        "ballot secrecy, as elections.cast: no event per ballot; the count audits the total"
    ),
    "participation.services.voting.record": (
        "the vote record and the sealed ballot, in cast_ballot's transaction (as above)"
    ),
    "governance.services.health.run_daily": (
        "stores each organisation's latest health report, derived from the facts and "
        "recomputable; it changes no member, vote or rule"
    ),
    "stake.services.ledger.account_for": (
        "opens an empty share account on first use; no money moves, and the movement that "
        "needs the account is what its caller audits"
    ),
    "register.services.details.reserve_numbers": (
        "advances the membership-number counter for a caller that audits what it numbers "
        "(join, admit, import)"
    ),
}


@pytest.fixture(scope="module")
def index():
    return Index()


def _short(fn) -> str:
    return fn.qualname.removeprefix("mutualise.")


def _reads() -> set[str]:
    return {f"{module}.{name}" for module, names in READS.items() for name in names}


@pytest.mark.pure
def test_the_walk_finds_every_app(index):
    apps = {fn.module.split(".")[1] for fn in index.public}
    assert {
        "accounts",
        "audit",
        "elections",
        "meetings",
        "register",
        "governance",
        "participation",
        "stake",
    } <= apps
    assert len(index.public) > 100


@pytest.mark.pure
def test_every_verb_writes_an_event(index):
    listed = _reads() | set(WRITES_WITHOUT_EVENT)
    silent = [_short(fn) for fn in index.public if not index.audits(fn)]
    assert sorted(set(silent) - listed) == [], (
        "these services functions write no audit event: make them call audit.record in their "
        "transaction, or list them above with the reason"
    )


@pytest.mark.pure
def test_the_reads_listed_do_not_write(index):
    writing = [_short(fn) for fn in index.public if _short(fn) in _reads() and index.writes(fn)]
    assert writing == [], "listed as reads but they write: audit them, or justify the write"


@pytest.mark.pure
def test_the_lists_name_only_real_functions(index):
    real = {_short(fn) for fn in index.public}
    assert sorted((_reads() | set(WRITES_WITHOUT_EVENT)) - real) == []
    audited = {_short(fn) for fn in index.public if index.audits(fn)}
    assert sorted(audited & (_reads() | set(WRITES_WITHOUT_EVENT))) == []


@pytest.mark.pure
def test_the_walker_sees_writes_and_events(tmp_path):
    """The walker itself can fail: a verb that saves and does not record is caught."""
    from verb_walker import SRC

    fake = SRC / "mutualise" / "register" / "_walker_probe_services.py"
    fake.write_text(
        "from mutualise.audit import services as audit\n"
        "def silent(m):\n    m.save()\n"
        "def loud(m):\n    m.save()\n    _helper(m)\n"
        "def _helper(m):\n    audit.record(m.organisation, 'x')\n"
    )
    try:
        probe = Index(extra_files=[fake])
        found = {fn.name: fn for fn in probe.public if fn.module.endswith("probe_services")}
        assert probe.writes(found["silent"]) and not probe.audits(found["silent"])
        assert probe.audits(found["loud"])
    finally:
        fake.unlink()
