"""Country names and codes (ISO 3166-1 via pycountry), without importing pandas."""
from __future__ import annotations

import re
# Short English names where ISO 3166's official names are long or formal.
SHORT_NAMES = {
    "KOR": "South Korea", "RUS": "Russia", "VNM": "Vietnam", "GBR": "United Kingdom", "USA": "United States",
    "IRN": "Iran", "SYR": "Syria", "TWN": "Taiwan", "LAO": "Laos", "BRN": "Brunei", "MDV": "Maldives",
}


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
    """'Australia', 'australia', 'AUS' or 'Korea' → ISO alpha-3 code."""
    import pycountry

    text = value.strip()
    for code, name in SHORT_NAMES.items():
        if text.lower() in (code.lower(), name.lower()):
            return code
    try:
        return pycountry.countries.lookup(text).alpha_3
    except LookupError:
        matches = pycountry.countries.search_fuzzy(text)
        return matches[0].alpha_3


