{#- Card and account spending (debits) per customer, month and merchant category. A table,
    rebuilt in every run: a 1 % delta changes the transactions of about a fifth of the
    customers, and deleting their rows costs more in DuckDB's checkpoint than rebuilding the
    whole table (README, Performance). -#}
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
        -- money stays decimal(18, 2): sums of the wider decimal(38, 2) are far slower
        cast(sum(amount) as decimal(18, 2)) as spend_amount
    from debits
    group by customer_key, spend_month, merchant_category, account_type

)

select * from final
