with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_email_bounced') }}
    {{ current_rows('marketo', 'activity_email_bounced', key='id') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('bounced_at') }},

        -- strings
        category as bounce_category,
        lower(subcategory) as bounce_type,
        details as bounce_details,
        email as bounced_email,

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
