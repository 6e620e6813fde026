{#- The vehicle's telematics around each claim's incident: samples from window_minutes (the
    speed rule's parameter in seeds/reference/claim_rules.csv) before the incident hour starts
    to window_minutes after it ends. Claims without samples have a point count of 0. -#}
with

claims as (

    select
        claim_no,
        policy_key,
        incident_date,
        incident_hour
    from {{ ref('fct_claims') }}

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

final as (

    select
        incident_windows.claim_no,
        incident_windows.window_start_at,
        incident_windows.window_end_at,
        count(telematics.event_at) as telematics_point_count,
        max(telematics.speed_kmh) as max_speed_kmh,
        avg(telematics.speed_kmh) as avg_speed_kmh
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

)

select * from final
