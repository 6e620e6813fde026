{#- The current pattern of each customer, applied from the change feed: the valid change with
    the highest sequence (changed_at) wins, so changes arriving out of order or twice are
    harmless, and a delete removes the customer for good: an older update arriving after it
    has a lower sequence and never brings the row back. On equal sequences the tie is broken
    deterministically: delete, then update, then create, then snapshot read; then change_id,
    then the latest batch.
    A mini-dimension of dim_customers (same customer_key): these attributes change with every
    delta load, so they are kept apart from the customer dimension, which stays put.
    Incremental: a run recomputes the customers with events loaded since the last run. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='customer_id',
    on_schema_change='fail',
    post_hook=["{{ record_incremental_changes() }}", "{{ remove_tombstones() }}"],
) }}
with

changes as (

    select *
    from {{ ref('stg_core_banking__customer_pattern_changes') }}
    where
        invalid_reason is null
        -- an incremental run: every change of the customers with a change loaded since the
        -- last run (sqlfluff misreads the indent inside the if)
        -- noqa: disable=LT02
        {% if is_incremental() -%}
        and customer_id in (
            select changed.customer_id
            from {{ ref('stg_core_banking__customer_pattern_changes') }} as changed
            where {{ changed_since_last_run('changed._changed_at') }}
        )
        {%- endif %}

),

-- noqa: enable=LT02

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id
            order by
                changed_at desc,
                case change_operation
                    when 'd' then 4
                    when 'u' then 3
                    when 'c' then 2
                    else 1
                end desc,
                change_id desc,
                -- the same event delivered in several batches: the latest delivery
                batch_id desc
        ) as recency_rank,
        count(*) over (partition by customer_id) as change_count,
        max(_changed_at) over (partition by customer_id) as last_loaded_at
    from changes

),

latest as (

    select * from ranked
    where recency_rank = 1

),

final as (

    select
        {{ surrogate_key(['customer_id']) }} as customer_key,
        customer_id,
        after_preferred_channel as preferred_channel,
        after_spending_pattern as spending_pattern,
        after_avg_monthly_spend as avg_monthly_spend,
        change_operation as last_change_operation,
        changed_at as last_changed_at,
        batch_id as last_batch_id,
        change_count,
        change_operation as _change_op,
        last_loaded_at as _changed_at,
        change_operation = 'd' as _is_deleted,
        '{{ invocation_id }}' as _invocation_id
    from latest

)

{{ incremental_rows('final', 'customer_id') }}
