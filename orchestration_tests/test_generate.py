from __future__ import annotations

import csv
from pathlib import Path

import pytest

from orchestration import datagen
from orchestration.paths import REFERENCE_DIR, SEEDS_RAW_DIR


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_scale_1_seed_42_reproduces_the_committed_seeds_byte_for_byte(scale1_seeds: Path) -> None:
    generated = sorted(p.relative_to(scale1_seeds) for p in scale1_seeds.rglob("*.csv"))
    committed = sorted(p.relative_to(SEEDS_RAW_DIR) for p in SEEDS_RAW_DIR.rglob("*.csv"))
    assert generated == committed
    for relative in generated:
        assert (scale1_seeds / relative).read_bytes() == (SEEDS_RAW_DIR / relative).read_bytes(), (
            f"{relative} differs from the committed seed: run `fsi generate --scale 1 --seed 42`"
        )


def test_another_seed_gives_other_data(tmp_path: Path, scale1_seeds: Path) -> None:
    datagen.generate(1, 7, tmp_path, REFERENCE_DIR)
    other = (tmp_path / "salesforce" / "contact.csv").read_bytes()
    assert other != (scale1_seeds / "salesforce" / "contact.csv").read_bytes()


def test_accounts_span_at_least_ten_countries(scale1_seeds: Path) -> None:
    accounts = _rows(scale1_seeds / "salesforce" / "account.csv")
    aliases = {
        r["country_alias"]: r["country_code"] for r in _rows(REFERENCE_DIR / "country_aliases.csv")
    }
    assert len(accounts) >= 200
    codes = {aliases[a["billing_country"]] for a in accounts}
    assert len(codes) >= 10


def test_marketo_emails_partly_match_salesforce_some_only_after_normalising(
    scale1_seeds: Path,
) -> None:
    salesforce = {
        r["email"] for r in _rows(scale1_seeds / "salesforce" / "contact.csv") if r["email"]
    } | {r["email"] for r in _rows(scale1_seeds / "salesforce" / "lead.csv") if r["email"]}
    normalised = {e.strip().lower() for e in salesforce}
    marketo = [r["email"] for r in _rows(scale1_seeds / "marketo" / "lead.csv")]
    exact = [e for e in marketo if e in salesforce]
    only_normalised = [
        e for e in marketo if e not in salesforce and e.strip().lower() in normalised
    ]
    unmatched = [e for e in marketo if e.strip().lower() not in normalised]
    assert len(exact) > 100
    assert len(only_normalised) > 20, "some emails must differ only by case or whitespace"
    assert len(unmatched) > 50, "some Marketo people must be unknown to Salesforce"


def test_email_activities_belong_to_sends_and_some_sends_have_several_events(
    scale1_seeds: Path,
) -> None:
    def send_key(r: dict[str, str]) -> tuple[str, ...]:
        return (
            r["lead_id"],
            r["campaign_id"],
            r["campaign_run_id"],
            r["primary_attribute_value_id"],
        )

    sends = [send_key(r) for r in _rows(scale1_seeds / "marketo" / "activity_send_email.csv")]
    assert len(sends) == len(set(sends)), "one send per lead, campaign run and template"
    send_set = set(sends)
    for table in (
        "activity_email_delivered",
        "activity_open_email",
        "activity_click_email",
        "activity_email_bounced",
        "activity_unsubscribe_email",
    ):
        rows = _rows(scale1_seeds / "marketo" / f"{table}.csv")
        assert rows, f"{table} is empty"
        assert {send_key(r) for r in rows} <= send_set, f"{table} has events without a send"
    opens = [send_key(r) for r in _rows(scale1_seeds / "marketo" / "activity_open_email.csv")]
    clicks = [send_key(r) for r in _rows(scale1_seeds / "marketo" / "activity_click_email.csv")]
    assert len(opens) > len(set(opens)), "some sends must be opened several times"
    assert len(clicks) > len(set(clicks)), "some sends must be clicked several times"


def test_opportunities_cover_every_stage_with_percentage_probabilities(scale1_seeds: Path) -> None:
    rows = _rows(scale1_seeds / "salesforce" / "opportunity.csv")
    assert {r["stage_name"] for r in rows} >= {"Prospecting", "Closed Won", "Closed Lost"}
    probabilities = {float(r["probability"]) for r in rows}
    assert max(probabilities) == 100.0
    assert all(0 <= p <= 100 for p in probabilities)


def test_larger_scale_writes_the_same_shapes_with_more_rows(
    tmp_path: Path, scale1_seeds: Path
) -> None:
    import duckdb

    datagen.generate(2, 42, tmp_path, REFERENCE_DIR, SEEDS_RAW_DIR)
    for table in ("salesforce/account", "marketo/activity_send_email"):
        small = _rows(scale1_seeds / f"{table}.csv")
        with duckdb.connect() as con:
            relation = con.read_parquet(str(tmp_path / f"{table}.parquet"))
            columns, [(count,)] = relation.columns, relation.count("*").fetchall()
        assert columns == list(small[0])
        assert count > 1.5 * len(small)


def test_larger_scale_needs_the_seed_column_types(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="need the seed column types"):
        datagen.generate(2, 42, tmp_path, REFERENCE_DIR)


def test_scale_below_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale must be a whole number of at least 1"):
        datagen.generate(0, 42, tmp_path, REFERENCE_DIR)
