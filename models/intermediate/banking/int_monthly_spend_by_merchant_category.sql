{#- Card and account spending (debits) per customer, month and merchant category.
    Incremental by customer: a run recomputes every row of the customers with a transaction
    changed since its last run, where the transaction is now and, from the before-images
    fct_transactions logs (macros/changes/replaced_customers.sql), where it was; a customer
    left with no debits gets a tombstone that removes their old rows. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='customer_key',
    on_schema_change='fail',
    post_hook=[
        "{{ remove_tombstones() }}",
        "{{ prune_replaced_customers('fct_transactions') }}",
    ],
) }}
{%- set of_changed_customers = (
    'customer_key in (select changed_customers.customer_key from changed_customers)'
    if is_incremental() else '1 = 1'
) %}
-- the CTEs only incremental runs need are in if-blocks, which are no indent
-- sqlfluff:indentation:template_blocks_indent:false
with
{% if is_incremental() %}
changed_customers as (

    select customer_key
    from {{ ref('fct_transactions') }}
    where {{ changed_since_last_run() }}

    union

    {{ replaced_customers('fct_transactions') }}

),
{% endif %}
debits as (

    select
        customer_key,
        account_type,
        merchant_category,
        amount,
        cast({{ dbt.date_trunc('month', 'transaction_date') }} as date) as spend_month,
        _changed_at
    from {{ ref('fct_transactions') }}
    where
        direction = 'debit'
        and {{ of_changed_customers }}

),

spend as (

    select
        customer_key,
        spend_month,
        merchant_category,
        account_type,
        count(*) as transaction_count,
        -- money stays decimal(18, 2): sums of the wider decimal(38, 2) are far slower
        cast(sum(amount) as decimal(18, 2)) as spend_amount,
        max(_changed_at) as _changed_at,
        false as _is_deleted
    from debits
    group by customer_key, spend_month, merchant_category, account_type

),
{% if is_incremental() %}
emptied as (

    select
        changed_customers.customer_key,
        cast(null as date) as spend_month,
        cast(null as {{ dbt.type_string() }}) as merchant_category,
        cast(null as {{ dbt.type_string() }}) as account_type,
        cast(null as {{ dbt.type_bigint() }}) as transaction_count,
        cast(null as decimal(18, 2)) as spend_amount,
        cast(null as {{ dbt.type_timestamp() }}) as _changed_at,
        true as _is_deleted
    from changed_customers
    where changed_customers.customer_key not in (select spend.customer_key from spend)

),
{% endif %}
final as (

    select
        *,
        '{{ invocation_id }}' as _invocation_id
    from spend
    {%- if is_incremental() %}

    union all

    select
        *,
        '{{ invocation_id }}' as _invocation_id
    from emptied
    {%- endif %}

)

{{ incremental_rows('final', 'customer_key') }}
