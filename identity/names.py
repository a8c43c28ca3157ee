"""Login names: one spelling per person, so a name can be an identity.

A principal id is the normalised login, never a name typed into a request.
Normalising (Unicode NFKC, then case folding) makes `Ａlice`, `ALICE` and
`alice` one name. What normalising cannot make safe is refused, with the reason:

- invisible characters (Unicode categories Cc, Cf, Zl, Zp: zero-width space,
  joiners, direction marks, controls) — `al\u200bice` would look like `alice`;
- letters from more than one script (UTS #39 "mixed script") — a Cyrillic `а`
  in `аlice` looks Latin;
- an `@domain` or any character outside letters, digits, `.`, `_` and `-`, so
  `alice@corp` cannot stand beside `alice` as a second account of one person
  (OpenID Connect subjects map to a login; they are never logins themselves).

Sources: Unicode TR #15 (normalisation forms), UTS #39 §5.1 (mixed-script
detection), RFC 8264 PRECIS (why identifiers are case-folded and width-mapped).
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_LOGIN_LENGTH", "InvalidName", "identity_key", "normalize_login", "script_of"]

MAX_LOGIN_LENGTH = 64
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Zs", "Mn", "Me"})
_PUNCTUATION = frozenset("._-")
# UTS #39 lets Japanese and Korean names mix Han with kana or Hangul (the
# "Jpan" and "Kore" script sets); none of these looks like a Latin letter.
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL"})


class InvalidName(ValueError):
    """A login that cannot be an identity; the message says why."""


def normalize_login(raw: str) -> str:
    """The one spelling of a login (NFKC, case-folded), or InvalidName."""
    name = unicodedata.normalize("NFKC", raw).casefold().strip()
    # Case folding can produce characters NFKC would change again (e.g. ß → ss is
    # stable, but some folds are not); normalising twice is the PRECIS rule.
    name = unicodedata.normalize("NFKC", name)
    if not name:
        raise InvalidName("a login cannot be empty")
    if len(name) > MAX_LOGIN_LENGTH:
        raise InvalidName(f"a login has at most {MAX_LOGIN_LENGTH} characters")
    _refuse_invisible(name)
    _refuse_other_characters(name)
    _refuse_mixed_scripts(name)
    return name


def script_of(char: str) -> str | None:
    """The script of a letter, from its Unicode name (LATIN SMALL LETTER A →
    LATIN); None for digits and punctuation, which every script shares."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    script = name.split(" ", 1)[0] if name else "UNKNOWN"
    return "CJK" if script in _EAST_ASIAN else script


def _refuse_invisible(name: str) -> None:
    for position, char in enumerate(name):
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            raise InvalidName(
                f"a login cannot contain invisible or spacing characters "
                f"(U+{ord(char):04X} at position {position + 1})"
            )


def _refuse_other_characters(name: str) -> None:
    for char in name:
        if not (char.isalnum() or char in _PUNCTUATION):
            raise InvalidName(
                f"a login has letters, digits, '.', '_' and '-' only ({char!r} is none of them; "
                "an e-mail address or '@domain' is not a login)"
            )
    if name[0] in _PUNCTUATION or name[-1] in _PUNCTUATION:
        raise InvalidName("a login starts and ends with a letter or a digit")


def _refuse_mixed_scripts(name: str) -> None:
    scripts = sorted({script for script in map(script_of, name) if script is not None})
    if len(scripts) > 1:
        raise InvalidName(f"a login uses letters of one script, not {' and '.join(scripts)}")


def identity_key(text: str) -> str:
    """What a free-text name from another system (a PO's `requested_by`, a
    receipt's `received_by`) is compared by against principal ids, for
    segregation of duties: NFKC, case-folded, invisible characters dropped, an
    `@domain` cut off. It errs towards "the same person": a false match
    refuses a decision someone else can take; a false miss pays an invoice."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    visible = "".join(char for char in folded if unicodedata.category(char) not in _INVISIBLE_CATEGORIES)
    return visible.split("@", 1)[0].strip()
