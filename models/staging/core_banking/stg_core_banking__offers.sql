with

source as (

    -- depends_on: {{ ref('raw_core_banking', 'offers') }}
    select * from {{ source('core_banking', 'offers') }}

),

renamed as (

    select
        -- ids
        offer_id,

        -- strings
        offer_name,
        offer_url

    from source

)

select * from renamed
