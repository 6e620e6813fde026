{#- One row per claim, everything an investigator needs: policy, customer, vehicle, the
    telematics around the incident, the rule flags, the decision and the failed rules.
    Incremental by claim: see macros/changes/derived_incremental.sql. On Spark parquet the
    table also holds its key bucket (_key_bucket), which the contract cannot declare for one
    engine only: the contract is enforced everywhere else. -#}
{{ config(
    materialized='incremental',
    contract={'enforced': not rewrites_key_buckets()},
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='claim_no',
    on_schema_change='fail',
    post_hook=["{{ remove_tombstones() }}"],
) }}
{%- set fingerprint = reference_fingerprint(
    [ref('dim_policies'), ref('dim_customers')],
    chained=[ref('int_claims_telematics_summarised'), ref('int_claims_rules_evaluated')],
) %}
-- the CTEs only incremental runs need are in if-blocks, which are no indent
-- sqlfluff:indentation:template_blocks_indent:false
with
{% if is_incremental() %}
changed_claims as (

    {{ keys_to_recompute(ref('fct_claims'), 'claim_no', fingerprint) }}

),
{% endif %}
claims as (

    select * from {{ ref('fct_claims') }}
    {%- if is_incremental() %}
    where claim_no in (select changed_claims.claim_no from changed_claims)
    {%- endif %}

),

policies as (

    select * from {{ ref('dim_policies') }}

),

customers as (

    select
        customer_key,
        first_name,
        last_name
    from {{ ref('dim_customers') }}

),

telematics as (

    select * from {{ ref('int_claims_telematics_summarised') }}

),

rules as (

    select * from {{ ref('int_claims_rules_evaluated') }}

),

investigated as (

    select
        claims.claim_no,
        claims.policy_no,
        claims.claim_status,
        policies.customer_id,
        case
            when customers.customer_key != {{ unknown_key() }}
                then {{ dbt.concat(['customers.first_name', "' '", 'customers.last_name']) }}
        end as customer_name,
        policies.line_of_business,
        policies.region,
        policies.effective_date,
        policies.expiry_date,
        policies.sum_insured,
        policies.vehicle_make,
        policies.vehicle_model,
        policies.vehicle_year,
        policies.chassis_no,
        claims.incident_date,
        claims.incident_hour,
        claims.claim_date,
        claims.days_incident_to_report,
        claims.incident_type,
        claims.incident_severity,
        rules.assessed_severity_band,
        claims.collision_type,
        claims.vehicles_involved,
        claims.witnesses,
        claims.driver_age,
        claims.total_claim_amount,
        claims.injury_claim_amount,
        claims.property_claim_amount,
        claims.vehicle_claim_amount,
        claims.paid_amount,
        claims.adjustment_expenses,
        cast(telematics.telematics_point_count as {{ dbt.type_bigint() }})
            as telematics_point_count,
        cast(telematics.max_speed_kmh as double) as max_speed_kmh,
        cast(round(telematics.avg_speed_kmh, 1) as double) as avg_speed_kmh,
        rules.is_within_coverage,
        rules.is_within_sum_insured,
        rules.is_severity_consistent,
        rules.speed_at_incident,
        rules.is_suspicious_activity,
        cast(rules.failed_rule_count as {{ dbt.type_bigint() }}) as failed_rule_count,
        rules.failed_rules,
        rules.decision,
        claims._change_op,
        claims._changed_at,
        false as _is_deleted,
        '{{ invocation_id }}' as _invocation_id,
        {{ fingerprint }} as _reference_fingerprint
    from claims
    inner join policies
        on claims.policy_key = policies.policy_key
    inner join customers
        on claims.customer_key = customers.customer_key
    left join telematics
        on claims.claim_no = telematics.claim_no
    inner join rules
        on claims.claim_no = rules.claim_no

),

{{ rows_and_tombstones('investigated', 'claim_no') }}
