-- Every marketing mart must add up to the facts it summarises: no send, open, click or
-- booking is lost or double-counted between core and marts. Returns one row per mismatch.
with

fact_totals as (

    select
        (select count(*) from {{ ref('fct_email_sends') }}) as sends,
        (select count(distinct email_send_id) from {{ ref('fct_email_opens') }}) as unique_opens,
        (select count(distinct email_send_id) from {{ ref('fct_email_clicks') }}) as unique_clicks,
        (select count(*) from {{ ref('fct_email_clicks') }}) as total_clicks,
        (select count(distinct email_send_id) from {{ ref('fct_email_bounces') }}) as bounces,
        (
            select coalesce(sum(amount), 0) from {{ ref('fct_opportunities') }}
            where opportunity_status = 'won'
        ) as bookings_amount,
        (select count(*) from {{ ref('fct_opportunities') }}) as opportunities

),

mart_totals as (

    select 'country_email_engagement' as mart, sum(sends) as sends, sum(unique_opens) as unique_opens,
        sum(unique_clicks) as unique_clicks, sum(total_clicks) as total_clicks, sum(bounces) as bounces
    from {{ ref('country_email_engagement') }}
    union all
    select 'account_email_engagement' as mart, sum(sends) as sends, sum(unique_opens) as unique_opens,
        sum(unique_clicks) as unique_clicks, sum(total_clicks) as total_clicks, sum(bounces) as bounces
    from {{ ref('account_email_engagement') }}
    union all
    select 'campaign_performance' as mart, sum(sends) as sends, sum(unique_opens) as unique_opens,
        sum(unique_clicks) as unique_clicks, sum(total_clicks) as total_clicks, sum(bounces) as bounces
    from {{ ref('campaign_performance') }}

),

email_mismatches as (

    select mart_totals.mart
    from mart_totals
    cross join fact_totals
    where
        mart_totals.sends != fact_totals.sends
        or mart_totals.unique_opens != fact_totals.unique_opens
        or mart_totals.unique_clicks != fact_totals.unique_clicks
        or mart_totals.total_clicks != fact_totals.total_clicks
        or mart_totals.bounces != fact_totals.bounces

),

pipeline_mismatches as (

    select 'opportunity_pipeline' as mart
    from (
        select
            sum(bookings_amount) as bookings_amount,
            sum(opportunity_count) as opportunities
        from {{ ref('opportunity_pipeline') }}
    ) as pipeline
    cross join fact_totals
    where
        pipeline.bookings_amount != fact_totals.bookings_amount
        or pipeline.opportunities != fact_totals.opportunities

)

select * from email_mismatches
union all
select * from pipeline_mismatches
