with

source as (

    -- depends_on: {{ ref('raw_marketo', 'program') }}
    select * from {{ source('marketo', 'program') }}

),

renamed as (

    select
        -- ids
        id as program_id,

        -- strings
        name as program_name,
        type as program_type,
        channel as program_channel,
        status as program_status,
        workspace as workspace_name,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(_fivetran_deleted, false)

)

select * from renamed
