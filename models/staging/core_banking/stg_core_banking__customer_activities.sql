with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'customer_activity') }}
    select * from {{ source('core_banking', 'customer_activity') }}

),

renamed as (

    select
        -- ids
        activity_id,
        customer_id,

        -- strings
        activity_type,
        ip_address,

        -- numerics
        propensity_to_buy,

        -- timestamps
        activity_at

    from source

)

select * from renamed
