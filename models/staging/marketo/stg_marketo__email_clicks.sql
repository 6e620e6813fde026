with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_click_email') }}
    select * from {{ source('marketo', 'activity_click_email') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('clicked_at') }},

        -- strings
        link as clicked_url,
        device,
        platform,

        -- booleans
        is_mobile_device

    from source

)

select * from renamed
