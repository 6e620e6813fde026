{#- The latest change of every opportunity in the change log, kept incrementally for
    stg_salesforce__opportunities (macros/changes/current_rows.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='id',
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('raw_salesforce', 'opportunity') }}
{{ latest_changes('salesforce', 'opportunity', key='id') }}
