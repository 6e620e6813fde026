{{ email_activity_fact(
    'stg_marketo__email_opens', 'email_open_id', 'opened_at',
    extra_columns=['device', 'platform', 'is_mobile_device'],
) }}
