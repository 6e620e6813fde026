with

accounts as (

    select * from {{ ref('stg_core_banking__accounts') }}

),

customers as (

    select
        customer_id,
        customer_key
    from {{ ref('dim_customers') }}
    where not is_unknown_member

),

known_accounts as (

    select
        {{ surrogate_key(['accounts.bank_account_id']) }} as bank_account_key,
        accounts.bank_account_id,
        coalesce(customers.customer_key, {{ unknown_key() }}) as customer_key,
        accounts.customer_id,
        accounts.account_type,
        accounts.currency,
        accounts.initial_balance,
        accounts.opened_at,
        false as is_unknown_member
    from accounts
    left join customers
        on accounts.customer_id = customers.customer_id

),

unknown_member as (

    select
        {{ unknown_key() }} as bank_account_key,
        cast(null as {{ dbt.type_bigint() }}) as bank_account_id,
        {{ unknown_key() }} as customer_key,
        cast(null as {{ dbt.type_bigint() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as account_type,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as decimal(18, 2)) as initial_balance,
        cast(null as {{ dbt.type_timestamp() }}) as opened_at,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_accounts
    union all
    select * from unknown_member

),

final as (

    select
        bank_account_key,
        bank_account_id,
        customer_key,
        customer_id,
        account_type,
        currency,
        initial_balance,
        opened_at,
        is_unknown_member
    from with_unknown_member

)

select * from final
