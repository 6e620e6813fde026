with

source as (

    -- depends_on: {{ ref('raw_salesforce', 'contact') }}
    select * from {{ source('salesforce', 'contact') }}

),

renamed as (

    select
        -- ids
        id as contact_id,
        account_id,
        owner_id as owner_user_id,

        -- strings
        first_name,
        last_name,
        email,
        {{ normalize_email('email') }} as normalized_email,
        title,
        trim(mailing_country) as mailing_country,
        lead_source,

        -- booleans
        has_opted_out_of_email,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(is_deleted, false)

)

select * from renamed
