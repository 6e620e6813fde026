with

source as (

    -- depends_on: {{ ref('raw_salesforce', 'user') }}
    select * from {{ source('salesforce', 'user') }}

),

renamed as (

    select
        -- ids
        id as user_id,
        manager_id as manager_user_id,

        -- strings
        first_name,
        last_name,
        name as full_name,
        email,
        {{ normalize_email('email') }} as normalized_email,
        title,
        department,
        trim(country) as country,

        -- booleans
        is_active,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(is_deleted, false)

)

select * from renamed
