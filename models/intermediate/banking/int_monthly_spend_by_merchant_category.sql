{#- Card and account spending (debits) per customer, month and merchant category. -#}
with

debits as (

    select
        customer_key,
        account_type,
        merchant_category,
        amount,
        cast({{ dbt.date_trunc('month', 'transaction_date') }} as date) as spend_month
    from {{ ref('fct_transactions') }}
    where direction = 'debit'

),

final as (

    select
        customer_key,
        spend_month,
        merchant_category,
        account_type,
        count(*) as transaction_count,
        sum(amount) as spend_amount
    from debits
    group by customer_key, spend_month, merchant_category, account_type

)

select * from final
