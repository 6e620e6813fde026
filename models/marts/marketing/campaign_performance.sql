with

sends as (

    select * from {{ ref('int_email_sends_joined_to_engagement') }}

),

campaigns as (

    select
        campaign_key,
        campaign_id,
        campaign_name,
        campaign_type,
        program_id,
        program_name,
        program_channel
    from {{ ref('dim_campaigns') }}

),

by_campaign as (

    select
        campaign_key,
        min(sent_date) as first_sent_date,
        max(sent_date) as last_sent_date,
        {{ email_engagement_measures() }}
    from sends
    group by campaign_key

),

final as (

    select
        by_campaign.campaign_key,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.program_id,
        campaigns.program_name,
        campaigns.program_channel,
        by_campaign.first_sent_date,
        by_campaign.last_sent_date,
        by_campaign.sends,
        by_campaign.deliveries,
        by_campaign.bounces,
        by_campaign.unique_opens,
        by_campaign.unique_clicks,
        by_campaign.unsubscribes,
        by_campaign.total_opens,
        by_campaign.total_clicks,
        {{ safe_divide('by_campaign.deliveries', 'by_campaign.sends') }} as delivery_rate,
        {{ safe_divide('by_campaign.bounces', 'by_campaign.sends') }} as bounce_rate,
        {{ safe_divide('by_campaign.unique_opens', 'by_campaign.deliveries') }}
            as open_rate_of_delivered,
        {{ safe_divide('by_campaign.unsubscribes', 'by_campaign.deliveries') }}
            as unsubscribe_rate,
        {{ email_engagement_rates() }}
    from by_campaign
    inner join campaigns
        on by_campaign.campaign_key = campaigns.campaign_key

)

select * from final
