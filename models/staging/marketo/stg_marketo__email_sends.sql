with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_send_email') }}
    select * from {{ source('marketo', 'activity_send_email') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('sent_at') }}

    from source

)

select * from renamed
