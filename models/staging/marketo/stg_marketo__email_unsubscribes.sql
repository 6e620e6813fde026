with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_unsubscribe_email') }}
    {{ current_rows('marketo', 'activity_unsubscribe_email', key='id') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('unsubscribed_at') }},

        -- strings
        client_ip_address,
        webform_id,

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
