{{ email_activity_fact(
    'stg_marketo__email_bounces', 'email_bounce_id', 'bounced_at',
    extra_columns=['bounce_category', 'bounce_type', 'bounce_details'],
) }}
