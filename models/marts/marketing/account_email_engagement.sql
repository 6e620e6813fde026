with

sends as (

    select * from {{ ref('int_email_sends_joined_to_engagement') }}

),

accounts as (

    select
        account_key,
        account_id,
        account_name,
        country_code,
        country_name,
        region
    from {{ ref('dim_accounts') }}

),

by_account as (

    select
        account_key,
        {{ email_engagement_measures() }}
    from sends
    group by account_key

),

final as (

    select
        by_account.account_key,
        accounts.account_id,
        accounts.account_name,
        accounts.country_code,
        accounts.country_name,
        accounts.region,
        by_account.sends,
        by_account.deliveries,
        by_account.bounces,
        by_account.unique_opens,
        by_account.unique_clicks,
        by_account.unsubscribes,
        by_account.total_opens,
        by_account.total_clicks,
        {{ email_engagement_rates() }}
    from by_account
    inner join accounts
        on by_account.account_key = accounts.account_key

)

select * from final
