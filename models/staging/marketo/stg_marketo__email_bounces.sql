with

source as (

    -- depends_on: {{ ref('raw_marketo', 'activity_email_bounced') }}
    select * from {{ source('marketo', 'activity_email_bounced') }}

),

renamed as (

    select
        {{ marketo_email_activity_columns('bounced_at') }},

        -- strings
        category as bounce_category,
        lower(subcategory) as bounce_type,
        details as bounce_details,
        email as bounced_email

    from source

)

select * from renamed
