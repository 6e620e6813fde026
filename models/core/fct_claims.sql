{#- One row per valid claim on a known, valid policy. Claims failing an expectation, or whose
    policy is unknown or quarantined, are in quarantine.quarantined_records instead; a claim
    that stops qualifying after a change is removed like a deleted one. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='claim_no',
    on_schema_change='fail',
    post_hook=["{{ record_incremental_changes() }}", "{{ remove_tombstones() }}"],
) }}

with

claims as (

    select * from {{ ref('stg_claims__claims') }}
    where {{ changed_since_last_run() }}

),

policies as (

    select
        policy_no,
        policy_key,
        customer_key
    from {{ ref('dim_policies') }}
    where not is_unknown_member

),

final as (

    select
        claims.claim_no,
        policies.policy_key,
        policies.customer_key,
        claims.policy_no,
        claims.incident_type,
        claims.incident_severity,
        claims.collision_type,
        claims.claim_status,
        claims.incident_hour,
        claims.vehicles_involved,
        claims.witnesses,
        claims.driver_age,
        claims.total_claim_amount,
        claims.injury_claim_amount,
        claims.property_claim_amount,
        claims.vehicle_claim_amount,
        claims.paid_amount,
        claims.adjustment_expenses,
        claims.is_suspicious_activity,
        claims.incident_date,
        claims.claim_date,
        claims.settlement_date,
        cast({{ dbt.date_trunc('month', 'claims.claim_date') }} as date) as claim_month,
        cast({{ dbt.date_trunc('month', 'claims.incident_date') }} as date) as accident_month,
        cast(
            {{ dbt.datediff('claims.incident_date', 'claims.claim_date', 'day') }}
            as {{ dbt.type_bigint() }}
        ) as days_incident_to_report,
        {{ incremental_change_columns(
            'claims',
            is_deleted='claims._is_deleted or claims.invalid_reason is not null'
            ~ ' or policies.policy_key is null',
        ) }}
    from claims
    left join policies
        on claims.policy_no = policies.policy_no

)

{{ incremental_rows('final', 'claim_no') }}
