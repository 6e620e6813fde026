with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_email_delivered') }}
    {{ current_rows('marketo', 'activity_email_delivered', key='id') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('delivered_at') }},

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
