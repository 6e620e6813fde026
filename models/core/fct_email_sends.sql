{{ email_activity_fact(
    'stg_marketo__email_sends', 'email_send_activity_id', 'sent_at',
) }}
