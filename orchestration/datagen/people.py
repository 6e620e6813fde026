"""Names, companies and email variants for the synthetic CRM and marketing data."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Beatriz", "Ben", "Carla", "Chen", "Chloe",
    "Daniel", "Deepa", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Grace", "Hana", "Hugo",
    "Ines", "Ivan", "Jack", "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lars", "Leila",
    "Liam", "Lina", "Lucas", "Maya", "Mateo", "Mei", "Nadia", "Noah", "Olga", "Omar",
    "Paula", "Priya", "Rafael", "Rosa", "Sam", "Sara", "Sofia", "Tariq", "Tom", "Yuki",
)  # fmt: skip
LAST_NAMES = (
    "Adams", "Alvarez", "Baker", "Bauer", "Brown", "Chen", "Costa", "Dubois", "Evans", "Fischer",
    "Garcia", "Gupta", "Hansen", "Hughes", "Ito", "Jansen", "Kim", "Kowalski", "Laurent", "Lee",
    "Lopez", "Martin", "Meyer", "Moreau", "Murphy", "Nakamura", "Nguyen", "Novak", "Okafor",
    "Olsen", "Patel", "Rossi", "Russo", "Santos", "Schmidt", "Silva", "Smith", "Suzuki",
    "Tanaka", "Taylor", "Walsh", "Weber", "Wilson", "Wong", "Young", "Zhang",
)  # fmt: skip
COMPANY_WORDS = (
    "Alpine", "Anchor", "Atlas", "Beacon", "Birch", "Cedar", "Harbor", "Summit", "Crest",
    "Delta", "Ember", "Falcon", "Granite", "Horizon", "Iron", "Juniper", "Keystone", "Lumen",
    "Maple", "Meridian", "North", "Oak", "Orbit", "Pioneer", "Quarry", "Redwood", "Silver",
    "Sterling", "Tidal", "Union", "Vertex", "Willow",
)  # fmt: skip
COMPANY_SUFFIXES = (
    "Bank", "Capital", "Insurance", "Partners", "Holdings", "Finance", "Trust", "Group",
    "Mutual", "Wealth", "Logistics", "Foods", "Health", "Systems", "Retail", "Motors",
)  # fmt: skip
FREE_MAIL_DOMAINS = ("mail.example.com", "inbox.example.net", "post.example.org")


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def company_name(index: int) -> str:
    """A unique, readable company name for account number ``index``."""
    word = COMPANY_WORDS[index % len(COMPANY_WORDS)]
    suffix = COMPANY_SUFFIXES[(index // len(COMPANY_WORDS)) % len(COMPANY_SUFFIXES)]
    cycle = index // (len(COMPANY_WORDS) * len(COMPANY_SUFFIXES))
    return f"{word} {suffix}" + (f" {cycle + 1}" if cycle else "")


def company_domain(name: str) -> str:
    return name.lower().replace(" ", "") + ".example.com"


def work_email(first: str, last: str, domain: str, serial: int) -> str:
    """A unique work address; the serial keeps namesakes at one company apart."""
    return f"{first}.{last}{serial}@{domain}".lower()


def free_email(rng: random.Random, first: str, last: str, serial: int) -> str:
    return f"{first}{last[0]}{serial}@{rng.choice(FREE_MAIL_DOMAINS)}".lower()


def messy_variant(rng: random.Random, email: str) -> str:
    """How the same address often comes back from another system: case or spacing differ."""
    roll = rng.random()
    if roll < 0.5:
        local, _, domain = email.partition("@")
        return f"{local.title()}@{domain.upper()}"
    if roll < 0.8:
        return f" {email} "
    return email.upper()
