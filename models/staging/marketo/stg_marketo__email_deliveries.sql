with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_email_delivered') }}
    select * from {{ source('marketo', 'activity_email_delivered') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('delivered_at') }}

    from source

)

select * from renamed
