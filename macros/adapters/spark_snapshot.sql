{#- Snapshots on Spark. dbt-spark's snapshot materialization (copied below from dbt-spark
    1.11, macros/materializations/snapshot.sql) refuses plain parquet, which cannot merge.
    This copy differs in two places only: no file-format check, and on parquet the new
    versions are applied by rewriting the table (snapshot_rewrite_sql) instead of a merge.
    On delta, iceberg and hudi it merges exactly as dbt-spark does. -#}

{#- The snapshot table after applying the staged changes, the same outcome as dbt's merge:
    current versions whose key was updated or deleted get dbt_valid_to, new versions are
    appended. Written to <snapshot>__dbt_rewrite first (Spark cannot overwrite a table it
    reads), then copied over the snapshot; post_snapshot drops it. -#}
{% macro snapshot_rewrite_sql(target, staging) -%}
    {%- set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() -%}
    {%- set rewrite = snapshot_rewrite_relation(target) -%}
    {%- set target_columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    {%- do run_query("drop table if exists " ~ rewrite) -%}
    {%- set rewritten -%}
        create table {{ rewrite }} using parquet as
        select
            {%- for column in target_columns %}
            {%- if column == columns.dbt_valid_to %}
            case
                when closing.{{ columns.dbt_scd_id }} is not null then closing.{{ columns.dbt_valid_to }}
                else existing.{{ column }}
            end as {{ column }}
            {%- else %}
            existing.{{ column }}
            {%- endif %}
            {%- if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ target }} as existing
        left join (
            select * from {{ staging }} where dbt_change_type in ('update', 'delete')
        ) as closing
            on closing.{{ columns.dbt_scd_id }} = existing.{{ columns.dbt_scd_id }}
            and existing.{{ columns.dbt_valid_to }} is null

        union all

        select {{ target_columns | join(', ') }}
        from {{ staging }}
        where dbt_change_type = 'insert'
    {%- endset -%}
    {%- do run_query(rewritten) -%}
    insert overwrite table {{ target }} select * from {{ rewrite }}
{%- endmacro %}


{% macro snapshot_rewrite_relation(target) -%}
    {{- return(target.incorporate(path={'identifier': target.identifier ~ '__dbt_rewrite'})) -}}
{%- endmacro %}


{% macro spark__post_snapshot(staging_relation) %}
    {% do adapter.drop_relation(staging_relation) %}
    {% do run_query("drop table if exists " ~ snapshot_rewrite_relation(this)) %}
{% endmacro %}


{% materialization snapshot, adapter='spark' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}

  {%- set strategy_name = config.get('strategy') -%}
  {%- set unique_key = config.get('unique_key') %}
  {%- set file_format = config.get('file_format') or 'parquet' -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}

      {{ adapter.valid_snapshot_target(target_relation, columns) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

      -- this may no-op if the database does not require column expansion
      {% do adapter.expand_target_column_types(from_relation=staging_table,
                                               to_relation=target_relation) %}

      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% do create_columns(target_relation, missing_columns) %}

      {% set source_columns = adapter.get_columns_in_relation(staging_table)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% set quoted_source_columns = [] %}
      {% for column in source_columns %}
        {% do quoted_source_columns.append(adapter.quote(column.name)) %}
      {% endfor %}

      {% if file_format in ['delta', 'iceberg', 'hudi'] %}
      {% set final_sql = snapshot_merge_sql(
            target = target_relation,
            source = staging_table,
            insert_cols = quoted_source_columns
         )
      %}
      {% else %}
      {% set final_sql = snapshot_rewrite_sql(target_relation, staging_table) %}
      {% endif %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
