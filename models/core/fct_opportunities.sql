with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

accounts as (

    select
        account_id,
        account_key
    from {{ ref('dim_accounts') }}
    where not is_unknown_member

),

owners as (

    select
        source_record_id as user_id,
        user_key
    from {{ ref('bridge_user_identities') }}
    where source_system = 'salesforce_user'

),

final as (

    select
        opportunities.opportunity_id,
        coalesce(accounts.account_key, {{ unknown_key() }}) as account_key,
        coalesce(owners.user_key, {{ unknown_key() }}) as owner_user_key,
        opportunities.account_id,
        opportunities.owner_user_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.stage_name,
        opportunities.forecast_category,
        opportunities.lead_source,
        case
            when opportunities.is_won then 'won'
            when opportunities.is_closed then 'lost'
            else 'open'
        end as opportunity_status,
        opportunities.amount,
        opportunities.probability_pct,
        cast(opportunities.amount * opportunities.probability_pct / 100 as decimal(18, 2))
            as expected_amount,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.close_date,
        cast({{ dbt.date_trunc('month', 'opportunities.close_date') }} as date) as close_month,
        opportunities.created_at,
        cast(opportunities.created_at as date) as created_date
    from opportunities
    left join accounts
        on opportunities.account_id = accounts.account_id
    left join owners
        on opportunities.owner_user_id = owners.user_id

)

select * from final
