with

source as (

    -- depends_on: {{ ref('raw_claims', 'telematics') }}
    select * from {{ source('claims', 'telematics') }}

),

renamed as (

    select
        -- ids
        chassis_no,

        -- numerics
        latitude,
        longitude,
        speed_kmh,

        -- timestamps
        event_at

    from source

)

select * from renamed
