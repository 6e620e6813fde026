with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'accounts') }}
    select * from {{ source('core_banking', 'accounts') }}

),

renamed as (

    select
        -- ids
        account_id as bank_account_id,
        customer_id,

        -- strings
        account_type,
        currency,

        -- numerics
        initial_balance,

        -- timestamps
        opened_at

    from source

)

select * from renamed
