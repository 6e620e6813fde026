{#- Every source row that failed validation, with the reason and the batch it came in: kept,
    counted and never silently lost. Identical rejected rows of one batch are one row here
    with their number of occurrences. -#}
with

pattern_changes as (

    select
        customer_id,
        batch_id,
        change_operation,
        raw_datetime_updated,
        raw_after_avg_monthly_spend,
        invalid_reason,
        delivery_count
    from {{ ref('stg_core_banking__customer_pattern_changes') }}
    where invalid_reason is not null

),

rejected as (

    select
        'core_banking' as source_name,
        'customer_patterns' as source_table,
        cast(customer_id as {{ dbt.type_string() }}) as record_key,
        batch_id,
        invalid_reason as reason,
        {{ dbt.concat([
            "'op='", "coalesce(change_operation, 'null')",
            "', datetime_updated='", "coalesce(raw_datetime_updated, 'null')",
            "', after_avg_monthly_spend='", "coalesce(raw_after_avg_monthly_spend, 'null')",
        ]) }} as record_summary,
        delivery_count
    from pattern_changes

),

final as (

    select
        {{ surrogate_key([
            'source_name', 'source_table', 'record_key', 'batch_id', 'reason', 'record_summary',
        ]) }} as quarantined_record_id,
        source_name,
        source_table,
        record_key,
        batch_id,
        reason,
        record_summary,
        sum(delivery_count) as occurrences
    from rejected
    group by source_name, source_table, record_key, batch_id, reason, record_summary

)

select * from final
