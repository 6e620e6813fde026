{#- Every claim rule of seeds/reference/claim_rules.csv evaluated for every claim, then one row
    per claim with the flags, the failed rules that trigger an investigation, and the decision:
    release_funds when none failed, needs_investigation otherwise. Thresholds come from the
    rule table, never from literals here. Incremental by claim: see
    macros/changes/derived_incremental.sql. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='claim_no',
    on_schema_change='fail',
    post_hook=["{{ remove_tombstones() }}"],
) }}
{%- set fingerprint = reference_fingerprint(
    [ref('dim_policies'), ref('claim_rules'), ref('claim_severity_bands')],
    chained=[ref('int_claims_telematics_summarised')],
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

    select
        policy_key,
        effective_date,
        expiry_date,
        sum_insured
    from {{ ref('dim_policies') }}

),

telematics as (

    select
        claim_no,
        telematics_point_count,
        max_speed_kmh
    from {{ ref('int_claims_telematics_summarised') }}

),

rules as (

    select * from {{ ref('claim_rules') }}

),

bands as (

    select * from {{ ref('claim_severity_bands') }}

),

claim_facts as (

    select
        claims.claim_no,
        claims.incident_severity,
        claims.is_suspicious_activity,
        claims.total_claim_amount,
        claims.incident_date >= policies.effective_date
        and claims.incident_date <= policies.expiry_date as is_within_coverage,
        bands.severity_band as assessed_severity_band,
        policies.sum_insured,
        coalesce(telematics.telematics_point_count, 0) as telematics_point_count,
        telematics.max_speed_kmh,
        claims._change_op,
        claims._changed_at
    from claims
    inner join policies
        on claims.policy_key = policies.policy_key
    left join telematics
        on claims.claim_no = telematics.claim_no
    left join bands
        on
            claims.total_claim_amount >= bands.min_amount
            and (bands.max_amount is null or claims.total_claim_amount < bands.max_amount)

),

rule_results as (

    select
        claim_facts.claim_no,
        rules.rule_priority,
        rules.rule_code,
        rules.triggers_investigation,
        case rules.rule_code
            when 'coverage' then claim_facts.is_within_coverage
            when 'sum_insured'
                then
                    claim_facts.total_claim_amount
                    <= claim_facts.sum_insured * rules.threshold_value
            when 'severity'
                then coalesce(
                    claim_facts.incident_severity = claim_facts.assessed_severity_band, false
                )
            when 'speed'
                then coalesce(claim_facts.max_speed_kmh <= rules.threshold_value, true)
            when 'suspicious_activity' then not coalesce(claim_facts.is_suspicious_activity, false)
        end as is_passed,
        case
            when rules.rule_code = 'speed' and claim_facts.telematics_point_count = 0 then 'no data'
            when rules.rule_code = 'speed' and claim_facts.max_speed_kmh > rules.threshold_value
                then 'high'
            when rules.rule_code = 'speed' then 'normal'
        end as speed_assessment
    from claim_facts
    cross join rules

),

failed as (

    select
        claim_no,
        count(*) as failed_rule_count,
        {{ dbt.listagg('rule_code', "', '", 'order by rule_priority') }} as failed_rules
    from rule_results
    where not is_passed and triggers_investigation
    group by claim_no

),

flags as (

    select
        claim_no,
        {{ bool_for_rule('coverage') }} as is_within_coverage,
        {{ bool_for_rule('sum_insured') }} as is_within_sum_insured,
        {{ bool_for_rule('severity') }} as is_severity_consistent,
        {{ bool_for_rule('suspicious_activity') }} as has_no_suspicious_activity,
        max(speed_assessment) as speed_at_incident
    from rule_results
    group by claim_no

),

evaluated as (

    select
        claim_facts.claim_no,
        flags.is_within_coverage,
        flags.is_within_sum_insured,
        flags.is_severity_consistent,
        claim_facts.assessed_severity_band,
        flags.speed_at_incident,
        not flags.has_no_suspicious_activity as is_suspicious_activity,
        coalesce(failed.failed_rule_count, 0) as failed_rule_count,
        failed.failed_rules,
        case
            when failed.claim_no is null then 'release_funds'
            else 'needs_investigation'
        end as decision,
        claim_facts._change_op,
        claim_facts._changed_at,
        false as _is_deleted,
        '{{ invocation_id }}' as _invocation_id,
        {{ fingerprint }} as _reference_fingerprint
    from claim_facts
    inner join flags
        on claim_facts.claim_no = flags.claim_no
    left join failed
        on claim_facts.claim_no = failed.claim_no

),

{{ rows_and_tombstones('evaluated', 'claim_no') }}
