"""Core-banking data: customers, their accounts and transactions, digital activity, offers,
and a Debezium-style change feed of customer patterns.

Some customers are people Salesforce already knows (their email matches a contact or lead,
sometimes with different case or spacing). The change feed is deliberately imperfect, the way
real CDC arrives: batches out of order, duplicated events, deletes followed by late older
updates, two changes with the same sequence, and malformed rows (null key, unknown op,
unparsable values).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from orchestration.datagen import people
from orchestration.datagen.common import (
    HISTORY_START,
    Table,
    random_day,
    random_instant,
    rng_for,
)
from orchestration.datagen.marketing import Person

ACCOUNT_TYPES = (("checking", 0.55), ("savings", 0.25), ("credit_card", 0.20))
CHANNELS = ("online", "mobile", "branch")
SPEND_CATEGORIES = (
    "groceries",
    "restaurants",
    "travel",
    "fuel",
    "online_retail",
    "utilities",
    "entertainment",
    "healthcare",
)
ACTIVITY_TYPES = ("web_visit", "app_login", "branch_visit", "call_center", "email_click")
OFFERS = (
    (1, "new_savings", "https://fsibank.example.com/offers/savings"),
    (2, "new_checking", "https://fsibank.example.com/offers/checking"),
    (3, "new_home_loan", "https://fsibank.example.com/offers/home-loan"),
    (4, "new_auto_loan", "https://fsibank.example.com/offers/auto-loan"),
    (5, "no_offer", None),
)
PATTERN_CHANNELS = ("online", "mobile", "branch")
SPENDING_PATTERNS = ("saver", "balanced", "spender")


def generate(scale: int, seed: int, known_people: list[Person]) -> dict[str, list[Table]]:
    bank = _Bank(scale, seed, known_people)
    return {"core_banking": bank.tables()}


class _Bank:
    def __init__(self, scale: int, seed: int, known_people: list[Person]) -> None:
        self.seed = seed
        self.customers = self._customers(2000 * scale, known_people)
        self.accounts = self._accounts()
        self.transactions = self._transactions()
        self.customer_activity = self._activity()
        self.offers = Table("offers", ("offer_id", "offer_name", "offer_url"), list(OFFERS))
        self.customer_patterns = self._pattern_changes()

    def tables(self) -> list[Table]:
        return [
            self.customers,
            self.accounts,
            self.transactions,
            self.customer_activity,
            self.offers,
            self.customer_patterns,
        ]

    def _customers(self, count: int, known_people: list[Person]) -> Table:
        rng = rng_for(self.seed, "core_banking.customers")
        table = Table(
            "customers",
            (
                "customer_id",
                "first_name",
                "last_name",
                "email",
                "gender",
                "income",
                "fico",
                "created_at",
                "updated_at",
            ),
        )
        shared = rng.sample(known_people, k=min(len(known_people), count // 4))
        for n in range(count):
            if n < len(shared):
                who = shared[n]
                first, last = who.first, who.last
                email = people.messy_variant(rng, who.email) if rng.random() < 0.3 else who.email
            else:
                first, last = people.person(rng)
                email = people.free_email(rng, first, last, 50_000 + n)
            income = None if rng.random() < 0.01 else float(int(rng.lognormvariate(11.1, 0.55)))
            fico = None if rng.random() < 0.01 else max(300, min(850, int(rng.gauss(690, 70))))
            created = random_instant(rng, random_day(rng, HISTORY_START - timedelta(days=900), 900))
            updated = created + timedelta(days=rng.randrange(0, 600))
            table.add(
                100_001 + n,
                first,
                last,
                email,
                rng.choice(("F", "M", "X", None)),
                income,
                fico,
                created,
                updated,
            )
        return table

    def _accounts(self) -> Table:
        rng = rng_for(self.seed, "core_banking.accounts")
        table = Table(
            "accounts",
            (
                "account_id",
                "customer_id",
                "account_type",
                "opened_at",
                "initial_balance",
                "currency",
            ),
        )
        types, weights = zip(*ACCOUNT_TYPES, strict=True)
        n = 0
        for customer in self.customers.rows:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                n += 1
                kind = rng.choices(types, weights)[0]
                opening = 0.0 if kind == "credit_card" else float(rng.randrange(0, 20_000))
                table.add(
                    500_000 + n,
                    customer[0],
                    kind,
                    customer[7] + timedelta(days=rng.randrange(90)),
                    opening,
                    "USD",
                )
        return table

    def _transactions(self) -> Table:
        rng = rng_for(self.seed, "core_banking.transactions")
        table = Table(
            "transactions",
            (
                "transaction_id",
                "account_id",
                "amount",
                "direction",
                "merchant_category",
                "channel",
                "transaction_at",
            ),
        )
        n = 0
        for account_id, _, kind, *_ in self.accounts.rows:
            activity = rng.random()
            for _ in range(int(activity * 24)):
                n += 1
                at = random_instant(rng, random_day(rng))
                channel = rng.choices(CHANNELS, (0.45, 0.4, 0.15))[0]
                if kind == "savings" or (kind != "credit_card" and rng.random() < 0.2):
                    direction, category = "credit", rng.choice(("payroll", "transfer"))
                    amount = float(rng.randrange(100, 6000))
                elif kind == "credit_card" and rng.random() < 0.15:
                    direction, category = "credit", "card_payment"
                    amount = float(rng.randrange(100, 2500))
                else:
                    direction, category = "debit", rng.choice(SPEND_CATEGORIES)
                    amount = round(rng.lognormvariate(3.6, 0.9), 2)
                table.add(9_000_000 + n, account_id, amount, direction, category, channel, at)
        return table

    def _activity(self) -> Table:
        rng = rng_for(self.seed, "core_banking.customer_activity")
        table = Table(
            "customer_activity",
            (
                "activity_id",
                "customer_id",
                "ip_address",
                "activity_type",
                "propensity_to_buy",
                "activity_at",
            ),
        )
        customer_ids = [row[0] for row in self.customers.rows]
        for n in range(len(customer_ids) * 5 // 2):
            # a few activities come from people the bank has no customer record of (yet)
            customer_id = rng.choice(customer_ids) if rng.random() > 0.03 else 900_000 + n
            octets = (
                rng.randrange(11, 223),
                rng.randrange(256),
                rng.randrange(256),
                rng.randrange(1, 255),
            )
            table.add(
                7_000_000 + n,
                customer_id,
                ".".join(map(str, octets)),
                rng.choice(ACTIVITY_TYPES),
                round(rng.random(), 2),
                random_instant(rng, random_day(rng)),
            )
        return table

    def _pattern_changes(self) -> Table:
        rng = rng_for(self.seed, "core_banking.customer_patterns")
        table = Table(
            "customer_patterns",
            (
                "batch_id",
                "op",
                "customer_id",
                "datetime_updated",
                "before_preferred_channel",
                "before_spending_pattern",
                "before_avg_monthly_spend",
                "after_preferred_channel",
                "after_spending_pattern",
                "after_avg_monthly_spend",
            ),
        )
        events: list[list[object]] = []
        self._late: list[list[object]] = []
        for customer in self.customers.rows:
            if rng.random() > 0.6:
                continue
            events += self._history_of(rng, customer[0])
        # One batch a day over the last 40 days; an event normally lands in the batch of its
        # day, but 8% arrive one to five batches late (out of order).
        for event in events:
            day = (event[3] - datetime(2026, 9, 21)).days
            late = rng.randrange(1, 6) if rng.random() < 0.08 else 0
            if any(event is stale for stale in self._late):
                late = rng.randrange(3, 6)
            event[0] = max(1, min(40, day + 1 + late))
        duplicates = [list(e) for e in events if rng.random() < 0.03]
        for duplicate in duplicates:  # the same event delivered again, maybe in a later batch
            duplicate[0] = min(40, duplicate[0] + rng.choice((0, 0, 1, 3)))
        events += duplicates + self._malformed(rng)
        events.sort(key=lambda e: (e[0], rng.random()))
        for event in events:
            if isinstance(event[3], datetime):
                event[3] = event[3].strftime("%Y-%m-%d %H:%M:%S.%f")
            table.add(*event)
        return table

    def _history_of(self, rng: random.Random, customer_id: int) -> list[list[object]]:
        """A customer's changes: a snapshot read, some updates, sometimes a delete."""
        at = datetime(2026, 9, 21) + timedelta(microseconds=rng.randrange(86_400_000_000 * 5))
        state = (
            rng.choice(PATTERN_CHANNELS),
            rng.choice(SPENDING_PATTERNS),
            f"{rng.randrange(200, 6000)}.{rng.randrange(100):02d}",
        )
        events = [[0, "r", customer_id, at, None, None, None, *state]]
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            at += timedelta(microseconds=rng.randrange(3_600_000_000, 86_400_000_000 * 8))
            new = (
                rng.choice(PATTERN_CHANNELS),
                rng.choice(SPENDING_PATTERNS),
                f"{rng.randrange(200, 6000)}.{rng.randrange(100):02d}",
            )
            events.append([0, "u", customer_id, at, *state, *new])
            if rng.random() < 0.04:
                # a second, different change stamped with the very same sequence
                rival = (rng.choice(PATTERN_CHANNELS), new[1], new[2])
                events.append([0, "u", customer_id, at, *state, *rival])
            state = new
        if rng.random() < 0.06:
            deleted_at = at + timedelta(seconds=rng.randrange(3600, 86_400 * 4))
            events.append([0, "d", customer_id, deleted_at, *state, None, None, None])
            if rng.random() < 0.5:
                # an update older than the delete that only arrives after it
                stale = [0, "u", customer_id, deleted_at - timedelta(seconds=60), *state, *state]
                stale[-1] = f"{rng.randrange(200, 6000)}.00"
                events.append(stale)
                self._late.append(stale)
        return [e for e in events if e[3] < datetime(2026, 10, 31)]

    def _malformed(self, rng: random.Random) -> list[list[object]]:
        customer_ids = [row[0] for row in self.customers.rows]
        at = datetime(2026, 10, 20, 12, 0, 0)
        rows: list[list[object]] = []
        for n in range(max(3, len(customer_ids) // 200)):
            batch = rng.randrange(1, 41)
            who = rng.choice(customer_ids)
            kind = n % 4
            if kind == 0:  # no key
                rows.append(
                    [batch, "u", None, at, "online", "saver", "100.00", "mobile", "saver", "120.00"]
                )
            elif kind == 1:  # an operation Debezium never emits
                rows.append([batch, "x", who, at, None, None, None, "online", "saver", "100.00"])
            elif kind == 2:  # an amount that is not a number
                rows.append(
                    [batch, "u", who, at, "online", "saver", "100.00", "online", "saver", "n/a"]
                )
            else:  # a sequence that is not a timestamp
                rows.append(
                    [
                        batch,
                        "u",
                        who,
                        "yesterday",
                        "online",
                        "saver",
                        "100.00",
                        "branch",
                        "saver",
                        "90.00",
                    ]
                )
        return rows
