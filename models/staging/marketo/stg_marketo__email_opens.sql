with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_open_email') }}
    select * from {{ source('marketo', 'activity_open_email') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('opened_at') }},

        -- strings
        device,
        platform,

        -- booleans
        is_mobile_device

    from source

)

select * from renamed
