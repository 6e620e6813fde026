with

source as (

    -- depends_on: {{ ref('raw_claims', 'premiums') }}
    select * from {{ source('claims', 'premiums') }}

),

renamed as (

    select
        -- ids
        policy_no,

        -- numerics
        earned_premium,

        -- dates
        premium_month

    from source

)

select * from renamed
