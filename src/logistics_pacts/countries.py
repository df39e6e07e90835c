"""Country names and codes (ISO 3166-1 via pycountry), as a reader means them."""
from __future__ import annotations

import re

# Short English names where ISO 3166's official names are long or formal.
SHORT_NAMES = {
    "KOR": "South Korea", "PRK": "North Korea", "RUS": "Russia", "VNM": "Vietnam", "GBR": "United Kingdom",
    "USA": "United States", "IRN": "Iran", "SYR": "Syria", "TWN": "Taiwan", "LAO": "Laos", "BRN": "Brunei",
    "MDV": "Maldives",
}
# What readers type for a country, beyond ISO codes and names.
ALIASES = {
    "korea": "KOR", "republic of korea": "KOR", "rok": "KOR", "dprk": "PRK", "uk": "GBR", "britain": "GBR",
    "great britain": "GBR", "us": "USA", "america": "USA", "united states of america": "USA",
}


class PartnerNameError(LookupError):
    """A name that matches no country, or more than one."""


def country_name(code: str) -> str:
    import pycountry

    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def resolve_partner(value: str) -> str:
    """'Australia', 'australia', 'AUS', 'Korea' (South Korea) or 'UK' → ISO alpha-3 code.
    Raises PartnerNameError naming the candidates when the name is unknown or ambiguous."""
    import pycountry

    text = " ".join(value.strip().split())
    key = text.lower()
    if key in ALIASES:
        return ALIASES[key]
    for code, name in SHORT_NAMES.items():
        if key in (code.lower(), name.lower()):
            return code
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        pass
    try:
        matches = pycountry.countries.search_fuzzy(text)
    except LookupError:
        matches = []
    if len(matches) == 1:
        return matches[0].alpha_3
    if not matches:
        raise PartnerNameError(f"'{value}' is not a country name or ISO alpha-3 code")
    listed = "; ".join(f"{country_name(m.alpha_3)} ({m.alpha_3})" for m in matches[:8])
    raise PartnerNameError(f"'{value}' matches more than one country: {listed}. Give the name in full or its ISO alpha-3 code")


NAMES_WITH_THE = {"USA", "GBR", "NLD", "PHL", "ARE", "MDV", "BHS", "CZE", "DOM", "GMB", "CAF", "COM", "SYC", "SLB", "MHL"}


def country_in_sentence(code: str) -> str:
    """The name as it stands in running text: 'the United States', 'the Netherlands', 'Japan'."""
    return ("the " if code in NAMES_WITH_THE else "") + country_name(code)
