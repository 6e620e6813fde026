{#- Helpers shared by the incremental models. Each such model keeps the change columns of
    staging (_change_op, _changed_at, _is_deleted) and stamps rows with the invocation that
    wrote them; its config is

        materialized='incremental', unique_key=<key>,
        incremental_strategy=incremental_strategy(), partition_by=incremental_partition_by(),
        post_hook=["{{ record_incremental_changes() }}", "{{ remove_tombstones() }}"]

    and ends with {{ incremental_rows('final', <key>) }}. How keys are replaced depends on the adapter
    and table format: see macros/adapters/incremental_strategy.sql.

    An incremental run takes every key whose winning change was loaded after the newest change
    already in the model (minus var reprocess_days, which the nightly reconciliation sets to 2),
    deletes those keys and inserts their current rows; tombstones are then recorded and removed.
    Reprocessing a key is harmless, so a rerun after a crash repairs the model. -#}

{% macro changed_since_last_run(changed_at='_changed_at') -%}
    {%- if is_incremental() -%}
        {%- do require_change_columns() -%}
        {{ changed_at }} > (select {{ last_run_watermark() }} from {{ this }})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- An incremental run needs the model's _changed_at. A table built before the model became
    incremental has none, and the watermark query would then read the column of the query
    around it: stop with what to do instead. -#}
{% macro require_change_columns() -%}
    {%- if execute -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if '_changed_at' not in columns -%}
            {%- do exceptions.raise_compiler_error(
                this ~ " has no _changed_at column: it was built before "
                ~ this.identifier ~ " became incremental. Rebuild it once with "
                ~ "`fsi build --full-refresh --select " ~ this.identifier
                ~ "` (the nightly full build does it too)."
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Over the model being built: the newest _changed_at it holds (the initial load's time when it
    is empty), less the var reprocess_days. Changes loaded after it are new to the model. -#}
{% macro last_run_watermark() -%}
    {{ dbt.dateadd(
        'day',
        -1 * (var('reprocess_days', 0) | int),
        'coalesce(max(_changed_at), ' ~ initial_load_time() ~ ')'
    ) }}
{%- endmacro %}


{#- Columns every incremental model ends with. -#}
{% macro incremental_change_columns(relation_alias, is_deleted=none) -%}
    {{ relation_alias }}._change_op,
    {{ relation_alias }}._changed_at,
    {{ is_deleted or relation_alias ~ '._is_deleted' }} as _is_deleted,
    '{{ invocation_id }}' as _invocation_id
{%- endmacro %}


{#- post-hook: what this invocation did to the model, for the run metadata in Dagster and the
    build summary of the CLI. Inserted means the winning change was a create (or the initial
    load), updated an update, deleted a delete (or a row that no longer qualifies). Counted
    before remove_tombstones, the next post-hook, deletes the tombstones. -#}
{% macro record_incremental_changes() -%}
    {%- if is_incremental() -%}
        {{ adapter.dispatch('record_incremental_changes', 'fsi_analytics')() }}
    {%- endif -%}
{%- endmacro %}

{% macro incremental_changes_row() -%}
    select
        '{{ this.identifier }}' as model_name,
        '{{ invocation_id }}' as invocation_id,
        {{ count_where("not _is_deleted and _change_op in ('c', 'r')") }} as rows_inserted,
        {{ count_where("not _is_deleted and _change_op = 'u'") }} as rows_updated,
        {{ count_where('_is_deleted') }} as rows_deleted,
        {{ dbt.current_timestamp() }} as recorded_at
    from {{ this }}
    where _invocation_id = '{{ invocation_id }}'
{%- endmacro %}

{% macro default__record_incremental_changes() -%}
    insert into landing.incremental_runs
    {{ incremental_changes_row() }}
{%- endmacro %}

{#- Spark's file tables take one writer at a time: two inserts into one table at once share
    its _temporary directory, and the first to commit deletes the other's files (SPARK-24238).
    Each model's row goes into a table of its own, and collect_incremental_changes (on-run-end)
    moves them all into landing.incremental_runs in one insert. -#}
{% macro spark__record_incremental_changes() -%}
    {%- set table = 'landing.incremental_changes__' ~ this.identifier -%}
    {%- do run_query('drop table if exists ' ~ table) -%}
    create table {{ table }} using parquet as
    {{ incremental_changes_row() }}
{%- endmacro %}

{#- on-run-end: on Spark, every model's row (above) into landing.incremental_runs in one insert,
    rows a run cut short left behind included; nothing to do on DuckDB. -#}
{% macro collect_incremental_changes() -%}
    {{- adapter.dispatch('collect_incremental_changes', 'fsi_analytics')() -}}
{%- endmacro %}

{% macro default__collect_incremental_changes() -%}
{%- endmacro %}

{% macro spark__collect_incremental_changes() -%}
    {%- if execute -%}
        {%- set found = run_query("show tables in landing like 'incremental_changes__*'") -%}
        {%- set tables = [] -%}
        {%- for row in found if not row['isTemporary'] -%}
            {%- do tables.append('landing.' ~ row['tableName']) -%}
        {%- endfor -%}
        {%- if tables -%}
            {%- set selects = [] -%}
            {%- for table in tables -%}
                {%- do selects.append('select * from ' ~ table) -%}
            {%- endfor -%}
            {%- do run_query('insert into landing.incremental_runs ' ~ selects | join(' union all ')) -%}
            {%- for table in tables -%}
                {%- do run_query('drop table if exists ' ~ table) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
