{{ email_activity_fact(
    'stg_marketo__email_deliveries', 'email_delivery_id', 'delivered_at',
) }}
