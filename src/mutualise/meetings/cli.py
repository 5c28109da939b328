"""`mutualise meetings ...`: list an organisation's meetings, print the live quorum, write the
notice PDF and the post-ready letters."""

from __future__ import annotations

from pathlib import Path

from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    meetings = subparsers.add_parser("meetings", help="general meetings: list, quorum, notices")
    sub = meetings.add_subparsers(dest="meetings_command", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help="an organisation's meetings")
    listing.add_argument("--org", required=True, help="organisation slug")
    listing.set_defaults(handler=list_meetings)
    quorum = sub.add_parser("quorum", help="who is present and how many are needed")
    quorum.add_argument("meeting", type=int, help="meeting id")
    quorum.set_defaults(handler=show_quorum)
    notice = sub.add_parser(
        "notice",
        help="write the notice (with the proxy form, where the rules allow proxies) as PDF",
    )
    notice.add_argument("meeting", type=int, help="meeting id")
    notice.add_argument("--out", required=True, help="PDF file to write")
    notice.add_argument(
        "--letters", action="store_true", help="one letter per member who takes post instead"
    )
    notice.set_defaults(handler=write_notice)


def _meeting(ident: int):
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.meetings.models import Meeting

    meeting = Meeting.objects.select_related("organisation").filter(pk=ident).first()
    if meeting is None:
        raise CommandError(f"no meeting with id {ident}")
    return meeting


def list_meetings(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.meetings.models import Meeting

    meetings = Meeting.objects.filter(organisation__slug=args.org).order_by("starts_at")
    for meeting in meetings:
        print(f"{meeting.pk}\t{meeting.date}\t{meeting.get_state_display()}\t{meeting.title}")
    return 0


def show_quorum(args) -> int:
    # why: after setup_django: --help loads no app
    from mutualise.meetings.facts import quorum

    print(quorum(_meeting(args.meeting)))
    return 0


def write_notice(args) -> int:
    meeting = _meeting(args.meeting)
    # why: after setup_django: --help loads no app
    from mutualise.meetings import pdf, services

    if args.letters:
        data = pdf.letters_pdf(meeting, services.members_by_post(meeting))
    else:
        data = pdf.notice_pdf(meeting)
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes)")
    return 0
