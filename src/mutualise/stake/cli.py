"""`mutualise shares offer open|apply|close|show`: share offers from the command line;
`mutualise shares register --org SLUG --format csv|xlsx [--duplicate]`: the s.30 register
(the duplicate omits holdings); `mutualise shares interest --org SLUG --rate R --period
START:END [--post] --format json`: interest per day held, previewed or posted."""

from __future__ import annotations

import json
import sys
from datetime import date

from mutualise import clock
from mutualise.cli import CommandError, setup_django


def register(subparsers) -> None:
    shares = subparsers.add_parser("shares", help="members' shares: the register and interest")
    sub = shares.add_subparsers(dest="shares_command", required=True, metavar="ACTION")
    reg = sub.add_parser("register", help="the register of members and shares (s.30)")
    reg.add_argument("--org", required=True, help="organisation slug")
    reg.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    reg.add_argument("--duplicate", action="store_true", help="the inspection copy: no holdings")
    reg.add_argument("--output", "-o", help="file to write (xlsx needs one unless piped)")
    reg.set_defaults(handler=run_register)
    interest = sub.add_parser("interest", help="interest on shares per day held")
    interest.add_argument("--org", required=True, help="organisation slug")
    interest.add_argument("--rate", required=True, help="yearly rate, e.g. 3%% or 0.03")
    interest.add_argument("--period", required=True, help="START:END, YYYY-MM-DD:YYYY-MM-DD")
    interest.add_argument("--post", action="store_true", help="credit it (otherwise a preview)")
    interest.add_argument("--format", choices=["json"], default="json")
    interest.set_defaults(handler=run_interest)
    hmrc = sub.add_parser("hmrc", help="the interest return to HMRC (ITA 2007 s.887), CSV")
    hmrc.add_argument("--org", required=True, help="organisation slug")
    hmrc.add_argument("--period", required=True, help="the accounting period START:END")
    hmrc.add_argument("--output", "-o", help="file to write (otherwise standard output)")
    hmrc.set_defaults(handler=run_hmrc)
    surplus = sub.add_parser("surplus", help="allocate a year's surplus: preview, approve, post")
    surplus.add_argument("--org", required=True, help="organisation slug")
    surplus.add_argument("--year-ending", required=True, help="YYYY-MM-DD")
    surplus.add_argument("--surplus", required=True, help="the surplus in GBP")
    surplus.add_argument("--pot", action="append", default=[], metavar="USE=GBP",
                         help="a pot, e.g. community-purposes=5000 (reserves take the rest)")  # fmt: skip
    surplus.add_argument("--bonus", help="an equal percentage of pay, e.g. 11%%")
    surplus.add_argument("--payroll", help="payroll CSV: Membership number, Gross pay")
    surplus.add_argument("--trade", help="trade CSV: Membership number, Trade")
    surplus.add_argument("--distributable", help="distributable profits in GBP (a CIC's cap)")
    surplus.add_argument("--approved-on", help="YYYY-MM-DD: record the approval and post")
    surplus.add_argument("--reference", default="", help="where the approval is minuted")
    surplus.add_argument("--resolution", type=int, help="the carried resolution's id")
    surplus.set_defaults(handler=run_surplus)
    withdrawals = sub.add_parser("withdrawals", help="pay the withdrawals due on a day")
    withdrawals.add_argument("--org", required=True, help="organisation slug")
    withdrawals.add_argument("--on", required=True, help="YYYY-MM-DD")
    withdrawals.set_defaults(handler=run_withdrawals)
    offer = sub.add_parser("offer", help="share offers: open, apply, close, show")
    acts = offer.add_subparsers(dest="offer_command", required=True, metavar="ACTION")
    opening = acts.add_parser("open", help="open a share offer")
    opening.add_argument("--org", required=True, help="organisation slug")
    opening.add_argument("--title", required=True)
    opening.add_argument("--kind", choices=["time-bound", "open", "membership"],
                         default="time-bound")  # fmt: skip
    opening.add_argument("--opens", required=True, help="YYYY-MM-DD")
    opening.add_argument("--closes", required=True, help="YYYY-MM-DD, the last day")
    for target in ("minimum", "optimum", "maximum"):
        opening.add_argument(f"--{target}", required=True, help=f"{target} target in GBP")
    opening.add_argument("--policy", default="pro-rata",
                         choices=["first-come-first-served", "pro-rata", "priority"])  # fmt: skip
    opening.set_defaults(handler=run_offer_open)
    applying = acts.add_parser("apply", help="record an application (paid in full)")
    applying.add_argument("--org", required=True, help="organisation slug")
    applying.add_argument("--offer", required=True, type=int, help="offer id")
    applying.add_argument("--member", required=True, type=int, help="membership number")
    applying.add_argument("--shares", required=True, type=int, help="whole shares")
    applying.add_argument("--priority", type=int, default=0, help="0 first (e.g. residents)")
    applying.set_defaults(handler=run_offer_apply)
    closing = acts.add_parser("close", help="close after the last day: allot or refund")
    closing.add_argument("--org", required=True, help="organisation slug")
    closing.add_argument("--offer", required=True, type=int, help="offer id")
    closing.add_argument("--on", required=True, help="YYYY-MM-DD, after the closing day")
    closing.set_defaults(handler=run_offer_close)
    showing = acts.add_parser("show", help="an offer's progress and applications as JSON")
    showing.add_argument("--org", required=True, help="organisation slug")
    showing.add_argument("--offer", required=True, type=int, help="offer id")
    showing.set_defaults(handler=run_offer_show)


