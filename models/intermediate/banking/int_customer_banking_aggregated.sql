{#- One row per bank customer: balances, recent spend and how they transact. Balances are the
    opening balance plus every credit minus every debit; a credit card's balance is negative
    when money is owed. -#}
with

customers as (

    select
        customer_key,
        customer_id,
        user_key
    from {{ ref('dim_customers') }}
    where not is_unknown_member

),

accounts as (

    select
        bank_account_key,
        customer_key,
        account_type,
        initial_balance
    from {{ ref('dim_bank_accounts') }}
    where not is_unknown_member

),

transactions as (

    select * from {{ ref('fct_transactions') }}

),

as_of as (

    select {{ as_of_date() }} as as_of_date

),

activities as (

    select
        customer_key,
        min(activity_at) as first_activity_at,
        max(activity_at) as last_activity_at
    from {{ ref('fct_customer_activities') }}
    group by customer_key

),

account_movements as (

    select
        bank_account_key,
        cast(sum(signed_amount) as decimal(18, 2)) as net_movement
    from transactions
    group by bank_account_key

),

balances as (

    select
        accounts.customer_key,
        count(*) as bank_account_count,
        cast(sum(
            case
                when accounts.account_type != 'credit_card'
                    then accounts.initial_balance + coalesce(account_movements.net_movement, 0)
            end
        ) as decimal(18, 2)) as deposit_balance,
        cast(sum(
            case
                when accounts.account_type = 'credit_card'
                    then -(accounts.initial_balance + coalesce(account_movements.net_movement, 0))
            end
        ) as decimal(18, 2)) as credit_card_balance_owed
    from accounts
    left join account_movements
        on accounts.bank_account_key = account_movements.bank_account_key
    group by accounts.customer_key

),

transaction_summary as (

    select
        transactions.customer_key,
        {{ count_where("transactions.channel = 'online'") }} as online_transaction_count,
        {{ count_where("transactions.channel = 'mobile'") }} as mobile_transaction_count,
        {{ count_where("transactions.channel = 'branch'") }} as branch_transaction_count,
        cast(sum(
            case
                when
                    transactions.direction = 'debit'
                    and transactions.transaction_date
                    > {{ dbt.dateadd('day', -90, 'as_of.as_of_date') }}
                    and transactions.transaction_date <= as_of.as_of_date
                    then transactions.amount
                else 0
            end
        ) as decimal(18, 2)) as spend_90d,
        min(transactions.transaction_at) as first_transaction_at,
        max(transactions.transaction_at) as last_transaction_at
    from transactions
    cross join as_of
    group by transactions.customer_key

),

final as (

    select
        customers.customer_key,
        customers.customer_id,
        customers.user_key,
        coalesce(balances.bank_account_count, 0) as bank_account_count,
        coalesce(balances.deposit_balance, 0) as deposit_balance,
        coalesce(balances.credit_card_balance_owed, 0) as credit_card_balance_owed,
        coalesce(transaction_summary.spend_90d, 0) as spend_90d,
        coalesce(transaction_summary.online_transaction_count, 0) as online_transaction_count,
        coalesce(transaction_summary.mobile_transaction_count, 0) as mobile_transaction_count,
        coalesce(transaction_summary.branch_transaction_count, 0) as branch_transaction_count,
        transaction_summary.first_transaction_at,
        transaction_summary.last_transaction_at,
        activities.first_activity_at,
        activities.last_activity_at
    from customers
    left join balances
        on customers.customer_key = balances.customer_key
    left join transaction_summary
        on customers.customer_key = transaction_summary.customer_key
    left join activities
        on customers.customer_key = activities.customer_key

)

select * from final
