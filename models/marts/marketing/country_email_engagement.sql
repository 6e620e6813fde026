with

sends as (

    select * from {{ ref('int_email_sends_joined_to_engagement') }}

),

users as (

    select
        user_key,
        country_code,
        country_name,
        region
    from {{ ref('dim_users') }}

),

by_country as (

    select
        users.country_code,
        users.country_name,
        users.region,
        {{ email_engagement_measures() }}
    from sends
    inner join users
        on sends.user_key = users.user_key
    group by users.country_code, users.country_name, users.region

),

final as (

    select
        country_code,
        country_name,
        region,
        sends,
        deliveries,
        bounces,
        unique_opens,
        unique_clicks,
        unsubscribes,
        total_opens,
        total_clicks,
        {{ email_engagement_rates() }}
    from by_country

)

select * from final
