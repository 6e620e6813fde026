{#- One row per email send with what happened to it. Each kind of event is aggregated to
    the send before joining, so several opens and several clicks on one send never multiply
    each other. -#}
with

sends as (

    select * from {{ ref('fct_email_sends') }}

),

deliveries as (

    select
        email_send_id,
        min(delivered_at) as delivered_at
    from {{ ref('fct_email_deliveries') }}
    group by email_send_id

),

bounces as (

    select
        email_send_id,
        min(bounced_at) as bounced_at
    from {{ ref('fct_email_bounces') }}
    group by email_send_id

),

opens as (

    select
        email_send_id,
        min(opened_at) as first_opened_at,
        count(*) as open_count
    from {{ ref('fct_email_opens') }}
    group by email_send_id

),

clicks as (

    select
        email_send_id,
        min(clicked_at) as first_clicked_at,
        count(*) as click_count
    from {{ ref('fct_email_clicks') }}
    group by email_send_id

),

unsubscribes as (

    select
        email_send_id,
        min(unsubscribed_at) as unsubscribed_at
    from {{ ref('fct_email_unsubscribes') }}
    group by email_send_id

),

final as (

    select
        sends.email_send_id,
        sends.user_key,
        sends.account_key,
        sends.campaign_key,
        sends.email_template_id,
        sends.sent_at,
        sends.sent_date,
        deliveries.delivered_at,
        bounces.bounced_at,
        opens.first_opened_at,
        clicks.first_clicked_at,
        unsubscribes.unsubscribed_at,
        coalesce(opens.open_count, 0) as open_count,
        coalesce(clicks.click_count, 0) as click_count,
        deliveries.email_send_id is not null as is_delivered,
        bounces.email_send_id is not null as is_bounced,
        opens.email_send_id is not null as is_opened,
        clicks.email_send_id is not null as is_clicked,
        unsubscribes.email_send_id is not null as is_unsubscribed
    from sends
    left join deliveries
        on sends.email_send_id = deliveries.email_send_id
    left join bounces
        on sends.email_send_id = bounces.email_send_id
    left join opens
        on sends.email_send_id = opens.email_send_id
    left join clicks
        on sends.email_send_id = clicks.email_send_id
    left join unsubscribes
        on sends.email_send_id = unsubscribes.email_send_id

)

select * from final
