with

source as (

    -- depends_on: {{ ref('raw_salesforce', 'opportunity') }}
    {{ current_rows('salesforce', 'opportunity', key='id') }}

),

renamed as (

    select
        -- ids
        id as opportunity_id,
        account_id,
        owner_id as owner_user_id,

        -- strings
        name as opportunity_name,
        type as opportunity_type,
        stage_name,
        forecast_category,
        lead_source,

        -- numerics
        amount,
        -- Salesforce stores probability as a percentage (0-100), not a fraction.
        probability as probability_pct,

        -- booleans
        is_closed,
        is_won,

        -- dates
        close_date,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at

    from source
    where not coalesce(is_deleted, false) and not _is_deleted

)

select * from renamed
