{#- Records of landing files that `fsi load` could not apply, with the reason. -#}
with

source as (

    select * from {{ source('landing', 'rejected_records') }}

),

renamed as (

    select
        -- ids
        source_name,
        table_name as source_table,
        record_key,
        batch_id,
        line_number,

        -- strings
        file_path,
        reason,
        record,

        -- timestamps
        rejected_at

    from source

)

select * from renamed
