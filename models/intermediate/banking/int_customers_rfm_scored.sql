{#- Recency, frequency and monetary value of each customer's spending (debits) in the 365
    days to the as-of date, scored 1 (lowest) to 5 (highest) by quintile among the customers
    who spent. Customers who spent nothing in the window score 1 on all three. -#}
with

customers as (

    select
        customer_key,
        customer_id,
        user_key
    from {{ ref('dim_customers') }}
    where not is_unknown_member

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

debits as (

    select
        ledger.customer_key,
        ledger.transaction_date,
        ledger.amount,
        as_of.as_of_date
    from {{ ref('fct_transactions') }} as ledger
    cross join as_of
    where
        ledger.direction = 'debit'
        and ledger.transaction_date > {{ dbt.dateadd('day', -365, 'as_of.as_of_date') }}
        and ledger.transaction_date <= as_of.as_of_date

),

spending as (

    select
        customer_key,
        max(transaction_date) as last_debit_date,
        max(as_of_date) as as_of_date,
        count(*) as frequency,
        cast(sum(amount) as decimal(18, 2)) as monetary
    from debits
    group by customer_key

),

scored as (

    select
        customer_key,
        -- explicit bigints: datediff and ntile give int on some engines (Spark)
        cast(
            {{ dbt.datediff('last_debit_date', 'as_of_date', 'day') }}  -- noqa: LT05
            as {{ dbt.type_bigint() }}
        ) as recency_days,
        frequency,
        monetary,
        cast(
            ntile(5) over (order by last_debit_date asc, customer_key asc)
            as {{ dbt.type_bigint() }}
        ) as recency_score,
        cast(
            ntile(5) over (order by frequency asc, customer_key asc) as {{ dbt.type_bigint() }}
        ) as frequency_score,
        cast(
            ntile(5) over (order by monetary asc, customer_key asc) as {{ dbt.type_bigint() }}
        ) as monetary_score
    from spending

),

final as (

    select
        customers.customer_key,
        customers.customer_id,
        customers.user_key,
        scored.recency_days,
        coalesce(scored.frequency, 0) as frequency,
        coalesce(scored.monetary, 0) as monetary,
        coalesce(scored.recency_score, 1) as recency_score,
        coalesce(scored.frequency_score, 1) as frequency_score,
        coalesce(scored.monetary_score, 1) as monetary_score
    from customers
    left join scored
        on customers.customer_key = scored.customer_key

)

select * from final
