{#- Valid motor policies (invalid ones are in quarantine) with their customer and region; an
    unknown-member row (`-1`) exists for completeness of the star schema. -#}
with

policies as (

    select * from {{ ref('stg_claims__policies') }}
    where invalid_reason is null

),

customers as (

    select
        customer_id,
        customer_key
    from {{ ref('dim_customers') }}
    where not is_unknown_member

),

known_policies as (

    select
        {{ surrogate_key(['policies.policy_no']) }} as policy_key,
        policies.policy_no,
        coalesce(customers.customer_key, {{ unknown_key() }}) as customer_key,
        policies.customer_id,
        policies.line_of_business,
        policies.borough as region,
        policies.zip_code,
        policies.premium,
        policies.sum_insured,
        policies.deductible,
        policies.vehicle_make,
        policies.vehicle_model,
        policies.vehicle_year,
        policies.chassis_no,
        policies.issue_date,
        policies.effective_date,
        policies.expiry_date,
        false as is_unknown_member
    from policies
    left join customers
        on policies.customer_id = customers.customer_id

),

unknown_member as (

    select
        {{ unknown_key() }} as policy_key,
        cast(null as {{ dbt.type_string() }}) as policy_no,
        {{ unknown_key() }} as customer_key,
        cast(null as {{ dbt.type_bigint() }}) as customer_id,
        'Unknown' as line_of_business,
        'Unknown' as region,
        cast(null as {{ dbt.type_string() }}) as zip_code,
        cast(null as decimal(18, 2)) as premium,
        cast(null as decimal(18, 2)) as sum_insured,
        cast(null as decimal(18, 2)) as deductible,
        cast(null as {{ dbt.type_string() }}) as vehicle_make,
        cast(null as {{ dbt.type_string() }}) as vehicle_model,
        cast(null as {{ dbt.type_int() }}) as vehicle_year,
        cast(null as {{ dbt.type_string() }}) as chassis_no,
        cast(null as date) as issue_date,
        cast(null as date) as effective_date,
        cast(null as date) as expiry_date,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_policies
    union all
    select * from unknown_member

),

final as (

    select
        policy_key,
        policy_no,
        customer_key,
        customer_id,
        line_of_business,
        region,
        zip_code,
        premium,
        sum_insured,
        deductible,
        vehicle_make,
        vehicle_model,
        vehicle_year,
        chassis_no,
        issue_date,
        effective_date,
        expiry_date,
        is_unknown_member
    from with_unknown_member

)

select * from final
