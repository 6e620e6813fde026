{#- Claims typed and checked against the expectations a claim must meet to be analysed; rows
    that fail get invalid_reason (the first rule they break) and go to quarantine. Whether the
    policy exists is checked in core, where policies are known. -#}
with

source as (

    -- depends_on: {{ ref('raw_claims', 'claims') }}
    {{ current_rows('claims', 'claims', key='claim_no') }}

),

renamed as (

    select
        -- ids
        claim_no,
        policy_no,

        -- strings
        incident_type,
        incident_severity,
        collision_type,
        claim_status,
        case
            when total_claim_amount is null or total_claim_amount <= 0
                then 'claim amount must be positive'
            when
                injury_claim_amount < 0
                or property_claim_amount < 0
                or vehicle_claim_amount < 0
                or paid_amount < 0
                or adjustment_expenses < 0
                then 'amounts must not be negative'
            when incident_hour is null or incident_hour not between 0 and 23
                then 'incident_hour must be between 0 and 23'
            when driver_age is null or driver_age < 16 then 'driver_age must be at least 16'
            when incident_date is null or claim_date is null
                then 'incident and claim dates required'
        end as invalid_reason,

        -- numerics
        incident_hour,
        vehicles_involved,
        witnesses,
        driver_age,
        total_claim_amount,
        injury_claim_amount,
        property_claim_amount,
        vehicle_claim_amount,
        paid_amount,
        adjustment_expenses,

        -- booleans
        suspicious_activity as is_suspicious_activity,

        -- dates
        incident_date,
        claim_date,
        settlement_date,

        -- changes: the latest change per key (deleted keys kept as tombstones)
        _change_op,
        _changed_at,
        _is_deleted

    from source

)

select * from renamed
