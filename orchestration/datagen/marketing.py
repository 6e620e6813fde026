"""Salesforce and Marketo data as Fivetran lands it.

The world: accounts in many countries owned by sales reps (Salesforce users), contacts
at those accounts, Salesforce leads (some converted), Marketo leads that are partly the
same people (matched by email, sometimes with different case or spacing) and partly
not, campaigns in programs sending emails that are delivered or bounce, then opened and
clicked (sometimes several times) or unsubscribed from, and opportunities across stages.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from orchestration.datagen import people
from orchestration.datagen.common import (
    HISTORY_END,
    HISTORY_START,
    SYNCED_AT,
    Table,
    random_day,
    random_instant,
    rng_for,
    synced,
)

INDUSTRIES = (
    "Banking",
    "Insurance",
    "Asset Management",
    "Fintech",
    "Retail",
    "Manufacturing",
    "Healthcare",
    "Technology",
    "Energy",
    "Logistics",
)
ACCOUNT_TYPES = ("Customer", "Prospect", "Partner")
LEAD_SOURCES = ("Web", "Webinar", "Event", "Referral", "Partner", "Paid Search")
# stage, probability (percent), forecast category, is_closed, is_won, relative frequency
STAGES = (
    ("Prospecting", 10, "Pipeline", False, False, 12),
    ("Qualification", 20, "Pipeline", False, False, 12),
    ("Needs Analysis", 40, "Pipeline", False, False, 10),
    ("Proposal", 60, "Best Case", False, False, 8),
    ("Negotiation", 80, "Commit", False, False, 6),
    ("Closed Won", 100, "Closed", True, True, 30),
    ("Closed Lost", 0, "Omitted", True, False, 22),
)
PROGRAM_KINDS = (
    ("Email", "Email Send"),
    ("Nurture", "Nurture"),
    ("Webinar", "Webinar"),
    ("Event", "Tradeshow"),
)
DEVICES = (
    ("Desktop", "Windows", False),
    ("Desktop", "Mac OS", False),
    ("Mobile", "iOS", True),
    ("Mobile", "Android", True),
)
BOUNCE_CATEGORIES = (
    ("1", "Hard", "Mailbox does not exist"),
    ("2", "Soft", "Mailbox full"),
    ("3", "Soft", "Message too large"),
    ("4", "Hard", "Domain not found"),
)
# Marketo's standard activity type ids
SEND, DELIVERED, BOUNCED, UNSUBSCRIBED, OPENED, CLICKED = 6, 7, 8, 9, 10, 11

_SYNC = ("_fivetran_synced",)


def _sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce-style id."""
    return f"{prefix}{n:012d}AAA"


