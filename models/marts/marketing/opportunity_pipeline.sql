{#- Per opportunity owner and close month: open pipeline (raw and weighted by probability,
    which Salesforce stores as a percentage), bookings (won amount), losses and win rate. -#}
with

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

owners as (

    select
        user_key,
        salesforce_user_id,
        full_name
    from {{ ref('dim_users') }}

),

by_owner_month as (

    select
        owner_user_key,
        close_month,
        count(*) as opportunity_count,
        {{ count_where("opportunity_status = 'open'") }} as open_count,
        {{ count_where("opportunity_status = 'won'") }} as won_count,
        {{ count_where("opportunity_status = 'lost'") }} as lost_count,
        coalesce(sum(case when opportunity_status = 'open' then amount end), 0)
            as pipeline_amount,
        coalesce(sum(case when opportunity_status = 'open' then expected_amount end), 0)
            as weighted_pipeline_amount,
        coalesce(sum(case when opportunity_status = 'won' then amount end), 0)
            as bookings_amount,
        coalesce(sum(case when opportunity_status = 'lost' then amount end), 0)
            as lost_amount
    from opportunities
    group by owner_user_key, close_month

),

final as (

    select
        by_owner_month.owner_user_key,
        owners.salesforce_user_id as owner_user_id,
        owners.full_name as owner_name,
        by_owner_month.close_month,
        by_owner_month.opportunity_count,
        by_owner_month.open_count,
        by_owner_month.won_count,
        by_owner_month.lost_count,
        cast(by_owner_month.pipeline_amount as decimal(18, 2)) as pipeline_amount,
        cast(by_owner_month.weighted_pipeline_amount as decimal(18, 2))
            as weighted_pipeline_amount,
        cast(by_owner_month.bookings_amount as decimal(18, 2)) as bookings_amount,
        cast(by_owner_month.lost_amount as decimal(18, 2)) as lost_amount,
        {{ safe_divide(
            'by_owner_month.won_count',
            'by_owner_month.won_count + by_owner_month.lost_count',
        ) }} as win_rate,
        cast(
            by_owner_month.bookings_amount / nullif(by_owner_month.won_count, 0)
            as decimal(18, 2)
        ) as average_won_amount
    from by_owner_month
    inner join owners
        on by_owner_month.owner_user_key = owners.user_key

)

select * from final
