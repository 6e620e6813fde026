{#- The latest change of every send in the change log, kept incrementally for
    stg_marketo__email_sends (macros/changes/current_rows.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='id',
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('raw_marketo', 'activity_send_email') }}
{{ latest_changes('marketo', 'activity_send_email', key='id') }}
