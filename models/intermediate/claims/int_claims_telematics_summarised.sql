{#- The vehicle's telematics around each claim's incident: samples from window_minutes (the
    speed rule's parameter in seeds/reference/claim_rules.csv) before the incident hour starts
    to window_minutes after it ends. Claims without samples have a point count of 0.
    Incremental by claim: see macros/changes/derived_incremental.sql. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='claim_no',
    on_schema_change='fail',
    post_hook=["{{ remove_tombstones() }}"],
) }}
{%- set fingerprint = reference_fingerprint([
    ref('dim_policies'), ref('stg_claims__telematics'), ref('claim_rules'),
]) %}
-- the CTEs only incremental runs need are in if-blocks, which are no indent
-- sqlfluff:indentation:template_blocks_indent:false
with
{% if is_incremental() %}
changed_claims as (

    {{ keys_to_recompute(ref('fct_claims'), 'claim_no', fingerprint) }}

),
{% endif %}
claims as (

    select
        claim_no,
        policy_key,
        incident_date,
        incident_hour,
        _change_op,
        _changed_at
    from {{ ref('fct_claims') }}
    {%- if is_incremental() %}
    where claim_no in (select changed_claims.claim_no from changed_claims)
    {%- endif %}

),

policies as (

    select
        policy_key,
        chassis_no
    from {{ ref('dim_policies') }}

),

telematics as (

    select
        chassis_no,
        event_at,
        speed_kmh
    from {{ ref('stg_claims__telematics') }}

),

speed_rule as (

    select window_minutes
    from {{ ref('claim_rules') }}
    where rule_code = 'speed'

),

incident_windows as (

    select
        claims.claim_no,
        claims._change_op,
        claims._changed_at,
        policies.chassis_no,
        {{ dbt.dateadd(
            'minute',
            '-speed_rule.window_minutes',
            dbt.dateadd('hour', 'claims.incident_hour', 'cast(claims.incident_date as timestamp)'),
        ) }} as window_start_at,
        {{ dbt.dateadd(
            'minute',
            'speed_rule.window_minutes + 60',
            dbt.dateadd('hour', 'claims.incident_hour', 'cast(claims.incident_date as timestamp)'),
        ) }} as window_end_at
    from claims
    inner join policies
        on claims.policy_key = policies.policy_key
    cross join speed_rule

),

summarised as (

    select
        incident_windows.claim_no,
        incident_windows.window_start_at,
        incident_windows.window_end_at,
        count(telematics.event_at) as telematics_point_count,
        max(telematics.speed_kmh) as max_speed_kmh,
        avg(telematics.speed_kmh) as avg_speed_kmh,
        -- one claim per window: these are its own
        max(incident_windows._change_op) as _change_op,
        max(incident_windows._changed_at) as _changed_at,
        false as _is_deleted,
        '{{ invocation_id }}' as _invocation_id,
        {{ fingerprint }} as _reference_fingerprint
    from incident_windows
    left join telematics
        on
            incident_windows.chassis_no = telematics.chassis_no
            and telematics.event_at between incident_windows.window_start_at
            and incident_windows.window_end_at
    group by
        incident_windows.claim_no,
        incident_windows.window_start_at,
        incident_windows.window_end_at

),

{{ rows_and_tombstones('summarised', 'claim_no') }}
