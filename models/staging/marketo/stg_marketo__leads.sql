with

source as (

    -- depends_on: {{ ref('raw_marketo', 'lead') }}
    select * from {{ source('marketo', 'lead') }}

),

renamed as (

    select
        -- ids
        id as lead_id,

        -- strings
        email,
        {{ normalize_email('email') }} as normalized_email,
        first_name,
        last_name,
        company,
        trim(country) as country,
        lead_source,

        -- booleans
        unsubscribed as is_unsubscribed,
        email_invalid as is_email_invalid,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
