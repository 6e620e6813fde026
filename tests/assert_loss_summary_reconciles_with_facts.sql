-- loss_summary adds up to the claim and premium facts it summarises. Returns a row per
-- measure that differs.
{{ config(meta={'dagster': {'ref': {'name': 'loss_summary'}}}) }}

with

facts as (

    select 'claim_count' as measure, cast(count(*) as decimal(18, 2)) as fact_total
    from {{ ref('fct_claims') }}
    union all
    select 'paid_losses' as measure, sum(paid_amount) as fact_total
    from {{ ref('fct_claims') }}
    union all
    select 'earned_premium' as measure, sum(earned_premium) as fact_total
    from {{ ref('fct_earned_premiums') }}

),

mart as (

    select 'claim_count' as measure, cast(sum(claim_count) as decimal(18, 2)) as mart_total
    from {{ ref('loss_summary') }}
    union all
    select 'paid_losses' as measure, sum(paid_losses) as mart_total
    from {{ ref('loss_summary') }}
    union all
    select 'earned_premium' as measure, sum(earned_premium) as mart_total
    from {{ ref('loss_summary') }}

)

select
    facts.measure,
    facts.fact_total,
    mart.mart_total
from facts
inner join mart
    on facts.measure = mart.measure
where facts.fact_total != mart.mart_total
