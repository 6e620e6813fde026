with

campaigns as (

    select * from {{ ref('stg_marketo__campaigns') }}

),

programs as (

    select * from {{ ref('stg_marketo__programs') }}

),

known_campaigns as (

    select
        {{ surrogate_key(['campaigns.campaign_id']) }} as campaign_key,
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.is_active,
        campaigns.program_id,
        coalesce(programs.program_name, 'Unknown program') as program_name,
        programs.program_type,
        programs.program_channel,
        campaigns.created_at,
        false as is_unknown_member
    from campaigns
    left join programs
        on campaigns.program_id = programs.program_id

),

unknown_member as (

    select
        {{ unknown_key() }} as campaign_key,
        cast(null as {{ dbt.type_bigint() }}) as campaign_id,
        'Unknown campaign' as campaign_name,
        cast(null as {{ dbt.type_string() }}) as campaign_type,
        cast(null as boolean) as is_active,
        cast(null as {{ dbt.type_bigint() }}) as program_id,
        'Unknown program' as program_name,
        cast(null as {{ dbt.type_string() }}) as program_type,
        cast(null as {{ dbt.type_string() }}) as program_channel,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_campaigns
    union all
    select * from unknown_member

),

final as (

    select
        campaign_key,
        campaign_id,
        campaign_name,
        campaign_type,
        is_active,
        program_id,
        program_name,
        program_type,
        program_channel,
        created_at,
        is_unknown_member
    from with_unknown_member

)

select * from final
