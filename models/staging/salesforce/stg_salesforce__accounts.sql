with

source as (

    -- depends_on: {{ ref('raw_salesforce', 'account') }}
    select * from {{ source('salesforce', 'account') }}

),

renamed as (

    select
        -- ids
        id as account_id,
        owner_id as owner_user_id,

        -- strings
        name as account_name,
        type as account_type,
        industry,
        billing_city,
        trim(billing_country) as billing_country,

        -- numerics
        annual_revenue,
        number_of_employees,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(is_deleted, false)

)

select * from renamed
