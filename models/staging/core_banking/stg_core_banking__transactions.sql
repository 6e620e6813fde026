with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'transactions') }}
    select * from {{ source('core_banking', 'transactions') }}

),

renamed as (

    select
        -- ids
        transaction_id,
        account_id as bank_account_id,

        -- strings
        direction,
        merchant_category,
        channel,

        -- numerics
        amount,
        -- credits add to the account balance, debits take from it
        case when direction = 'credit' then amount else -amount end as signed_amount,

        -- dates
        cast(transaction_at as date) as transaction_date,

        -- timestamps
        transaction_at

    from source

)

select * from renamed
