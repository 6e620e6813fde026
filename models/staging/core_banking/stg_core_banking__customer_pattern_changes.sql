{#- One row per distinct change event per batch (initial load and landing files), typed where
    the values parse, with the reason the row is invalid (null when valid). An event delivered
    twice in one batch is one row (delivery_count 2). Invalid rows are not dropped here: core
    applies the valid ones and the quarantine model keeps the rest with their reason and batch.
    Stored, unlike the other staging models (views): grouping and hashing every event is the
    cost (0.7 s at scale 100), and five nodes read it (dim_customer_patterns, twice in a delta;
    the quarantine; three tests), each of which ran it again when it was a view.
    Incremental by batch: a batch's rows depend on that batch's events alone, so a run
    regroups, whole, the batches with an event loaded since its last run (a missing batch_id
    is a batch of its own, batch_group -1). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='batch_group',
    on_schema_change='fail',
) }}
{%- set of_changed_batches = (
    'coalesce(batch_id, -1) in (select changed_batches.batch_group from changed_batches)'
    if is_incremental() else '1 = 1'
) %}
-- the CTE only incremental runs need is in an if-block, which is no indent
-- sqlfluff:indentation:template_blocks_indent:false
with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'customer_patterns') }}
    {{ all_changes('core_banking', 'customer_patterns') }}

),
{% if is_incremental() %}
changed_batches as (

    select distinct coalesce(batch_id, -1) as batch_group
    from source
    where {{ changed_since_last_run() }}

),
{% endif %}
deduplicated as (

    select
        batch_id,
        op,
        customer_id,
        datetime_updated,
        before_preferred_channel,
        before_spending_pattern,
        before_avg_monthly_spend,
        after_preferred_channel,
        after_spending_pattern,
        after_avg_monthly_spend,
        count(*) as delivery_count,
        max(_changed_at) as _changed_at
    from source
    where {{ of_changed_batches }}
    group by
        batch_id,
        op,
        customer_id,
        datetime_updated,
        before_preferred_channel,
        before_spending_pattern,
        before_avg_monthly_spend,
        after_preferred_channel,
        after_spending_pattern,
        after_avg_monthly_spend

),

typed as (

    select
        *,
        {{ dbt.safe_cast('datetime_updated', dbt.type_timestamp()) }} as parsed_changed_at,
        {{ dbt.safe_cast('before_avg_monthly_spend', 'decimal(18, 2)') }}
            as parsed_before_avg_monthly_spend,
        {{ dbt.safe_cast('after_avg_monthly_spend', 'decimal(18, 2)') }}
            as parsed_after_avg_monthly_spend
    from deduplicated

),

renamed as (

    select
        -- ids
        {{ surrogate_key([
            'op', 'customer_id', 'datetime_updated',
            'before_preferred_channel', 'before_spending_pattern', 'before_avg_monthly_spend',
            'after_preferred_channel', 'after_spending_pattern', 'after_avg_monthly_spend',
        ]) }} as change_id,
        customer_id,
        batch_id,
        coalesce(batch_id, -1) as batch_group,

        -- strings
        op as change_operation,
        before_preferred_channel,
        before_spending_pattern,
        after_preferred_channel,
        after_spending_pattern,
        datetime_updated as raw_datetime_updated,
        after_avg_monthly_spend as raw_after_avg_monthly_spend,
        case
            when customer_id is null then 'null key'
            when op is null or op not in ('c', 'u', 'd', 'r') then 'unknown operation'
            when parsed_changed_at is null then 'unparsable sequence (datetime_updated)'
            when
                op != 'd'
                and after_avg_monthly_spend is not null
                and parsed_after_avg_monthly_spend is null
                then 'unparsable after_avg_monthly_spend'
            when
                before_avg_monthly_spend is not null
                and parsed_before_avg_monthly_spend is null
                then 'unparsable before_avg_monthly_spend'
        end as invalid_reason,

        -- numerics
        delivery_count,
        parsed_before_avg_monthly_spend as before_avg_monthly_spend,
        parsed_after_avg_monthly_spend as after_avg_monthly_spend,

        -- timestamps: the change sequence, and when the event was loaded (initial load:
        -- 1900-01-01; later events: when `fsi load` appended them to the change log)
        parsed_changed_at as changed_at,
        _changed_at,

        -- incremental bookkeeping: no batch is ever deleted
        false as _is_deleted,
        '{{ invocation_id }}' as _invocation_id

    from typed

)

{{ incremental_rows('renamed', 'batch_group') }}
