{{ email_activity_fact(
    'stg_marketo__email_unsubscribes', 'email_unsubscribe_id', 'unsubscribed_at',
) }}
