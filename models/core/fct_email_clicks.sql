{{ email_activity_fact(
    'stg_marketo__email_clicks', 'email_click_id', 'clicked_at',
    extra_columns=['clicked_url', 'device', 'platform', 'is_mobile_device'],
) }}
