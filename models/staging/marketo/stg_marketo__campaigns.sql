with

source as (

    -- depends_on: {{ ref('raw_marketo', 'campaign') }}
    select * from {{ source('marketo', 'campaign') }}

),

renamed as (

    select
        -- ids
        id as campaign_id,
        program_id,

        -- strings
        name as campaign_name,
        type as campaign_type,
        description as campaign_description,
        workspace_name,

        -- booleans
        is_active,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
