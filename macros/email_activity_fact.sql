{#- The body of an email-activity fact (sends, deliveries, opens, clicks, bounces,
    unsubscribes): one row per Marketo activity with the conformed keys of the person, their
    account and the campaign. A missing person (deleted Marketo lead) or campaign resolves to
    the unknown member, so no activity is ever lost in the join. Incremental: see
    macros/changes/incremental.sql. -#}
{% macro email_activity_fact(activity_model, activity_key, event_at, extra_columns=[]) %}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key=activity_key,
    on_schema_change='fail',
    post_hook=["{{ record_incremental_changes() }}", "{{ remove_tombstones() }}"],
) }}
with

activities as (

    select * from {{ ref(activity_model) }}
    where {{ changed_since_last_run() }}

),

marketo_identities as (

    select source_record_id, user_key
    from {{ ref('bridge_user_identities') }}
    where source_system = 'marketo_lead'

),

users as (

    select user_key, account_key
    from {{ ref('dim_users') }}

),

campaigns as (

    select campaign_id, campaign_key
    from {{ ref('dim_campaigns') }}
    where not is_unknown_member

),

final as (

    select
        activities.activity_id as {{ activity_key }},
        activities.email_send_id,
        coalesce(users.user_key, {{ unknown_key() }}) as user_key,
        coalesce(users.account_key, {{ unknown_key() }}) as account_key,
        coalesce(campaigns.campaign_key, {{ unknown_key() }}) as campaign_key,
        activities.lead_id as marketo_lead_id,
        activities.campaign_id,
        activities.campaign_run_id,
        activities.email_template_id,
        activities.email_template_name,
        {%- for column in extra_columns %}
        activities.{{ column }},
        {%- endfor %}
        activities.{{ event_at }},
        cast(activities.{{ event_at }} as date) as {{ event_at | replace('_at', '_date') }},
        {{ incremental_change_columns('activities') }}
    from activities
    left join marketo_identities
        on cast(activities.lead_id as {{ dbt.type_string() }}) = marketo_identities.source_record_id
    left join users
        on marketo_identities.user_key = users.user_key
    left join campaigns
        on activities.campaign_id = campaigns.campaign_id

)

{{ incremental_rows('final', activity_key) }}
{% endmacro %}
