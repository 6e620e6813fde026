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

policies as (

    select
        policy_no,
        invalid_reason,
        premium,
        sum_insured
    from {{ ref('stg_claims__policies') }}

),

valid_policies as (

    select policy_no
    from {{ ref('dim_policies') }}
    where not is_unknown_member

),

claims as (

    select
        claims.claim_no,
        claims.policy_no,
        claims.total_claim_amount,
        claims.incident_hour,
        claims.driver_age,
        coalesce(
            claims.invalid_reason,
            case
                when policies.policy_no is null then 'unknown policy'
                when valid_policies.policy_no is null then 'policy is quarantined'
            end
        ) as invalid_reason
    from {{ ref('stg_claims__claims') }} as claims
    left join policies
        on claims.policy_no = policies.policy_no
    left join valid_policies
        on claims.policy_no = valid_policies.policy_no
    where not claims._is_deleted

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

    union all

    select
        'claims' as source_name,
        'policies' as source_table,
        policy_no as record_key,
        cast(null as {{ dbt.type_int() }}) as batch_id,
        invalid_reason as reason,
        {{ dbt.concat([
            "'premium='", "coalesce(cast(premium as " ~ dbt.type_string() ~ "), 'null')",
            "', sum_insured='", "coalesce(cast(sum_insured as " ~ dbt.type_string() ~ "), 'null')",
        ]) }} as record_summary,
        1 as delivery_count
    from policies
    where invalid_reason is not null

    union all

    select
        'claims' as source_name,
        'claims' as source_table,
        claim_no as record_key,
        cast(null as {{ dbt.type_int() }}) as batch_id,
        invalid_reason as reason,
        {{ dbt.concat([
            "'policy_no='", "coalesce(policy_no, 'null')",
            "', total_claim_amount='",
            "coalesce(cast(total_claim_amount as " ~ dbt.type_string() ~ "), 'null')",
            "', incident_hour='", "coalesce(cast(incident_hour as " ~ dbt.type_string() ~ "), 'null')",
            "', driver_age='", "coalesce(cast(driver_age as " ~ dbt.type_string() ~ "), 'null')",
        ]) }} as record_summary,
        1 as delivery_count
    from claims
    where invalid_reason is not null

    union all

    -- records of landing files the loader could not apply (see landing.rejected_records)
    select
        source_name,
        source_table,
        record_key,
        cast(batch_id as {{ dbt.type_int() }}) as batch_id,
        reason,
        record as record_summary,
        1 as delivery_count
    from {{ ref('stg_landing__rejected_records') }}

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
        cast(sum(delivery_count) as {{ dbt.type_bigint() }}) as occurrences
    from rejected
    group by source_name, source_table, record_key, batch_id, reason, record_summary

)

select * from final
