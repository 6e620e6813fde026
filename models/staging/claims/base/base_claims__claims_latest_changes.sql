{#- The latest change of every claim in the change log, kept incrementally for
    stg_claims__claims (macros/changes/current_rows.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='claim_no',
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('raw_claims', 'claims') }}
{{ latest_changes('claims', 'claims', key='claim_no') }}
