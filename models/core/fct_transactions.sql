{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='transaction_id',
    on_schema_change='fail',
    post_hook=["{{ record_incremental_changes() }}", "{{ remove_tombstones() }}"],
) }}

with

transactions as (

    select * from {{ ref('stg_core_banking__transactions') }}
    where {{ changed_since_last_run() }}

),

accounts as (

    select
        bank_account_id,
        bank_account_key,
        customer_key,
        account_type
    from {{ ref('dim_bank_accounts') }}
    where not is_unknown_member

),

final as (

    select
        transactions.transaction_id,
        coalesce(accounts.bank_account_key, {{ unknown_key() }}) as bank_account_key,
        coalesce(accounts.customer_key, {{ unknown_key() }}) as customer_key,
        transactions.bank_account_id,
        accounts.account_type,
        transactions.direction,
        transactions.merchant_category,
        transactions.channel,
        transactions.amount,
        transactions.signed_amount,
        transactions.transaction_at,
        transactions.transaction_date,
        {{ incremental_change_columns('transactions') }}
    from transactions
    left join accounts
        on transactions.bank_account_id = accounts.bank_account_id

)

{{ incremental_rows('final', 'transaction_id') }}
