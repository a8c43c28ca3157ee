"""`poflow users`: people and service accounts, and their API tokens.

    poflow users add LOGIN --name NAME --role ap_clerk [--role …] [--email E] [--password-stdin]
    poflow users add LOGIN --service --name "EDI gateway"
    poflow users list [--json]
    poflow users disable LOGIN
    poflow users limit LOGIN USD=50000 [EUR=45000 …]
    poflow users org LOGIN [--deputy LOGIN] [--manager LOGIN]
    poflow users delegate LOGIN --to LOGIN --from YYYY-MM-DD --until YYYY-MM-DD [--reason TEXT]
    poflow users token create LOGIN [--scope documents|documents+pos|person] [--days 90] [--label TEXT]
    poflow users token revoke TOKEN_ID
    poflow users token list [LOGIN]

These run on the database directly, as `poflow migrate` does: whoever can run
them already holds the database's credentials, the root of trust. What they
record as the creator is `cli:<operating-system user>`. A new token is printed
once, on stdout alone (so `… > ~/.config/poflow/token` keeps it); nothing else
ever shows it again, and only its SHA-256 is stored.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from identity.names import InvalidName
from identity.roles import Kind, Role, Scope
from starter.cli_support import Streams, open_database, table
from starter.errors import EXIT_OK, Invalid, NotFound

__all__ = ["add_commands", "run_users"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = commands.add_parser("users", help="people and service accounts, and their API tokens")
    sub = users.add_subparsers(dest="users_command", required=True, metavar="COMMAND")
    add = sub.add_parser("add", help="add a person (roles) or a service account (--service)")
    add.add_argument("login", metavar="LOGIN", help="letters, digits, '.', '_', '-' (compared case-folded)")
    add.add_argument("--name", required=True, metavar="NAME", help="shown in the inbox and on decisions")
    add.add_argument("--role", action="append", default=[], choices=[r.value for r in Role], dest="roles")
    add.add_argument("--email", metavar="ADDRESS")
    add.add_argument("--service", action="store_true", help="a system (EDI gateway, WMS…): tokens only")
    add.add_argument("--password-stdin", action="store_true", help="read the web sign-in password from stdin")
    add.set_defaults(local=run_users, users_run=_add)
    listing = sub.add_parser("list", help="every principal, with roles and state")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(local=run_users, users_run=_list)
    disable = sub.add_parser("disable", help="stop sign-in and every token of a principal at once")
    disable.add_argument("login", metavar="LOGIN")
    disable.set_defaults(local=run_users, users_run=_disable)
    limit = sub.add_parser("limit", help="what a person may approve alone, per currency (approval matrix)")
    limit.add_argument("login", metavar="LOGIN")
    limit.add_argument(
        "limits", nargs="+", metavar="CUR=AMOUNT", help="e.g. USD=50000 EUR=45000 (replaces them)"
    )
    limit.set_defaults(local=run_users, users_run=_limit)
    org = sub.add_parser("org", help="who takes over a person's overdue tasks: deputy, then manager")
    org.add_argument("login", metavar="LOGIN")
    org.add_argument("--deputy", metavar="LOGIN", help="first rung of the SLA ladder (omit: none)")
    org.add_argument("--manager", metavar="LOGIN", help="second rung (omit: none)")
    org.set_defaults(local=run_users, users_run=_org)
    away = sub.add_parser("delegate", help="out of office: the person's tasks go to another between two days")
    away.add_argument("login", metavar="LOGIN")
    away.add_argument("--to", required=True, metavar="LOGIN")
    away.add_argument("--from", dest="starts", required=True, metavar="YYYY-MM-DD", help="first day (UTC)")
    away.add_argument("--until", dest="ends", required=True, metavar="YYYY-MM-DD", help="last day (UTC)")
    away.add_argument("--reason", metavar="TEXT")
    away.set_defaults(local=run_users, users_run=_delegate)
    _add_token_commands(sub)


def _add_token_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = sub.add_parser("token", help="API tokens: create (shown once), revoke, list")
    tokens = token.add_subparsers(dest="token_command", required=True, metavar="COMMAND")
    create = tokens.add_parser("create", help="a new token, printed once on stdout")
    create.add_argument("login", metavar="LOGIN")
    create.add_argument(
        "--scope", choices=[s.value for s in Scope], help="default: person for people, documents for services"
    )
    create.add_argument(
        "--days", type=int, default=90, metavar="N", help="expires after N days (default 90, at most 366)"
    )
    create.add_argument("--label", default="", metavar="TEXT", help="what it is for (shown in `token list`)")
    create.set_defaults(local=run_users, users_run=_token_create)
    revoke = tokens.add_parser("revoke", help="stop a token at once")
    revoke.add_argument("token_id", metavar="TOKEN_ID")
    revoke.set_defaults(local=run_users, users_run=_token_revoke)
    listing = tokens.add_parser("list", help="tokens (never their secrets)")
    listing.add_argument("login", nargs="?", metavar="LOGIN")
    listing.set_defaults(local=run_users, users_run=_token_list)


def run_users(args: argparse.Namespace, io: Streams) -> int:
    """The `local` handler of every subcommand here."""
    try:
        return int(args.users_run(args, io))
    except InvalidName as exc:
        raise Invalid(f"login: {exc}") from None


def _now() -> datetime:
    return datetime.now(UTC)


def _add(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import PrincipalExists, add_principal

    password = io.stdin.read().decode("utf-8").rstrip("\r\n") if args.password_stdin else None
    kind = Kind.SERVICE if args.service else Kind.PERSON
    with open_database() as engine:
        try:
            principal = add_principal(
                engine,
                args.login,
                kind=kind,
                display_name=args.name,
                roles=args.roles,
                now=_now(),
                password=password,
                email=args.email,
                created_by=f"cli:{getpass.getuser()}",
            )
        except PrincipalExists as exc:
            raise Invalid(str(exc)) from None
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    roles = ", ".join(sorted(principal.roles)) or ("tokens only" if args.service else "no roles")
    print(f"added {principal.kind.value} {principal.principal_id} ({roles})", file=io.stdout)
    return EXIT_OK


def _list(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import list_principals

    with open_database() as engine:
        found = list_principals(engine)
    if args.json:
        rows = [
            {
                "principal_id": p.principal_id,
                "kind": p.kind.value,
                "display_name": p.display_name,
                "roles": sorted(p.roles),
                "email": p.email,
                "disabled": p.disabled,
            }
            for p in found
        ]
        print(json.dumps(rows, indent=2), file=io.stdout)
        return EXIT_OK
    lines = table(
        ["LOGIN", "KIND", "NAME", "ROLES", "STATE"],
        [
            [
                p.principal_id,
                p.kind.value,
                p.display_name,
                ", ".join(sorted(p.roles)) or "-",
                "disabled" if p.disabled else "active",
            ]
            for p in found
        ],
    )
    print("\n".join(lines), file=io.stdout)
    return EXIT_OK


def _disable(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import disable_principal
    from identity.names import normalize_login

    login = normalize_login(args.login)
    with open_database() as engine:
        if not disable_principal(engine, login, now=_now()):
            raise NotFound(f"no principal {login}")
    print(f"disabled {login}: no sign-in, no token works", file=io.stdout)
    return EXIT_OK


def _limit(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.approval_matrix import set_approval_limits
    from identity.names import normalize_login

    limits = dict(_parse_limit(text) for text in args.limits)
    login = normalize_login(args.login)
    with open_database() as engine:
        if not set_approval_limits(engine, login, limits):
            raise NotFound(f"no principal {login}")
    shown = ", ".join(f"{amount} {currency}" for currency, amount in sorted(limits.items()))
    print(f"{login} may approve up to {shown}", file=io.stdout)
    return EXIT_OK


def _org(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.org import set_org
    from activities.db.principals import get_principal
    from identity.names import normalize_login

    login = normalize_login(args.login)
    with open_database() as engine:
        for other in filter(None, (args.deputy, args.manager)):
            if get_principal(engine, normalize_login(other)) is None:
                raise NotFound(f"no principal {normalize_login(other)}")
        if not set_org(engine, login, deputy=args.deputy, manager=args.manager):
            raise NotFound(f"no principal {login}")
    print(f"{login}: deputy {args.deputy or '-'}, manager {args.manager or '-'}", file=io.stdout)
    return EXIT_OK


def _delegate(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.org import add_delegation

    starts, ends = _day(args.starts, "--from"), _day(args.ends, "--until") + timedelta(days=1)
    with open_database() as engine:
        try:
            add_delegation(
                engine,
                args.login,
                to=args.to,
                starts_at=starts,
                ends_at=ends,
                reason=args.reason,
                now=_now(),
                created_by=f"cli:{getpass.getuser()}",
            )
        except LookupError as exc:
            raise NotFound(str(exc)) from None
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    print(
        f"{args.login}'s tasks go to {args.to} from {args.starts} to {args.ends} (UTC days)", file=io.stdout
    )
    return EXIT_OK


def _day(text: str, flag: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), time(0), tzinfo=UTC)
    except ValueError:
        raise Invalid(f"{flag}: {text!r} is not a day (YYYY-MM-DD)") from None


def _parse_limit(text: str) -> tuple[str, Decimal]:
    currency, _, amount = text.partition("=")
    try:
        value = Decimal(amount)
    except InvalidOperation:
        value = Decimal(-1)
    if len(currency) != 3 or not currency.isalpha() or not value.is_finite() or value < 0:
        raise Invalid(f"{text!r}: a limit is CUR=AMOUNT, e.g. USD=50000")
    return currency.upper(), value


def _token_create(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import create_token, get_principal
    from identity.names import normalize_login

    login = normalize_login(args.login)
    now = _now()
    with open_database() as engine:
        principal = get_principal(engine, login)
        if principal is None:
            raise NotFound(f"no principal {login}")
        default = Scope.PERSON if principal.kind == Kind.PERSON else Scope.DOCUMENTS
        scope = Scope(args.scope) if args.scope else default
        try:
            issued = create_token(
                engine,
                login,
                scope=scope,
                label=args.label,
                expires_at=now + timedelta(days=args.days),
                now=now,
            )
        except ValueError as exc:
            raise Invalid(str(exc)) from None
    print(issued.token, file=io.stdout)
    print(
        f"token {issued.token_id} for {login} ({scope.value}), expires in {args.days} days; "
        "shown this once: keep it in a secret store",
        file=io.stderr,
    )
    return EXIT_OK


def _token_revoke(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import revoke_token

    with open_database() as engine:
        if not revoke_token(engine, args.token_id, now=_now()):
            raise NotFound(f"no token {args.token_id}")
    print(f"revoked token {args.token_id}", file=io.stdout)
    return EXIT_OK


def _token_list(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.principals import TokenRow, list_tokens
    from identity.names import normalize_login

    with open_database() as engine:
        rows = list_tokens(engine, normalize_login(args.login) if args.login else None)
    now = _now()

    def state(row: TokenRow) -> str:
        if row.revoked_at is not None:
            return "revoked"
        return "expired" if row.expires_at <= now else f"until {row.expires_at:%Y-%m-%d}"

    lines = table(
        ["TOKEN", "LOGIN", "SCOPE", "LABEL", "STATE", "LAST USED"],
        [
            [
                r.token_id,
                r.principal_id,
                r.scope.value,
                r.label,
                state(r),
                f"{r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "-",
            ]
            for r in rows
        ],
    )
    print("\n".join(lines), file=io.stdout)
    return EXIT_OK
