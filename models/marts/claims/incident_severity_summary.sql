{#- Claim counts and amounts three ways, one breakdown per row set: by incident type x
    reported severity, by hour of day, and by driver age band (bands in
    seeds/reference/driver_age_bands.csv). Columns a breakdown does not use are null. -#}
with

claims as (

    select * from {{ ref('fct_claims') }}

),

age_bands as (

    select * from {{ ref('driver_age_bands') }}

),

banded as (

    select
        claims.claim_no,
        claims.incident_type,
        claims.incident_severity,
        claims.incident_hour,
        claims.total_claim_amount,
        coalesce(age_bands.age_band, 'unknown') as driver_age_band
    from claims
    left join age_bands
        on
            claims.driver_age >= age_bands.min_age
            and (age_bands.max_age is null or claims.driver_age <= age_bands.max_age)

),

by_type_and_severity as (

    select
        'incident_type_and_severity' as breakdown,
        incident_type,
        incident_severity,
        cast(null as {{ dbt.type_int() }}) as incident_hour,
        cast(null as {{ dbt.type_string() }}) as driver_age_band,
        count(*) as claim_count,
        sum(total_claim_amount) as total_claim_amount
    from banded
    group by incident_type, incident_severity

),

by_hour as (

    select
        'hour_of_day' as breakdown,
        cast(null as {{ dbt.type_string() }}) as incident_type,
        cast(null as {{ dbt.type_string() }}) as incident_severity,
        incident_hour,
        cast(null as {{ dbt.type_string() }}) as driver_age_band,
        count(*) as claim_count,
        sum(total_claim_amount) as total_claim_amount
    from banded
    group by incident_hour

),

by_age_band as (

    select
        'driver_age_band' as breakdown,
        cast(null as {{ dbt.type_string() }}) as incident_type,
        cast(null as {{ dbt.type_string() }}) as incident_severity,
        cast(null as {{ dbt.type_int() }}) as incident_hour,
        driver_age_band,
        count(*) as claim_count,
        sum(total_claim_amount) as total_claim_amount
    from banded
    group by driver_age_band

),

unioned as (

    select * from by_type_and_severity
    union all
    select * from by_hour
    union all
    select * from by_age_band

),

final as (

    select
        breakdown,
        incident_type,
        incident_severity,
        incident_hour,
        driver_age_band,
        cast(claim_count as {{ dbt.type_bigint() }}) as claim_count,
        cast(total_claim_amount as decimal(18, 2)) as total_claim_amount,
        cast(total_claim_amount / nullif(claim_count, 0) as decimal(18, 2))
            as average_claim_amount
    from unioned

)

select * from final
