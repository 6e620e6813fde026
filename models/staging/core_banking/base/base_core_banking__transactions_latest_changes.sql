{#- The latest change of every transaction in the change log, kept incrementally for
    stg_core_banking__transactions (macros/changes/current_rows.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy(),
    partition_by=incremental_partition_by(),
    unique_key='transaction_id',
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('raw_core_banking', 'transactions') }}
{{ latest_changes('core_banking', 'transactions', key='transaction_id') }}
