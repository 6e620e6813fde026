{#- The columns every Marketo email activity shares, renamed. `email_send_id` identifies the
    send an activity belongs to: Marketo sends one email template to a lead once per campaign
    run, so (lead, campaign, campaign run, template) is the send's natural key. -#}
{% macro marketo_email_activity_columns(event_at) -%}
        -- ids
        id as activity_id,
        {{ surrogate_key(['lead_id', 'campaign_id', 'campaign_run_id', 'primary_attribute_value_id']) }}
            as email_send_id,
        lead_id,
        campaign_id,
        campaign_run_id,
        primary_attribute_value_id as email_template_id,

        -- strings
        primary_attribute_value as email_template_name,

        -- timestamps
        activity_date as {{ event_at }},
        _fivetran_synced as synced_at
{%- endmacro %}
