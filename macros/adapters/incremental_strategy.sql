{#- How the incremental models (macros/changes/incremental.sql) replace the rows of the keys
    a run changed, per adapter and table format.

    - DuckDB: delete+insert on the unique key, then a post-hook deletes the tombstones.
    - Spark on a table format that can update rows (delta, iceberg, hudi; Databricks):
      merge on the unique key, then the same post-hook delete.
    - Spark on plain parquet (local Spark, a cluster without a table format): parquet files
      cannot be updated, so the table is partitioned by a bucket of its key (_key_bucket,
      var spark_key_buckets, default 16) and a run rewrites the buckets that hold a changed
      key (insert_overwrite, dynamic partition overwrite): their unchanged rows, read back
      from the table, plus the changed rows. A key always falls in the same bucket, so its
      old version is replaced. Tombstones are removed the same way. -#}

{#- The file format of Spark tables: FSI_SPARK_FILE_FORMAT (parquet by default; delta on
    Databricks). dbt_project.yml passes it to every model and seed. -#}
{% macro spark_file_format() -%}
    {{- return(env_var('FSI_SPARK_FILE_FORMAT', 'parquet')) -}}
{%- endmacro %}


{#- True when the incremental models rewrite key buckets instead of updating rows. -#}
{% macro rewrites_key_buckets() -%}
    {{- return(target.type == 'spark' and spark_file_format() not in ['delta', 'iceberg', 'hudi']) -}}
{%- endmacro %}


{% macro incremental_strategy() -%}
    {{- return(adapter.dispatch('incremental_strategy', 'fsi_analytics')()) -}}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{- return('delete+insert') -}}
{%- endmacro %}

{% macro spark__incremental_strategy() -%}
    {{- return('insert_overwrite' if rewrites_key_buckets() else 'merge') -}}
{%- endmacro %}


{#- partition_by of an incremental model: the key bucket where buckets are rewritten. -#}
{% macro incremental_partition_by() -%}
    {{- return('_key_bucket' if rewrites_key_buckets() else none) -}}
{%- endmacro %}


{#- The select that ends an incremental model: the rows of `cte`, which holds the current
    rows of the changed keys (all keys in a full build); `key` is the model's unique_key
    (given here because unit tests do not see the model's config).
    A full build leaves deleted keys out. An incremental run writes them as tombstones, which
    delete the key's old row and which the post-hook remove_tombstones then deletes; a full
    build has no old rows, and deleting rows from a table created in the same transaction
    makes DuckDB rewrite the whole table when it commits (7 s of 8 for 10 million
    transactions). With keep_tombstones (the tables of latest changes, where a delete is a
    row that hides the key's initial-load row) deleted keys stay in every build. -#}
{% macro incremental_rows(cte, key, keep_tombstones=false) -%}
select
    *
    {%- if rewrites_key_buckets() %},
    {{ key_bucket(key) }} as _key_bucket
    {%- endif %}
from {{ cte }}
    {%- if not is_incremental() and not keep_tombstones %}
where not coalesce(_is_deleted, false)
    {%- elif is_incremental() and rewrites_key_buckets() %}

union all

-- the unchanged rows of the buckets this run rewrites
select existing.*
from {{ this }} as existing
where
    existing._key_bucket in (select {{ key_bucket(key) }} from {{ cte }})
    and not exists (select 1 from {{ cte }} as changed where changed.{{ key }} = existing.{{ key }})
    {%- endif %}
{%- endmacro %}


{% macro key_bucket(key) -%}
    pmod(xxhash64({{ key }}), {{ var('spark_key_buckets', 16) }})
{%- endmacro %}


{#- post-hook: drop the tombstones an incremental run wrote for deleted keys (a full build
    writes none). -#}
{% macro remove_tombstones() -%}
    {%- if not is_incremental() -%}
    {%- elif not rewrites_key_buckets() -%}
    delete from {{ this }} where _is_deleted
    {%- else -%}
    {#- a bucket holding nothing but tombstones is dropped: overwriting it with no rows
        would leave it as it is -#}
    {%- if execute -%}
        {%- set emptied = run_query(
            "select _key_bucket from " ~ this ~ " group by _key_bucket"
            ~ " having min(case when _is_deleted then 1 else 0 end) = 1"
        ) -%}
        {%- for row in emptied.rows -%}
            {%- do run_query(
                "alter table " ~ this ~ " drop if exists partition (_key_bucket = " ~ row[0] ~ ")"
            ) -%}
        {%- endfor -%}
    {%- endif %}
    insert overwrite table {{ this }} partition (_key_bucket)
    select * from {{ this }}
    where
        not _is_deleted
        and _key_bucket in (select _key_bucket from {{ this }} where _is_deleted)
    {%- endif -%}
{%- endmacro %}
