"""Which tolerance profile applies: resolution by scope, pure.

Order per PO line (DESIGN.md "Matching vocabulary"): item > vendor+category >
vendor > category > default. A profile *applies* when every scope field it
sets equals the line's (category compared case-blind); among those the most
specific wins. An item profile may also name a vendor (a vendor's special
terms for one item) and then beats the item profile for all vendors.

A profile is used whole — limits are not merged across levels — so every
hold is explained by one profile, named with its version.

No applicable profile (e.g. only scoped candidates, none for this line) falls
back to the built-in default `ToleranceProfile()`, reported as `default v1`,
so the engine always has limits and every hold still names its source.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.matching import ToleranceProfile

__all__ = [
    "applies_to",
    "builtin_default",
    "candidates_for_vendor",
    "resolve_profile",
    "scope_label",
    "specificity",
]

# Specificity of each scope shape: (item set, vendor set, category set) → rank.
# Higher wins. Item and category together are refused by the model.
_RANK: dict[tuple[bool, bool, bool], int] = {
    (True, True, False): 5,  # item, for one vendor
    (True, False, False): 4,  # item
    (False, True, True): 3,  # vendor + category
    (False, True, False): 2,  # vendor
    (False, False, True): 1,  # category
    (False, False, False): 0,  # default
}


def specificity(profile: ToleranceProfile) -> int:
    """0 (default) … 5 (item for one vendor): the higher, the more specific."""
    shape = (profile.item_id is not None, profile.vendor_id is not None, profile.category is not None)
    return _RANK[shape]


def _same_category(a: str, b: str | None) -> bool:
    # Categories are typed by people in files and PO feeds: "Lab equipment"
    # and "lab equipment" are one category.
    return b is not None and a.casefold() == b.casefold()


def applies_to(
    profile: ToleranceProfile,
    *,
    vendor_id: str | None,
    item_id: str | None = None,
    category: str | None = None,
) -> bool:
    """Every scope field the profile sets matches the line (unset = any)."""
    if profile.item_id is not None and profile.item_id != item_id:
        return False
    if profile.vendor_id is not None and profile.vendor_id != vendor_id:
        return False
    return profile.category is None or _same_category(profile.category, category)


def builtin_default() -> ToleranceProfile:
    """The model's defaults, used when no candidate applies."""
    return ToleranceProfile()


def resolve_profile(
    profiles: Iterable[ToleranceProfile],
    *,
    vendor_id: str | None,
    item_id: str | None = None,
    category: str | None = None,
) -> ToleranceProfile:
    """The most specific profile that applies to (vendor, item, category).

    Header checks call it with the vendor only (→ vendor or default profile).
    Two applicable profiles of equal specificity can only have the same scope,
    which `models.matching.check_candidates` refuses; met here anyway, it is a
    ValueError rather than a silent pick."""
    best: ToleranceProfile | None = None
    best_rank = -1
    for profile in profiles:
        if not applies_to(profile, vendor_id=vendor_id, item_id=item_id, category=category):
            continue
        rank = specificity(profile)
        if rank == best_rank:
            assert best is not None
            raise ValueError(
                f"tolerance profiles {best.name!r} and {profile.name!r} both apply with the same scope "
                f"({scope_label(profile)})"
            )
        if rank > best_rank:
            best, best_rank = profile, rank
    return best if best is not None else builtin_default()


def candidates_for_vendor(profiles: Iterable[ToleranceProfile], vendor_id: str) -> list[ToleranceProfile]:
    """The profiles that can apply to some line of a PO to `vendor_id`: those
    not scoped to another vendor. What a policy records for the vendor."""
    return [profile for profile in profiles if profile.vendor_id in (None, vendor_id)]


def scope_label(profile: ToleranceProfile) -> str:
    """`item LAB-TIPS-1000-RACK`, `vendor NORDIC, category fasteners`, `default`."""
    parts = [
        f"item {profile.item_id}" if profile.item_id is not None else "",
        f"vendor {profile.vendor_id}" if profile.vendor_id is not None else "",
        f"category {profile.category}" if profile.category is not None else "",
    ]
    return ", ".join(part for part in parts if part) or "default"
