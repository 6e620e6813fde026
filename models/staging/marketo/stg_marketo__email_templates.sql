with

source as (

    -- depends_on: {{ ref('raw_marketo', 'email_template_history') }}
    select * from {{ source('marketo', 'email_template_history') }}

),

renamed as (

    select
        -- ids
        id as email_template_id,
        program_id,

        -- strings
        name as email_template_name,
        subject as email_subject,
        from_name,
        from_email,
        status as template_status,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at,

        -- the history keeps every approved version; the latest one describes the template
        row_number() over (
            partition by id
            order by updated_at desc, _fivetran_synced desc
        ) as version_recency

    from source

),

latest_version as (

    select * from renamed
    where version_recency = 1

)

select * from latest_version
