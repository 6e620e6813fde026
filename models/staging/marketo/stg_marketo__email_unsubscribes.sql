with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_unsubscribe_email') }}
    select * from {{ source('marketo', 'activity_unsubscribe_email') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('unsubscribed_at') }},

        -- strings
        client_ip_address,
        webform_id

    from source

)

select * from renamed
