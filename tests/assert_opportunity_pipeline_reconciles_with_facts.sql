-- Every opportunity and every booked amount in fct_opportunities appears exactly once in
-- opportunity_pipeline. Returns a row when the totals differ.
{{ config(meta={'dagster': {'ref': {'name': 'opportunity_pipeline'}}}) }}

with

facts as (

    select
        count(*) as opportunities,
        coalesce(sum(case when opportunity_status = 'won' then amount end), 0) as bookings_amount,
        coalesce(sum(case when opportunity_status = 'open' then amount end), 0) as pipeline_amount
    from {{ ref('fct_opportunities') }}

),

mart as (

    select
        sum(opportunity_count) as opportunities,
        sum(bookings_amount) as bookings_amount,
        sum(pipeline_amount) as pipeline_amount
    from {{ ref('opportunity_pipeline') }}

)

select
    facts.opportunities as fact_opportunities,
    mart.opportunities as mart_opportunities,
    facts.bookings_amount as fact_bookings_amount,
    mart.bookings_amount as mart_bookings_amount
from facts
cross join mart
where
    facts.opportunities != mart.opportunities
    or facts.bookings_amount != mart.bookings_amount
    or facts.pipeline_amount != mart.pipeline_amount