def _organisation(slug: str):
    # why: after setup_django: --help loads no app
    from mutualise.register.models import Organisation

    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"no organisation '{slug}'")
    return organisation


def _period(text: str) -> tuple[date, date]:
    try:
        start, end = text.split(":")
        return date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise CommandError(f"--period {text!r}: give START:END as YYYY-MM-DD:YYYY-MM-DD") from None


def run_register(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import exports, services
    from mutualise.stake.services import StakeError

    organisation = _organisation(args.org)
    try:
        if args.format == "csv":
            data = exports.register_csv(organisation, duplicate=args.duplicate).encode()
        else:
            data = exports.register_xlsx(organisation, duplicate=args.duplicate)
        copy = "duplicate" if args.duplicate else "full"
        services.record_inspection(organisation, copy=copy, form=args.format,
                                   actor="operator (command line)")  # fmt: skip
    except StakeError as exc:
        raise CommandError(str(exc)) from None
    if args.output:
        with open(args.output, "wb") as handle:
            handle.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def run_interest(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import services
    from mutualise.stake.services.interest import parse_rate

    organisation = _organisation(args.org)
    start, end = _period(args.period)
    try:
        rate = parse_rate(args.rate)
        if args.post:
            run, preview = services.post_interest(organisation, rate, start, end, actor="cli")
        else:
            run, preview = None, services.preview_interest(organisation, rate, start, end)
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    out = preview.as_dict() | {"posted": run is not None}
    if run is not None:
        out["run"] = run.pk
    print(json.dumps(out, indent=2))
    return 0


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{flag} {text!r}: give a date as YYYY-MM-DD") from None


def _pence(text: str, flag: str) -> int:
    pounds, dot, pence = text.strip().lstrip("£").replace(",", "").partition(".")
    if not (pounds.isascii() and pounds.isdigit()) or (
        dot and not (len(pence) == 2 and pence.isascii() and pence.isdigit())
    ):
        raise CommandError(f"{flag} {text!r}: give an amount in pounds such as 20000 or 250.50")
    return int(pounds) * 100 + (int(pence) if dot else 0)


def _offer(organisation, pk: int):
    # why: after setup_django: --help loads no app
    from mutualise.stake.models import ShareOffer

    offer = ShareOffer.objects.filter(organisation=organisation, pk=pk).first()
    if offer is None:
        raise CommandError(f"no offer {pk} in {organisation.slug}")
    return offer


def _print_offer(offer) -> None:
    # why: after setup_django: --help loads no app
    from mutualise.stake import offer_pages

    print(json.dumps(offer_pages.progress(offer).as_dict(), indent=2))


def run_offer_open(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import services

    organisation = _organisation(args.org)
    try:
        offer = services.open_offer(
            organisation, title=args.title, kind=args.kind,
            opens_on=_day(args.opens, "--opens"), closes_on=_day(args.closes, "--closes"),
            minimum_pence=_pence(args.minimum, "--minimum"),
            optimum_pence=_pence(args.optimum, "--optimum"),
            maximum_pence=_pence(args.maximum, "--maximum"), policy=args.policy, actor="cli",
        )  # fmt: skip
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    _print_offer(offer)
    return 0


def run_offer_apply(args) -> int:
    setup_django()

    # why: after setup_django: --help loads no app
    from mutualise.register.models import Member
    from mutualise.stake import services

    organisation = _organisation(args.org)
    offer = _offer(organisation, args.offer)
    member = Member.objects.filter(organisation=organisation, number=args.member).first()
    if member is None:
        raise CommandError(f"no member {args.member} in {organisation.slug}")
    try:
        services.apply(offer, member, args.shares, at=clock.now(), priority=args.priority,
                       actor="cli")  # fmt: skip
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    _print_offer(offer)
    return 0


def run_offer_close(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import services

    organisation = _organisation(args.org)
    try:
        offer = services.close_offer(_offer(organisation, args.offer),
                                     on=_day(args.on, "--on"), actor="cli")  # fmt: skip
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    _print_offer(offer)
    return 0


def run_offer_show(args) -> int:
    setup_django()
    _print_offer(_offer(_organisation(args.org), args.offer))
    return 0


def run_hmrc(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import documents
    from mutualise.stake.services import StakeError

    organisation = _organisation(args.org)
    start, end = _period(args.period)
    try:
        data = documents.hmrc_return_csv(organisation, start, end).encode()
    except StakeError as exc:
        raise CommandError(str(exc)) from None
    if args.output:
        with open(args.output, "wb") as handle:
            handle.write(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0


def _read(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def run_surplus(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import services
    from mutualise.stake.services.interest import parse_rate

    organisation = _organisation(args.org)
    pots = {}
    for text in args.pot:
        use, _, amount = text.partition("=")
        pots[use.strip()] = _pence(amount, f"--pot {use}")
    try:
        run = services.preview_surplus(
            organisation, year_ending=_day(args.year_ending, "--year-ending"),
            surplus_pence=_pence(args.surplus, "--surplus"), pots=pots,
            bonus_rate=parse_rate(args.bonus) if args.bonus else None,
            payroll=_read(args.payroll), trade=_read(args.trade),
            distributable_pence=_pence(args.distributable, "--distributable")
            if args.distributable else None, actor="cli",
        )  # fmt: skip
        if args.approved_on:
            services.approve_surplus(run, approved_on=_day(args.approved_on, "--approved-on"),
                                     reference=args.reference, resolution_id=args.resolution,
                                     actor="cli")  # fmt: skip
            run = services.post_surplus(run, actor="cli")
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    out = {
        "run": run.pk, "state": run.state, "surplus_pence": run.surplus_pence,
        "pots": [{"use": p.use, "pence": p.amount_pence, "rate": p.rate,
                  "payments": p.payments.count()} for p in run.pots.order_by("position")],
    }  # fmt: skip
    print(json.dumps(out, indent=2))
    return 0


def run_withdrawals(args) -> int:
    setup_django()
    # why: after setup_django: --help loads no app
    from mutualise.stake import services

    organisation = _organisation(args.org)
    try:
        paid = services.pay_withdrawals(organisation, on=_day(args.on, "--on"), actor="cli")
    except services.StakeError as exc:
        raise CommandError(str(exc)) from None
    print(json.dumps({"on": args.on, "allowance_pence": paid.limit_pence,
                      "paid_pence": paid.paid_pence, "paid": len(paid.paid),
                      "queued_pence": sum(paid.queued.values()),
                      "lapsed_pence": sum(paid.lapsed.values()),
                      "not_paid": {str(k): v for k, v in paid.reasons.items()}},
                     indent=2))  # fmt: skip
    return 0
