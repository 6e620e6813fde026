with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'transactions') }}
    {{ current_rows('core_banking', 'transactions', key='transaction_id') }}

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
        transaction_at,

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
