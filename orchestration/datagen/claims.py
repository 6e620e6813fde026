"""Motor-insurance data: policies, earned premiums, claims and vehicle telematics.

Many policyholders are the bank's customers. Claims carry the bad rows a claims system
really delivers: a claim before the policy's effective date or after its expiry, an amount
above the sum insured, negative amounts, an incident hour of 25, a driver aged 15 and a claim
on a policy that does not exist; some policies have a zero premium or sum insured.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from orchestration.datagen.common import HISTORY_END, Table, rng_for

LINES = (("liability", 0.35), ("collision", 0.35), ("comprehensive", 0.30))
BOROUGHS = (
    ("Manhattan", "100"),
    ("Brooklyn", "112"),
    ("Queens", "113"),
    ("Bronx", "104"),
    ("Staten Island", "103"),
)
VEHICLES = (
    ("Toyota", "Corolla"),
    ("Toyota", "RAV4"),
    ("Honda", "Civic"),
    ("Ford", "F-150"),
    ("Tesla", "Model 3"),
    ("BMW", "3 Series"),
    ("Volkswagen", "Golf"),
    ("Hyundai", "Tucson"),
)
INCIDENT_TYPES = ("Single Vehicle Collision", "Multi-vehicle Collision", "Parked Car", "Theft")
SEVERITIES = ("Trivial Damage", "Minor Damage", "Major Damage", "Total Loss")
# claim size by severity (low, high) in USD
SEVERITY_AMOUNTS = {
    "Trivial Damage": (300, 4000),
    "Minor Damage": (5000, 19000),
    "Major Damage": (20000, 55000),
    "Total Loss": (60000, 90000),
}
COLLISIONS = ("Front Collision", "Rear Collision", "Side Collision", None)
STATUSES = ("open", "settled", "settled", "settled", "denied")
HISTORY_START_POLICIES = date(2024, 1, 1)


def generate(scale: int, seed: int, customer_ids: list[int]) -> dict[str, list[Table]]:
    insurer = _Insurer(scale, seed, customer_ids)
    return {"claims": insurer.tables()}


class _Insurer:
    def __init__(self, scale: int, seed: int, customer_ids: list[int]) -> None:
        self.seed = seed
        self.policies = self._policies(1500 * scale, customer_ids)
        self.premiums = self._premiums()
        self.claims = self._claims()
        self.telematics = self._telematics()

    def tables(self) -> list[Table]:
        return [self.policies, self.premiums, self.claims, self.telematics]

    def _policies(self, count: int, customer_ids: list[int]) -> Table:
        rng = rng_for(self.seed, "claims.policies")
        table = Table(
            "policies",
            (
                "policy_no",
                "customer_id",
                "line_of_business",
                "issue_date",
                "effective_date",
                "expiry_date",
                "premium",
                "sum_insured",
                "deductible",
                "vehicle_make",
                "vehicle_model",
                "vehicle_year",
                "chassis_no",
                "borough",
                "zip_code",
                "is_deleted",
            ),
        )
        lines, weights = zip(*LINES, strict=True)
        for n in range(1, count + 1):
            effective = HISTORY_START_POLICIES + timedelta(days=rng.randrange(0, 1000))
            make, model = rng.choice(VEHICLES)
            borough, zip_prefix = rng.choice(BOROUGHS)
            sum_insured = float(rng.randrange(15, 120) * 1000)
            premium = round(sum_insured * rng.uniform(0.02, 0.06), 2)
            if n % 500 == 7:  # bad rows the loader must not let through
                premium = 0.0
            if n % 500 == 11:
                sum_insured = 0.0
            customer = rng.choice(customer_ids) if rng.random() < 0.6 else 800_000 + n
            table.add(
                f"POL{n:07d}",
                customer,
                rng.choices(lines, weights)[0],
                effective - timedelta(days=rng.randrange(1, 30)),
                effective,
                effective + timedelta(days=364),
                premium,
                sum_insured,
                float(rng.choice((250, 500, 1000))),
                make,
                model,
                rng.randrange(2008, 2026),
                f"CH{rng.randrange(10**11):011d}",
                borough,
                f"{zip_prefix}{rng.randrange(100):02d}",
                rng.random() < 0.01,
            )
        return table

    def _premiums(self) -> Table:
        """Premium earned per policy and calendar month, pro rata to the days covered."""
        table = Table("premiums", ("policy_no", "premium_month", "earned_premium"))
        for policy in self.policies.rows:
            policy_no, effective, expiry, premium = policy[0], policy[4], policy[5], policy[6]
            days_total = (expiry - effective).days + 1
            month = date(effective.year, effective.month, 1)
            while month <= min(expiry, HISTORY_END):
                next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
                start, end = max(month, effective), min(next_month - timedelta(days=1), expiry)
                days = (end - start).days + 1
                table.add(policy_no, month, round(premium * days / days_total, 2))
                month = next_month
        return table

    def _claims(self) -> Table:
        rng = rng_for(self.seed, "claims.claims")
        table = Table(
            "claims",
            (
                "claim_no",
                "policy_no",
                "claim_date",
                "incident_date",
                "incident_hour",
                "incident_type",
                "incident_severity",
                "collision_type",
                "vehicles_involved",
                "witnesses",
                "driver_age",
                "suspicious_activity",
                "total_claim_amount",
                "injury_claim_amount",
                "property_claim_amount",
                "vehicle_claim_amount",
                "claim_status",
                "paid_amount",
                "adjustment_expenses",
                "settlement_date",
            ),
        )
        n = 0
        for policy in self.policies.rows:
            if rng.random() > 0.3:
                continue
            n += 1
            policy_no, effective, expiry, sum_insured = policy[0], policy[4], policy[5], policy[7]
            incident = effective + timedelta(days=rng.randrange(0, 365))
            if n % 97 == 5:
                incident = effective - timedelta(days=rng.randrange(1, 20))  # before cover starts
            elif n % 97 == 9:
                incident = expiry + timedelta(days=rng.randrange(1, 20))  # after cover ends
            elif n % 97 == 13:
                incident = expiry  # on the expiry date: still covered
            if incident > HISTORY_END - timedelta(days=3):
                continue
            severity = rng.choice(SEVERITIES)
            low, high = SEVERITY_AMOUNTS[severity]
            total = min(float(rng.randrange(low, high)), round(sum_insured * 0.98, 0))
            if rng.random() < 0.1:  # the reported severity does not match the amount
                severity = rng.choice(SEVERITIES)
            if n % 97 == 17:
                total = sum_insured * 1.5 + 1000  # more than the sum insured
            injury = round(total * rng.choice((0.0, 0.1, 0.2, 0.3)), 2)
            vehicle = round((total - injury) * rng.uniform(0.5, 0.9), 2)
            prop = round(total - injury - vehicle, 2)
            hour = rng.randrange(24)
            age = rng.randrange(17, 80)
            if n % 97 == 21:
                hour = 25
            if n % 97 == 25:
                age = 15
            if n % 97 == 29:
                total = -total
            claim_date = incident + timedelta(days=rng.choice((0, 1, 1, 2, 3, 5, 9, 20)))
            status = rng.choice(STATUSES)
            settled = claim_date + timedelta(days=rng.randrange(10, 200))
            if status != "settled" or settled > HISTORY_END:
                status = "open" if status != "denied" else status
                settled = None
            paid = round(abs(total) * rng.uniform(0.7, 1.0), 2) if settled else 0.0
            table.add(
                f"CLM{n:07d}",
                policy_no,
                claim_date,
                incident,
                hour,
                rng.choice(INCIDENT_TYPES),
                severity,
                rng.choice(COLLISIONS),
                rng.randrange(1, 4),
                rng.randrange(0, 4),
                age,
                rng.random() < 0.05,
                total,
                injury,
                prop,
                vehicle,
                status,
                paid,
                round(abs(total) * rng.uniform(0.02, 0.08), 2),
                settled,
            )
        for k in range(3):  # claims on policies the insurer has no record of
            n += 1
            table.add(
                f"CLM{n:07d}",
                f"POL9{k:06d}",
                date(2026, 5, 2 + k),
                date(2026, 5, 1 + k),
                10,
                "Theft",
                "Minor Damage",
                None,
                1,
                0,
                40,
                False,
                8000.0,
                0.0,
                0.0,
                8000.0,
                "open",
                0.0,
                100.0,
                None,
            )
        return table

    def _telematics(self) -> Table:
        """Speed samples every minute around most incidents, from the vehicle's chassis number."""
        rng = rng_for(self.seed, "claims.telematics")
        table = Table(
            "telematics", ("chassis_no", "event_at", "latitude", "longitude", "speed_kmh")
        )
        chassis = {policy[0]: policy[12] for policy in self.policies.rows}
        for claim in self.claims.rows:
            if claim[1] not in chassis or rng.random() < 0.2 or not 0 <= claim[4] <= 23:
                continue  # no telematics for this vehicle
            at = datetime.combine(claim[3], datetime.min.time()) + timedelta(hours=claim[4])
            at += timedelta(minutes=rng.randrange(60))
            fast = rng.random() < 0.15
            lat, lon = 40.55 + rng.random() * 0.35, -74.15 + rng.random() * 0.4
            for minute in range(-20, 21, 2):
                speed = max(0.0, rng.gauss(125 if fast else 55, 15)) if minute <= 0 else 0.0
                table.add(
                    chassis[claim[1]],
                    at + timedelta(minutes=minute),
                    round(lat + minute * 0.0004, 6),
                    round(lon + minute * 0.0004, 6),
                    round(speed, 1),
                )
        return table
