with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_open_email') }}
    {{ current_rows('marketo', 'activity_open_email', key='id') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('opened_at') }},

        -- strings
        device,
        platform,

        -- booleans
        is_mobile_device,

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