def _country_aliases(reference_dir: Path) -> list[str]:
    with (reference_dir / "country_aliases.csv").open(encoding="utf-8") as handle:
        return [row["country_alias"] for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    email: str
    country: str
    company: str


def generate(
    scale: int, seed: int, reference_dir: Path
) -> tuple[dict[str, list[Table]], list[Person]]:
    """Build the Salesforce and Marketo tables for ``scale`` and ``seed``; also returns the
    people known to Salesforce (contacts and leads), whom other sources may share."""
    countries = _country_aliases(reference_dir)
    salesforce = _Salesforce(scale, seed, countries)
    marketo = _Marketo(scale, seed, salesforce)
    known = [who for *_, who in salesforce.contact_people + salesforce.lead_people]
    return {"salesforce": salesforce.tables(), "marketo": marketo.tables()}, known


class _Salesforce:
    def __init__(self, scale: int, seed: int, countries: list[str]) -> None:
        self.seed = seed
        self.user = self._users(12 + 13 * scale, countries)
        self.account, self.account_companies = self._accounts(300 * scale, countries)
        self.contact, self.contact_people = self._contacts()
        self.lead, self.lead_people = self._leads(400 * scale, countries)
        self.opportunity = self._opportunities()

    def tables(self) -> list[Table]:
        return [self.account, self.user, self.contact, self.lead, self.opportunity]

    def _users(self, count: int, countries: list[str]) -> Table:
        rng = rng_for(self.seed, "salesforce.user")
        table = Table(
            "user",
            (
                "id",
                "first_name",
                "last_name",
                "name",
                "email",
                "username",
                "title",
                "department",
                "country",
                "is_active",
                "manager_id",
                "created_date",
                "last_modified_date",
                "is_deleted",
                *_SYNC,
            ),
        )
        for n in range(1, count + 1):
            first, last = people.person(rng)
            email = people.work_email(first, last, "fsibank.example.com", n)
            title = "Sales Director" if n <= 2 else rng.choice(("Account Executive", "Sales Rep"))
            created = random_instant(rng, random_day(rng, date(2023, 1, 1), 700))
            table.add(
                _sf_id("005", n),
                first,
                last,
                f"{first} {last}",
                email,
                email,
                title,
                "Sales",
                rng.choice(countries),
                rng.random() > 0.08,
                None if n <= 2 else _sf_id("005", 1 + n % 2),
                created,
                created + timedelta(days=rng.randrange(300)),
                False,
                synced(rng),
            )
        return table

    def _accounts(
        self, count: int, countries: list[str]
    ) -> tuple[Table, dict[str, tuple[str, str]]]:
        rng = rng_for(self.seed, "salesforce.account")
        table = Table(
            "account",
            (
                "id",
                "name",
                "type",
                "industry",
                "billing_country",
                "billing_city",
                "annual_revenue",
                "number_of_employees",
                "owner_id",
                "created_date",
                "last_modified_date",
                "is_deleted",
                *_SYNC,
            ),
        )
        owners = [row[0] for row in self.user.rows]
        companies = {}
        for n in range(1, count + 1):
            # Every country gets accounts: cycle through them first, then pick at random.
            country = countries[n - 1] if n <= len(countries) else rng.choice(countries)
            name = people.company_name(n - 1)
            account_id = _sf_id("001", n)
            companies[account_id] = (name, country)
            created = random_instant(rng, random_day(rng, date(2023, 6, 1), 500))
            table.add(
                account_id,
                name,
                rng.choice(ACCOUNT_TYPES),
                rng.choice(INDUSTRIES),
                country,
                f"City {rng.randrange(1, 40)}",
                float(rng.randrange(1, 5000)) * 100_000.0,
                rng.randrange(5, 20_000),
                rng.choice(owners),
                created,
                created + timedelta(days=rng.randrange(400)),
                rng.random() < 0.02,
                synced(rng),
            )
        return table, companies

    def _contacts(self) -> tuple[Table, list[tuple[str, str, Person]]]:
        rng = rng_for(self.seed, "salesforce.contact")
        table = Table(
            "contact",
            (
                "id",
                "account_id",
                "owner_id",
                "first_name",
                "last_name",
                "email",
                "title",
                "mailing_country",
                "lead_source",
                "has_opted_out_of_email",
                "created_date",
                "last_modified_date",
                "is_deleted",
                *_SYNC,
            ),
        )
        owner_of = {row[0]: row[8] for row in self.account.rows}
        contact_people = []
        n = 0
        for account_id, (company, country) in self.account_companies.items():
            domain = people.company_domain(company)
            for _ in range(rng.randrange(1, 6)):
                n += 1
                first, last = people.person(rng)
                email = people.work_email(first, last, domain, n)
                created = random_instant(rng, random_day(rng))
                contact_id = _sf_id("003", n)
                table.add(
                    contact_id,
                    account_id,
                    owner_of[account_id],
                    first,
                    last,
                    email,
                    rng.choice(("CFO", "Head of Risk", "Analyst", "Director", "VP Operations")),
                    country,
                    rng.choice(LEAD_SOURCES),
                    rng.random() < 0.03,
                    created,
                    created + timedelta(days=rng.randrange(60)),
                    rng.random() < 0.01,
                    synced(rng),
                )
                contact_people.append(
                    (contact_id, account_id, Person(first, last, email, country, company))
                )
                if rng.random() < 0.01:
                    # The same person entered twice at one account: identity must not fan out.
                    n += 1
                    table.add(
                        _sf_id("003", n),
                        account_id,
                        owner_of[account_id],
                        first,
                        last,
                        email.upper(),
                        "Analyst",
                        country,
                        "Web",
                        False,
                        created + timedelta(days=3),
                        created + timedelta(days=30),
                        False,
                        synced(rng),
                    )
        return table, contact_people

    def _leads(self, count: int, countries: list[str]) -> tuple[Table, list[tuple[str, Person]]]:
        rng = rng_for(self.seed, "salesforce.lead")
        table = Table(
            "lead",
            (
                "id",
                "owner_id",
                "first_name",
                "last_name",
                "email",
                "company",
                "title",
                "country",
                "status",
                "lead_source",
                "is_converted",
                "converted_account_id",
                "converted_contact_id",
                "converted_date",
                "created_date",
                "last_modified_date",
                "is_deleted",
                *_SYNC,
            ),
        )
        owners = [row[0] for row in self.user.rows]
        lead_people = []
        for n in range(1, count + 1):
            created = random_instant(rng, random_day(rng))
            converted = rng.random() < 0.15 and self.contact_people
            if converted:
                contact_id, account_id, who = rng.choice(self.contact_people)
                company, status = who.company, "Closed - Converted"
                converted_date = (created + timedelta(days=rng.randrange(5, 90))).date()
                converted_date = min(converted_date, HISTORY_END)
            else:
                first, last = people.person(rng)
                company = people.company_name(10_000 + n)
                who = Person(
                    first,
                    last,
                    people.free_email(rng, first, last, n),
                    rng.choice(countries),
                    company,
                )
                contact_id = account_id = converted_date = None
                status = rng.choice(
                    ("Open - Not Contacted", "Working - Contacted", "Closed - Not Converted")
                )
            lead_id = _sf_id("00Q", n)
            table.add(
                lead_id,
                rng.choice(owners),
                who.first,
                who.last,
                who.email,
                company,
                rng.choice(("Manager", "Analyst", "Director", None)),
                who.country,
                status,
                rng.choice(LEAD_SOURCES),
                bool(converted),
                account_id,
                contact_id,
                converted_date,
                created,
                created + timedelta(days=rng.randrange(120)),
                rng.random() < 0.01,
                synced(rng),
            )
            if not converted:
                lead_people.append((lead_id, who))
        return table, lead_people

    def _opportunities(self) -> Table:
        rng = rng_for(self.seed, "salesforce.opportunity")
        table = Table(
            "opportunity",
            (
                "id",
                "account_id",
                "owner_id",
                "name",
                "type",
                "stage_name",
                "amount",
                "probability",
                "forecast_category",
                "lead_source",
                "close_date",
                "created_date",
                "is_closed",
                "is_won",
                "last_modified_date",
                "is_deleted",
                *_SYNC,
            ),
        )
        weights = [stage[-1] for stage in STAGES]
        n = 0
        for account in self.account.rows:
            account_id, account_name, owner_id = account[0], account[1], account[8]
            for _ in range(rng.randrange(0, 5)):
                n += 1
                stage, probability, forecast, is_closed, is_won, _ = rng.choices(STAGES, weights)[0]
                created_day = random_day(rng, HISTORY_START, 600)
                close = created_day + timedelta(days=rng.randrange(20, 200))
                if is_closed:
                    close = min(close, HISTORY_END)
                amount = None if rng.random() < 0.02 else rng.randrange(50, 50_000) * 100.0
                table.add(
                    _sf_id("006", n),
                    account_id,
                    owner_id
                    if rng.random() < 0.85
                    else self.user.rows[rng.randrange(len(self.user.rows))][0],
                    f"{account_name} - {rng.choice(('Renewal', 'Expansion', 'New Business'))}",
                    rng.choice(("New Business", "Existing Business")),
                    stage,
                    amount,
                    float(probability),
                    forecast,
                    rng.choice(LEAD_SOURCES),
                    close,
                    random_instant(rng, created_day),
                    is_closed,
                    is_won,
                    random_instant(rng, min(close, HISTORY_END)),
                    rng.random() < 0.01,
                    synced(rng),
                )
        return table


class _Marketo:
    def __init__(self, scale: int, seed: int, salesforce: _Salesforce) -> None:
        self.seed = seed
        self.lead = self._leads(salesforce, 150 * scale)
        self.program = self._programs(4 + 4 * scale)
        self.campaign = self._campaigns()
        self.email_template_history = self._templates(6 + 9 * scale)
        self._activities()

    def tables(self) -> list[Table]:
        return [
            self.lead,
            self.campaign,
            self.program,
            self.email_template_history,
            self.activity_send_email,
            self.activity_email_delivered,
            self.activity_open_email,
            self.activity_click_email,
            self.activity_email_bounced,
            self.activity_unsubscribe_email,
        ]

    def _leads(self, salesforce: _Salesforce, marketo_only: int) -> Table:
        rng = rng_for(self.seed, "marketo.lead")
        table = Table(
            "lead",
            (
                "id",
                "email",
                "first_name",
                "last_name",
                "company",
                "country",
                "lead_source",
                "unsubscribed",
                "email_invalid",
                "created_at",
                "updated_at",
                "_fivetran_deleted",
                *_SYNC,
            ),
        )
        known = [who for _, _, who in salesforce.contact_people if rng.random() < 0.8]
        known += [who for _, who in salesforce.lead_people if rng.random() < 0.6]
        for n in range(marketo_only):
            first, last = people.person(rng)
            known.append(
                Person(
                    first,
                    last,
                    people.free_email(rng, first, last, 90_000 + n),
                    rng.choice([p.country for p in known[:50]] or ["Japan"]),
                    "",
                )
            )
        sales_reps = salesforce.user.rows[:3]
        known += [Person(r[1], r[2], r[4], r[8], "FSI Bank") for r in sales_reps]
        lead_id = 1000
        for who in known:
            copies = 2 if rng.random() < 0.03 else 1
            for copy in range(copies):
                lead_id += 1
                email = who.email
                if copy or rng.random() < 0.25:
                    email = people.messy_variant(rng, email)
                created = random_instant(rng, random_day(rng))
                table.add(
                    lead_id,
                    email,
                    who.first,
                    who.last,
                    who.company or None,
                    who.country,
                    rng.choice(LEAD_SOURCES),
                    False,
                    rng.random() < 0.01,
                    created,
                    created + timedelta(days=rng.randrange(200)),
                    rng.random() < 0.01,
                    synced(rng),
                )
        return table

    def _programs(self, count: int) -> Table:
        rng = rng_for(self.seed, "marketo.program")
        table = Table(
            "program",
            (
                "id",
                "name",
                "type",
                "channel",
                "status",
                "workspace",
                "created_at",
                "updated_at",
                "_fivetran_deleted",
                *_SYNC,
            ),
        )
        for n in range(1, count + 1):
            kind, channel = PROGRAM_KINDS[n % len(PROGRAM_KINDS)]
            created = random_instant(rng, random_day(rng, HISTORY_START, 120))
            table.add(
                2000 + n,
                f"{2025 + n % 2} {kind} Programme {n}",
                kind,
                channel,
                "on" if rng.random() < 0.8 else "off",
                "Default",
                created,
                created + timedelta(days=rng.randrange(100)),
                False,
                synced(rng),
            )
        return table

    def _campaigns(self) -> Table:
        rng = rng_for(self.seed, "marketo.campaign")
        table = Table(
            "campaign",
            (
                "id",
                "name",
                "program_id",
                "type",
                "description",
                "is_active",
                "workspace_name",
                "created_at",
                "updated_at",
                "_fivetran_deleted",
                *_SYNC,
            ),
        )
        n = 0
        for program in self.program.rows:
            for step in range(1, rng.randrange(2, 5)):
                n += 1
                created = program[6] + timedelta(days=rng.randrange(1, 30))
                table.add(
                    3000 + n,
                    f"{program[1]} - Wave {step}",
                    program[0],
                    "batch" if rng.random() < 0.7 else "trigger",
                    f"Wave {step} of {program[1]}",
                    rng.random() < 0.85,
                    "Default",
                    created,
                    created + timedelta(days=rng.randrange(60)),
                    False,
                    synced(rng),
                )
        return table

    def _templates(self, count: int) -> Table:
        rng = rng_for(self.seed, "marketo.email_template_history")
        table = Table(
            "email_template_history",
            (
                "id",
                "name",
                "subject",
                "from_name",
                "from_email",
                "program_id",
                "status",
                "version_type",
                "created_at",
                "updated_at",
                *_SYNC,
            ),
        )
        programs = [row[0] for row in self.program.rows]
        topics = (
            "Savings rates",
            "Mortgage guide",
            "Card offer",
            "Insurance renewal",
            "Wealth webinar",
            "Fraud alert tips",
            "Open banking update",
        )
        for n in range(1, count + 1):
            topic = topics[n % len(topics)]
            created = random_instant(rng, random_day(rng, HISTORY_START, 100))
            # A template's history holds one row per approved version; staging keeps the latest.
            for version in range(1, rng.randrange(2, 4)):
                updated = created + timedelta(days=30 * (version - 1))
                table.add(
                    4000 + n,
                    f"{topic} email {n}",
                    f"{topic} (v{version})",
                    "FSI Bank",
                    "news@fsibank.example.com",
                    rng.choice(programs),
                    "approved",
                    "Approved",
                    created,
                    updated,
                    synced(rng),
                )
        return table

    def _activities(self) -> None:
        rng = rng_for(self.seed, "marketo.activity")
        common = (
            "id",
            "lead_id",
            "activity_date",
            "activity_type_id",
            "campaign_id",
            "campaign_run_id",
            "primary_attribute_value_id",
            "primary_attribute_value",
        )
        self.activity_send_email = Table(
            "activity_send_email", (*common, "step_id", "choice_number", *_SYNC)
        )
        self.activity_email_delivered = Table(
            "activity_email_delivered", (*common, "step_id", "choice_number", *_SYNC)
        )
        self.activity_open_email = Table(
            "activity_open_email", (*common, "device", "platform", "is_mobile_device", *_SYNC)
        )
        self.activity_click_email = Table(
            "activity_click_email",
            (*common, "link", "device", "platform", "is_mobile_device", *_SYNC),
        )
        self.activity_email_bounced = Table(
            "activity_email_bounced",
            (*common, "category", "subcategory", "details", "email", *_SYNC),
        )
        self.activity_unsubscribe_email = Table(
            "activity_unsubscribe_email", (*common, "client_ip_address", "webform_id", *_SYNC)
        )

        leads = [(row[0], row[1]) for row in self.lead.rows]
        templates = sorted({(row[0], row[1]) for row in self.email_template_history.rows})
        activity_id = 10_000_000
        run_id = 5000
        sent: set[tuple[int, int]] = set()  # (lead, run): one send per lead and campaign run
        for campaign in self.campaign.rows:
            campaign_id, campaign_start = campaign[0], campaign[7]
            for _run in range(rng.randrange(1, 4)):
                run_id += 1
                template_id, template_name = rng.choice(templates)
                run_start = max(
                    campaign_start + timedelta(days=rng.randrange(1, 400)), datetime(2025, 2, 1)
                )
                if run_start.date() > HISTORY_END - timedelta(days=10):
                    run_start = datetime.combine(
                        HISTORY_END - timedelta(days=10 + rng.randrange(60)), datetime.min.time()
                    )
                head = (campaign_id, run_id, template_id, template_name)
                audience = rng.sample(leads, k=max(1, len(leads) // 5))
                for lead_id, email in audience:
                    if (lead_id, run_id) in sent:
                        continue
                    sent.add((lead_id, run_id))
                    at = run_start + timedelta(seconds=rng.randrange(3600))
                    activity_id += 1
                    self.activity_send_email.add(
                        activity_id, lead_id, at, SEND, *head, 1, 0, synced(rng)
                    )
                    if rng.random() < 0.05:
                        category, sub, details = rng.choice(BOUNCE_CATEGORIES)
                        activity_id += 1
                        self.activity_email_bounced.add(
                            activity_id,
                            lead_id,
                            at + timedelta(minutes=2),
                            BOUNCED,
                            *head,
                            category,
                            sub,
                            details,
                            email.strip().lower(),
                            synced(rng),
                        )
                        continue
                    activity_id += 1
                    self.activity_email_delivered.add(
                        activity_id,
                        lead_id,
                        at + timedelta(minutes=1),
                        DELIVERED,
                        *head,
                        1,
                        0,
                        synced(rng),
                    )
                    activity_id = self._engagement(rng, activity_id, lead_id, at, head)
        # Loaders deliver rows in arbitrary order; nothing downstream may depend on it.
        for table in (self.activity_open_email, self.activity_click_email):
            rng.shuffle(table.rows)

    def _engagement(
        self, rng: random.Random, activity_id: int, lead_id: int, sent_at: datetime, head: tuple
    ) -> int:
        if rng.random() < 0.36:
            opened_at = sent_at
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
                opened_at = opened_at + timedelta(minutes=rng.randrange(5, 3000))
                device, platform, mobile = rng.choice(DEVICES)
                activity_id += 1
                self.activity_open_email.add(
                    activity_id,
                    lead_id,
                    opened_at,
                    OPENED,
                    *head,
                    device,
                    platform,
                    mobile,
                    synced(rng),
                )
            if rng.random() < 0.3:
                clicked_at = opened_at
                for _ in range(rng.choice((1, 1, 2, 3))):
                    clicked_at = clicked_at + timedelta(seconds=rng.randrange(10, 900))
                    device, platform, mobile = rng.choice(DEVICES)
                    activity_id += 1
                    self.activity_click_email.add(
                        activity_id,
                        lead_id,
                        clicked_at,
                        CLICKED,
                        *head,
                        f"https://fsibank.example.com/offers/{head[2]}",
                        device,
                        platform,
                        mobile,
                        synced(rng),
                    )
        if rng.random() < 0.012:
            activity_id += 1
            self.activity_unsubscribe_email.add(
                activity_id,
                lead_id,
                sent_at + timedelta(hours=rng.randrange(1, 72)),
                UNSUBSCRIBED,
                *head,
                f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
                rng.randrange(1, 5),
                synced(rng),
            )
        return activity_id


__all__ = ["SYNCED_AT", "Person", "generate"]
