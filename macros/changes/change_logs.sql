{#- Tables the landing loader (fsi load) and the incremental models write; created here so
    every run, and the loader after it, finds them. Nothing in them is derived: the change logs
    are the raw history of what arrived, the ledger says which landing files were ingested. -#}

{#- on-run-start: the landing ledger, rows the loader rejected, the incremental audit, and the
    delta builds that succeeded (what they had seen, in all and per change log as JSON, so a
    build with nothing new can be skipped and one with new rows in a few logs builds what they
    feed; orchestration/delta_state.py).
    It also drops landing.replaced_customers, a log earlier versions kept for an incremental spend
    aggregate. -#}
{% macro create_landing_tables() %}
    {%- set statements = [
        "create schema if not exists landing",
        "create table if not exists landing.ingested_files (
            file_path " ~ dbt.type_string() ~ ",
            file_sha256 " ~ dbt.type_string() ~ ",
            source_name " ~ dbt.type_string() ~ ",
            table_name " ~ dbt.type_string() ~ ",
            batch_id " ~ dbt.type_bigint() ~ ",
            status " ~ dbt.type_string() ~ ",
            rows_loaded " ~ dbt.type_bigint() ~ ",
            rows_rejected " ~ dbt.type_bigint() ~ ",
            reason " ~ dbt.type_string() ~ ",
            ingested_at " ~ dbt.type_timestamp() ~ "
        )",
        "create table if not exists landing.rejected_records (
            source_name " ~ dbt.type_string() ~ ",
            table_name " ~ dbt.type_string() ~ ",
            batch_id " ~ dbt.type_bigint() ~ ",
            file_path " ~ dbt.type_string() ~ ",
            line_number " ~ dbt.type_bigint() ~ ",
            record_key " ~ dbt.type_string() ~ ",
            reason " ~ dbt.type_string() ~ ",
            record " ~ dbt.type_string() ~ ",
            rejected_at " ~ dbt.type_timestamp() ~ "
        )",
        "create table if not exists landing.incremental_runs (
            model_name " ~ dbt.type_string() ~ ",
            invocation_id " ~ dbt.type_string() ~ ",
            rows_inserted " ~ dbt.type_bigint() ~ ",
            rows_updated " ~ dbt.type_bigint() ~ ",
            rows_deleted " ~ dbt.type_bigint() ~ ",
            recorded_at " ~ dbt.type_timestamp() ~ "
        )",
        "create table if not exists landing.delta_builds (
            invocation_id " ~ dbt.type_string() ~ ",
            project_fingerprint " ~ dbt.type_string() ~ ",
            changes_loaded " ~ dbt.type_bigint() ~ ",
            changes_loaded_through " ~ dbt.type_timestamp() ~ ",
            finished_at " ~ dbt.type_timestamp() ~ ",
            changes_by_log " ~ dbt.type_string() ~ "
        )",
        "drop table if exists landing.replaced_customers",
    ] -%}
    {%- if execute -%}
        {%- for statement in statements -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{#- on-run-end: an empty <table>__changes next to every raw table that has one declared as a
    source (tag change_log), with the raw table's columns plus the change columns. -#}
{% macro create_change_logs() %}
    {%- if execute -%}
        {%- for node in graph.sources.values() if 'change_log' in node.tags -%}
            {%- set initial = adapter.get_relation(
                database=node.database, schema=node.schema,
                identifier=node.name | replace('__changes', '')
            ) -%}
            {%- set existing = adapter.get_relation(
                database=node.database, schema=node.schema, identifier=node.name
            ) -%}
            {%- if initial is not none and existing is none -%}
                {%- do run_query(
                    "create table " ~ initial.incorporate(path={'identifier': node.name}) ~ " as select *, "
                    ~ "cast(null as " ~ dbt.type_string() ~ ") as _op, "
                    ~ "cast(null as " ~ dbt.type_bigint() ~ ") as _seq, "
                    ~ "cast(null as " ~ dbt.type_bigint() ~ ") as _batch_id, "
                    ~ "cast(null as " ~ dbt.type_bigint() ~ ") as _line, "
                    ~ "cast(null as " ~ dbt.type_timestamp() ~ ") as _loaded_at "
                    ~ "from " ~ initial ~ " where 1 = 0"
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
