"""Identity rules (identity.names, identity.roles, identity.credentials),
expectations written from the sources the modules cite: NFKC + case folding
make one spelling (TR #15, RFC 8264); invisible characters and mixed scripts
are refused (UTS #39); a token's scope bounds a person's roles."""

from __future__ import annotations

import pytest

from identity.credentials import (
    hash_password,
    issue_token,
    split_token,
    token_secret_matches,
    verify_password,
)
from identity.names import InvalidName, normalize_login
from identity.roles import Kind, Permission, Role, Scope, may_take_task, permissions_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice", "alice"),
        ("ALICE", "alice"),
        ("  Alice ", "alice"),
        ("\uff21lice", "alice"),  # fullwidth A (NFKC)
        ("Jürgen.Weiß", "jürgen.weiss"),  # ß case-folds to ss
        ("山田-はなこ", "山田-はなこ"),  # Han with Hiragana is one script set (UTS #39 Jpan)
        ("ap_clerk-2", "ap_clerk-2"),
    ],
)
def test_one_spelling_per_login(raw: str, expected: str) -> None:
    assert normalize_login(raw) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("al\u200bice", "invisible"),  # zero-width space
        ("alice\u200d", "invisible"),  # zero-width joiner at the end
        ("\u202ealice", "invisible"),  # right-to-left override
        ("al ice", "invisible or spacing"),
        ("\u0430lice", "one script"),  # Cyrillic а in a Latin name
        ("p\u0430ypal", "one script"),
        ("alice@corp", "'@domain' is not a login"),
        ("alice@corp.example", "'@domain' is not a login"),
        ("", "empty"),
        ("   ", "empty"),
        (".alice", "starts and ends"),
        ("a" * 65, "at most 64"),
    ],
)
def test_names_that_cannot_be_an_identity_are_refused(raw: str, why: str) -> None:
    with pytest.raises(InvalidName, match=why):
        normalize_login(raw)


@pytest.mark.parametrize(
    ("kind", "roles", "scope", "may", "may_not"),
    [
        (Kind.SERVICE, [], Scope.DOCUMENTS, {Permission.SUBMIT_DOCUMENTS}, {Permission.MANAGE_POS}),
        (
            Kind.SERVICE,
            [],
            Scope.DOCUMENTS_POS,
            {Permission.MANAGE_POS, Permission.POST_RECEIPTS},
            {Permission.DECIDE_TASKS},
        ),
        (Kind.PERSON, [Role.AP_CLERK], Scope.PERSON, {Permission.DECIDE_TASKS}, {Permission.MANAGE_USERS}),
        (Kind.PERSON, [Role.ADMIN], Scope.PERSON, {Permission.MANAGE_USERS}, {Permission.DECIDE_TASKS}),
        (
            Kind.PERSON,
            [Role.RECEIVER],
            Scope.PERSON,
            {Permission.POST_RECEIPTS},
            {Permission.SUBMIT_DOCUMENTS},
        ),
        (
            Kind.PERSON,
            [Role.BUYER],
            Scope.DOCUMENTS,
            {Permission.SUBMIT_DOCUMENTS},
            {Permission.DECIDE_TASKS},
        ),
        (Kind.PERSON, [], Scope.PERSON, set(), {Permission.READ}),
    ],
)
def test_permissions_are_the_roles_within_the_scope(
    kind: Kind, roles: list[Role], scope: Scope, may: set[Permission], may_not: set[Permission]
) -> None:
    granted = permissions_of(kind, roles, scope)
    assert may <= granted
    assert not (may_not & granted)


@pytest.mark.parametrize(
    ("roles", "task_role", "expected"),
    [
        (["ap_clerk"], "ap_clerk", True),
        (["ap_manager"], "ap_clerk", True),  # the manager covers the clerk
        (["ap_clerk"], "ap_manager", False),
        (["buyer"], "ap_clerk", False),
        (["admin"], "budget_owner", False),  # an admin decides nothing about money
        (["not-a-role"], "ap_clerk", False),
        ([], "buyer", False),
    ],
)
def test_who_may_take_a_task(roles: list[str], task_role: str, expected: bool) -> None:
    assert may_take_task(roles, task_role) is expected


def test_passwords_are_argon2id_and_verify_only_themselves() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse battery ")
    assert not verify_password("not a hash", "correct horse battery")
    with pytest.raises(ValueError, match="at least 12"):
        hash_password("short")


def test_a_token_is_its_id_and_a_secret_of_which_only_a_hash_is_kept() -> None:
    issued = issue_token()
    parts = split_token(issued.token)
    assert parts is not None
    token_id, secret = parts
    assert token_id == issued.token_id
    assert secret not in issued.secret_hash
    assert token_secret_matches(issued.secret_hash, secret)
    assert not token_secret_matches(issued.secret_hash, secret + "x")
    assert split_token("Bearer abc") is None
    assert split_token("pft__x") is None
