with

source as (

    -- depends_on: {{ ref('raw_salesforce', 'lead') }}
    select * from {{ source('salesforce', 'lead') }}

),

renamed as (

    select
        -- ids
        id as lead_id,
        owner_id as owner_user_id,
        converted_account_id,
        converted_contact_id,

        -- strings
        first_name,
        last_name,
        email,
        {{ normalize_email('email') }} as normalized_email,
        company,
        title,
        trim(country) as country,
        status as lead_status,
        lead_source,

        -- booleans
        is_converted,

        -- dates
        converted_date,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(is_deleted, false)

)

select * from renamed
