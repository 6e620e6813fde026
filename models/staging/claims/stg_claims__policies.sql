with

source as (

    -- depends_on: {{ ref('raw_claims', 'policies') }}
    select * from {{ source('claims', 'policies') }}

),

renamed as (

    select
        -- ids
        policy_no,
        customer_id,
        chassis_no,

        -- strings
        line_of_business,
        vehicle_make,
        vehicle_model,
        borough,
        zip_code,
        case
            when sum_insured is null or sum_insured <= 0 then 'sum_insured must be positive'
            when premium is null or premium <= 0 then 'premium must be positive'
            when expiry_date < effective_date then 'expiry before effective date'
        end as invalid_reason,

        -- numerics
        premium,
        sum_insured,
        deductible,
        vehicle_year,

        -- dates
        issue_date,
        effective_date,
        expiry_date

    from source
    where not coalesce(is_deleted, false)

)

select * from renamed
