{#- The current state of one raw table: its initial load (the seed) overlaid with the changes
    `fsi load` appended to <table>__changes. Per key the latest change wins: highest sequence,
    then delete > update > create, then the later load, batch and line. A key whose latest
    change is a delete is kept as a tombstone (_is_deleted) so incremental models can remove
    it; every other consumer filters tombstones out.

    Columns added to the raw table's: _change_op (r for the initial load, else c/u/d),
    _changed_at (when the winning change was loaded; 1900-01-01 for the initial load),
    _is_deleted, and the bookkeeping _change_seq, _batch_id, _change_line, _change_rank. -#}
{% macro current_rows(source_name, table_name, key) -%}
    select *
    from (
        select
            *,
            _change_op = 'd' as _is_deleted,
            row_number() over (
                partition by {{ key }}
                order by
                    _change_seq desc,
                    case _change_op when 'd' then 3 when 'u' then 2 when 'c' then 1 else 0 end desc,
                    _changed_at desc,
                    _batch_id desc,
                    _change_line desc
            ) as _change_rank
        from ({{ all_changes(source_name, table_name) }}) as all_changes
    ) as ranked
    where _change_rank = 1
{%- endmacro %}


{#- Every row of the initial load (as _change_op r, _change_seq 0) and every change of the
    change log, with the raw table's columns and _change_op, _change_seq, _batch_id,
    _change_line, _changed_at. -#}
{% macro all_changes(source_name, table_name) -%}
    {%- set initial = source(source_name, table_name) -%}
    {%- set changes_exist = false -%}
    {%- if model.resource_type != 'unit_test' -%}
        {#- a unit test gives only the raw table as input: the change log plays no part -#}
        {%- set changes = source(source_name, table_name ~ '__changes') -%}
        {%- if execute -%}
            {%- set changes_exist = adapter.get_relation(
                database=changes.database, schema=changes.schema, identifier=changes.identifier
            ) is not none -%}
        {%- endif -%}
    {%- endif -%}
    select
        *,
        'r' as _change_op,
        cast(0 as {{ dbt.type_bigint() }}) as _change_seq,
        cast(0 as {{ dbt.type_bigint() }}) as _batch_id,
        cast(0 as {{ dbt.type_bigint() }}) as _change_line,
        {{ initial_load_time() }} as _changed_at
    from {{ initial }}
    {%- if changes_exist %}

    union all

    select
        {%- for column in adapter.get_columns_in_relation(initial) %}
        {{ column.name }},
        {%- endfor %}
        _op,
        _seq,
        _batch_id,
        _line,
        _loaded_at
    from {{ changes }}
    {%- endif %}
{%- endmacro %}


{#- The _changed_at of rows from the initial load: before any change can be loaded. -#}
{% macro initial_load_time() -%}
    cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}
