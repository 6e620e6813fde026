with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'customers') }}
    select * from {{ source('core_banking', 'customers') }}

),

renamed as (

    select
        -- ids
        customer_id,

        -- strings
        first_name,
        last_name,
        email,
        {{ normalize_email('email') }} as normalized_email,
        gender,

        -- numerics
        income,
        fico,

        -- timestamps
        created_at,
        updated_at

    from source

)

select * from renamed
